import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryError } from '../../checkers/history/errors.js';
import { historyToJsonl } from '../../checkers/history/format.js';
import { generateHistory } from '../../checkers/linearizable/generate.js';
import { readHistoryFile, resolveHistoryInput } from './read.js';

const dir = mkdtempSync(join(tmpdir(), 'splitbrain-read-'));

describe('readHistoryFile', () => {
  it('streams a large jsonl history into ops', async () => {
    const ops = generateHistory({ seed: 3, model: 'register', processes: 10, ops: 20_000, keys: 5, infoRate: 0.01 });
    const path = join(dir, 'big.jsonl');
    writeFileSync(path, historyToJsonl(ops));
    const h = await readHistoryFile(path);
    expect(h.format).toBe('jsonl');
    expect(h.ops).toEqual(ops);
  });

  it('reports refusals with the file name and line', async () => {
    const path = join(dir, 'history.jsonl');
    const ops = generateHistory({ seed: 4, model: 'kv', processes: 3, ops: 10, leavePending: false });
    const lines = historyToJsonl(ops).split('\n');
    lines.splice(16, 0, JSON.stringify({ index: 16, time: 1e9, process: 3, type: 'ok', f: 'get', value: 'x' }));
    writeFileSync(path, lines.slice(0, 17).join('\n') + '\n');
    const e = await readHistoryFile(path).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(HistoryError);
    expect((e as HistoryError).message).toBe('history.jsonl:17: completion for process 3 without a pending invoke');
  });

  it('tolerates a run killed mid-write (truncated last line, CRLF line ends)', async () => {
    const ops = generateHistory({ seed: 5, model: 'register', processes: 3, ops: 20 });
    const path = join(dir, 'cut.jsonl');
    const text = historyToJsonl(ops).replace(/\n/g, '\r\n');
    writeFileSync(path, text + text.split('\r\n')[0]!.slice(0, 15));
    const h = await readHistoryFile(path);
    expect(h.ops).toEqual(ops);
    expect(h.warnings).toEqual([`cut.jsonl:${ops.length + 1}: truncated last line ignored (${h.warnings[0]!.split('(')[1]}`]);
  });

  it('refuses missing files as input errors', async () => {
    await expect(readHistoryFile(join(dir, 'nope.jsonl'))).rejects.toThrow('nope.jsonl: no such file');
  });
});

describe('resolveHistoryInput', () => {
  it('maps a run directory to history.jsonl and its scenario', async () => {
    const run = join(dir, 'run1');
    mkdirSync(run);
    writeFileSync(join(run, 'history.jsonl'), '');
    writeFileSync(join(run, 'scenario.json'), JSON.stringify({ workload: { model: 'kv' }, seed: 1 }));
    expect(await resolveHistoryInput(run)).toEqual({ historyPath: join(run, 'history.jsonl'), scenario: { workload: { model: 'kv' }, seed: 1 } });
    expect(await resolveHistoryInput(join(run, 'history.jsonl'))).toEqual({ historyPath: join(run, 'history.jsonl') });
    await expect(resolveHistoryInput(join(dir, 'missing'))).rejects.toThrow(/no such file or directory/);
  });
});
