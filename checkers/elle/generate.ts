/**
 * Synthetic transactional histories: concurrent processes run transactions against a serial
 * in-memory database; each transaction takes effect at one moment between its invocation and its
 * completion, so every generated history is strictly serializable by construction. Keys rotate as
 * Elle's generator does (a key takes a bounded number of writes, then a fresh key replaces it), so
 * lists stay short. Optional `info` outcomes (half of them took effect) and failures (no effect).
 * `inject` then plants one anomaly, for property tests.
 */
import type { Op } from '../history/types.js';
import { Prng } from '../util/prng.js';
import type { TxnWorkload } from './checker.js';

export interface TxnGenOptions {
  seed: number;
  workload: TxnWorkload;
  processes: number;
  txns: number;
  /** Active keys at any time. Default 8. */
  keys?: number;
  /** Writes a key takes before it is retired. Default 32. */
  writesPerKey?: number;
  /** Micro-ops per transaction: 1 .. maxLength. Default 4. */
  maxLength?: number;
  infoRate?: number;
  failRate?: number;
}

/** A float source in [0, 1) from the project's seeded PRNG. */
function prng(seed: number): () => number {
  const r = new Prng(seed);
  return () => r.next();
}

type Mop = [string, string, unknown];

interface InFlight {
  invoke: Op;
  mops: Mop[];
  effected: boolean;
  outcome: 'ok' | 'info' | 'fail';
  result: Mop[] | null;
}

export function generateTxnHistory(o: TxnGenOptions): Op[] {
  const rnd = prng(o.seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const nKeys = o.keys ?? 8;
  const perKey = o.writesPerKey ?? 32;
  const maxLen = o.maxLength ?? 4;
  const list = o.workload === 'list-append';
  const active = Array.from({ length: nKeys }, (_, i) => i);
  const writes = new Map<number, number>(); // key → writes handed out
  let nextKey = nKeys;
  const lists = new Map<string, number[]>();
  const regs = new Map<string, number>();
  const history: Op[] = [];
  let time = 0;
  const emit = (process: number, type: Op['type'], value: unknown): Op => {
    time += 1 + int(3);
    const op: Op = { index: history.length, time: time * 1000, process, type, f: 'txn', value };
    history.push(op);
    return op;
  };
  const newTxn = (): Mop[] => {
    const len = 1 + int(maxLen);
    const mops: Mop[] = [];
    for (let i = 0; i < len; i++) {
      const slot = Math.min(int(nKeys), int(nKeys)); // lower keys more often
      const k = active[slot]!;
      if (rnd() < 0.5) {
        mops.push(['r', String(k), null]);
        continue;
      }
      const n = (writes.get(k) ?? 0) + 1;
      writes.set(k, n);
      mops.push([list ? 'append' : 'w', String(k), n]);
      if (n >= perKey) active[slot] = nextKey++;
    }
    return mops;
  };
  const apply = (mops: Mop[]): Mop[] =>
    mops.map(([f, k, v]): Mop => {
      if (f === 'r') return list ? ['r', k, [...(lists.get(k) ?? [])]] : ['r', k, regs.get(k) ?? null];
      if (list) {
        const l = lists.get(k);
        if (l === undefined) lists.set(k, [v as number]);
        else l.push(v as number);
      } else regs.set(k, v as number);
      return [f, k, v];
    });

  const procs: (InFlight | null)[] = new Array(o.processes).fill(null);
  const ids = Array.from({ length: o.processes }, (_, i) => i);
  let invoked = 0;
  let done = 0;
  while (done < o.txns) {
    const slot = int(o.processes);
    const f = procs[slot] ?? null;
    if (f === null) {
      if (invoked >= o.txns) continue;
      invoked++;
      const mops = newTxn();
      const r = rnd();
      const outcome = r < (o.failRate ?? 0) ? 'fail' : r < (o.failRate ?? 0) + (o.infoRate ?? 0) ? 'info' : 'ok';
      const inv = emit(
        ids[slot]!,
        'invoke',
        mops.map(([mf, k, v]) => [mf, k, mf === 'r' ? null : v]),
      );
      procs[slot] = { invoke: inv, mops, effected: false, outcome, result: null };
    } else if (!f.effected) {
      f.effected = true;
      if (f.outcome === 'ok' || (f.outcome === 'info' && rnd() < 0.5)) f.result = apply(f.mops);
    } else {
      const value = f.outcome === 'ok' ? f.result : f.invoke.value;
      emit(ids[slot]!, f.outcome, value);
      if (f.outcome === 'info') ids[slot]! += o.processes; // a crashed process is replaced
      procs[slot] = null;
      done++;
    }
  }
  return history;
}

export type Injection = 'stale-read' | 'aborted-read' | 'duplicate' | 'reorder' | 'internal' | 'intermediate-read';

/** The ok completion ops, with their micro-ops, in history order. */
function oks(h: Op[]): Op[] {
  return h.filter((op) => op.type === 'ok');
}

/**
 * Plants one anomaly of the given kind in a copy of the history; null when the history has no place
 * for it (e.g. no failed transaction to read from).
 */
export function inject(history: Op[], kind: Injection, seed: number): Op[] | null {
  const rnd = prng(seed);
  const h = history.map((op) => ({ ...op, value: Array.isArray(op.value) ? (op.value as Mop[]).map((m) => [...m] as Mop) : op.value }));
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
  const reads = (pred: (m: Mop, op: Op) => boolean): [Op, Mop][] =>
    oks(h).flatMap((op) => (op.value as Mop[]).filter((m) => m[0] === 'r' && pred(m, op)).map((m): [Op, Mop] => [op, m]));
  const isList = h.some((op) => (op.value as Mop[] | null)?.some?.((m) => m[0] === 'append'));
  switch (kind) {
    case 'stale-read': {
      // A list read missing its last element, though that append completed before the read began.
      if (!isList) return null;
      const done = new Map<string, number>(); // "key/elem" → completion time of its append
      for (const op of oks(h)) for (const m of op.value as Mop[]) if (m[0] === 'append') done.set(`${m[1]}/${m[2]}`, op.time);
      const invokeTime = new Map<Op, number>();
      const pending = new Map<number, Op>();
      for (const op of h) {
        if (op.type === 'invoke') pending.set(op.process as number, op);
        else if (op.type === 'ok') invokeTime.set(op, pending.get(op.process as number)!.time);
      }
      const c = pick(
        reads((m, op) => {
          const v = m[2] as number[];
          if (v.length === 0) return false;
          const t = done.get(`${m[1]}/${v[v.length - 1]}`);
          // The reader must not have appended that element itself.
          return t !== undefined && t < invokeTime.get(op)! && !(op.value as Mop[]).some((x) => x[0] === 'append' && x[1] === m[1]);
        }),
      );
      if (c === undefined) return null;
      (c[1][2] as number[]).pop();
      return h;
    }
    case 'aborted-read': {
      const failed = h.filter((op) => op.type === 'fail').flatMap((op) => (op.value as Mop[]).filter((m) => m[0] !== 'r'));
      const w = pick(failed);
      if (w === undefined) return null;
      const later = reads((m, op) => m[1] === w[1] && op.index > 0);
      const c = pick(later);
      if (c === undefined) return null;
      if (isList) (c[1][2] as unknown[]).push(w[2]);
      else c[1][2] = w[2];
      return h;
    }
    case 'duplicate': {
      if (!isList) return null;
      const c = pick(reads((m) => (m[2] as number[]).length > 0));
      if (c === undefined) return null;
      const v = c[1][2] as number[];
      v.push(v[0]!);
      return h;
    }
    case 'reorder': {
      if (!isList) return null;
      const c = pick(reads((m) => (m[2] as number[]).length > 1));
      if (c === undefined) return null;
      const v = c[1][2] as number[];
      [v[0], v[1]] = [v[1]!, v[0]!];
      return h;
    }
    case 'internal': {
      // A read after the transaction's own write that does not show it.
      const cands = oks(h).flatMap((op) => {
        const ms = op.value as Mop[];
        return ms.flatMap((m, i) => (m[0] === 'r' && ms.slice(0, i).some((x) => x[0] !== 'r' && x[1] === m[1]) ? [m] : []));
      });
      const m = pick(cands);
      if (m === undefined) return null;
      if (isList) (m[2] as number[]).pop();
      else m[2] = -1;
      return h;
    }
    case 'intermediate-read': {
      // Another transaction reads a value the writer overwrote within its own transaction.
      const im: Mop[] = [];
      for (const op of oks(h)) {
        const ms = op.value as Mop[];
        ms.forEach((m, i) => {
          if (m[0] !== 'r' && ms.slice(i + 1).some((x) => x[0] !== 'r' && x[1] === m[1])) im.push(m);
        });
      }
      const w = pick(im);
      if (w === undefined) return null;
      const c = pick(reads((m, op) => m[1] === w[1] && !(op.value as Mop[]).includes(w)));
      if (c === undefined) return null;
      if (isList) {
        // Cut the read right after the intermediate element (or end it with it).
        const v = c[1][2] as number[];
        const i = v.indexOf(w[2] as number);
        c[1][2] = i >= 0 ? v.slice(0, i + 1) : [...v, w[2] as number];
      } else c[1][2] = w[2];
      return h;
    }
  }
}
