import type { Cluster, Redis } from 'ioredis';
import type { AckKind } from '../checkers/history/types.js';
import { type Ctx, type Gen, ops } from './generator.js';

/** What a worker sends: Jepsen's op map without bookkeeping. */
export interface Invocation {
  f: string;
  value: unknown;
  key?: string;
  waitFor?: number;
  waitTimeoutMs?: number;
  /** After an ok WAIT-acknowledged write, the harness reads the element on every replica (a direct WAIT check). */
  probe?: boolean;
}

/** What came back; `type` follows the design map's error semantics. */
export interface Completion {
  type: 'ok' | 'fail' | 'info';
  value: unknown;
  error?: string;
  ack?: AckKind;
  replicas?: number;
}

export type Conn = Redis | Cluster;

export interface WorkloadOptions {
  /** Number of keys the workload spreads over. */
  keys: number;
  /** WAIT's numreplicas (wait workload). */
  waitFor: number;
  /** WAIT's timeout in ms. */
  waitTimeoutMs: number;
  /** Whether the target is a cluster (keys spread over slots; hash tags where atomicity needs one slot). */
  cluster: boolean;
  /** The servers run with min-replicas-to-write ≥ 1: plain acknowledgements are min-replicas ones. */
  minReplicas: boolean;
}

/** A checker to run on the history, by registry name, with its options. */
export interface CheckerSpec {
  name: string;
  options?: Record<string, unknown>;
}

/**
 * A workload: what clients do and how the history is judged. Its op stream is a generator built
 * from lib/gen.ts combinators (mix, perKey …) drawing only from the thread's random stream, so
 * `--replay` reproduces it; the harness paces it, runs the loop and records the history. Invocation
 * talks to the system over ioredis only; a client error it throws is classified by the harness
 * (workloads/errors.ts: a failed `read` is `fail`, any other op keeps its value as `fail` or `info`).
 */
export interface Workload {
  name: string;
  description: string;
  checkers(opts: WorkloadOptions): CheckerSpec[];
  /** Every client thread's op stream (ctx.thread is the worker slot, ctx.n its op count). */
  generator(opts: WorkloadOptions): Gen<Invocation>;
  invoke(conn: Conn, op: Invocation, opts: WorkloadOptions): Promise<Completion>;
  /**
   * Keys the final reads cover (every key the workload may have written). `written`: the keys the
   * run's ops touched other than by reads, for workloads whose keys are not known up front.
   */
  finalKeys(opts: WorkloadOptions, written?: ReadonlySet<string>): string[];
  /** Read one key's final state from one node (after heal); value for the final-read op. */
  finalRead?(conn: Conn, key: string): Promise<unknown>;
  /** Extra server options this workload needs (e.g. min-replicas-to-write). */
  serverArgs?(opts: WorkloadOptions): string[];
  /**
   * Which nodes workers connect to outside cluster mode: the primaries (default), or every node
   * round-robin as Jepsen does (writes to a replica are refused until a failover promotes it).
   */
  clientNodes?: 'primaries' | 'all';
}

/** A set of unique integer elements, sorted: the read of the set-based workloads. */
export async function readSet(conn: Conn, key: string): Promise<number[]> {
  return (await conn.smembers(key)).map(Number).sort((a, b) => a - b);
}

/** Keys k0..k(n-1); in cluster mode they spread over slots naturally (no shared hash tag). */
export function keyNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/** A value unique across all workers: the thread (worker slot) and its op count. */
export function uniqueValue(ctx: Ctx): number {
  return ctx.thread * 1_000_000 + ctx.n;
}

/** An endless stream of invocations made by `make` (lib/gen.ts ops, typed for workloads). */
export function invocations(make: (ctx: Ctx) => Invocation): Gen<Invocation> {
  return ops(make);
}

/** The key an enclosing perKey chose. */
export function keyOf(ctx: Ctx): string {
  if (ctx.key === undefined) throw new Error('this op needs a key: wrap its generator in perKey');
  return ctx.key;
}
