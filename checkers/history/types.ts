/**
 * Histories are plain data, as in Jepsen: one operation per event, invocations and completions
 * paired by process. This file is the contract between workloads (which write histories),
 * checkers (which judge them) and reports (which render them). What the checkers expect inside this
 * shape (fs, unique values, final reads, acknowledgement kinds, nemesis values) is in
 * checkers/CONVENTIONS.md.
 */

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** Client processes are non-negative integers; fault injection is the process "nemesis". */
export type ProcessId = number | 'nemesis';

/** How a write was acknowledged: the three kinds the lost-writes checker counts separately. */
export type AckKind = 'plain' | 'wait' | 'min-replicas';

export interface Op {
  /** Position in the history, 0-based, dense. */
  index: number;
  /** Nanoseconds since the start of the run (monotonic clock). */
  time: number;
  process: ProcessId;
  type: OpType;
  /** Operation name: read, write, cas, add, append, incr, get, put, wait, start-partition ... */
  f: string;
  /**
   * Operation argument on invoke, result on completion (a read's invoke has value null and its
   * ok carries what was read). Jepsen-style: completions repeat the invoke's value for writes.
   */
  value: unknown;
  /** Key for keyed workloads (Jepsen's `independent` tuples are unpacked into this field). */
  key?: string;
  /** Node (name, e.g. "n1") the client talked to, when known. */
  node?: string;
  /** Error text or class on fail/info completions (e.g. "NOREPLICAS", "timeout"). */
  error?: string;
  /** On ok completions of writes: how the write was acknowledged. Absent means plain. */
  ack?: AckKind;
  /** On ok completions of `WAIT`-acknowledged writes: WAIT's reply (number of replicas). */
  replicas?: number;
  /**
   * On `WAIT`-acknowledged writes (invoke and completion): the `numreplicas` argument given to WAIT.
   * The write completes `ok` with `ack: 'wait'` only when `replicas >= waitFor`; a short WAIT
   * completes `info` with `replicas` set (see checkers/CONVENTIONS.md).
   */
  waitFor?: number;
  /** On `WAIT`-acknowledged writes: WAIT's `timeout` argument in milliseconds (0 = block forever). */
  waitTimeoutMs?: number;
}

/** A history is an ordered array (or stream) of operations. */
export type History = Op[];

export type Validity = true | false | 'unknown';

/** Every checker returns at least this; checker-specific fields sit beside `valid`. */
export interface CheckerResult {
  valid: Validity;
  [extra: string]: unknown;
}

/** A checker is a pure function of a history (and options); no I/O of its own. */
export interface Checker<R extends CheckerResult = CheckerResult, O = unknown> {
  name: string;
  check(history: History, opts?: O): R | Promise<R>;
}
