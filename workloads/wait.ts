import { classifyError } from './errors.js';
import type { Workload } from './workload.js';
import { keyNames, uniqueValue } from './workload.js';

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
  next(rng, slot, n, o) {
    const key = `wset${rng.int(o.keys)}`;
    // Half the writes are plain, so the report shows the loss of each acknowledgement kind side by side.
    if (rng.next() < 0.5) return { f: 'add', value: uniqueValue(slot, n), key };
    const op = { f: 'add', value: uniqueValue(slot, n), key, waitFor: o.waitFor, waitTimeoutMs: o.waitTimeoutMs };
    // Every 4th op's WAIT is checked against the replicas directly; every 25th comes after a quiet
    // second and a half (low-rate phases: the replicas' last ACK is old, WAIT must ask for a fresh one).
    return { ...op, ...(n % 4 === 0 ? { probe: true } : {}), ...(n % 25 === 12 ? { pauseBeforeMs: 1500 } : {}) };
  },
  async invoke(conn, op) {
    try {
      await conn.sadd(op.key!, String(op.value));
    } catch (err) {
      return { ...classifyError(err), value: op.value };
    }
    if (op.waitFor === undefined) return { type: 'ok', value: op.value };
    try {
      // WAIT must run on the connection that wrote; for a Cluster client, route by the same key.
      const replicas = Number(await (conn as { call(...a: string[]): Promise<unknown> }).call('WAIT', String(op.waitFor), String(op.waitTimeoutMs)));
      if (replicas >= (op.waitFor ?? 0)) return { type: 'ok', value: op.value, ack: 'wait', replicas };
      return { type: 'info', value: op.value, replicas, error: `WAIT returned ${replicas} < ${op.waitFor}` };
    } catch (err) {
      // The SADD succeeded; WAIT itself failed: durability unknown.
      const c = classifyError(err);
      return { type: 'info', value: op.value, error: c.error };
    }
  },
  finalKeys: (o) => keyNames('wset', o.keys),
  async finalRead(conn, key) {
    return (await conn.smembers(key)).map(Number).sort((a, b) => a - b);
  },
};
