import { classifyError } from './errors.js';
import type { Workload } from './workload.js';
import { keyNames, uniqueValue } from './workload.js';

/**
 * Jepsen's set workload: SADD unique elements, SMEMBERS reads concurrently; final reads after
 * heal from every primary. Judged by set-full (stable/lost/stale) and lost-writes.
 */
export const setWorkload: Workload = {
  name: 'set',
  description: 'SADD unique elements to a few sets, SMEMBERS reads; set-full + lost-writes',
  checkers: () => [{ name: 'set-full' }, { name: 'lost-writes' }],
  next(rng, slot, n, o) {
    const key = `set${rng.int(o.keys)}`;
    if (rng.next() < 0.2) return { f: 'read', value: null, key };
    return { f: 'add', value: uniqueValue(slot, n), key };
  },
  async invoke(conn, op) {
    try {
      if (op.f === 'add') {
        await conn.sadd(op.key!, String(op.value));
        return { type: 'ok', value: op.value };
      }
      const members = await conn.smembers(op.key!);
      return { type: 'ok', value: members.map(Number).sort((a, b) => a - b) };
    } catch (err) {
      const c = classifyError(err);
      // A read that failed or timed out changed nothing: Jepsen records reads as fail.
      return op.f === 'read' ? { ...c, type: 'fail', value: null } : { ...c, value: op.value };
    }
  },
  finalKeys: (o) => keyNames('set', o.keys),
  async finalRead(conn, key) {
    return (await conn.smembers(key)).map(Number).sort((a, b) => a - b);
  },
};
