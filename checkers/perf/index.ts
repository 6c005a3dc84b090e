/**
 * perf: data for the report's plots, no rendering. Latency quantiles per f and completion type,
 * latency quantiles over time, throughput per time bucket, and availability: over time per client
 * group with the gap that matters (availability.ts: what the report and the gate use), and the
 * share of client ops invoked during a fault that completed ok for each fault interval. Always
 * valid: performance is informative, not a correctness verdict.
 */

import { faultIntervals, faultRef, pairOps } from '../faults.js';
import type { Checker, CheckerResult, History, OpType } from '../history/types.js';
import { type AvailabilityOverTime, availabilityOverTime } from './availability.js';

export interface PerfOptions {
  /** Width of throughput and latency-over-time buckets, seconds. Default 1. */
  bucketS?: number;
  /** Quantiles, 0..1. Default 0, 0.5, 0.95, 0.99, 1. */
  quantiles?: readonly number[];
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  /** Quantile → ms. */
  quantiles: Record<string, number>;
}

export interface Availability {
  ok: number;
  fail: number;
  /** info and never-completed ops. */
  info: number;
  /** ok / all, null when no op was invoked. */
  availability: number | null;
}

export interface PerfResult extends CheckerResult {
  valid: true;
  bucketS: number;
  /** f → type → summary; fs and types sorted. */
  latency: Record<string, Partial<Record<Exclude<OpType, 'invoke'>, LatencySummary>>>;
  /** f → quantile → [bucket start s, ms] per non-empty bucket (by invoke time). */
  latencyOverTime: Record<string, Record<string, Array<[number, number]>>>;
  /** Bucket start times (s) and f → type → completions per second in each bucket. */
  throughput: { bucketStartS: number[]; series: Record<string, Record<Exclude<OpType, 'invoke'>, number[]>> };
  availability: {
    /** Share of ops that completed ok (ops, not time: a stalled client sends few). */
    overall: Availability;
    outsideFaults: Availability;
    faults: Array<ReturnType<typeof faultRef> & Availability>;
    /** Time buckets with an ok write, per client group; the gap that matters per fault. */
    overTime: AvailabilityOverTime;
  };
}

const TYPES: ReadonlyArray<Exclude<OpType, 'invoke'>> = ['ok', 'fail', 'info'];

function quantilesOf(sorted: Float64Array, qs: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  const n = sorted.length;
  for (const q of qs) out[String(q)] = round3(sorted[Math.min(n - 1, Math.floor(n * q))]!);
  return out;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function avail(ok: number, fail: number, info: number): Availability {
  const all = ok + fail + info;
  return { ok, fail, info, availability: all === 0 ? null : round3(ok / all) };
}

export function checkPerf(history: History, opts: PerfOptions = {}): PerfResult {
  const bucketS = opts.bucketS ?? 1;
  const bucketNs = bucketS * 1e9;
  const qs = opts.quantiles ?? [0, 0.5, 0.95, 0.99, 1];
  const { completion } = pairOps(history);

  // Client invokes in history (= time) order, with their outcome and latency.
  const invT: number[] = [];
  const outcome: number[] = []; // 0 ok, 1 fail, 2 info / pending
  const lat = new Map<string, number[][]>(); // f → per type → latencies (ms)
  const overTime = new Map<string, Map<number, number[]>>(); // f → bucket → latencies
  const tput = new Map<string, number[][]>(); // f → per type → per bucket counts
  let maxBucket = -1;
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.process === 'nemesis' || op.type !== 'invoke') continue;
    const c = completion[i]!;
    const cop = c >= 0 ? history[c]! : undefined;
    const t = cop ? TYPES.indexOf(cop.type as Exclude<OpType, 'invoke'>) : 2;
    invT.push(op.time);
    outcome.push(t < 0 ? 2 : t);
    if (!cop || t < 0) continue;
    const ms = (cop.time - op.time) / 1e6;
    let l = lat.get(op.f);
    if (!l) lat.set(op.f, (l = [[], [], []]));
    l[t]!.push(ms);
    let ot = overTime.get(op.f);
    if (!ot) overTime.set(op.f, (ot = new Map()));
    const ib = Math.floor(op.time / bucketNs);
    const bl = ot.get(ib);
    if (bl) bl.push(ms);
    else ot.set(ib, [ms]);
    const cb = Math.floor(cop.time / bucketNs);
    if (cb > maxBucket) maxBucket = cb;
    let tp = tput.get(op.f);
    if (!tp) tput.set(op.f, (tp = [[], [], []]));
    const arr = tp[t]!;
    while (arr.length <= cb) arr.push(0);
    arr[cb]!++;
  }

  const fs = [...new Set([...lat.keys(), ...tput.keys()])].sort();
  const latency: PerfResult['latency'] = {};
  const latencyOverTime: PerfResult['latencyOverTime'] = {};
  const nb = maxBucket + 1;
  const series: PerfResult['throughput']['series'] = {};
  for (const f of fs) {
    const l = lat.get(f)!;
    const entry: Partial<Record<Exclude<OpType, 'invoke'>, LatencySummary>> = {};
    TYPES.forEach((ty, k) => {
      const xs = l[k]!;
      if (xs.length === 0) return;
      const sorted = Float64Array.from(xs).sort();
      let sum = 0;
      for (const x of xs) sum += x;
      entry[ty] = { count: xs.length, meanMs: round3(sum / xs.length), quantiles: quantilesOf(sorted, qs) };
    });
    latency[f] = entry;
    const ot = overTime.get(f)!;
    const perQ: Record<string, Array<[number, number]>> = {};
    for (const q of qs) perQ[String(q)] = [];
    for (const b of [...ot.keys()].sort((x, y) => x - y)) {
      const sorted = Float64Array.from(ot.get(b)!).sort();
      const qv = quantilesOf(sorted, qs);
      for (const q of qs) perQ[String(q)]!.push([round3(b * bucketS), qv[String(q)]!]);
    }
    latencyOverTime[f] = perQ;
    const tp = tput.get(f)!;
    const s = {} as Record<Exclude<OpType, 'invoke'>, number[]>;
    TYPES.forEach((ty, k) => {
      const counts = tp[k]!;
      const out = new Array<number>(nb);
      for (let b = 0; b < nb; b++) out[b] = round3((counts[b] ?? 0) / bucketS);
      s[ty] = out;
    });
    series[f] = s;
  }
  const bucketStartS = Array.from({ length: nb }, (_, b) => round3(b * bucketS));

  // Availability per fault: ops invoked in [start, end].
  const faults = faultIntervals(history);
  const inFault = new Uint8Array(invT.length);
  const tally = (from: number, to: number, mark: boolean): Availability => {
    let lo = 0;
    let hi = invT.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (invT[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    const c = [0, 0, 0];
    for (let k = lo; k < invT.length && invT[k]! <= to; k++) {
      c[outcome[k]!]!++;
      if (mark) inFault[k] = 1;
    }
    return avail(c[0]!, c[1]!, c[2]!);
  };
  const faultAvail = faults.map((f) => ({ ...faultRef(f), ...tally(f.start, f.end, true) }));
  const all = [0, 0, 0];
  const outside = [0, 0, 0];
  for (let k = 0; k < invT.length; k++) {
    all[outcome[k]!]!++;
    if (!inFault[k]) outside[outcome[k]!]!++;
  }
  return {
    valid: true,
    bucketS,
    latency,
    latencyOverTime,
    throughput: { bucketStartS, series },
    availability: {
      overall: avail(all[0]!, all[1]!, all[2]!),
      outsideFaults: avail(outside[0]!, outside[1]!, outside[2]!),
      faults: faultAvail,
      overTime: availabilityOverTime(history, faults),
    },
  };
}

export const perfChecker: Checker<PerfResult, PerfOptions> = {
  name: 'perf',
  check: (history, opts) => checkPerf(history, opts),
};
