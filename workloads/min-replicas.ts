import { perKey } from './generator.js';
import type { Workload } from './workload.js';
import { invocations, keyNames, keyOf, readSet, uniqueValue } from './workload.js';

/**
 * Unique SADDs to a primary configured with min-replicas-to-write, while the nemesis isolates it
 * from its replicas. Writes are acknowledged `ack: 'min-replicas'`; NOREPLICAS refusals are `fail`.
 */
export const minReplicasWorkload: Workload = {
  name: 'min-replicas',
  description: 'SADD under min-replicas-to-write 1; min-replicas + lost-writes checkers',
  checkers: () => [{ name: 'min-replicas' }, { name: 'lost-writes' }],
  serverArgs: () => ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '2'],
  generator: (o) =>
    perKey(
      'mset',
      o.keys,
      invocations((c) => ({ f: 'add', value: uniqueValue(c), key: keyOf(c) })),
    ),
  async invoke(conn, op) {
    await conn.sadd(op.key!, String(op.value));
    return { type: 'ok', value: op.value, ack: 'min-replicas' };
  },
  finalKeys: (o) => keyNames('mset', o.keys),
  finalRead: readSet,
};

/** Unique SADDs only, final reads from every primary: the plain lost-acknowledged-write question. */
export const lostWritesWorkload: Workload = {
  name: 'lost-writes',
  description: 'unique SADDs with final reads from every primary; lost-writes checker',
  checkers: () => [{ name: 'lost-writes' }],
  generator: (o) =>
    perKey(
      'lw',
      o.keys,
      invocations((c) => ({ f: 'add', value: uniqueValue(c), key: keyOf(c) })),
    ),
  async invoke(conn, op, o) {
    await conn.sadd(op.key!, String(op.value));
    return o.minReplicas ? { type: 'ok', value: op.value, ack: 'min-replicas' } : { type: 'ok', value: op.value };
  },
  finalKeys: (o) => keyNames('lw', o.keys),
  finalRead: readSet,
};
