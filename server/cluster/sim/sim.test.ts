import { describe, expect, it } from 'vitest';
import { runSeed, type SimResult } from './simulator.js';

/**
 * The cluster simulator in the test suite: fixed seeds with short fault phases (the nightly and
 * `npm run sim:cluster` run longer ones), replay, the codec on the path, and proof that the invariants
 * catch a broken election.
 */

const SEEDS = 200;
const FAULT_MS = 5000;

function explain(r: SimResult): string {
  return `seed ${r.seed}: ${r.violation}\n${r.trace}\nreplay: npm run sim:cluster -- --seed ${r.seed}`;
}

describe('cluster simulator', () => {
  // In blocks, so a loaded machine does not hit the per-test timeout.
  const BLOCK = 50;
  let promotions = 0;
  let failedOver = 0;
  for (let first = 1; first <= SEEDS; first += BLOCK) {
    it(`holds every invariant on seeds ${first}..${first + BLOCK - 1}`, () => {
      for (let seed = first; seed < first + BLOCK; seed++) {
        const r = runSeed({ seed, faultMs: FAULT_MS });
        if (!r.ok) expect.fail(explain(r));
        promotions += r.stats.promotions;
        if (r.stats.promotions > 0) failedOver++;
      }
    });
  }

  it('exercised elections on those seeds (not just quiet clusters)', () => {
    expect(promotions).toBeGreaterThan(SEEDS / 4);
    expect(failedOver).toBeGreaterThan(SEEDS / 8);
  });

  it('replays a seed exactly', () => {
    const a = runSeed({ seed: 42, faultMs: FAULT_MS });
    const b = runSeed({ seed: 42, faultMs: FAULT_MS });
    expect(b.stats).toEqual(a.stats);
    expect(b.digest).toBe(a.digest);
    expect(runSeed({ seed: 43, faultMs: FAULT_MS }).digest).not.toBe(a.digest);
  });

  it('runs with every message through the codec', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const wire = runSeed({ seed, faultMs: FAULT_MS, wire: true });
      if (!wire.ok) expect.fail(explain(wire));
      // Same decisions as without the codec: the codec is lossless for what the brain reads.
      expect(wire.digest).toBe(runSeed({ seed, faultMs: FAULT_MS }).digest);
    }
  });

  it('catches a node that votes twice per epoch, with a seed that replays', () => {
    let failing: SimResult | null = null;
    for (let seed = 1; seed <= 100 && !failing; seed++) {
      const r = runSeed({ seed, faultMs: FAULT_MS, debugVoteTwicePerEpoch: true });
      if (!r.ok) failing = r;
    }
    expect(failing, 'no seed caught the double vote').not.toBeNull();
    const f = failing!;
    expect(f.violation).toMatch(/voted twice in epoch|claimed at configEpoch|promoted in epoch/);
    expect(f.trace).toContain('Failover auth granted to');
    const again = runSeed({ seed: f.seed, faultMs: FAULT_MS, debugVoteTwicePerEpoch: true });
    expect(again.violation).toBe(f.violation);
    expect(again.trace).toBe(f.trace);
    // The same seed with a correct brain holds.
    expect(runSeed({ seed: f.seed, faultMs: FAULT_MS }).violation).toBeNull();
  });
});
