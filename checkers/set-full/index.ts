/**
 * set-full, with the semantics of Jepsen's `jepsen.checker/set-full` (own code, same rules):
 *
 * - An element is tracked from its add's *invoke*; a read updates the elements whose add was
 *   invoked before the read *completed*.
 * - known: the add's ok completion or the first read observing the element, whichever is earlier.
 * - last-present / last-absent: the latest (by invocation) read that did / did not observe it.
 * - stable: some read observed it and every read invoked after the latest absent one observed it;
 *   lost: known, absent from a read invoked after both the known op and the latest observing read;
 *   never-read: neither.
 * - stable latency: time from known to just after the latest absent read's invocation (0 if none),
 *   clamped at 0; stale: stable with a positive stable latency.
 * - valid: false on lost (and on stale when `linearizable`), 'unknown' when nothing is stable.
 *
 * Deviations, all stricter or additive: duplicates (an element listed twice in one read) are
 * detected as Jepsen intended (its implementation never flags them); values read but never added
 * (or read before their add was invoked) are `unexpected` and invalid; sets are per `key`.
 *
 * Cost: O(history + total size of reads + E log R). Instead of updating every element on every read
 * (Jepsen's O(reads × elements)), each element records the last read position that observed it and
 * the latest-invoked read in each gap between observations is found with a suffix-max stack.
 */

import { faultIntervals, faultRef, opIndex, pairOps } from '../faults.js';
import type { AckKind, Checker, CheckerResult, History, Validity } from '../history/types.js';
import { ValueIndex, valueId } from '../lost-writes/analysis.js';
import { judgeLoss, markActingPrimaries } from '../lost-writes/classify.js';
import { type WindowRef, windowRef } from '../lost-writes/index.js';
import { type LossClass, resolveWindowOptions, type WindowOptions } from '../lost-writes/windows.js';
import type { WaitPolicyOptions } from '../wait/policy.js';

/** The fault model's options (../lost-writes/windows.ts) judge each lost element as lost-writes judges a lost write. */
export interface SetFullOptions extends WindowOptions, WaitPolicyOptions {
  /** Stale reads make the result invalid. Default false (Jepsen's default). */
  linearizable?: boolean;
  /** Fs that add one element. Default add. */
  addFs?: readonly string[];
  /** Fs of reads returning the whole set. Default read and final-read. */
  readFs?: readonly string[];
  /** How many stale elements to detail in worstStale. Default 8, as Jepsen. */
  worstStaleCount?: number;
}

export interface ElementOutcome {
  key: string;
  element: unknown;
  /** op index of the add's invoke. */
  addIndex: number;
  /** op index of the known op (add ok or first observing read), null if never known. */
  knownIndex: number | null;
  /** op indices of the invocations of the latest observing / non-observing reads. */
  lastPresentIndex: number | null;
  lastAbsentIndex: number | null;
  stableLatencyMs?: number;
  lostLatencyMs?: number;
  /** Lost elements: anomalous, expected by design or lost by configuration, as lost-writes judges them. */
  class?: LossClass;
  /** The fault the loss is attributed to and the window that applied (or the nearest it missed). */
  fault?: ReturnType<typeof faultRef> | null;
  window?: WindowRef | null;
  reason?: string;
}

export interface SetFullResult extends CheckerResult {
  valid: Validity;
  attemptCount: number;
  stableCount: number;
  lostCount: number;
  /** Lost elements by class: only anomalous ones make the result invalid. */
  lostAnomalousCount: number;
  lostExpectedCount: number;
  lostByConfigurationCount: number;
  lost: ElementOutcome[];
  neverReadCount: number;
  neverRead: ElementOutcome[];
  staleCount: number;
  stale: ElementOutcome[];
  /** The stale elements with the highest stable latency, worst first. */
  worstStale: ElementOutcome[];
  /** Quantile ("0", "0.5", "0.95", "0.99", "1") → ms; absent when there are none. */
  stableLatencies?: Record<string, number>;
  lostLatencies?: Record<string, number>;
  duplicatedCount: number;
  duplicated: Array<{ key: string; element: unknown; count: number; readIndex: number }>;
  unexpectedCount: number;
  unexpected: Array<{ key: string; element: unknown; readIndex: number }>;
  /** Adds of an element already added (the convention wants unique values); first add is kept. */
  duplicateAdds: number;
}

const POINTS = [0, 0.5, 0.95, 0.99, 1];

/** Jepsen's frequency-distribution: value at floor(n·p), clamped. */
export function frequencyDistribution(values: Float64Array | number[]): Record<string, number> | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const out: Record<string, number> = {};
  for (const p of POINTS) out[String(p)] = sorted[Math.min(n - 1, Math.floor(n * p))]!;
  return out;
}

/** Total order on elements for deterministic output: numbers numerically, then strings, then JSON. */
export function compareElements(a: unknown, b: unknown): number {
  const ta = typeof a === 'number' ? 0 : typeof a === 'string' ? 1 : 2;
  const tb = typeof b === 'number' ? 0 : typeof b === 'string' ? 1 : 2;
  if (ta !== tb) return ta - tb;
  if (ta === 0) return (a as number) - (b as number);
  const sa = ta === 1 ? (a as string) : valueId(a);
  const sb = tb === 1 ? (b as string) : valueId(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Per-key read log with a suffix-maximum stack over the reads' invocation positions. */
class ReadLog {
  count = 0;
  /** Monotonic stack: positions (in this key's completion order) and their invocation positions. */
  private stackPos: number[] = [];
  private stackInv: number[] = [];

  push(inv: number): void {
    while (this.stackInv.length > 0 && this.stackInv[this.stackInv.length - 1]! <= inv) {
      this.stackInv.pop();
      this.stackPos.pop();
    }
    this.stackPos.push(this.count++);
    this.stackInv.push(inv);
  }

  /** Max invocation position among reads at log positions ≥ from; -1 if none. */
  suffixMax(from: number): number {
    const sp = this.stackPos;
    let lo = 0;
    let hi = sp.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sp[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < sp.length ? this.stackInv[lo]! : -1;
  }
}

interface KeyState {
  elements: ValueIndex;
  reads: ReadLog;
}

export function checkSetFull(history: History, opts: SetFullOptions = {}): SetFullResult {
  const addFs = new Set(opts.addFs ?? ['add']);
  const readFs = new Set(opts.readFs ?? ['read', 'final-read']);
  const { invocation } = pairOps(history);
  const n = history.length;

  // Element state, struct-of-arrays (positions in `history`; -1 = none).
  const cap = Math.max(16, n);
  const elKey: string[] = [];
  const elValue: unknown[] = [];
  const addInv = new Int32Array(cap);
  const known = new Int32Array(cap);
  const addOk = new Int32Array(cap); // position of the add's ok completion, -1 if none
  const lastPresent = new Int32Array(cap);
  const maxAbsent = new Int32Array(cap);
  const lastSeen = new Int32Array(cap); // log position of the last observing read
  let E = 0;
  let duplicateAdds = 0;
  const keys = new Map<string, KeyState>();
  const keyState = (k: string): KeyState => {
    let s = keys.get(k);
    if (!s) keys.set(k, (s = { elements: new ValueIndex(), reads: new ReadLog() }));
    return s;
  };
  const dupCounts = new Map<number, number>();
  const duplicated: SetFullResult['duplicated'] = [];
  const unexpectedRaw: Array<{ key: string; element: unknown; read: number }> = [];

  for (let i = 0; i < n; i++) {
    const op = history[i]!;
    if (op.process === 'nemesis') continue;
    if (addFs.has(op.f)) {
      const s = keyState(op.key ?? '');
      if (op.type === 'invoke') {
        if (s.elements.get(op.value) !== undefined) {
          duplicateAdds++;
          continue;
        }
        const e = E++;
        s.elements.set(op.value, e);
        elKey.push(op.key ?? '');
        elValue.push(op.value);
        addInv[e] = i;
        known[e] = -1;
        addOk[e] = -1;
        lastPresent[e] = -1;
        maxAbsent[e] = -1;
        lastSeen[e] = s.reads.count - 1;
      } else if (op.type === 'ok') {
        const e = s.elements.get(op.value);
        if (e !== undefined && addInv[e]! < i) {
          if (addOk[e] === -1) addOk[e] = i;
          if (known[e] === -1) known[e] = i;
        }
      }
    } else if (readFs.has(op.f) && op.type === 'ok') {
      const s = keyState(op.key ?? '');
      const inv = invocation[i]! >= 0 ? invocation[i]! : i;
      const p = s.reads.count;
      const v = op.value;
      if (Array.isArray(v)) {
        for (const x of v) {
          const e = s.elements.get(x);
          if (e === undefined) {
            unexpectedRaw.push({ key: op.key ?? '', element: x, read: i });
            continue;
          }
          if (lastSeen[e] === p) {
            dupCounts.set(e, (dupCounts.get(e) ?? 1) + 1);
            continue;
          }
          // The reads between the previous observation and this one did not observe e.
          if (lastSeen[e]! + 1 < p) {
            const m = s.reads.suffixMax(lastSeen[e]! + 1);
            if (m > maxAbsent[e]!) maxAbsent[e] = m;
          }
          lastSeen[e] = p;
          if (inv > lastPresent[e]!) lastPresent[e] = inv;
          if (known[e] === -1) known[e] = i;
        }
      }
      if (dupCounts.size > 0) {
        for (const [e, c] of dupCounts) duplicated.push({ key: elKey[e]!, element: elValue[e], count: c, readIndex: opIndex(history, i) });
        dupCounts.clear();
      }
      s.reads.push(inv);
    }
  }

  // Close the trailing gap of every element, then classify.
  const lostIdx: number[] = [];
  const neverIdx: number[] = [];
  const staleIdx: number[] = [];
  const stableLatency = new Float64Array(E);
  const lostLatency = new Float64Array(E);
  let stableCount = 0;
  const stableLats: number[] = [];
  const lostLats: number[] = [];
  for (let e = 0; e < E; e++) {
    const s = keys.get(elKey[e]!)!;
    if (lastSeen[e]! + 1 < s.reads.count) {
      const m = s.reads.suffixMax(lastSeen[e]! + 1);
      if (m > maxAbsent[e]!) maxAbsent[e] = m;
    }
    const lp = lastPresent[e]!;
    const la = maxAbsent[e]!;
    const kn = known[e]!;
    const stable = lp >= 0 && la < lp;
    const lost = kn >= 0 && la >= 0 && lp < la && kn < la;
    if (stable) {
      stableCount++;
      const stableTime = la >= 0 ? history[la]!.time + 1 : 0;
      const lat = Math.trunc(Math.max(0, stableTime - history[kn]!.time) / 1e6);
      stableLatency[e] = lat;
      stableLats.push(lat);
      if (lat > 0) staleIdx.push(e);
    } else if (lost) {
      const lostTime = lp >= 0 ? history[lp]!.time + 1 : 0;
      const lat = Math.trunc(Math.max(0, lostTime - history[kn]!.time) / 1e6);
      lostLatency[e] = lat;
      lostLats.push(lat);
      lostIdx.push(e);
    } else {
      neverIdx.push(e);
    }
  }

  const byElement = (a: number, b: number): number => {
    const ka = elKey[a]!;
    const kb = elKey[b]!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    return compareElements(elValue[a], elValue[b]) || a - b;
  };
  const ref = (e: number, withLat: 'stable' | 'lost' | null): ElementOutcome => {
    const o: ElementOutcome = {
      key: elKey[e]!,
      element: elValue[e],
      addIndex: opIndex(history, addInv[e]!),
      knownIndex: known[e]! >= 0 ? opIndex(history, known[e]!) : null,
      lastPresentIndex: lastPresent[e]! >= 0 ? opIndex(history, lastPresent[e]!) : null,
      lastAbsentIndex: maxAbsent[e]! >= 0 ? opIndex(history, maxAbsent[e]!) : null,
    };
    if (withLat === 'stable') o.stableLatencyMs = stableLatency[e]!;
    if (withLat === 'lost') {
      o.lostLatencyMs = lostLatency[e]!;
      Object.assign(o, judged.get(e));
    }
    return o;
  };
  // Each lost element judged by the shared fault model: acknowledged when its add completed ok (by
  // the node that answered), else when a read first saw it (on the node that served the read).
  const wo = resolveWindowOptions(opts);
  const policy: WaitPolicyOptions = { waitToleratedFaults: opts.waitToleratedFaults ?? 1 };
  const faults = lostIdx.length > 0 ? markActingPrimaries(history, faultIntervals(history)) : [];
  const judged = new Map<number, Pick<ElementOutcome, 'class' | 'fault' | 'window' | 'reason'>>();
  const classCounts: Record<LossClass, number> = { anomalous: 0, expected: 0, configuration: 0 };
  for (const e of lostIdx) {
    const ackPos = addOk[e]! >= 0 ? addOk[e]! : known[e]!;
    const ackOp = history[ackPos]!;
    const node = ackOp.node ?? (addOk[e]! >= 0 ? history[addInv[e]!]!.node : undefined);
    const ack: AckKind = addOk[e]! >= 0 ? (ackOp.ack ?? 'plain') : 'plain';
    const j = judgeLoss({ t: ackOp.time, node, ack, replicas: ackOp.replicas }, history[maxAbsent[e]!]!.time, faults, wo, policy);
    classCounts[j.attr.cls]++;
    judged.set(e, {
      class: j.attr.cls,
      fault: j.attr.fault ? faultRef(j.attr.fault) : null,
      window: j.attr.window && !j.waitVerdict ? windowRef(j.attr.window) : null,
      reason: j.reason,
    });
  }
  lostIdx.sort(byElement);
  neverIdx.sort(byElement);
  staleIdx.sort(byElement);
  const worst = [...staleIdx].sort((a, b) => stableLatency[b]! - stableLatency[a]! || byElement(a, b)).slice(0, opts.worstStaleCount ?? 8);

  // Unexpected: never added, or observed before the add was invoked (then the read ignored it).
  const unexpected = unexpectedRaw
    .map((u) => ({ key: u.key, element: u.element, readIndex: opIndex(history, u.read) }))
    .sort((a, b) => a.readIndex - b.readIndex || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || compareElements(a.element, b.element));
  duplicated.sort((a, b) => a.readIndex - b.readIndex || compareElements(a.element, b.element));

  let valid: Validity;
  if (classCounts.anomalous > 0) valid = false;
  else if (stableCount === 0) valid = 'unknown';
  else if (opts.linearizable && staleIdx.length > 0) valid = false;
  else valid = true;
  if (duplicated.length > 0 || unexpected.length > 0) valid = false;

  const result: SetFullResult = {
    valid,
    attemptCount: E,
    stableCount,
    lostCount: lostIdx.length,
    lostAnomalousCount: classCounts.anomalous,
    lostExpectedCount: classCounts.expected,
    lostByConfigurationCount: classCounts.configuration,
    lost: lostIdx.map((e) => ref(e, 'lost')),
    neverReadCount: neverIdx.length,
    neverRead: neverIdx.map((e) => ref(e, null)),
    staleCount: staleIdx.length,
    stale: staleIdx.map((e) => ref(e, 'stable')),
    worstStale: worst.map((e) => ref(e, 'stable')),
    duplicatedCount: duplicated.length,
    duplicated,
    unexpectedCount: unexpected.length,
    unexpected,
    duplicateAdds,
  };
  const sl = frequencyDistribution(stableLats);
  if (sl) result.stableLatencies = sl;
  const ll = frequencyDistribution(lostLats);
  if (ll) result.lostLatencies = ll;
  return result;
}

export const setFullChecker: Checker<SetFullResult, SetFullOptions> = {
  name: 'set-full',
  check: (history, opts) => checkSetFull(history, opts),
};
