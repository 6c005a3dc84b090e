import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunFlags, readHistory, runScenario } from '../support/cli.js';

/**
 * The same cluster scenario on our server (a proxy per directed link) and on redis-server
 * (iptables), compared by classification (opt-in: SPLITBRAIN_NIGHTLY=1; two full fault runs).
 */
const NIGHTLY = process.env.SPLITBRAIN_NIGHTLY === '1';

interface LostWrite {
  node: string;
  expected: boolean;
}

async function minorityMasterRun(target: RunFlags): Promise<{ lost: number; lostAnomalous: number; lostWrites: LostWrite[]; isolated: string }> {
  const r = await runScenario(
    {
      ...target,
      topology: 'cluster',
      masters: 3,
      replicas: 1,
      workload: 'lost-writes',
      nemesis: 'partition-primary-with-clients',
      'node-timeout': 3000,
      'fault-duration': 10,
    },
    { timeout: 600_000 },
  );
  expect([0, 1], r.all).toContain(r.exitCode);
  const dir = r.dir;
  const lw = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8')).checkers['lost-writes'];
  const start = readHistory(dir!).find((o) => o.f === 'start-partition' && o.type === 'info')!;
  return { ...lw, isolated: (start.value as { nodes: string[] }).nodes[0]! };
}

describe.skipIf(!NIGHTLY)('cluster side by side: our server and redis-server under the same minority-master partition', () => {
  it('both lose the minority master\'s acknowledged writes inside the node-timeout window, classified "expected by design"', {
    timeout: 1_200_000,
  }, async () => {
    const ts = await minorityMasterRun({ target: 'ts' });
    const redis = await minorityMasterRun({ target: 'redis', net: 'iptables' });
    for (const [name, run] of [
      ['ts', ts],
      ['redis', redis],
    ] as const) {
      expect(run.lost, name).toBeGreaterThan(0);
      expect(run.lostAnomalous, name).toBe(0);
      for (const w of run.lostWrites) {
        expect(w.node, name).toBe(run.isolated);
        expect(w.expected, name).toBe(true);
      }
    }
  });
});
