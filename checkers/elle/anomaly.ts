/** Shapes shared by the transactional analyses: anomalies that need no cycle, and explained edges. */
import type { Rel } from './graph.js';
import { type Elem, type Mop, showMop, showTxn, type Txn, type TxnType } from './txn.js';

/** A transaction as anomalies cite it: its completion index (links in reports) and what it did. */
export interface TxnRef {
  index: number;
  invokeIndex: number;
  process: number;
  type: TxnType;
  /** The transaction, e.g. `[append k1 5, r k2 [1 2]]`. */
  txn: string;
}

export function ref(t: Txn): TxnRef {
  return { index: t.index, invokeIndex: t.invokeIndex, process: t.process, type: t.type, txn: showTxn(t) };
}

/** An anomaly found without cycles: a type, one sentence, and the ops to link. */
export interface DataAnomaly {
  type: string;
  message: string;
  /** Op indices (completions) involved. */
  ops: number[];
  key?: string;
  [field: string]: unknown;
}

/** Why b depends on a, as data; `text` renders it in words with names for a and b. */
export interface EdgeExplanation {
  rel: Rel;
  key?: string;
  /** The version a wrote or read (null: the initial, empty/nil state). */
  value?: Elem | null;
  /** The version b wrote or read. */
  value2?: Elem | null;
}

export interface Analysis {
  /** Anomalies by type. */
  anomalies: Map<string, DataAnomaly[]>;
  /** Explains a data dependency a → b of relation ww, wr or rw; null if there is none. */
  explain(a: Txn, b: Txn, rel: 'ww' | 'wr' | 'rw'): EdgeExplanation | null;
  /** Renders one explained data edge in words. */
  render(e: EdgeExplanation, a: string, b: string): string;
}

export function addAnomaly(m: Map<string, DataAnomaly[]>, a: DataAnomaly): void {
  let list = m.get(a.type);
  if (list === undefined) m.set(a.type, (list = []));
  list.push(a);
}

export function mopText(m: Mop): string {
  return showMop(m);
}

/** A value for messages: numbers bare, anything else quoted. */
export function show(v: Elem | null | undefined): string {
  if (v === null || v === undefined) return 'nil';
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}
