/**
 * Elle's rw-register analysis. Transactions write unique values to registers and read them. A read
 * names the one write it saw (wr edges), but the order of writes is only partly known: the initial
 * state nil precedes every value, and — when transactions are atomic, as MULTI/EXEC is — a
 * transaction that read v and then wrote v' shows v < v' (`wfrKeys`, "writes follow reads").
 * Each version-order edge v1 < v2 of a key gives ww edges from the writers of v1 and rw edges from
 * the readers of v1 to the writers of v2. A source of version edges that would make a key's order
 * cyclic is left out and reported as `cyclic-versions`.
 *
 * As Elle, only external reads (a key's first access in the transaction, a read) and external
 * writes (its last write) relate transactions, and only ok transactions are indexed.
 */
import { type Analysis, addAnomaly, type DataAnomaly, type EdgeExplanation, mopText, ref, show } from './anomaly.js';
import { type EdgeList, RW, WR, WW } from './graph.js';
import { type Elem, type Mop, type Txn, TxnFormatError } from './txn.js';

/** The nil version (a register's initial state) in maps keyed by value. */
const NIL = '\u0000nil';
type V = Elem; // a value, or NIL

export interface RwRegisterOptions {
  /** Within a transaction, writes follow reads (true for atomic transactions). Default false, as Elle. */
  wfrKeys?: boolean;
}

function valueOf(m: Mop): V {
  return m.value === null ? NIL : (m.value as Elem);
}

const nil = (v: V): Elem | null => (v === NIL ? null : v);

interface Externals {
  reads: Map<string, V>;
  writes: Map<string, V>;
}

/** External reads (key → value read) and external writes (key → last value written). */
function externals(t: Txn): Externals {
  const reads = new Map<string, V>();
  const writes = new Map<string, V>();
  const touched = new Set<string>();
  for (const m of t.mops) {
    if (m.f === 'r') {
      if (!touched.has(m.key) && t.type === 'ok') reads.set(m.key, valueOf(m));
    } else writes.set(m.key, valueOf(m));
    touched.add(m.key);
  }
  return { reads, writes };
}

type VersionGraphs = Map<string, Map<V, Set<V>>>;

function link(g: VersionGraphs, key: string, a: V, b: V): void {
  if (a === b) return;
  let k = g.get(key);
  if (k === undefined) g.set(key, (k = new Map()));
  let s = k.get(a);
  if (s === undefined) k.set(a, (s = new Set()));
  s.add(b);
}

/** Keys whose version graph has a cycle, with one cycle each. */
function cyclicKeys(g: VersionGraphs): [string, V[]][] {
  const out: [string, V[]][] = [];
  for (const [key, adj] of g) {
    const color = new Map<V, number>();
    const parent = new Map<V, V>();
    let found: V[] | null = null;
    for (const start of adj.keys()) {
      if (found !== null || color.has(start)) continue;
      const stack: [V, Iterator<V>][] = [[start, (adj.get(start) ?? new Set<V>()).values()]];
      color.set(start, 1);
      while (stack.length > 0 && found === null) {
        const [v, it] = stack[stack.length - 1]!;
        const n = it.next();
        if (n.done) {
          color.set(v, 2);
          stack.pop();
          continue;
        }
        const w = n.value;
        const c = color.get(w);
        if (c === 1) {
          const cyc = [w];
          for (let x = v; x !== w; x = parent.get(x)!) cyc.push(x);
          found = cyc.reverse();
        } else if (c === undefined) {
          color.set(w, 1);
          parent.set(w, v);
          stack.push([w, (adj.get(w) ?? new Set<V>()).values()]);
        }
      }
    }
    if (found !== null) out.push([key, found]);
  }
  return out;
}

export function analyzeRwRegister(txns: readonly Txn[], edges: EdgeList, opts: RwRegisterOptions = {}): Analysis {
  const anomalies = new Map<string, DataAnomaly[]>();
  const ext = txns.map(externals);
  for (const t of txns) {
    for (const m of t.mops) {
      if (m.f !== 'w' && m.f !== 'r') throw new TxnFormatError(`op ${t.index}: rw-register histories hold only writes and reads, got ${mopText(m)}`);
      if (m.f === 'r' && t.type === 'ok' && Array.isArray(m.value))
        throw new TxnFormatError(`op ${t.index}: a register read returns one value, got ${mopText(m)}`);
    }
  }

  // Indexes over ok transactions (as Elle's ext-index), failed and intermediate writes over all.
  const writers = new Map<string, Map<V, number[]>>();
  const readers = new Map<string, Map<V, number[]>>();
  const failed = new Map<string, Map<V, number>>();
  const intermediate = new Map<string, Map<V, number>>();
  const push = (idx: Map<string, Map<V, number[]>>, k: string, v: V, id: number): void => {
    let m = idx.get(k);
    if (m === undefined) idx.set(k, (m = new Map()));
    let l = m.get(v);
    if (l === undefined) m.set(v, (l = []));
    l.push(id);
  };
  for (const t of txns) {
    const { reads, writes } = ext[t.id]!;
    if (t.type === 'ok') {
      for (const [k, v] of writes) push(writers, k, v, t.id);
      for (const [k, v] of reads) push(readers, k, v, t.id);
    }
    const last = new Map<string, V>();
    for (const m of t.mops) {
      if (m.f !== 'w') continue;
      const prev = last.get(m.key);
      if (prev !== undefined) (intermediate.get(m.key) ?? intermediate.set(m.key, new Map()).get(m.key)!).set(prev, t.id);
      last.set(m.key, valueOf(m));
      if (t.type === 'fail') (failed.get(m.key) ?? failed.set(m.key, new Map()).get(m.key)!).set(valueOf(m), t.id);
    }
  }
  for (const [k, byValue] of writers) {
    for (const [v, ws] of byValue) {
      if (ws.length > 1)
        throw new TxnFormatError(
          `key ${k} had value ${show(nil(v))} written by more than one transaction (ops ${ws.map((w) => txns[w]!.index).join(', ')}): writes must be unique per key`,
        );
    }
  }

  // Single-transaction anomalies.
  for (const t of txns) {
    if (t.type !== 'ok') continue;
    const state = new Map<string, V>();
    let internalDone = false;
    for (const m of t.mops) {
      const v = valueOf(m);
      if (m.f === 'w') {
        state.set(m.key, v);
        continue;
      }
      const s = state.get(m.key);
      if (s !== undefined && s !== v && !internalDone) {
        internalDone = true;
        addAnomaly(anomalies, {
          type: 'internal',
          message: `op ${t.index} read ${m.key} = ${show(nil(v))} but its own earlier read or write says ${show(nil(s))}`,
          ops: [t.index],
          key: m.key,
          op: ref(t),
          mop: mopText(m),
          expected: nil(s),
        });
      }
      state.set(m.key, v);
      if (v === NIL) continue;
      const f = failed.get(m.key)?.get(v);
      if (f !== undefined) {
        const w = txns[f]!;
        addAnomaly(anomalies, {
          type: 'G1a',
          message: `aborted read: op ${t.index} read ${m.key} = ${show(v)}, written by op ${w.index}, which failed`,
          ops: [w.index, t.index],
          key: m.key,
          op: ref(t),
          writer: ref(w),
          value: v,
        });
      }
      const im = intermediate.get(m.key)?.get(v);
      if (im !== undefined && im !== t.id) {
        const w = txns[im]!;
        addAnomaly(anomalies, {
          type: 'G1b',
          message: `intermediate read: op ${t.index} read ${m.key} = ${show(v)}, which op ${w.index} overwrote within the same transaction`,
          ops: [w.index, t.index],
          key: m.key,
          op: ref(t),
          writer: ref(w),
          value: v,
        });
      }
    }
  }
  lostUpdates(txns, ext, anomalies);

  // Version graphs, source by source; a source that makes some key cyclic is left out.
  const graphs: VersionGraphs = new Map();
  const sources: [string, (g: VersionGraphs) => void][] = [
    [
      'initial-state',
      (g) => {
        for (const t of txns) {
          if (t.type === 'fail') continue;
          const { reads, writes } = ext[t.id]!;
          for (const [k, v] of writes) link(g, k, NIL, v);
          for (const [k, v] of reads) link(g, k, NIL, v);
        }
      },
    ],
  ];
  if (opts.wfrKeys) {
    sources.push([
      'wfr-keys',
      (g) => {
        for (const t of txns) {
          if (t.type !== 'ok') continue;
          const { reads, writes } = ext[t.id]!;
          for (const [k, v] of reads) {
            const w = writes.get(k);
            if (v !== NIL && w !== undefined) link(g, k, v, w);
          }
        }
      },
    ]);
  }
  const usedSources: string[] = [];
  for (const [name, add] of sources) {
    const trial: VersionGraphs = new Map([...graphs].map(([k, adj]) => [k, new Map([...adj].map(([a, s]) => [a, new Set(s)]))]));
    add(trial);
    const cyc = cyclicKeys(trial);
    if (cyc.length > 0) {
      for (const [key, versions] of cyc) {
        addAnomaly(anomalies, {
          type: 'cyclic-versions',
          message: `the version order of key ${key} is cyclic (${versions.map((v) => show(nil(v))).join(' < ')} < …) when inferred from ${[...usedSources, name].join(', ')}`,
          ops: [],
          key,
          versions: versions.map(nil),
          sources: [...usedSources, name],
        });
      }
      continue;
    }
    add(graphs);
    usedSources.push(name);
  }

  // Edges: wr directly, ww and rw from the version graphs.
  for (const [k, byValue] of readers) {
    for (const [v, rs] of byValue) {
      const w = writers.get(k)?.get(v)?.[0];
      if (w !== undefined) for (const r of rs) edges.add(w, r, WR);
    }
  }
  for (const [k, adj] of graphs) {
    const kw = writers.get(k);
    const kr = readers.get(k);
    for (const [v1, succ] of adj) {
      const w1 = kw?.get(v1) ?? [];
      const r1 = kr?.get(v1) ?? [];
      for (const v2 of succ) {
        for (const w2 of kw?.get(v2) ?? []) {
          for (const w of w1) edges.add(w, w2, WW);
          for (const r of r1) edges.add(r, w2, RW);
        }
      }
    }
  }

  const precedes = (k: string, a: V, b: V): boolean => graphs.get(k)?.get(a)?.has(b) === true;
  const explain = (a: Txn, b: Txn, rel: 'ww' | 'wr' | 'rw'): EdgeExplanation | null => {
    const ea = ext[a.id]!;
    const eb = ext[b.id]!;
    const from = rel === 'rw' ? ea.reads : ea.writes;
    const to = rel === 'wr' ? eb.reads : eb.writes;
    for (const [k, va] of from) {
      const vb = to.get(k);
      if (vb === undefined) continue;
      if (rel === 'wr' ? va === vb : precedes(k, va, vb)) return { rel, key: k, value: nil(va), value2: nil(vb) };
    }
    return null;
  };
  const render = (e: EdgeExplanation, a: string, b: string): string => {
    switch (e.rel) {
      case 'ww':
        return `${a} set ${e.key} to ${show(e.value)} and ${b} set it to ${show(e.value2)}, which came later in the version order, so ${a} precedes ${b} (ww)`;
      case 'wr':
        return `${a} set ${e.key} to ${show(e.value)} and ${b} read ${e.key} = ${show(e.value)}, so ${a} precedes ${b} (wr)`;
      default:
        return `${a} read ${e.key} = ${show(e.value)}${e.value === null ? ' (the initial state)' : ''} and ${b} set it to ${show(e.value2)}, which came later in the version order, so ${a} precedes ${b} (rw)`;
    }
  };
  return { anomalies, explain, render };
}

function lostUpdates(txns: readonly Txn[], ext: Externals[], anomalies: Map<string, DataAnomaly[]>): void {
  const groups = new Map<string, Map<V, Txn[]>>();
  for (const t of txns) {
    if (t.type !== 'ok') continue;
    const { reads, writes } = ext[t.id]!;
    for (const [k, v] of reads) {
      if (!writes.has(k)) continue;
      let byValue = groups.get(k);
      if (byValue === undefined) groups.set(k, (byValue = new Map()));
      let l = byValue.get(v);
      if (l === undefined) byValue.set(v, (l = []));
      l.push(t);
    }
  }
  for (const [key, byValue] of groups)
    for (const [v, ts] of byValue) {
      if (ts.length < 2) continue;
      const value = nil(v);
      addAnomaly(anomalies, {
        type: 'lost-update',
        message: `lost update: ${ts.length} committed transactions (ops ${ts.map((t) => t.index).join(', ')}) read ${key} = ${show(value)} and each wrote it`,
        ops: ts.map((t) => t.index),
        key,
        value,
        txns: ts.map(ref),
      });
    }
}
