import { describe, expect, it } from 'vitest';
import { runDirs, splitbrain, tempStore } from '../support/cli.js';

/**
 * The README's gating example, for real: a baseline from the unchanged server, then the same
 * scenario with a deliberately weakened min-replicas check (debug-min-replicas-extra-lag). The
 * gate must fail on the weakened server.
 */
describe('splitbrain gate on a failover-related server option', () => {
  it('fails (exit 1) when min-replicas is weakened, against a baseline of the unchanged server', async () => {
    const common = [
      'run',
      '--target',
      'ts',
      '--topology',
      'replicated',
      '--replicas',
      '2',
      '--workload',
      'min-replicas',
      '--nemesis',
      'partition-replication',
      '--interval',
      '2',
      '--fault-duration',
      '7',
      '--time-limit',
      '12',
      '--seed',
      '5',
    ];
    const base = tempStore();
    const cur = tempStore();
    const a = await splitbrain([...common, '--store', base]);
    expect(a.exitCode, a.all).toBe(0);
    const b = await splitbrain([...common, '--server-arg', '--debug-min-replicas-extra-lag 60', '--store', cur]);
    expect(b.exitCode, b.all).toBe(1);
    const [baseDir] = runDirs(base);
    const [curDir] = runDirs(cur);
    const gate = await splitbrain(['gate', '--baseline', baseDir!, '--current', curDir!]);
    expect(gate.exitCode, gate.all).toBe(1);
    expect(gate.all).toMatch(/anomaly:min-replicas:accepted-past-window.*REGRESSED/);
    const same = await splitbrain(['gate', '--baseline', baseDir!, '--current', baseDir!]);
    expect(same.exitCode, same.all).toBe(0);
  }, 240_000);
});
