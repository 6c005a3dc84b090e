import { type Gen, mix } from './generator.js';
import type { Workload } from './workload.js';
import { invocations, keyNames, keyOf, readSet, uniqueValue } from './workload.js';

/**
 * Ops a worker sends to one generation of keys before it moves to fresh ones. Every read returns
 * the whole set, so without rotation a read's size grows with the run and the history with its
 * square; with it, a set holds at most about concurrency × this × 0.8 / keys elements and the
 * history grows linearly (Jepsen's independent keys with a write limit per key). Each element is
 * still read by the reads of its generation and by the final reads, as set-full needs.
 */
export const SET_OPS_PER_GENERATION = 1500;

/** Like perKey, but a worker's nth op goes to generation floor(n / SET_OPS_PER_GENERATION): `set2`, then `set2.1`, … */
export function rotatingKeys<T>(prefix: string, count: number, perGeneration: number, gen: Gen<T>): Gen<T> {
  return {
    next: (ctx) => {
      const g = Math.floor(ctx.n / perGeneration);
      return gen.next({ ...ctx, key: `${prefix}${ctx.rng.int(count)}${g === 0 ? '' : `.${g}`}` });
    },
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

/**
 * Jepsen's set workload: SADD unique elements, SMEMBERS reads concurrently; final reads after
 * heal from every primary. Judged by set-full (stable/lost/stale) and lost-writes.
 */
export const setWorkload: Workload = {
  name: 'set',
  description: 'SADD unique elements to a few sets, SMEMBERS reads; set-full + lost-writes',
  checkers: () => [{ name: 'set-full' }, { name: 'lost-writes' }],
  generator: (o) =>
    rotatingKeys(
      'set',
      o.keys,
      SET_OPS_PER_GENERATION,
      mix([
        [0.2, invocations((c) => ({ f: 'read', value: null, key: keyOf(c) }))],
        [0.8, invocations((c) => ({ f: 'add', value: uniqueValue(c), key: keyOf(c) }))],
      ]),
    ),
  async invoke(conn, op) {
    if (op.f === 'add') {
      await conn.sadd(op.key!, String(op.value));
      return { type: 'ok', value: op.value };
    }
    return { type: 'ok', value: await readSet(conn, op.key!) };
  },
  finalKeys: (o, written) => [...new Set([...keyNames('set', o.keys), ...(written ?? [])])],
  finalRead: readSet,
};
