import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WaitResult } from '../../checkers/wait/index.js';
import { readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';

/**
 * WAIT checked directly on a real run: every 4th WAIT-acknowledged write is followed by a read of
 * the element on each replica, some WAITs come after a quiet 1.5 s, and every reply is range-checked
 * against the topology's replicas. The unmodified server passes all of it.
 */
describe('direct WAIT checks on a real run', () => {
  it('probes the replicas after WAIT, idles before some WAITs, range-checks every reply', async () => {
    const store = tempStore();
    const r = await splitbrain(
      [
        'run',
        '--target',
        'ts',
        '--topology',
        'replicated',
        '--replicas',
        '2',
        '--workload',
        'wait',
        '--wait-for',
        '2',
        '--nemesis',
        'none',
        '--time-limit',
        '8',
        '--seed',
        '2',
        '--store',
        store,
      ],
      { timeout: 120_000 },
    );
    expect(r.exitCode, r.all).toBe(0);
    const [dir] = runDirs(store);
    const w = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8')).checkers.wait as WaitResult;
    expect(w.valid).toBe(true);
    expect(w.probesJudged).toBeGreaterThan(5);
    expect(w.probesJudged).toBe(w.probes);
    expect(Object.keys(w.replies).every((k) => Number(k) <= 2)).toBe(true);
    const h = readHistory(dir!) as Array<{ f: string; type: string; value: { present?: string[] } }>;
    const probes = h.filter((o) => o.f === 'wait-probe' && o.type === 'ok');
    expect(probes.every((o) => o.value.present!.length === 2)).toBe(true);
  }, 150_000);
});
