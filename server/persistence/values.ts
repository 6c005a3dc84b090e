import { ZSet } from '../store/zset.js';
import { fmt17g } from '../util/numbers.js';

/**
 * The few operations persistence needs on sorted sets, in one place, so that the RDB code does
 * not depend on the sorted set's internal structure.
 */

/** Members with scores in ascending (score, member) order, as a skiplist walks them. */
export function zsetSorted(z: ZSet): [string, number][] {
  const out: [string, number][] = [];
  for (let n = z.first(); n !== null; n = n.next) out.push([n.member, n.score]);
  return out;
}

export function zsetFromPairs(pairs: Iterable<[string, number]>): ZSet {
  const z = new ZSet();
  for (const [m, s] of pairs) z.add(m, s);
  return z;
}

/** Redis's d2string: the score text stored in listpack-encoded sorted sets. */
export function d2string(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (Number.isSafeInteger(v)) return String(v);
  return fmt17g(v);
}
