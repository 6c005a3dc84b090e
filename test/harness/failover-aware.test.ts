import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';
import { NIGHTLY } from '../support/nightly.js';

/**
 * Failover-aware clients and nemeses in the replicated topology: after the harness promotes a
 * replica, clients write to it, the next `*-primary` fault hits it (the schedule's plan is kept as
 * `planned`), and a node restarted after a kill rejoins the current primary — so one run goes
 * through several failovers, and the unmodified server stays valid through them.
 */
describe('failover-aware replicated runs', () => {
  it.skipIf(!NIGHTLY)(
    'the second fault hits the promoted primary, clients follow it, the run stays valid',
    async () => {
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
          'set',
          '--nemesis',
          'partition-failover,kill-primary',
          '--interval',
          '3',
          '--fault-duration',
          '5',
          '--time-limit',
          '22',
          '--seed',
          '4',
          '--store',
          store,
        ],
        { timeout: 180_000 },
      );
      expect(r.exitCode, r.all).toBe(0);
      const [dir] = runDirs(store);
      const h = readHistory(dir!) as Array<{
        process: unknown;
        type: string;
        f: string;
        node?: string;
        value: { nodes?: string[]; promote?: string; planned?: string[] };
      }>;
      const opened = h.filter((o) => o.process === 'nemesis' && o.type === 'invoke' && (o.f === 'start-partition' || o.f === 'kill') && o.value?.nodes?.length);
      expect(opened[0]!.value.nodes).toEqual(['n1']);
      const promoted = opened[0]!.value.promote!;
      expect(opened[1]!.f).toBe('kill');
      expect(opened[1]!.value).toMatchObject({ nodes: [promoted], planned: ['n1'] });
      // Clients wrote to the promoted primary after the promotion.
      expect(h.some((o) => o.type === 'ok' && o.f === 'add' && o.node === promoted)).toBe(true);
      const results = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8'));
      expect(results.checkers.convergence.valid).toBe(true);
      // The promoted primary, killed without persistence, wiped the group: lost by configuration, not anomalous.
      expect(results.checkers['lost-writes'].lostAnomalous).toBe(0);
    },
    200_000,
  );
});
