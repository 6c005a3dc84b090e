import { describe, expect, it } from 'vitest';
import type { LostWritesResult } from '../../checkers/lost-writes/index.js';
import { NO_SYNC_DELAY, runScenario } from '../support/cli.js';

/**
 * What `splitbrain run` prints at the end, through a real run: the primary is cut off while the
 * clients keep writing to it and the harness promotes its replica (partition-failover), so the
 * writes it acknowledged during the cut are lost — and the terminal must say how many and how they
 * are classified (expected by design here), as results.json does, not just "lost-writes valid".
 */
describe('the summary a real run prints', () => {
  it('counts the lost acknowledged writes and their classes, as results.json has them', async () => {
    const r = await runScenario({
      target: 'ts',
      topology: 'replicated',
      replicas: 1,
      workload: 'lost-writes',
      nemesis: 'partition-failover',
      interval: 1,
      'fault-duration': 3,
      'time-limit': 5,
      seed: 1,
      'server-arg': NO_SYNC_DELAY,
    });
    expect(r.exitCode, r.all).toBe(0);
    const lw = r.results.checkers['lost-writes'] as unknown as LostWritesResult;
    expect(lw.lost).toBeGreaterThan(0);
    expect(lw.lostAnomalous).toBe(0);
    const out = r.all;
    expect(out).toMatch(/^splitbrain: VALID$/m);
    // The headline: how many, by ack kind, and by class.
    const head = out.match(
      /^ {2}Lost (\d+) acknowledged writes \((\d+) plain\): (\d+) anomalous, (\d+) inside an allowed fault window, (\d+) lost by configuration\./m,
    );
    expect(head, out).not.toBeNull();
    expect(head!.slice(1).map(Number)).toEqual([lw.lost, lw.lost, 0, lw.lostExpected, lw.lostByConfiguration]);
    // The checker's line: counts and classes in words, never a bare boolean.
    const line = out.match(
      /^ {2}lost-writes +valid +(\d+) acknowledged writes, (\d+) lost \((\d+) anomalous, (\d+) expected by design, (\d+) lost by configuration\)/m,
    );
    expect(line, out).not.toBeNull();
    expect(line!.slice(1).map(Number)).toEqual([lw.acknowledged, lw.lost, 0, lw.lostExpected, lw.lostByConfiguration]);
    expect(out).not.toMatch(/lost-writes\s+true/);
    // Availability is reported over time, per client group.
    expect(out).toMatch(
      /^ {2}perf +valid +.*writes succeeded in \d+\.\d% of the 100 ms intervals with writes in flight; during faults: [\d.]+% for the clients they cut off/m,
    );
  }, 150_000);
});
