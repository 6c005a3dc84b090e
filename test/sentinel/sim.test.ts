import { describe, expect, it } from 'vitest';
import { simulate } from '../../server/sentinel/sim/world.js';

/**
 * The sentinel simulator: the real SentinelBrain of 3–5 sentinels, a model of the Redis nodes and
 * a seeded virtual network (partitions, delays, kills, pauses). The invariants (one leader per
 * epoch, one vote per sentinel per epoch, failovers only after ODOWN with quorum and by a
 * majority leader, the promoted instance holds the group's data) hold on every seed, and a
 * deliberately broken vote rule is caught with a seed that replays exactly.
 */
const SHORT = { durationMs: 30_000, quietMs: 20_000 };

describe('sentinel simulation', () => {
  it('keeps its invariants on 200 seeds and converges after the faults', () => {
    let elections = 0;
    let converged = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = simulate({ seed, ...SHORT });
      expect(r.violations, `seed ${seed} (${r.params}); replay: npm run sim:sentinel -- --seed ${seed} --trace`).toEqual([]);
      elections += r.stats.elections;
      if (r.stats.converged) converged++;
    }
    // The schedules do provoke failovers, and the group settles on one master afterwards.
    expect(elections).toBeGreaterThan(50);
    expect(converged).toBeGreaterThanOrEqual(190);
  });

  it('catches a broken vote rule with a seed that replays exactly', () => {
    let failing: number | null = null;
    for (let seed = 1; seed <= 50 && failing === null; seed++) {
      if (simulate({ seed, breakVoteRule: true, ...SHORT }).violations.length > 0) failing = seed;
    }
    expect(failing).not.toBeNull();
    const a = simulate({ seed: failing!, breakVoteRule: true, trace: true, ...SHORT });
    const b = simulate({ seed: failing!, breakVoteRule: true, trace: true, ...SHORT });
    expect(a.violations.join('\n')).toMatch(/voted twice in epoch|two leaders in epoch/);
    expect(b.trace).toEqual(a.trace);
    expect(b.violations).toEqual(a.violations);
    // The same seed with the real rule is fine.
    expect(simulate({ seed: failing!, ...SHORT }).violations).toEqual([]);
  });
});
