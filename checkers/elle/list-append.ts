/**
 * Elle's list-append analysis. Transactions append unique elements to lists and read whole lists;
 * since every read shows the order of the appends it saw, the longest read of a key is its version
 * order (when all reads are prefixes of one another). From it:
 *   ww: T2 appended right after T1's element;  wr: T2 read a list ending in T1's element;
 *   rw: T1 read the list as it was just before T2's append.
 * An append never read is placed after the last element ever read. Beside the graph, anomalies
 * visible without cycles: aborted reads (G1a), intermediate reads (G1b), internal inconsistency,
 * future reads, duplicated elements, incompatible orders, dirty updates, lost updates, and (ours)
 * lost appends: acknowledged appends that no later read shows.
 *
 * Cost: one prefix comparison per read against its key's longest read; a read that is such a
 * prefix (the normal case) needs no further per-element work, so the analysis is linear in the
 * total size of the reads with a small constant.
 */
import { type Analysis, addAnomaly, type DataAnomaly, type EdgeExplanation, mopText, ref, show } from './anomaly.js';
import { type EdgeList, RW, WR, WW } from './graph.js';
import { isVertex } from './order.js';
import type { Elem, Mop, Txn } from './txn.js';
import { showTxn, TxnFormatError } from './txn.js';

/** The initial (empty) state of a list, as a version. */
const INIT = null;
type Version = Elem | null;

interface KeyIndex {
  /** Appended element → the ok/info transaction that appended it. */
  writer: Map<Elem, number>;
  /** Element → failed transaction that appended it. */
  failed: Map<Elem, number>;
  /** Element → transaction for which it was not its last append to this key. */
  intermediate: Map<Elem, number>;
  /** Last element read (or INIT) → transactions that read the key in that state. */
  readers: Map<Version, number[]>;
  /** The longest read (first of its length). */
  longest: Elem[];
  /** Every read is a prefix of `longest`, and `longest` has no duplicates. */
  compatible: boolean;
  /** Version order: the longest read, deduplicated. */
  order: Elem[];
  position: Map<Elem, number>;
}

function readValue(m: Mop): Elem[] {
  return m.value === null ? [] : (m.value as Elem[]);
}

function isPrefix(a: readonly Elem[], b: readonly Elem[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface ListAppendOptions {
  /** Report `lost-append` (an acknowledged append no later read shows). Default false. */
  lostAppends?: boolean;
}

/** Every ok read, with its transaction: the unit most of the analysis walks. */
interface Read {
  t: Txn;
  m: Mop;
  v: Elem[];
  /** A prefix of its key's longest read (no per-element checks needed). */
  prefix: boolean;
}

export function analyzeListAppend(txns: readonly Txn[], edges: EdgeList, opts: ListAppendOptions = {}): Analysis {
  const anomalies = new Map<string, DataAnomaly[]>();
  const keys = new Map<string, KeyIndex>();
  const keyIndex = (key: string): KeyIndex => {
    let k = keys.get(key);
    if (k === undefined) {
      k = { writer: new Map(), failed: new Map(), intermediate: new Map(), readers: new Map(), longest: [], compatible: true, order: [], position: new Map() };
      keys.set(key, k);
    }
    return k;
  };
  const reads: Read[] = [];

  // Shape, uniqueness (Elle refuses to analyse otherwise: the version order would be ambiguous), indexes.
  for (const t of txns) {
    let lastAppend: Map<string, Elem> | null = null;
    for (const m of t.mops) {
      if (m.f === 'append') {
        if (m.value === null || Array.isArray(m.value)) throw new TxnFormatError(`op ${t.index}: an append needs one value, got ${mopText(m)}`);
        const k = keyIndex(m.key);
        const v = m.value;
        if (k.writer.has(v) || k.failed.has(v))
          throw new TxnFormatError(`value ${show(v)} appended to key ${m.key} more than once (op ${t.index}): appends must be unique per key`);
        if (t.type === 'fail') k.failed.set(v, t.id);
        else k.writer.set(v, t.id);
        lastAppend ??= new Map();
        const prev = lastAppend.get(m.key);
        if (prev !== undefined) k.intermediate.set(prev, t.id);
        lastAppend.set(m.key, v);
      } else if (m.f === 'r') {
        if (t.type !== 'ok') continue;
        if (m.value !== null && !Array.isArray(m.value)) throw new TxnFormatError(`op ${t.index}: a list read must return a list, got ${mopText(m)}`);
        const v = readValue(m);
        const k = keyIndex(m.key);
        if (v.length > k.longest.length) k.longest = v;
        const last = v.length === 0 ? INIT : v[v.length - 1]!;
        let rs = k.readers.get(last);
        if (rs === undefined) k.readers.set(last, (rs = []));
        if (rs[rs.length - 1] !== t.id) rs.push(t.id);
        reads.push({ t, m, v, prefix: false });
      } else throw new TxnFormatError(`op ${t.index}: list-append histories hold only appends and reads, got ${mopText(m)}`);
    }
  }

  // Version orders; reads that are prefixes of their key's longest read.
  for (const k of keys.values()) {
    const order = k.longest.length > 0 ? [...new Set(k.longest)] : k.writer.size === 1 && k.failed.size === 0 ? [...k.writer.keys()] : [];
    if (order.length !== k.longest.length && k.longest.length > 0) k.compatible = false;
    k.order = order;
    for (let i = 0; i < order.length; i++) k.position.set(order[i]!, i);
  }
  for (const r of reads) {
    const k = keys.get(r.m.key)!;
    r.prefix = k.order.length === k.longest.length && isPrefix(r.v, k.longest);
    if (!r.prefix) k.compatible = false;
  }
  for (const [key, k] of keys) if (!k.compatible) incompatibleOrder(key, reads, anomalies);

  const previous = (key: string, v: Elem): Version => {
    const k = keys.get(key)!;
    const i = k.position.get(v);
    if (i !== undefined) return i > 0 ? k.order[i - 1]! : INIT;
    // Never read: after the highest element ever read.
    return k.order.length > 0 ? k.order[k.order.length - 1]! : INIT;
  };

  // Anomalies in single transactions.
  for (const t of txns) if (t.type === 'ok' && t.mops.length > 1) internalCases(t, anomalies);

  // Anomalies in reads. For prefix reads only the elements that can be failed or intermediate matter.
  const firstFailed = new Map<string, number>(); // key → smallest order position of a failed element
  for (const [key, k] of keys) {
    let p = Infinity;
    for (const e of k.failed.keys()) p = Math.min(p, k.position.get(e) ?? Infinity);
    if (p < Infinity) firstFailed.set(key, p);
  }
  for (const { t, m, v, prefix } of reads) {
    const k = keys.get(m.key)!;
    if (!prefix) duplicates(t, m, v, anomalies);
    if (!prefix || (firstFailed.get(m.key) ?? Infinity) < v.length) {
      for (const e of v) {
        const w = k.failed.get(e);
        if (w === undefined) continue;
        const writer = txns[w]!;
        addAnomaly(anomalies, {
          type: 'G1a',
          message: `aborted read: op ${t.index} read ${show(e)} in key ${m.key}, appended by op ${writer.index}, which failed`,
          ops: [writer.index, t.index],
          key: m.key,
          op: ref(t),
          writer: ref(writer),
          element: e,
        });
      }
    }
    if (v.length > 0 && k.intermediate.size > 0) {
      const w = k.intermediate.get(v[v.length - 1]!);
      if (w !== undefined && w !== t.id) {
        const writer = txns[w]!;
        addAnomaly(anomalies, {
          type: 'G1b',
          message: `intermediate read: op ${t.index} read key ${m.key} ending in ${show(v[v.length - 1])}, which op ${writer.index} appended before appending again to the same key`,
          ops: [writer.index, t.index],
          key: m.key,
          op: ref(t),
          writer: ref(writer),
          element: v[v.length - 1],
        });
      }
    }
  }

  dirtyUpdates(txns, keys, anomalies);
  lostUpdates(txns, anomalies);
  if (opts.lostAppends === true) lostAppends(txns, keys, reads, anomalies);

  // Edges.
  for (const t of txns) {
    if (!isVertex(t)) continue;
    for (const m of t.mops) {
      if (m.f === 'append') {
        const k = keys.get(m.key)!;
        const prev = previous(m.key, m.value as Elem);
        if (prev !== INIT) {
          const w = k.writer.get(prev);
          if (w !== undefined) edges.add(w, t.id, WW);
        }
        const rs = k.readers.get(prev);
        if (rs !== undefined) for (const r of rs) edges.add(r, t.id, RW);
      } else if (t.type === 'ok') {
        const v = readValue(m);
        if (v.length === 0) continue;
        const w = keys.get(m.key)!.writer.get(v[v.length - 1]!);
        if (w !== undefined) edges.add(w, t.id, WR);
      }
    }
  }

  const explain = (a: Txn, b: Txn, rel: 'ww' | 'wr' | 'rw'): EdgeExplanation | null => {
    for (const m of b.mops) {
      if (rel === 'wr') {
        if (m.f !== 'r' || b.type !== 'ok') continue;
        const v = readValue(m);
        if (v.length === 0) continue;
        const last = v[v.length - 1]!;
        if (keys.get(m.key)!.writer.get(last) === a.id) return { rel, key: m.key, value: last };
        continue;
      }
      if (m.f !== 'append') continue;
      const k = keys.get(m.key)!;
      const prev = previous(m.key, m.value as Elem);
      if (rel === 'ww' && prev !== INIT && k.writer.get(prev) === a.id) return { rel, key: m.key, value: prev, value2: m.value as Elem };
      if (rel === 'rw' && (k.readers.get(prev) ?? []).includes(a.id)) return { rel, key: m.key, value: prev, value2: m.value as Elem };
    }
    return null;
  };

  const render = (e: EdgeExplanation, a: string, b: string): string => {
    switch (e.rel) {
      case 'ww':
        return `${a} appended ${show(e.value)} to ${e.key} and ${b} appended ${show(e.value2)} right after it, so ${a} precedes ${b} (ww)`;
      case 'wr':
        return `${a} appended ${show(e.value)} to ${e.key} and ${b} read ${e.key} ending in ${show(e.value)}, so ${a} precedes ${b} (wr)`;
      default:
        return e.value === INIT
          ? `${a} read ${e.key} empty and ${b} appended ${show(e.value2)} to it first, so ${a} precedes ${b} (rw)`
          : `${b} appended ${show(e.value2)} to ${e.key} and ${a} read ${e.key} without it (ending in ${show(e.value)}), so ${a} precedes ${b} (rw)`;
    }
  };

  return { anomalies, explain, render };
}

/** Elle's check: the distinct reads of a key, sorted by length, must each be a prefix of the next. */
function incompatibleOrder(key: string, reads: readonly Read[], anomalies: Map<string, DataAnomaly[]>): void {
  const distinct = new Map<string, Read>();
  for (const r of reads) {
    if (r.m.key !== key || r.v.length === 0) continue;
    const text = r.v.join('\u0001');
    if (!distinct.has(text)) distinct.set(text, r);
  }
  const values = [...distinct.values()].sort((a, b) => a.v.length - b.v.length);
  for (let i = 1; i < values.length; i++) {
    const [a, b] = [values[i - 1]!, values[i]!];
    if (isPrefix(a.v, b.v)) continue;
    addAnomaly(anomalies, {
      type: 'incompatible-order',
      message: `reads of key ${key} disagree on the order of appends: [${a.v.join(' ')}] (op ${a.t.index}) is not a prefix of [${b.v.join(' ')}] (op ${b.t.index})`,
      ops: [a.t.index, b.t.index],
      key,
      values: [a.v, b.v],
    });
    return;
  }
}

function duplicates(t: Txn, m: Mop, v: readonly Elem[], anomalies: Map<string, DataAnomaly[]>): void {
  if (v.length < 2) return;
  const counts = new Map<Elem, number>();
  for (const e of v) counts.set(e, (counts.get(e) ?? 0) + 1);
  const dups = [...counts].filter(([, c]) => c > 1);
  if (dups.length === 0) return;
  addAnomaly(anomalies, {
    type: 'duplicate-elements',
    message: `${showTxn(t)} read key ${m.key} with ${dups.map(([e, c]) => `${show(e)} ${c} times`).join(', ')}: elements are appended once`,
    ops: [t.index],
    key: m.key,
    op: ref(t),
    duplicates: Object.fromEntries(dups),
  });
}

/** INT (Cerone et al.) and future reads, within one ok transaction. */
function internalCases(t: Txn, anomalies: Map<string, DataAnomaly[]>): void {
  // Only a key touched twice can disagree with itself.
  const ms = t.mops;
  let repeated = false;
  for (let i = 1; i < ms.length && !repeated; i++) for (let j = 0; j < i; j++) if (ms[i]!.key === ms[j]!.key) repeated = true;
  if (!repeated) return;
  // Expected state per key: a full list, or a known suffix after an unknown prefix.
  const state = new Map<string, { prefixKnown: boolean; elems: Elem[] }>();
  const readElems = new Map<string, Map<Elem, Mop>>();
  let internalDone = false;
  let futureDone = false;
  for (const m of ms) {
    if (m.f === 'append') {
      const e = m.value as Elem;
      const r = readElems.get(m.key)?.get(e);
      if (r !== undefined && !futureDone) {
        futureDone = true;
        addAnomaly(anomalies, {
          type: 'future-read',
          message: `op ${t.index} read ${show(e)} in key ${m.key} before appending it itself`,
          ops: [t.index],
          key: m.key,
          op: ref(t),
          mop: mopText(r),
          element: e,
        });
      }
      const s = state.get(m.key);
      if (s === undefined) state.set(m.key, { prefixKnown: false, elems: [e] });
      else s.elems.push(e);
      continue;
    }
    const v = readValue(m);
    let re = readElems.get(m.key);
    if (re === undefined) readElems.set(m.key, (re = new Map()));
    for (const e of v) if (!re.has(e)) re.set(e, m);
    const s = state.get(m.key);
    if (s !== undefined && !internalDone) {
      const ok = s.prefixKnown
        ? s.elems.length === v.length && isPrefix(s.elems, v)
        : v.length >= s.elems.length && isPrefix(s.elems, v.slice(v.length - s.elems.length));
      if (!ok) {
        internalDone = true;
        const expected = s.prefixKnown ? `[${s.elems.join(' ')}]` : `[… ${s.elems.join(' ')}]`;
        addAnomaly(anomalies, {
          type: 'internal',
          message: `op ${t.index} read ${m.key} = [${v.join(' ')}] but its own earlier reads and appends say ${expected}`,
          ops: [t.index],
          key: m.key,
          op: ref(t),
          mop: mopText(m),
          expected,
        });
      }
    }
    state.set(m.key, { prefixKnown: true, elems: [...v] });
  }
}

/** An aborted append in the version order followed by a committed one (Elle's dirty update). */
function dirtyUpdates(txns: readonly Txn[], keys: Map<string, KeyIndex>, anomalies: Map<string, DataAnomaly[]>): void {
  for (const [key, k] of keys) {
    if (k.failed.size === 0) continue;
    // The last committed-or-aborted writer in version order (the initial state counts as committed),
    // and the versions since it; info writers are transparent.
    let last: Txn | undefined;
    let versions: Elem[] = [];
    for (const e of k.order) {
      const id = k.writer.get(e) ?? k.failed.get(e);
      if (id === undefined) continue; // an element nobody appended: no writer to judge
      const t = txns[id]!;
      if (t.type === 'info' || (t.type === 'fail' && last?.type === 'fail')) {
        versions.push(e);
        continue;
      }
      if (t.type === 'ok' && last?.type === 'fail') {
        addAnomaly(anomalies, {
          type: 'dirty-update',
          message: `dirty update: in key ${key}, op ${t.index} appended ${show(e)} on top of ${versions.map(show).join(', ')} from failed op ${last.index}`,
          ops: [last.index, t.index],
          key,
          values: [...versions, e],
          txns: [ref(last), ref(t)],
        });
      }
      last = t;
      versions = [e];
    }
  }
}

/** Two committed transactions that read the same version of a key and both appended to it. */
function lostUpdates(txns: readonly Txn[], anomalies: Map<string, DataAnomaly[]>): void {
  // Key → last element read (or INIT) → transactions; then split by the full value read.
  const groups = new Map<string, Map<Version, Txn[]>>();
  for (const t of txns) {
    if (t.type !== 'ok' || t.mops.length < 2) continue;
    let reads: Map<string, Elem[]> | null = null;
    let wrote: Set<string> | null = null;
    for (const m of t.mops) {
      if (m.f === 'r') {
        if (!reads?.has(m.key) && !wrote?.has(m.key)) (reads ??= new Map()).set(m.key, readValue(m));
        continue;
      }
      if (wrote?.has(m.key)) continue;
      (wrote ??= new Set()).add(m.key);
      const r = reads?.get(m.key);
      if (r === undefined) continue;
      let byLast = groups.get(m.key);
      if (byLast === undefined) groups.set(m.key, (byLast = new Map()));
      const last = r.length === 0 ? INIT : r[r.length - 1]!;
      let l = byLast.get(last);
      if (l === undefined) byLast.set(last, (l = []));
      l.push(t);
    }
  }
  for (const [key, byLast] of groups) {
    for (const ts of byLast.values()) {
      if (ts.length < 2) continue;
      const byValue = new Map<string, Txn[]>();
      for (const t of ts) {
        const r = readValue(t.mops.find((m) => m.f === 'r' && m.key === key)!);
        const text = r.join(' ');
        (byValue.get(text) ?? byValue.set(text, []).get(text)!).push(t);
      }
      for (const [value, same] of byValue) {
        if (same.length < 2) continue;
        addAnomaly(anomalies, {
          type: 'lost-update',
          message: `lost update: ${same.length} committed transactions (ops ${same.map((t) => t.index).join(', ')}) read key ${key} = [${value}] and each appended to it`,
          ops: same.map((t) => t.index),
          key,
          value: readValue(same[0]!.mops.find((m) => m.f === 'r' && m.key === key)!),
          txns: same.map(ref),
        });
      }
    }
  }
}

/**
 * Acknowledged appends that vanish, as set-full's `lost`: the latest read of the key was invoked
 * after the append was acknowledged and after the last read that showed the element, and does not
 * show it. Serialisable histories allow stale reads; this is the real-time (strict) notion of a
 * lost write.
 */
function lostAppends(txns: readonly Txn[], keys: Map<string, KeyIndex>, reads: readonly Read[], anomalies: Map<string, DataAnomaly[]>): void {
  // Per key: the latest read invocation, and for each order position the latest invocation of a
  // prefix read long enough to show it (a suffix maximum over read lengths); other reads element by element.
  const lastRead = new Map<string, Read>();
  const byLength = new Map<string, Float64Array>();
  const shownElsewhere = new Map<string, Map<Elem, number>>();
  for (const r of reads) {
    const key = r.m.key;
    const lr = lastRead.get(key);
    if (lr === undefined || lr.t.invokeTime < r.t.invokeTime) lastRead.set(key, r);
    if (r.prefix) {
      let a = byLength.get(key);
      if (a === undefined) byLength.set(key, (a = new Float64Array(keys.get(key)!.longest.length + 1).fill(-Infinity)));
      if (a[r.v.length]! < r.t.invokeTime) a[r.v.length] = r.t.invokeTime;
    } else {
      let s = shownElsewhere.get(key);
      if (s === undefined) shownElsewhere.set(key, (s = new Map()));
      for (const e of r.v) if ((s.get(e) ?? -Infinity) < r.t.invokeTime) s.set(e, r.t.invokeTime);
    }
  }
  const shownAt = new Map<string, Float64Array>(); // position → latest invocation of a prefix read containing it
  for (const [key, a] of byLength) {
    const s = new Float64Array(a.length).fill(-Infinity);
    let best = -Infinity;
    for (let len = a.length - 1; len >= 1; len--) {
      best = Math.max(best, a[len]!);
      s[len - 1] = best;
    }
    shownAt.set(key, s);
  }
  for (const t of txns) {
    if (t.type !== 'ok') continue;
    for (const m of t.mops) {
      if (m.f !== 'append') continue;
      const lr = lastRead.get(m.key);
      if (lr === undefined || lr.t.invokeTime <= t.completeTime) continue;
      const e = m.value as Elem;
      const k = keys.get(m.key)!;
      // Prefix reads exist only when the longest read has no duplicates, i.e. equals the order.
      const pos = k.position.get(e);
      const viaPrefix = pos !== undefined ? (shownAt.get(m.key)?.[pos] ?? -Infinity) : -Infinity;
      const viaOther = shownElsewhere.get(m.key)?.get(e) ?? -Infinity;
      const shown = Math.max(viaPrefix, viaOther);
      // Lost (as set-full's lost): some read invoked after both the acknowledgement and the last
      // read showing it does not show it.
      if (lr.t.invokeTime <= Math.max(t.completeTime, shown)) continue;
      addAnomaly(anomalies, {
        type: 'lost-append',
        message: `op ${t.index} appended ${show(e)} to ${m.key} and was acknowledged, but ${shown > -Infinity ? 'after the last read that showed it' : 'after that'} the read of ${m.key} at op ${lr.t.index} does not show it: the append was lost`,
        ops: [t.index, lr.t.index],
        key: m.key,
        element: e,
        op: ref(t),
        lastRead: ref(lr.t),
        everRead: shown > -Infinity,
      });
    }
  }
}
