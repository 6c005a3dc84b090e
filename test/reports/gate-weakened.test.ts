import { describe, expect, it } from 'vitest';
import { NO_SYNC_DELAY, type RunFlags, runScenario, splitbrain } from '../support/cli.js';

/**
 * The README's gating example, for real: a baseline from the unchanged server, then the same
 * scenario with a deliberately weakened min-replicas check (debug-min-replicas-extra-lag). The
 * gate must fail on the weakened server.
 */
describe('splitbrain gate on a failover-related server option', () => {
  it('fails (exit 1) when min-replicas is weakened, against a baseline of the unchanged server', async () => {
    const common: RunFlags = {
      target: 'ts',
      topology: 'replicated',
      replicas: 2,
      workload: 'min-replicas',
      nemesis: 'partition-replication',
      interval: 2,
      'fault-duration': 7,
      'time-limit': 12,
      seed: 5,
      'server-arg': NO_SYNC_DELAY,
    };
    // Independent runs, each mostly waiting out its fault: side by side rather than one after the other.
    const [a, b] = await Promise.all([
      runScenario(common, { timeout: 180_000 }),
      runScenario({ ...common, 'server-arg': [NO_SYNC_DELAY, '--debug-min-replicas-extra-lag 60'] }, { timeout: 180_000 }),
    ]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b.exitCode, b.all).toBe(1);
    const gate = await splitbrain(['gate', '--baseline', a.dir!, '--current', b.dir!]);
    expect(gate.exitCode, gate.all).toBe(1);
    expect(gate.all).toMatch(/anomaly:min-replicas:accepted-past-window.*REGRESSED/);
    const same = await splitbrain(['gate', '--baseline', a.dir!, '--current', a.dir!]);
    expect(same.exitCode, same.all).toBe(0);
  }, 240_000);
});
