import { describe, expect, it } from 'vitest';
import type { LogPatternsResult } from '../../checkers/log-patterns/index.js';
import { NO_SYNC_DELAY, runScenario } from '../support/cli.js';

/**
 * The log-pattern check on a real run: a primary that corrupts every 40th command it sends to its
 * replicas (our server's hidden debug-repl-corrupt-every; the backlog keeps the good bytes) makes
 * each replica log "Protocol error from MASTER", drop the link and resume by PSYNC. The data ends up
 * whole — no loss, no divergence — so only the replicas' logs tell; the unmodified server's logs are
 * clean (test/harness/convergence.test.ts runs the same scenario without the knob and exits 0).
 */
describe('replication log patterns on a real run', () => {
  it('a corrupted replication stream: invalid by log patterns, while loss and convergence checks pass', async () => {
    const r = await runScenario({
      target: 'ts',
      topology: 'replicated',
      replicas: 2,
      workload: 'set',
      nemesis: 'none',
      'time-limit': 4,
      seed: 3,
      'server-arg': [NO_SYNC_DELAY, '--debug-repl-corrupt-every 40'],
    });
    expect(r.exitCode, r.all).toBe(1);
    const { results } = r;
    const logs = results.checkers['log-patterns'] as unknown as LogPatternsResult;
    expect(logs.valid).toBe(false);
    expect(logs.byPattern['master-protocol-error']).toBeGreaterThan(0);
    expect(new Set(logs.matches.filter((m) => m.pattern === 'master-protocol-error').map((m) => m.node))).toEqual(new Set(['n2', 'n3']));
    expect(results.checkers['lost-writes']!.valid).toBe(true);
    expect(results.checkers['set-full']!.valid).toBe(true);
    expect(results.checkers['convergence']!.valid).toBe(true);
  }, 150_000);
});
