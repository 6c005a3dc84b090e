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
  'test/reports/browser.test.ts': 91,
  'test/harness/ts-cluster.test.ts': 86,
  'test/cluster/failover.test.ts': 50,
  'test/sentinel/interop.test.ts': 49,
  'test/replication/chain.test.ts': 34,
  'test/harness/run-lifecycle.test.ts': 32,
  'test/harness/sentinel-faults.test.ts': 32,
  'test/harness/redis-target.test.ts': 25,
  'test/harness/replay.test.ts': 25,
  'test/reports/gate-weakened.test.ts': 24,
  'test/harness/cluster-failover.test.ts': 21,
  'test/harness/lazyfs.test.ts': 21,
  'test/harness/ts-partition.test.ts': 20,
  'test/cluster/mixed.test.ts': 18,
  'test/harness/sentinel-target.test.ts': 17,
  'test/replication/streams.test.ts': 17,
  'test/replication/wait-min-replicas.test.ts': 17,
  'test/harness/cli-usage.test.ts': 16,
  'test/persistence/rdb.test.ts': 16,
  'test/harness/check-stored.test.ts': 15,
  'test/harness/wait-direct.test.ts': 14,
  'test/replication/stream.test.ts': 14,
  'test/differential/eviction.test.ts': 13,
  'test/persistence/durability.test.ts': 13,
  'test/replication/acl.test.ts': 13,
  'test/differential/tls.test.ts': 12,
  'test/reports/compare.test.ts': 12,
  'test/sentinel/ioredis-client.test.ts': 12,
  'test/sentinel/sim.test.ts': 12,
  'harness/nemesis/faults/partition-promote.test.ts': 12,
  'server/cluster/sim/sim.test.ts': 12,
  'test/differential/config-bounds.test.ts': 11,
  'test/harness/external-target.test.ts': 11,
  'test/harness/log-patterns-run.test.ts': 11,
  'test/harness/run-summary.test.ts': 11,
  'test/harness/txn-lock-workloads.test.ts': 11,
  'test/persistence/aof.test.ts': 11,
  'test/replication/propagation-error.test.ts': 11,
  'test/differential/config-directives.test.ts': 10,
  'test/harness/convergence.test.ts': 10,
  'test/harness/leftovers.test.ts': 10,
  'test/server/memory-giveback.test.ts': 10,
  'test/cluster/bus-capture.test.ts': 9,
  'test/harness/fault-registry.test.ts': 9,
  'test/replication/interop.test.ts': 9,
  'test/replication/shutdown.test.ts': 9,
  'test/server/tools.test.ts': 9,
  'test/cluster/cluster.test.ts': 8,
  'test/reports/suite.test.ts': 8,
  'test/sentinel/commands.test.ts': 8,
  'test/differential/hashes.test.ts': 7,
  'test/differential/scripting.test.ts': 7,
  'test/sentinel/acl.test.ts': 7,
  'workloads/set.test.ts': 6,
  'test/differential/acl.test.ts': 6,
  'test/differential/connection.test.ts': 6,
  'test/differential/startup.test.ts': 6,
  'harness/nemesis/faults/failover.test.ts': 6,
  'checkers/linearizable/checker.test.ts': 6,
  'checkers/linearizable/property.test.ts': 6,
  'harness/toxiproxy/conformance.test.ts': 5,
  'harness/toxiproxy/proxy.test.ts': 5,
  'server/cluster/brain.test.ts': 5,
  'test/differential/scan.test.ts': 5,
  'test/persistence/streams.test.ts': 5,
  'checkers/linearizable/reductions.test.ts': 5,
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
