import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livePids, NO_SYNC_DELAY, readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';
import { NIGHTLY } from '../support/nightly.js';

interface StoredScenario {
  topology: { kind: string; sentinels?: number };
  nodes: Array<{ name: string; role: string }>;
  versions: Record<string, string>;
}

/** `splitbrain run --topology sentinel` with no fault: the run, its stored scenario and history. */
async function quietRun(target: 'ts' | 'redis'): Promise<{ exitCode: number | undefined; dir: string; out: string }> {
  const store = tempStore();
  const res = await splitbrain([
    'run',
    '--target',
    target,
    '--topology',
    'sentinel',
    '--replicas',
    '2',
    '--nemesis',
    'none',
    '--time-limit',
    '4',
    '--rate',
    '100',
    '--server-arg',
    NO_SYNC_DELAY,
    '--store',
    store,
    '--json',
  ]);
  const dir = runDirs(store)[0]!;
  return { exitCode: res.exitCode, dir, out: res.all ?? '' };
}

describe('the sentinel topology', () => {
  for (const target of ['ts', 'redis'] as const) {
    // The redis-sentinel twin of the same run is in the nightly set (npm run test:nightly).
    it.skipIf(target === 'redis' && !NIGHTLY)(
      `${target}: a primary, 2 replicas and 3 sentinels; Sentinel-mode clients write to the primary; a quiet run is valid`,
      async () => {
        const { exitCode, dir, out } = await quietRun(target);
        expect(exitCode, out).toBe(0);
        const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as StoredScenario;
        expect(scenario.topology).toMatchObject({ kind: 'sentinel', sentinels: 3 });
        expect(scenario.nodes.map((n) => `${n.name}:${n.role}`)).toEqual([
          'n1:primary',
          'n2:replica',
          'n3:replica',
          's1:sentinel',
          's2:sentinel',
          's3:sentinel',
        ]);
        expect(scenario.versions.sentinel).toBe(target === 'ts' ? 'splitbrain-sentinel' : 'redis-sentinel (Debian)');
        // Every sentinel process monitored the master it was given (its log says so in Redis's words).
        for (const s of ['s1', 's2', 's3']) expect(readFileSync(join(dir, 'nodes', s, 'server.log'), 'utf8')).toContain('+monitor master splitbrain');
        const h = readHistory(dir);
        const adds = h.filter((o) => o.f === 'add' && o.type === 'ok');
        expect(adds.length).toBeGreaterThan(50);
        // The clients found the primary through the sentinels: every op went to n1 (the harness's own
        // node-state reads after the heal visit every data node, and no sentinel).
        expect(new Set(h.filter((o) => typeof o.process === 'number' && o.f !== 'final-read' && o.f !== 'node-state').map((o) => o.node))).toEqual(
          new Set(['n1']),
        );
        expect(new Set(h.filter((o) => o.f === 'node-state').map((o) => o.node))).toEqual(new Set(['n1', 'n2', 'n3']));
        // Final reads from the primary the sentinels name, nobody else.
        expect(new Set(h.filter((o) => o.f === 'final-read').map((o) => o.node))).toEqual(new Set(['n1']));
        const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { valid: unknown };
        expect(results.valid).toBe(true);
        expect(livePids(dir)).toEqual([]);
      },
      120_000,
    );
  }

  it('refuses a sentinel topology without a replica to fail over to', async () => {
    const res = await splitbrain(['run', '--topology', 'sentinel', '--replicas', '0', '--store', tempStore()]);
    // A command-line mistake: refused before anything starts (issue 14: usage errors exit 64).
    expect(res.exitCode).toBe(64);
    expect(res.all).toContain('--replicas: the sentinel topology needs at least 1 replica');
  });
});
