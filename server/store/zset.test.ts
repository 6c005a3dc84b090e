import { describe, it, expect } from 'vitest';
import { ZSet } from './zset.js';

/** A reference model: sorted array by (score, member bytes). */
function sortedRef(m: Map<string, number>): [string, number][] {
  return [...m].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

describe('ZSet skiplist', () => {
  it('keeps order, ranks and the dict in sync under random inserts, updates and deletes', () => {
    const z = new ZSet();
    const ref = new Map<string, number>();
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let i = 0; i < 5000; i++) {
      const m = 'm' + rnd(400);
      const op = rnd(10);
      if (op < 6) {
        const s = rnd(50) - 25;
        expect(z.add(m, s)).toBe(!ref.has(m));
        ref.set(m, s);
      } else {
        expect(z.delete(m)).toBe(ref.delete(m));
      }
      if (i % 500 === 0) z.validate();
    }
    z.validate();
    const exp = sortedRef(ref);
    expect([...z]).toEqual(exp);
    exp.forEach(([m], i) => {
      expect(z.rank(m)).toBe(i);
      expect(z.byRank(i)!.member).toBe(m);
    });
    expect(z.rank('absent')).toBe(-1);
  });

  it('range queries by score and lex, counts and range deletion', () => {
    const z = new ZSet();
    for (const [m, s] of [['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]] as const) z.add(m, s);
    expect(z.firstInScore({ min: 2, max: 4, minex: true, maxex: false })!.member).toBe('c');
    expect(z.lastInScore({ min: 2, max: 4, minex: false, maxex: true })!.member).toBe('c');
    expect(z.firstInScore({ min: 6, max: 9, minex: false, maxex: false })).toBe(null);
    expect(z.countInScore({ min: -Infinity, max: Infinity, minex: false, maxex: false })).toBe(5);
    expect(z.countInScore({ min: 3, max: 3, minex: true, maxex: false })).toBe(0);
    const lex = { min: 'b', max: '', minex: false, maxex: true, minInf: 0 as const, maxInf: 1 as const };
    expect(z.countInLex(lex)).toBe(4);
    expect(z.firstInLex(lex)!.member).toBe('b');
    expect(z.lastInLex(lex)!.member).toBe('e');
    expect(z.deleteRangeByLex({ min: '', max: 'b', minex: true, maxex: false, minInf: -1, maxInf: 0 })).toBe(2);
    expect(z.deleteRangeByScore({ min: 4, max: Infinity, minex: false, maxex: false })).toBe(2);
    expect([...z]).toEqual([['c', 3]]);
    z.add('x', 0);
    z.add('y', 9);
    expect(z.deleteRangeByRank(0, 1)).toBe(2);
    expect([...z]).toEqual([['y', 9]]);
    z.validate();
  });

  it('orders equal scores by member bytes (latin1)', () => {
    const z = new ZSet();
    for (const m of ['b', '\xff', 'B', 'ab', 'a', '']) z.add(m, 1);
    expect([...z].map(([m]) => m)).toEqual(['', 'B', 'a', 'ab', 'b', '\xff']);
  });
});
