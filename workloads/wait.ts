import { classifyError } from './errors.js';
import { mix, perKey } from './generator.js';
import type { Workload } from './workload.js';
import { invocations, keyNames, keyOf, readSet, uniqueValue } from './workload.js';

/**
 * SADD a unique element, then `WAIT n timeout` on the same connection. The write is acknowledged
 * `ack: 'wait'` only when WAIT confirmed ≥ n replicas; a short WAIT completes `info` (the write
 * happened on the primary, its durability is unknown) with WAIT's reply, as checkers/CONVENTIONS.md says.
 */
export const waitWorkload: Workload = {
  name: 'wait',
  description: 'SADD (half of them followed by WAIT n timeout); wait + lost-writes checkers (WAIT-acknowledged losses reported apart)',
  checkers: (o) => [{ name: 'wait', options: { replicasMax: undefined, waitTimeoutMs: o.waitTimeoutMs } }, { name: 'lost-writes' }],
  generator: (o) =>
    perKey(
      'wset',
      o.keys,
      // Half the writes are plain, so the report shows the loss of each acknowledgement kind side by side.
      mix([
        [0.5, invocations((c) => ({ f: 'add', value: uniqueValue(c), key: keyOf(c) }))],
        [0.5, invocations((c) => ({ f: 'add', value: uniqueValue(c), key: keyOf(c), waitFor: o.waitFor, waitTimeoutMs: o.waitTimeoutMs }))],
      ]),
    ),
  async invoke(conn, op) {
    await conn.sadd(op.key!, String(op.value));
    if (op.waitFor === undefined) return { type: 'ok', value: op.value };
    try {
      // WAIT must run on the connection that wrote; for a Cluster client, route by the same key.
      const replicas = Number(await (conn as { call(...a: string[]): Promise<unknown> }).call('WAIT', String(op.waitFor), String(op.waitTimeoutMs)));
      if (replicas >= (op.waitFor ?? 0)) return { type: 'ok', value: op.value, ack: 'wait', replicas };
      return { type: 'info', value: op.value, replicas, error: `WAIT returned ${replicas} < ${op.waitFor}` };
    } catch (err) {
      // The SADD succeeded; WAIT itself failed: durability unknown.
      return { type: 'info', value: op.value, error: classifyError(err).error };
    }
  },
  finalKeys: (o) => keyNames('wset', o.keys),
  finalRead: readSet,
};
