/**
 * Reads a history file line by line (never the whole text at once) into the compact in-memory form,
 * the Op array. Format detection and validation are the pure parser's (checkers/history/parse.ts).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { HistoryError } from '../../checkers/history/errors.js';
import { HistoryParser, type ParsedHistory, type ParseOptions } from '../../checkers/history/parse.js';

export interface ReadOptions extends ParseOptions {
  /** Name used in error messages; default: the file's base name (as in `history.jsonl:17: ...`). */
  displayName?: string;
}

export async function readHistoryFile(path: string, opts: ReadOptions = {}): Promise<ParsedHistory> {
  const name = opts.displayName ?? basename(path);
  const parser = new HistoryParser(name, opts);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  // readline rejects on stream errors (ENOENT, EISDIR) through the async iterator.
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) parser.pushLine(line);
  } catch (e) {
    if (e instanceof HistoryError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new HistoryError(name, 0, err.code === 'ENOENT' ? 'no such file' : err.message);
  } finally {
    lines.close();
    stream.destroy();
  }
  return parser.finish();
}

export interface RunInput {
  historyPath: string;
  /** Parsed scenario.json of a run directory, if there is one. */
  scenario?: unknown;
}

/** A run directory means `<dir>/history.jsonl` (and `scenario.json` if present); a file is itself. */
export async function resolveHistoryInput(path: string): Promise<RunInput> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch {
    throw new HistoryError(path, 0, 'no such file or directory');
  }
  if (!st.isDirectory()) return { historyPath: path };
  const historyPath = join(path, 'history.jsonl');
  const out: RunInput = { historyPath };
  try {
    out.scenario = JSON.parse(await readFile(join(path, 'scenario.json'), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new HistoryError('scenario.json', 0, `unreadable: ${(e as Error).message}`);
  }
  return out;
}
