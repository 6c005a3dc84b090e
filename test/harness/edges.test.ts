import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogPatternsResult } from '../../checkers/log-patterns/index.js';
import type { LostWritesResult } from '../../checkers/lost-writes/index.js';
import { NO_SYNC_DELAY, runDirs, splitbrain, tempStore } from '../support/cli.js';

type Results = { valid: unknown; checkers: Record<string, { valid: unknown }> };

async function run(args: string[]): Promise<{ exitCode: number | undefined; results: Results; dir: string; all: string }> {
  const store = tempStore();
  const r = await splitbrain(
    ['run', '--target', 'ts', '--topology', 'replicated', '--replicas', '2', '--server-arg', NO_SYNC_DELAY, ...args, '--store', store],
    { timeout: 150_000 },
  );
  const [dir] = runDirs(store);
  return { exitCode: r.exitCode, results: JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8')), dir: dir!, all: r.all };
}

const NIGHTLY = process.env.SPLITBRAIN_NIGHTLY === '1';

/**
 * Scenarios that reach the edges of replication (the nightly suite runs them over more seeds).
 * Three fault runs take minutes on a loaded machine: opt-in with SPLITBRAIN_NIGHTLY=1.
 */
describe.skipIf(!NIGHTLY)('edge scenarios on real runs', () => {
  it('a cut that overflows a 16 KB backlog: partial resync refused, full resync, replicas converge', async () => {
    const { exitCode, results, dir, all } = await run([
      '--workload',
      'set',
      '--nemesis',
      'partition-replication',
      '--interval',
      '2',
      '--fault-duration',
      '7',
      '--time-limit',
      '12',
      '--seed',
      '1',
      '--server-arg',
      '--repl-backlog-size 16kb',
    ]);
    expect(exitCode, all).toBe(0);
    const lp = results.checkers['log-patterns'] as LogPatternsResult;
    // Each replica: its first sync, then a full one again after the cut (the backlog no longer held its offset).
    expect(Object.values(lp.resyncs).filter((r) => r.full >= 2)).toHaveLength(2);
    expect(readFileSync(join(dir, 'nodes', 'n1', 'server.log'), 'utf8')).toMatch(/Unable to partial resync with replica .* for lack of backlog/);
    expect(results.checkers['convergence']!.valid).toBe(true);
  }, 200_000);

  it('a late promotion after a long cut: min-replicas keeps the losses inside its window; weakened, they are anomalies', async () => {
    const args = [
      '--workload',
      'min-replicas',
      '--nemesis',
      'partition-late-failover',
      '--interval',
      '2',
      '--fault-duration',
      '8',
      '--time-limit',
      '12',
      '--seed',
      '2',
    ];
    const good = await run(args);
    expect(good.exitCode, good.all).toBe(0);
    const lw = good.results.checkers['lost-writes'] as LostWritesResult;
    expect(lw.lostAnomalous).toBe(0);
    const bad = await run([...args, '--server-arg', '--debug-min-replicas-extra-lag 60']);
    expect(bad.exitCode, bad.all).toBe(1);
    const blw = bad.results.checkers['lost-writes'] as LostWritesResult;
    // Acknowledged past max-lag + 2 s into the cut, lost with the stale replica's promotion.
    expect(blw.lostAnomalous).toBeGreaterThan(0);
    expect(blw.lostWrites.find((l) => l.class === 'anomalous')!.reason).toMatch(/min-replicas: at most max-lag 2 s/);
  }, 300_000);
});
