/**
 * The single-instance Redis lock (the pattern Redlock builds on) under faults: take the lock with
 * `SET lock token NX PX ttl`, get a fencing token with INCR, append `fence:token` to a log list
 * inside the critical section, release with compare-and-delete (a Lua script; WATCH/GET/MULTI/DEL
 * on a server that answers EVAL with an unknown-command error). One history op is one such cycle; its value
 * records when each step happened (absolute monotonic ns, the clock the history uses), so the
 * `lock` checker can compare critical sections across clients.
 *
 * Workers connect to every node (Jepsen's binding): after a failover the promoted replica grants
 * the lock too, which is how the mutual-exclusion violations of Kleppmann's analysis of Redlock
 * (failover with asynchronous replication, pauses) show up.
 */
import type { Redis } from 'ioredis';
import { classifyError } from './errors.js';
import type { Completion, Conn, Invocation, Workload } from './workload.js';
import { invocations } from './workload.js';

/** One lock; its fence counter and log share its hash tag (one cluster slot). */
export const LOCK_KEY = 'lock:{l}';
export const FENCE_KEY = 'lock:{l}:fence';
export const LOG_KEY = 'lock:{l}:log';
/** Lease: long against a critical section (a few ms), shorter than a fault. */
export const LOCK_TTL_MS = 3000;
const MAX_HOLD_MS = 5;

const CAD_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The cycle's steps; times are absolute monotonic ns (process.hrtime). */
export interface LockCycle {
  token: string;
  ttlMs: number;
  /** When the cycle started (before SET was sent). */
  t0: number;
  /** true: SET NX answered OK; false: the lock was held; null: unknown (error). */
  acquired: boolean | null;
  acquiredAt?: number;
  fence?: number;
  writeAt?: number;
  wroteAt?: number;
  releaseAt?: number;
  /** CAD's reply: 1 deleted our lock, 0 it was no longer ours. */
  released?: number;
  /** When the critical section ended (release answered, or the step that failed gave up). */
  endAt: number;
}

export function lockToken(slot: number, n: number): string {
  return `${slot}-${n}`;
}

function now(): number {
  return Number(process.hrtime.bigint());
}

/** Connections known to lack scripting (our server until it has Lua): WATCH/MULTI there. */
const noScripting = new WeakSet<Conn>();

/** Compare-and-delete: 1 if the lock held `token` and was deleted, else 0. */
async function compareAndDelete(conn: Conn, token: string): Promise<number> {
  if (!noScripting.has(conn)) {
    try {
      return Number(await conn.eval(CAD_SCRIPT, 1, LOCK_KEY, token));
    } catch (err) {
      if (!/unknown command/i.test((err as Error).message)) throw err;
      noScripting.add(conn);
    }
  }
  const c = conn as Redis;
  await c.watch(LOCK_KEY);
  if ((await c.get(LOCK_KEY)) !== token) {
    await c.unwatch();
    return 0;
  }
  const res = await c.multi().del(LOCK_KEY).exec();
  // EXEC → null: the lock changed (expired, or someone took it) after our GET: nothing deleted.
  return res === null ? 0 : Number(res[0]?.[1] ?? 0);
}

/** Runs one cycle; the completion carries the steps done so far whatever happens. */
export async function lockCycle(conn: Conn, token: string, ttlMs: number, holdMs: number): Promise<Completion> {
  const c: LockCycle = { token, ttlMs, t0: now(), acquired: null, endAt: 0 };
  const stop = (err: unknown): Completion => {
    c.endAt = now();
    const e = classifyError(err);
    // Never acquired and certainly refused: nothing happened.
    if (c.acquired === null && e.type === 'fail') return { type: 'fail', value: c, error: e.error };
    return { type: 'info', value: c, error: e.error };
  };
  try {
    const r = await conn.set(LOCK_KEY, token, 'PX', ttlMs, 'NX');
    c.acquired = r === 'OK';
    c.acquiredAt = now();
    if (!c.acquired) {
      c.endAt = c.acquiredAt;
      return { type: 'fail', value: c, error: 'lock held' };
    }
  } catch (err) {
    return stop(err);
  }
  try {
    c.fence = await conn.incr(FENCE_KEY);
    c.writeAt = now();
    await conn.rpush(LOG_KEY, `${c.fence}:${token}`);
    c.wroteAt = now();
    if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
    c.releaseAt = now();
    c.released = await compareAndDelete(conn, token);
    c.endAt = now();
    return { type: 'ok', value: c };
  } catch (err) {
    return stop(err);
  }
}

export const lockWorkload: Workload = {
  name: 'lock',
  description:
    'SET NX PX lock, INCR fencing token, RPUSH to a log in the critical section, compare-and-delete release; lock checker (mutual exclusion, fencing)',
  checkers: () => [{ name: 'lock' }],
  clientNodes: 'all',
  generator: () =>
    invocations((c): Invocation => ({ f: 'lock', value: { token: lockToken(c.thread, c.n), ttlMs: LOCK_TTL_MS, holdMs: c.rng.int(MAX_HOLD_MS + 1) } })),
  async invoke(conn: Conn, op: Invocation): Promise<Completion> {
    const { token, ttlMs, holdMs } = op.value as { token: string; ttlMs: number; holdMs: number };
    return lockCycle(conn, token, ttlMs, holdMs);
  },
  finalKeys: () => [LOG_KEY],
  async finalRead(conn: Conn, key: string) {
    return conn.lrange(key, 0, -1);
  },
};
