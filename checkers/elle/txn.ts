/**
 * Transactions out of a history, as Elle sees them: every `f: 'txn'` invoke paired with its
 * completion, its value a list of micro-operations `[f, key, value]` — `['append', k, v]` and
 * `['r', k, [..]]` (list-append), `['w', k, v]` and `['r', k, v]` (rw-register). A `final-read`
 * of a key (checkers/CONVENTIONS.md) is a read-only transaction of that key, so final reads take
 * part in the analysis like any other read.
 *
 * Keys and elements are compared as text: Redis replies are strings, so `5` and `"5"` are the
 * same element (checkers/CONVENTIONS.md).
 */
import type { History, Op } from '../history/types.js';

export type MopF = 'append' | 'r' | 'w';

/** An element or register value: a number when it is one (Redis replies are strings), else text. */
export type Elem = number | string;

/** A micro-operation with its key and value normalised: key as text, values as `Elem`. */
export interface Mop {
  f: MopF;
  key: string;
  /** Written element/value; for reads the list of elements (list-append) or the value (register); null: unknown or nil. */
  value: Elem | Elem[] | null;
}

export type TxnType = 'ok' | 'info' | 'fail';

export interface Txn {
  /** Dense id in history order of invocation. */
  id: number;
  /** History index of the completion (of the invoke when the op never completed). */
  index: number;
  invokeIndex: number;
  process: number;
  /** `info` also stands for "never completed". */
  type: TxnType;
  /** The completion's mops for ok; the invocation's (reads unknown) otherwise. */
  mops: Mop[];
  invokeTime: number;
  /** Completion time; Infinity when the outcome is unknown. */
  completeTime: number;
}

/** An element or register value, normalised: numbers and their canonical decimal strings are the same. */
export function elem(v: unknown): Elem {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const c = v.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      const n = Number(v);
      if (String(n) === v) return n;
    }
    return v;
  }
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Keys are compared as text. */
function keyText(k: unknown): string {
  return typeof k === 'string' ? k : typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean' ? String(k) : JSON.stringify(k);
}

/** A history that Elle cannot read (a malformed mop): the checker answers `unknown` with this message. */
export class TxnFormatError extends Error {
  override readonly name = 'TxnFormatError';
}

function parseMop(raw: unknown, op: Op, completed: boolean): Mop {
  if (!Array.isArray(raw) || raw.length < 2) throw new TxnFormatError(`op ${op.index}: micro-op ${JSON.stringify(raw)} is not [f, key, value]`);
  const [f, k, v] = raw as [unknown, unknown, unknown];
  const key = keyText(k);
  switch (f) {
    case 'append':
    case 'w':
      return { f, key, value: v === null || v === undefined ? null : elem(v) };
    case 'r':
      if (!completed || v === undefined) return { f, key, value: null };
      if (Array.isArray(v)) return { f, key, value: v.map(elem) };
      return { f, key, value: v === null ? null : elem(v) };
    default:
      throw new TxnFormatError(`op ${op.index}: unknown micro-op ${JSON.stringify(f)} (append, r, w)`);
  }
}

function parseMops(value: unknown, op: Op, completed: boolean): Mop[] {
  if (!Array.isArray(value)) throw new TxnFormatError(`op ${op.index}: a txn value must be a list of micro-ops, got ${JSON.stringify(value)}`);
  return value.map((m) => parseMop(m, op, completed));
}

/** Does this op take part in the transactional analysis? */
function isTxnOp(op: Op): boolean {
  return op.process !== 'nemesis' && (op.f === 'txn' || (op.f === 'final-read' && op.key !== undefined));
}

function mopsOf(inv: Op, comp: Op | null): Mop[] {
  if (inv.f === 'final-read') {
    const ok = comp !== null && comp.type === 'ok';
    return [{ f: 'r', key: inv.key!, value: ok ? (Array.isArray(comp.value) ? comp.value.map(elem) : comp.value === null ? null : elem(comp.value)) : null }];
  }
  if (comp !== null && comp.type === 'ok') return parseMops(comp.value, comp, true);
  return parseMops(inv.value, inv, false);
}

/**
 * Pairs invocations and completions per process. Ops that never completed are `info`; a
 * completion without an invocation is ignored (a history cut at the start).
 */
export function transactions(history: History): Txn[] {
  const pending = new Map<number, Op>();
  const pairs: [Op, Op | null][] = [];
  for (const op of history) {
    if (!isTxnOp(op)) continue;
    const p = op.process as number;
    if (op.type === 'invoke') {
      const prev = pending.get(p);
      if (prev !== undefined) pairs.push([prev, null]);
      pending.set(p, op);
    } else {
      const inv = pending.get(p);
      if (inv === undefined) continue;
      pending.delete(p);
      pairs.push([inv, op]);
    }
  }
  for (const inv of pending.values()) pairs.push([inv, null]);
  pairs.sort((a, b) => a[0].index - b[0].index);
  return pairs.map(([inv, comp], id) => {
    const type: TxnType = comp === null ? 'info' : (comp.type as TxnType);
    return {
      id,
      index: comp === null ? inv.index : comp.index,
      invokeIndex: inv.index,
      process: inv.process as number,
      type,
      mops: mopsOf(inv, comp),
      invokeTime: inv.time,
      completeTime: comp === null || comp.type === 'info' ? Infinity : comp.time,
    };
  });
}

/** Mops as Elle writes them, for messages: `[:append k 5]`-like but in our JSON spelling. */
export function showMop(m: Mop): string {
  const v = m.value === null ? 'nil' : Array.isArray(m.value) ? showList(m.value) : m.value;
  return `${m.f} ${m.key} ${v}`;
}

/** A read list for messages: long ones keep their head and, where the versions differ, their tail. */
function showList(v: readonly Elem[]): string {
  if (v.length <= 12) return `[${v.join(' ')}]`;
  return `[${v.slice(0, 3).join(' ')} … ${v.slice(-6).join(' ')}] (${v.length} elements)`;
}

export function showTxn(t: Txn): string {
  return `[${t.mops.map(showMop).join(', ')}]`;
}
