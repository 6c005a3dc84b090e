import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livePids, readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';

describe('--target ts --topology cluster (every directed link through its own proxy)', () => {
  it('a short run without faults: cluster created, ops through the client proxies, final reads from every master, a valid verdict', async () => {
    const store = tempStore();
    const r = await splitbrain([
      'run',
      '--target',
      'ts',
      '--topology',
      'cluster',
      '--masters',
      '3',
      '--replicas',
      '1',
      '--workload',
      'set',
      '--nemesis',
      'none',
      '--time-limit',
      '3',
      '--store',
      store,
    ]);
    expect(r.exitCode, r.all).toBe(0);
    const [dir] = runDirs(store);
    const results = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8')) as { valid: unknown };
    expect(results.valid).toBe(true);
    const history = readHistory(dir!);
    expect(history.filter((o) => o.f === 'add' && o.type === 'ok').length).toBeGreaterThan(0);
    // Final reads come from every node that is a primary now: the three masters.
    const finals = new Set(history.filter((o) => o.f === 'final-read' && o.type === 'ok').map((o) => o.node));
    expect(finals.size).toBe(3);
    expect(livePids(dir!)).toEqual([]);
  }, 180_000);
});
