import type { Redis } from 'ioredis';
import { mix, perKey } from './generator.js';
import type { Workload } from './workload.js';
import { invocations, keyNames, keyOf, uniqueValue } from './workload.js';

const read = invocations((c) => ({ f: 'read', value: null, key: keyOf(c) }));

/**
 * Per-key registers with read (GET), write (SET) and compare-and-set done Lua-free with
 * WATCH/GET/MULTI/SET/EXEC on the worker's own connection. Judged by the linearizability checker.
 */
export const registerWorkload: Workload = {
  name: 'register',
  description: 'GET / SET / CAS (WATCH+MULTI) on a few registers; linearizable (register model)',
  checkers: () => [{ name: 'linearizable', options: { model: 'register', timeLimitMs: 60_000 } }],
  generator: (o) =>
    perKey(
      'reg',
      o.keys,
      mix([
        [0.4, read],
        [0.4, invocations((c) => ({ f: 'write', value: c.rng.int(5), key: keyOf(c) }))],
        [0.2, invocations((c) => ({ f: 'cas', value: [c.rng.int(5), c.rng.int(5)], key: keyOf(c) }))],
      ]),
    ),
  async invoke(conn, op) {
    const key = op.key!;
    if (op.f === 'read') {
      const v = await conn.get(key);
      return { type: 'ok', value: v === null ? null : Number(v) };
    }
    if (op.f === 'write') {
      await conn.set(key, String(op.value));
      return { type: 'ok', value: op.value };
    }
    const [from, to] = op.value as [number, number];
    const c = conn as Redis;
    await c.watch(key);
    const cur = await c.get(key);
    if (cur === null || Number(cur) !== from) {
      await c.unwatch();
      return { type: 'fail', value: op.value, error: 'cas mismatch' };
    }
    const res = await c.multi().set(key, String(to)).exec();
    // EXEC → null: a watched key changed, nothing was applied.
    if (res === null) return { type: 'fail', value: op.value, error: 'cas conflict (WATCH)' };
    return { type: 'ok', value: op.value };
  },
  finalKeys: () => [],
};

/** Counters: INCRBY, GET reads. Judged by Jepsen's counter checker. */
export const counterWorkload: Workload = {
  name: 'counter',
  description: 'INCRBY and GET on a few counters; counter checker',
  checkers: () => [{ name: 'counter' }],
  generator: (o) =>
    perKey(
      'ctr',
      o.keys,
      mix([
        [0.3, read],
        [0.7, invocations((c) => ({ f: 'add', value: 1 + c.rng.int(5), key: keyOf(c) }))],
      ]),
    ),
  async invoke(conn, op) {
    if (op.f === 'add') {
      await conn.incrby(op.key!, op.value as number);
      return { type: 'ok', value: op.value };
    }
    const v = await conn.get(op.key!);
    return { type: 'ok', value: v === null ? 0 : Number(v) };
  },
  finalKeys: (o) => keyNames('ctr', o.keys),
  async finalRead(conn, key) {
    const v = await conn.get(key);
    return v === null ? 0 : Number(v);
  },
};

/** Lists: RPUSH appends and LRANGE reads. Judged by the linearizability checker (list-append model). */
export const listAppendWorkload: Workload = {
  name: 'list-append',
  description: 'RPUSH unique elements and LRANGE reads per key; linearizable (list-append model)',
  checkers: () => [{ name: 'linearizable', options: { model: 'list-append', timeLimitMs: 60_000 } }],
  generator: (o) =>
    perKey(
      'list',
      o.keys,
      mix([
        [0.3, read],
        [0.7, invocations((c) => ({ f: 'append', value: uniqueValue(c), key: keyOf(c) }))],
      ]),
    ),
  async invoke(conn, op) {
    if (op.f === 'append') {
      await conn.rpush(op.key!, String(op.value));
      return { type: 'ok', value: op.value };
    }
    const items = await conn.lrange(op.key!, 0, -1);
    return { type: 'ok', value: items.map(Number) };
  },
  finalKeys: () => [],
};
