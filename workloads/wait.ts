import { classifyError } from './errors.js';
import { lulls, mix, perKey } from './generator.js';
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
  // The harness adds maxReplicas (the topology's replicas per primary): every WAIT reply is range-checked.
  checkers: () => [{ name: 'wait' }, { name: 'lost-writes' }],
  generator: (o) =>
    // Every 10 s a low-rate second and a half, then a quiet one: WAIT right after quiet periods (the
    // replicas' last ACK is old, WAIT must ask for a fresh one) and at a trickle, not only under load.
    lulls(
      { periodMs: 10_000, slowMs: 1500, slowSpacingMs: 300, quietMs: 1500 },
      perKey(
        'wset',
        o.keys,
        // Half the writes are plain, so the report shows the loss of each acknowledgement kind side by side.
        mix([
          [0.5, invocations((c) => ({ f: 'add', value: uniqueValue(c), key: keyOf(c) }))],
          // A quarter of the WAITs are checked directly: the harness reads the element on the replicas right after.
          [
            0.5,
            invocations((c) => ({
              f: 'add',
              value: uniqueValue(c),
              key: keyOf(c),
              waitFor: o.waitFor,
              waitTimeoutMs: o.waitTimeoutMs,
              ...(c.n % 4 === 0 ? { probe: true } : {}),
            })),
          ],
        ]),
      ),
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
