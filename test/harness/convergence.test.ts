import { describe, expect, it } from 'vitest';
import type { ConvergenceResult } from '../../checkers/convergence/index.js';
import { NO_SYNC_DELAY, runScenario, type StoredRun } from '../support/cli.js';
import { NIGHTLY } from '../support/nightly.js';

/**
 * The convergence check on real runs: after the final heal every replica's dataset is read directly
 * and compared with its primary's. A replica made to drop every 5th command of its master's stream
 * (our server's hidden debug-replica-drop-every) diverges silently — nothing else notices — and the
 * check names the keys; the unmodified server converges.
 */
function run(serverArg?: string): Promise<StoredRun> {
  return runScenario({
    target: 'ts',
    topology: 'replicated',
    replicas: 2,
    workload: 'set',
    nemesis: 'none',
    'time-limit': 4,
    seed: 3,
    'server-arg': [NO_SYNC_DELAY, ...(serverArg ? [serverArg] : [])],
  });
}

describe('replica convergence on real runs', () => {
  it.skipIf(!NIGHTLY)(
    'the unmodified server: every replica equals its primary',
    async () => {
      const { exitCode, results, all } = await run();
      expect(exitCode, all).toBe(0);
      expect(results.checkers['convergence']).toMatchObject({ valid: true, compared: 2, divergences: [] });
    },
    150_000,
  );

  it('a replica that silently drops commands: invalid, the keys named, while the loss checkers see nothing', async () => {
    const { exitCode, results, all } = await run('--debug-replica-drop-every 5');
    expect(exitCode, all).toBe(1);
    const c = results.checkers['convergence'] as ConvergenceResult;
    expect(c.valid).toBe(false);
    expect(c.divergences.map((d) => d.replica).sort()).toEqual(['n2', 'n3']);
    for (const d of c.divergences) expect(d.keys.length).toBeGreaterThan(0);
    expect(c.divergences[0]!.keys.every((k) => /^set\d+$/.test(k))).toBe(true);
    // Final reads come from the primary: the loss checkers cannot see a replica's divergence.
    expect(results.checkers['lost-writes']!.valid).toBe(true);
    expect(results.checkers['set-full']!.valid).toBe(true);
  }, 150_000);
});
