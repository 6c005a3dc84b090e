import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { historyToJsonl } from '../../../checkers/history/format.js';
import { corruptOneRead, generateHistory } from '../../../checkers/linearizable/generate.js';
import { setHistory } from '../../../reports/testing/fixtures.js';
import { DEFAULTS } from '../../run/scenario.js';
import { checkCommand } from '../program/check.js';
import { runCheck } from './check.js';

const testdata = fileURLToPath(new URL('../../../../shared/testdata/porcupine/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'splitbrain-check-'));

async function run(target: string, opts: Parameters<typeof runCheck>[1] = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCheck(target, opts, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('splitbrain check', () => {
  it('checks Porcupine logs with the model their format implies', async () => {
    const ok = await run(testdata + 'etcd/etcd_002.log');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/porcupine-etcd/);
    expect(ok.out).toMatch(/linearizable \(model register\): linearizable/);
    const bad = await run(testdata + 'kv/c10-bad.txt');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/NOT LINEARIZABLE/);
    expect(bad.out).toMatch(/cannot place op \d+/);
  });

  it('checks a run directory, taking the model from scenario.json, and prints JSON', async () => {
    const runDir = join(dir, 'run');
    mkdirSync(runDir);
    const ops = generateHistory({ seed: 9, model: 'list-append', processes: 3, ops: 60, keys: 2 });
    writeFileSync(join(runDir, 'history.jsonl'), historyToJsonl(ops));
    writeFileSync(join(runDir, 'scenario.json'), JSON.stringify({ workload: { name: 'list-append' } }));
    const r = await run(runDir, { json: true });
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out) as { format: string; result: { valid: boolean; model: string; partitions: unknown[] } };
    expect(parsed.format).toBe('jsonl');
    expect(parsed.result.model).toBe('list-append');
    expect(parsed.result.partitions).toHaveLength(2);
    writeFileSync(join(runDir, 'history.jsonl'), historyToJsonl(corruptOneRead(ops, 'list-append', 1)!));
    expect((await run(runDir, { model: 'list-append' })).code).toBe(1);
  });

  it('warns about a truncated history.jsonl inside a run directory, as for the file alone', async () => {
    const runDir = join(dir, 'truncated-run');
    mkdirSync(runDir);
    const { history } = setHistory({ ops: 200, faults: false });
    // The run was killed mid-write: half a line at the end.
    writeFileSync(join(runDir, 'history.jsonl'), historyToJsonl(history) + '{"index":99999,"ti');
    writeFileSync(
      join(runDir, 'scenario.json'),
      JSON.stringify({ ...DEFAULTS, name: 'ts-replicated-set-none', topology: { kind: 'single', masters: 1, replicas: 0 }, nemesis: 'none' }),
    );
    const asRun = await run(runDir);
    const asFile = await run(join(runDir, 'history.jsonl'), { checker: 'set-full' });
    expect(asFile.err).toMatch(/^warning: history\.jsonl:\d+: truncated last line ignored/);
    expect(asRun.err).toBe(asFile.err);
    expect([0, 1, 2]).toContain(asRun.code); // a verdict, not a refusal
  });

  it('exits 2 when the time limit is reached', async () => {
    // 0.000001 s: the budget is gone before the >1M-step search of etcd_002 gets far.
    const r = await run(testdata + 'etcd/etcd_002.log', { timeLimit: 0.000001 });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/unknown/);
  });

  it('exits 3 with file:line: reason for refused input, and no stack trace', async () => {
    const path = join(dir, 'history.jsonl');
    writeFileSync(
      path,
      [
        JSON.stringify({ index: 0, time: 1, process: 0, type: 'invoke', f: 'read', value: null }),
        JSON.stringify({ index: 1, time: 2, process: 3, type: 'ok', f: 'read', value: 1 }),
      ].join('\n'),
    );
    const r = await run(path);
    expect(r.code).toBe(3);
    expect(r.err).toBe('history.jsonl:2: completion for process 3 without a pending invoke');
    expect((await run(join(dir, 'missing.jsonl'))).code).toBe(3);
    const unknownModel = await run(testdata + 'kv/c01-ok.txt', { model: 'nope' });
    expect(unknownModel.code).toBe(3);
    expect(unknownModel.err).toMatch(/unknown model "nope"/);
    expect(unknownModel.err).not.toMatch(/\n\s+at /);
    expect((await run(testdata + 'kv/c01-ok.txt', { checker: 'nope' })).err).toMatch(/unknown checker "nope"/);
  });

  it('is a commander command with the documented options', () => {
    const cmd = checkCommand();
    expect(cmd.name()).toBe('check');
    expect(cmd.options.map((o) => o.long)).toEqual(['--checker', '--model', '--consistency-models', '--json', '--time-limit', '--update']);
  });
});
