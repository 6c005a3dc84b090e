/**
 * Transactional workloads for the Elle-style checker: `txn-append` (RPUSH appends and LRANGE
 * reads) and `txn-register` (SET writes and GET reads), each transaction sent as one MULTI/EXEC.
 *
 * Keys come in groups that share a hash tag, and a transaction stays inside one group, so it lives
 * in one cluster slot: the same workload runs on single, replicated and cluster topologies. As in
 * Elle's generator, keys rotate: every GENERATION_OPS ops of a worker it moves to a fresh
 * generation of keys, which keeps lists (and so reads and the history) short. Values are unique
 * per key (worker slot, op number, micro-op position), so every read names the writes it saw.
 *
 * The op stream is a generator (workloads/generator.ts) drawing from the thread's random stream;
 * a transaction is a pure function of that stream, the thread and its op count.
 */
import type { ChainableCommander } from 'ioredis';
import type { Rng } from '../checkers/util/prng.js';
import { classifyError } from './errors.js';
import type { Completion, Conn, Invocation, Workload, WorkloadOptions } from './workload.js';
import { invocations } from './workload.js';

/** Micro-op as recorded in the history: Elle's [f, key, value]. */
export type TxnMop = ['append' | 'w' | 'r', string, unknown];

/** Keys per group; a transaction picks among them. */
const KEYS_PER_GROUP = 3;
/** Ops of one worker per key generation. */
const GENERATION_OPS = 200;
/** Generations the final reads cover (a run past this many leaves later keys to the reads inside transactions). */
const FINAL_GENERATIONS = 32;
const MAX_TXN_LENGTH = 4;

export type TxnKind = 'append' | 'register';

/** `txa:{3.7}:1`: group 3, generation 7, key 1; the braces are the hash tag. */
export function txnKey(kind: TxnKind, group: number, generation: number, i: number): string {
  return `${kind === 'append' ? 'txa' : 'txr'}:{${group}.${generation}}:${i}`;
}

/** A value unique per key: worker slot, op number and position in the transaction. */
export function txnValue(slot: number, n: number, pos: number): number {
  return (slot * 1_000_000 + n) * 10 + pos;
}

/** The next transaction of worker `slot` (its n-th op): 1–4 reads or writes over one key group. */
export function nextTxn(kind: TxnKind, rng: Rng, slot: number, n: number, groups: number): TxnMop[] {
  const group = rng.int(Math.max(1, groups));
  const generation = Math.floor(n / GENERATION_OPS);
  const length = 1 + rng.int(MAX_TXN_LENGTH);
  const mops: TxnMop[] = [];
  for (let pos = 0; pos < length; pos++) {
    const key = txnKey(kind, group, generation, rng.int(KEYS_PER_GROUP));
    if (rng.next() < 0.5) mops.push(['r', key, null]);
    else mops.push([kind === 'append' ? 'append' : 'w', key, txnValue(slot, n, pos)]);
  }
  return mops;
}

/** Queues the micro-ops on a MULTI. */
export function queueTxn(multi: ChainableCommander, mops: readonly TxnMop[]): ChainableCommander {
  for (const [f, key, v] of mops) {
    if (f === 'append') multi.rpush(key, String(v));
    else if (f === 'w') multi.set(key, String(v));
    else if (key.startsWith('txa:')) multi.lrange(key, 0, -1);
    else multi.get(key);
  }
  return multi;
}

/** Register values come back as strings; the history keeps numbers. */
function registerValue(v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) && String(n) === String(v) ? n : String(v);
}

/**
 * The completion for EXEC's reply: ok with the reads filled in; EXEC aborted (null) → fail; a
 * command error inside EXEC (Redis applies the other commands, no rollback) → info.
 */
export function txnCompletion(mops: readonly TxnMop[], reply: [Error | null, unknown][] | null): Completion {
  if (reply === null) return { type: 'fail', value: mops, error: 'EXEC aborted' };
  const failed = reply.find(([e]) => e !== null);
  if (failed !== undefined) return { type: 'info', value: mops, error: `in EXEC: ${(failed[0] as Error).message}` };
  const value = mops.map(([f, key, v], i): TxnMop => {
    if (f !== 'r') return [f, key, v];
    const r = reply[i]![1];
    return [f, key, Array.isArray(r) ? r.map(Number) : registerValue(r)];
  });
  return { type: 'ok', value };
}

function txnWorkload(kind: TxnKind): Workload {
  const name = kind === 'append' ? 'txn-append' : 'txn-register';
  return {
    name,
    description:
      kind === 'append'
        ? 'MULTI/EXEC transactions of RPUSH appends and LRANGE reads over hash-tagged key groups; Elle list-append (strict serializability)'
        : 'MULTI/EXEC transactions of SET writes and GET reads over hash-tagged key groups; Elle rw-register (strict serializability)',
    checkers: () => [
      {
        name: 'elle',
        options:
          kind === 'append'
            ? { workload: 'list-append', consistencyModels: ['strict-serializable'], lostAppends: true }
            : { workload: 'rw-register', consistencyModels: ['strict-serializable'], wfrKeys: true },
      },
    ],
    generator: (o: WorkloadOptions) => invocations((c): Invocation => ({ f: 'txn', value: nextTxn(kind, c.rng, c.thread, c.n, o.keys) })),
    async invoke(conn: Conn, op: Invocation): Promise<Completion> {
      const mops = op.value as TxnMop[];
      try {
        return txnCompletion(mops, await queueTxn(conn.multi(), mops).exec());
      } catch (err) {
        return { ...classifyError(err), value: mops };
      }
    },
    finalKeys: (o) => finalKeys(kind, o.keys),
    async finalRead(conn: Conn, key: string) {
      return kind === 'append' ? (await conn.lrange(key, 0, -1)).map(Number) : registerValue(await conn.get(key));
    },
  };
}

/** Every key of the first FINAL_GENERATIONS generations. */
export function finalKeys(kind: TxnKind, groups: number): string[] {
  const out: string[] = [];
  for (let gen = 0; gen < FINAL_GENERATIONS; gen++)
    for (let g = 0; g < Math.max(1, groups); g++) for (let i = 0; i < KEYS_PER_GROUP; i++) out.push(txnKey(kind, g, gen, i));
  return out;
}

export const txnAppendWorkload = txnWorkload('append');
export const txnRegisterWorkload = txnWorkload('register');
