import { mix, perKey } from './generator.js';
import type { Workload } from './workload.js';
import { invocations, keyNames, keyOf, readSet, uniqueValue } from './workload.js';

/**
 * Jepsen's set workload: SADD unique elements, SMEMBERS reads concurrently; final reads after
 * heal from every primary. Judged by set-full (stable/lost/stale) and lost-writes.
 */
export const setWorkload: Workload = {
  name: 'set',
  description: 'SADD unique elements to a few sets, SMEMBERS reads; set-full + lost-writes',
  checkers: () => [{ name: 'set-full' }, { name: 'lost-writes' }],
  generator: (o) =>
    perKey(
      'set',
      o.keys,
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
  finalKeys: (o) => keyNames('set', o.keys),
  finalRead: readSet,
};
