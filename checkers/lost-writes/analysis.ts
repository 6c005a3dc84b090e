/**
 * One pass over a history that indexes writes and final reads: for every write (key, value) its
 * outcome, how it was acknowledged and in how many of its key's final reads it is present. Shared
 * by the lost-writes, wait and min-replicas checkers so that they agree on what "lost" means.
 *
 * Final-state semantics (checkers/CONVENTIONS.md):
 * - a final read whose value is an array is a collection (set / list): a write is present in it
 *   when its value is an element;
 * - otherwise the key is a register: a write is present when the register holds its value, and an
 *   acknowledged write also counts as present when the register holds the value of a write that
 *   did not finish before it began (a concurrent or later write may legitimately overwrite it).
 * - with several final reads of one key (several nodes), a write must be present in all of them:
 *   after heal every primary serving the key must hold it.
 */

import { type Pairing, pairOps } from '../faults.js';
import type { AckKind, History, Op } from '../history/types.js';

export const DEFAULT_WRITE_FS: readonly string[] = ['write', 'add', 'append'];
export const DEFAULT_FINAL_READ_F = 'final-read';

export type WriteOutcome = 'ok' | 'fail' | 'info' | 'pending';

export interface WriteRecord {
  key: string;
  value: unknown;
  f: string;
  /** Positions of the invoke and of the completion (-1 if none). */
  invoke: number;
  completion: number;
  outcome: WriteOutcome;
  ack: AckKind;
  node?: string;
  error?: string;
  replicas?: number;
  waitFor?: number;
  waitTimeoutMs?: number;
  /** Final reads of this key that contain the write. */
  presentIn: number;
  /** Position of the first final read of this key lacking the write, -1 if none. */
  absentFrom: number;
  /** Later invokes of the same (key, value): a convention violation, reported by lost-writes. */
  duplicates: number;
}

export interface UnexpectedValue {
  key: string;
  value: unknown;
  /** Position of the final read that holds it. */
  read: number;
}

export interface WriteAnalysis {
  history: History;
  pairing: Pairing;
  /** In invoke order. */
  writes: WriteRecord[];
  /** Positions of ok final reads per key, in history order; keys sorted. */
  finalReads: Map<string, number[]>;
  unexpected: UnexpectedValue[];
  /** Final reads that failed or never completed: their keys are unchecked unless read elsewhere. */
  failedFinalReads: number[];
}

export interface AnalysisOptions {
  /** Fs that are writes. Default write, add, append. */
  writeFs?: readonly string[];
  /** The f of final reads. Default final-read. */
  finalReadF?: string;
}

/** Identity of a value inside a key: Redis hands back strings, so 1834 and "1834" are the same. */
export function valueId(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * value → id map under `valueId` identity, with a fast path for numbers (and numeric strings, mapped
 * to the same number) that avoids allocating a string per lookup: checking reads of 10⁷ elements is
 * dominated by these lookups.
 */
export class ValueIndex {
  private readonly nums = new Map<number, number>();
  private readonly strs = new Map<string, number>();

  get size(): number {
    return this.nums.size + this.strs.size;
  }

  get(v: unknown): number | undefined {
    if (typeof v === 'number') return this.nums.get(v);
    const s = valueId(v);
    const n = Number(s);
    return s !== '' && String(n) === s ? this.nums.get(n) : this.strs.get(s);
  }

  set(v: unknown, id: number): void {
    if (typeof v === 'number') {
      this.nums.set(v, id);
      return;
    }
    const s = valueId(v);
    const n = Number(s);
    if (s !== '' && String(n) === s) this.nums.set(n, id);
    else this.strs.set(s, id);
  }
}

export function keyOf(op: Op): string {
  return op.key ?? '';
}

function ackOf(op: Op): AckKind {
  return op.ack ?? 'plain';
}

export function analyzeWrites(history: History, opts: AnalysisOptions = {}): WriteAnalysis {
  const writeFs = new Set(opts.writeFs ?? DEFAULT_WRITE_FS);
  const finalF = opts.finalReadF ?? DEFAULT_FINAL_READ_F;
  const pairing = pairOps(history);
  const writes: WriteRecord[] = [];
  const byKey = new Map<string, ValueIndex>();
  const finalReadsUnsorted = new Map<string, number[]>();
  const failedFinalReads: number[] = [];

  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.process === 'nemesis') continue;
    if (op.f === finalF) {
      if (op.type === 'ok') {
        const k = keyOf(op);
        const l = finalReadsUnsorted.get(k);
        if (l) l.push(i);
        else finalReadsUnsorted.set(k, [i]);
      } else if (op.type === 'invoke' && pairing.completion[i]! < 0) {
        failedFinalReads.push(i);
      } else if (op.type === 'fail' || op.type === 'info') {
        failedFinalReads.push(i);
      }
      continue;
    }
    if (op.type !== 'invoke' || !writeFs.has(op.f)) continue;
    const k = keyOf(op);
    let vals = byKey.get(k);
    if (!vals) byKey.set(k, (vals = new ValueIndex()));
    const existing = vals.get(op.value);
    if (existing !== undefined) {
      writes[existing]!.duplicates++;
      continue;
    }
    const c = pairing.completion[i]!;
    const cop = c >= 0 ? history[c]! : undefined;
    const outcome: WriteOutcome = cop ? (cop.type === 'invoke' ? 'pending' : cop.type) : 'pending';
    const w: WriteRecord = {
      key: k,
      value: op.value,
      f: op.f,
      invoke: i,
      completion: c,
      outcome,
      ack: cop && cop.type === 'ok' ? ackOf(cop) : ackOf(op),
      presentIn: 0,
      absentFrom: -1,
      duplicates: 0,
    };
    const node = cop?.node ?? op.node;
    if (node !== undefined) w.node = node;
    if (cop?.error !== undefined) w.error = cop.error;
    const replicas = cop?.replicas ?? op.replicas;
    if (replicas !== undefined) w.replicas = replicas;
    const waitFor = cop?.waitFor ?? op.waitFor;
    if (waitFor !== undefined) w.waitFor = waitFor;
    const waitTimeoutMs = cop?.waitTimeoutMs ?? op.waitTimeoutMs;
    if (waitTimeoutMs !== undefined) w.waitTimeoutMs = waitTimeoutMs;
    vals.set(op.value, writes.length);
    writes.push(w);
  }

  const finalReads = new Map([...finalReadsUnsorted.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  const unexpected: UnexpectedValue[] = [];
  // Writes by key, in invoke order (the order of `writes`).
  const writesByKey = new Map<string, number[]>();
  for (let w = 0; w < writes.length; w++) {
    const k = writes[w]!.key;
    const l = writesByKey.get(k);
    if (l) l.push(w);
    else writesByKey.set(k, [w]);
  }
  // seenIn[w] = the last final read (position) that contained write w; avoids counting an element
  // listed twice in one read twice.
  const seenIn = new Int32Array(writes.length).fill(-1);

  for (const [k, reads] of finalReads) {
    const vals = byKey.get(k);
    const ws = writesByKey.get(k) ?? [];
    for (const r of reads) {
      const rv = history[r]!.value;
      if (Array.isArray(rv) || rv === null || rv === undefined) {
        // Collection semantics (a missing key reads as empty / nil).
        if (Array.isArray(rv)) {
          for (const e of rv) {
            const w = vals?.get(e);
            if (w === undefined) {
              unexpected.push({ key: k, value: e, read: r });
              continue;
            }
            if (seenIn[w] !== r) {
              seenIn[w] = r;
              writes[w]!.presentIn++;
            }
          }
        }
      } else {
        // Register semantics.
        const holder = vals?.get(rv);
        if (holder === undefined) {
          unexpected.push({ key: k, value: rv, read: r });
        } else {
          const h = writes[holder]!;
          const hEnd = h.outcome === 'ok' ? history[h.completion]!.time : Infinity;
          for (const w of ws) {
            const wr = writes[w]!;
            const present = w === holder || (wr.outcome === 'ok' && !(hEnd < history[wr.invoke]!.time) && h.outcome !== 'fail');
            if (present && seenIn[w] !== r) {
              seenIn[w] = r;
              wr.presentIn++;
            }
          }
        }
      }
      for (const w of ws) {
        const wr = writes[w]!;
        if (seenIn[w] !== r && wr.absentFrom < 0) wr.absentFrom = r;
      }
    }
  }
  return { history, pairing, writes, finalReads, unexpected, failedFinalReads };
}

/** Whether the write's key has at least one ok final read. */
export function checked(a: WriteAnalysis, w: WriteRecord): boolean {
  return a.finalReads.has(w.key);
}

/** Whether the write is missing from at least one of its key's final reads. */
export function isLost(a: WriteAnalysis, w: WriteRecord): boolean {
  return checked(a, w) && w.absentFrom >= 0;
}
