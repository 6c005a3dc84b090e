import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Longest files first, so that neither of the two workers is left running one long file at the
 * end while the other core idles. Vitest orders by the durations of the last run on this machine
 * (its cache); a fresh clone (CI) has none and falls back to file size, which put small files with
 * long real runs (gate-weakened: 46 lines, ~50 s) at the very end. Durations below stand in for
 * the missing cache: seconds per file (≥ 5 s) from a whole `vitest run --reporter=json` on the
 * 2-core machine. Only the order matters; refresh when a file's cost changes a lot:
 *   npx vitest run --reporter=json --outputFile=r.json && node -e "for (const f of require('./r.json').testResults) console.log(Math.round((f.endTime - f.startTime) / 1000), f.name)" | sort -rn
 */
const SECONDS: Record<string, number> = {
  'test/reports/browser.test.ts': 107,
  'test/harness/ts-cluster.test.ts': 72,
  'test/sentinel/interop.test.ts': 68,
  'test/harness/run-lifecycle.test.ts': 55,
  'test/cluster/failover.test.ts': 52,
  'test/harness/sentinel-faults.test.ts': 45,
  'test/harness/redis-target.test.ts': 39,
  'test/server/tools.test.ts': 36,
  'test/persistence/rdb.test.ts': 34,
  'test/harness/replay.test.ts': 34,
  'test/harness/cli-usage.test.ts': 33,
  'test/replication/chain.test.ts': 32,
  'test/reports/gate-weakened.test.ts': 31,
  'test/harness/lazyfs.test.ts': 29,
  'test/harness/cluster-failover.test.ts': 27,
  'test/harness/wait-direct.test.ts': 27,
  'test/harness/sentinel-target.test.ts': 26,
  'test/harness/run-summary.test.ts': 24,
  'test/harness/ts-partition.test.ts': 23,
  'test/harness/convergence.test.ts': 22,
  'test/harness/check-stored.test.ts': 22,
  'test/harness/log-patterns-run.test.ts': 21,
  'test/replication/streams.test.ts': 21,
  'server/cluster/sim/sim.test.ts': 20,
  'test/cluster/cluster.test.ts': 19,
  'test/cluster/mixed.test.ts': 18,
  'test/harness/txn-lock-workloads.test.ts': 18,
  'test/replication/stream.test.ts': 18,
  'test/differential/eviction.test.ts': 17,
  'test/differential/tls.test.ts': 17,
  'test/persistence/durability.test.ts': 17,
  'test/replication/wait-min-replicas.test.ts': 17,
  'test/persistence/aof.test.ts': 16,
  'test/replication/acl.test.ts': 15,
  'harness/nemesis/faults/partition-promote.test.ts': 15,
  'test/harness/leftovers.test.ts': 14,
  'checkers/elle/property.test.ts': 11,
  'test/persistence/streams.test.ts': 11,
  'test/harness/external-target.test.ts': 11,
  'test/replication/interop.test.ts': 11,
  'test/differential/acl.test.ts': 10,
  'test/sentinel/ioredis-client.test.ts': 10,
  'test/differential/scan.test.ts': 9,
  'test/replication/shutdown.test.ts': 9,
  'test/cluster/bus-capture.test.ts': 8,
  'test/replication/propagation-error.test.ts': 8,
  'test/reports/compare.test.ts': 8,
  'test/sentinel/commands.test.ts': 8,
  'checkers/linearizable/reductions.test.ts': 7,
  'harness/toxiproxy/proxy.test.ts': 7,
  'test/differential/connection.test.ts': 7,
  'test/sentinel/acl.test.ts': 7,
  'test/sentinel/sim.test.ts': 7,
  'checkers/linearizable/checker.test.ts': 6,
  'checkers/linearizable/property.test.ts': 6,
  'test/differential/config-directives.test.ts': 6,
  'test/differential/hashes.test.ts': 6,
  'test/differential/scripting.test.ts': 6,
  'test/reports/suite.test.ts': 6,
  'server/cluster/brain.test.ts': 6,
  'workloads/set.test.ts': 5,
  'test/differential/config-bounds.test.ts': 5,
  'test/differential/startup.test.ts': 5,
  'test/harness/fault-registry.test.ts': 5,
  'test/server/memory-giveback.test.ts': 5,
};

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Vitest's own order (failed first, then by cached duration or size) breaks the ties.
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    const cost = (f: TestSpecification): number => {
      const path = relative(root, f.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${f.project.name}:${path}`);
      if (cached !== undefined) return cached.failed ? Number.POSITIVE_INFINITY : cached.duration / 1000;
      return SECONDS[path] ?? 0;
    };
    const rank = new Map(base.map((f, i) => [f, i]));
    return [...base].sort((a, b) => cost(b) - cost(a) || rank.get(a)! - rank.get(b)!);
  }
}
