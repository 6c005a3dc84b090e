import { classifyError } from './errors.js';
import type { Workload } from './workload.js';
import { keyNames, uniqueValue } from './workload.js';

/**
 * Unique SADDs to a primary configured with min-replicas-to-write, while the nemesis isolates it
 * from its replicas. Writes are acknowledged `ack: 'min-replicas'`; NOREPLICAS refusals are `fail`.
 */
export const minReplicasWorkload: Workload = {
  name: 'min-replicas',
  description: 'SADD under min-replicas-to-write 1; min-replicas + lost-writes checkers',
  checkers: () => [{ name: 'min-replicas' }, { name: 'lost-writes' }],
  serverArgs: () => ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '2'],
  next(rng, slot, n, o) {
    return { f: 'add', value: uniqueValue(slot, n), key: `mset${rng.int(o.keys)}` };
  },
  async invoke(conn, op) {
    try {
      await conn.sadd(op.key!, String(op.value));
      return { type: 'ok', value: op.value, ack: 'min-replicas' };
    } catch (err) {
      return { ...classifyError(err), value: op.value };
    }
  },
  finalKeys: (o) => keyNames('mset', o.keys),
  async finalRead(conn, key) {
    return (await conn.smembers(key)).map(Number).sort((a, b) => a - b);
  },
};

/** Unique SADDs only, final reads from every primary: the plain lost-acknowledged-write question. */
export const lostWritesWorkload: Workload = {
  name: 'lost-writes',
  description: 'unique SADDs with final reads from every primary; lost-writes checker',
  checkers: () => [{ name: 'lost-writes' }],
  next(rng, slot, n, o) {
    return { f: 'add', value: uniqueValue(slot, n), key: `lw${rng.int(o.keys)}` };
  },
  async invoke(conn, op, o) {
    try {
      await conn.sadd(op.key!, String(op.value));
      return o.minReplicas ? { type: 'ok', value: op.value, ack: 'min-replicas' } : { type: 'ok', value: op.value };
    } catch (err) {
      return { ...classifyError(err), value: op.value };
    }
  },
  finalKeys: (o) => keyNames('lw', o.keys),
  async finalRead(conn, key) {
    return (await conn.smembers(key)).map(Number).sort((a, b) => a - b);
  },
};
