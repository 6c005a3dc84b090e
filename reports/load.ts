/**
 * Loading a stored run (store/<scenario>/<ts>/) for reports and the gate. Nothing here trusts the
 * directory to be complete: a run that crashed may lack results.json or even history.jsonl, and is
 * then a `crashed` run, never a passed one.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { HistoryParser } from '../checkers/history/parse.js';
import type { History } from '../checkers/history/types.js';
import { type ResultsFile, type ScenarioInfo, type Verdict, verdictOf } from './types.js';

export interface LoadedRun {
  dir: string;
  /** Scenario name: scenario.json's, else the parent directory's. */
  name: string;
  /** The run's timestamp directory name (store/<scenario>/<ts>). */
  ts: string;
  scenario: ScenarioInfo | null;
  results: ResultsFile | null;
  /** error.txt (the harness writes it when the run itself failed), or why results.json is unusable. */
  error: string | null;
  verdict: Verdict;
  history: History | null;
  historyWarnings: string[];
}

function readJsonIfAny<T>(path: string): { value: T | null; error: string | null } {
  if (!existsSync(path)) return { value: null, error: null };
  try {
    return { value: JSON.parse(readFileSync(path, 'utf8')) as T, error: null };
  } catch (e) {
    return { value: null, error: `${basename(path)} is unreadable: ${(e as Error).message}` };
  }
}

/** Streams history.jsonl through the checkers' parser (one line at a time: 1M-op files are fine). */
export async function readHistory(path: string): Promise<{ ops: History; warnings: string[] }> {
  const parser = new HistoryParser(basename(path));
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) parser.pushLine(line);
  } finally {
    lines.close();
    stream.destroy();
  }
  const parsed = parser.finish();
  return { ops: parsed.ops, warnings: parsed.warnings };
}

/** Reads scenario.json, results.json and error.txt (and history.jsonl unless `history: false`). */
export async function loadRun(dir: string, opts: { history?: boolean } = {}): Promise<LoadedRun> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`${dir}: not a run directory`);
  const scenario = readJsonIfAny<ScenarioInfo>(join(abs, 'scenario.json'));
  const results = readJsonIfAny<ResultsFile>(join(abs, 'results.json'));
  let error: string | null = existsSync(join(abs, 'error.txt')) ? readFileSync(join(abs, 'error.txt'), 'utf8') : null;
  if (error === null && results.error) error = results.error;
  if (error === null && results.value === null) error = 'no results.json: the run stopped before its history was checked';
  let history: History | null = null;
  let historyWarnings: string[] = [];
  const hp = join(abs, 'history.jsonl');
  if (opts.history !== false && existsSync(hp)) {
    try {
      const h = await readHistory(hp);
      history = h.ops;
      historyWarnings = h.warnings;
    } catch (e) {
      historyWarnings = [(e as Error).message];
    }
  }
  const crashed = error !== null || results.value === null;
  return {
    dir: abs,
    name: scenario.value?.name || basename(dirname(abs)),
    ts: basename(abs),
    scenario: scenario.value,
    results: results.value,
    error,
    verdict: verdictOf(results.value?.valid, crashed),
    history,
    historyWarnings,
  };
}
