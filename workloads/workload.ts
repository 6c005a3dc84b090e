import type { Cluster, Redis } from 'ioredis';
import type { AckKind } from '../checkers/history/types.js';

/** The seeded random source a workload draws from (the harness passes a per-worker stream, so --replay reproduces ops). */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/** What a worker sends: Jepsen's op map without bookkeeping. */
export interface Invocation {
  f: string;
  value: unknown;
  key?: string;
  waitFor?: number;
  waitTimeoutMs?: number;
  /** Idle this long before invoking (quiet periods: WAIT right after them must still be right). */
  pauseBeforeMs?: number;
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
 * A workload: what clients do and how the history is judged. Generation is a pure function of
 * the worker's PRNG and slot (so `--replay` reproduces the op sequence); invocation talks to the
 * system over ioredis only.
 */
export interface Workload {
  name: string;
  description: string;
  checkers(opts: WorkloadOptions): CheckerSpec[];
  /** The next op of worker `slot` (its n-th op). */
  next(rng: Rng, slot: number, n: number, opts: WorkloadOptions): Invocation;
  invoke(conn: Conn, op: Invocation, opts: WorkloadOptions): Promise<Completion>;
  /** Keys the final reads cover (every key the workload may have written). */
  finalKeys(opts: WorkloadOptions): string[];
  /** Read one key's final state from one node (after heal); value for the final-read op. */
  finalRead?(conn: Conn, key: string): Promise<unknown>;
  /** Extra server options this workload needs (e.g. min-replicas-to-write). */
  serverArgs?(opts: WorkloadOptions): string[];
}

/** Keys k0..k(n-1); in cluster mode they spread over slots naturally (no shared hash tag). */
export function keyNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/** A value unique across all workers: slot + concurrency-independent counter. */
export function uniqueValue(slot: number, n: number): number {
  return slot * 1_000_000 + n;
}
