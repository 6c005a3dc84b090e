import { describe, expect, it } from 'vitest';
import { cliffsDelta, fisherGreater, hodgesLehmann, holm, mannWhitneyGreater, midranks, minPValue, normalUpper, vanElterenGreater } from './stats.js';

describe('gate statistics', () => {
  it('Mann-Whitney: exact one-sided tails, ties kept', () => {
    // Complete separation of 3 vs 3: the one split out of C(6,3) = 20.
    expect(mannWhitneyGreater([1, 2, 3], [4, 5, 6])).toBeCloseTo(1 / 20, 12);
    expect(mannWhitneyGreater([4, 5, 6], [1, 2, 3])).toBeCloseTo(1, 12);
    expect(mannWhitneyGreater([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBeCloseTo(1 / 252, 12);
    expect(minPValue(5, 5)).toBeCloseTo(1 / 252, 12);
    // Identical samples: no evidence at all.
    expect(mannWhitneyGreater([7, 7, 7], [7, 7, 7])).toBe(1);
    // Brute force over every split, with ties.
    const b = [1, 3, 3, 5];
    const c = [3, 5, 6];
    const pool = [...b, ...c];
    const r = midranks(pool);
    const obs = r.slice(4).reduce((a, x) => a + x, 0);
    let ge = 0;
    let all = 0;
    for (let m = 0; m < 1 << 7; m++) {
      if (m.toString(2).replace(/0/g, '').length !== 3) continue;
      all++;
      let s = 0;
      for (let i = 0; i < 7; i++) if (m & (1 << i)) s += r[i]!;
      if (s >= obs - 1e-9) ge++;
    }
    expect(mannWhitneyGreater(b, c)).toBeCloseTo(ge / all, 12);
  });

  it('effect sizes: Hodges-Lehmann shift and Cliff delta', () => {
    expect(hodgesLehmann([1, 2, 3], [11, 12, 13])).toBe(10);
    expect(cliffsDelta([1, 2, 3], [11, 12, 13])).toBe(1);
    expect(cliffsDelta([1, 2], [2, 1])).toBe(0);
  });

  it('van Elteren: many small strata shifted the same way are significant together', () => {
    const strata = Array.from({ length: 10 }, (_, i) => ({ baseline: [i, i + 1, i + 2], current: [i + 3, i + 4, i + 5] }));
    expect(vanElterenGreater(strata).p).toBeLessThan(1e-4);
    expect(vanElterenGreater(strata.map((s) => ({ baseline: s.current, current: s.baseline }))).p).toBeGreaterThan(0.999);
    expect(normalUpper(1.6448536)).toBeCloseTo(0.05, 6);
  });

  it('Fisher exact and Holm', () => {
    // 0 of 5 vs 5 of 5: 1/C(10,5).
    expect(fisherGreater(0, 5, 5, 5)).toBeCloseTo(1 / 252, 10);
    expect(fisherGreater(5, 5, 0, 5)).toBeCloseTo(1, 10);
    expect(holm([0.01, 0.04, 0.03], 0.05)).toEqual([true, false, false]);
    expect(holm([0.01, 0.02, 0.03], 0.1)).toEqual([true, true, true]);
  });
});
