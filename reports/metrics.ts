/**
 * Per-run numbers for trends (store/index.html) and regression gating: lost acknowledged writes per
 * ack kind (from lost-writes / set-full results), failover time and unavailability around faults
 * (from the history: checkers do not measure these), availability (from perf). Stored beside the
 * run as metrics.json (reports/schema/metrics.schema.json) so the index need not re-read histories.
 */

import { type FaultInterval, faultIntervals, pairOps } from '../checkers/faults.js';
import type { AckKind, History, Validity } from '../checkers/history/types.js';
import type { LostWritesResult } from '../checkers/lost-writes/index.js';
import type { PerfResult } from '../checkers/perf/index.js';
import type { SetFullResult } from '../checkers/set-full/index.js';
import { ACK_KINDS, type ResultsFile, type Verdict } from './types.js';

export const METRICS_VERSION = 1;

/** Fs that change state: the first of these to succeed after a kill ends the failover. */
export const WRITE_FS: ReadonlySet<string> = new Set(['add', 'append', 'write', 'cas', 'incr', 'set']);

export interface LostCounts {
  acknowledged: number;
  lost: number;
  lostAnomalous: number;
}

export interface FaultTiming {
  faultId: number;
  f: string;
  nodes: string[];
  startS: number;
  /** ms from the fault's start to the completion of the first ok write invoked after it; null: none did. */
  firstWriteMs: number | null;
  /** Longest stretch without any ok client completion that overlaps the fault, ms. */
  unavailableMs: number;
}

export interface RunMetrics {
  version: typeof METRICS_VERSION;
  verdict: Verdict;
  checkers: Record<string, Validity>;
  opCount: number;
  durationS: number | null;
  /** lost-writes by ack kind; null when the run had no lost-writes checker. */
  lostByAck: Record<AckKind, LostCounts> | null;
  /** set-full: lost and stale elements. */
  setLost: number | null;
  setStale: number | null;
  faults: FaultTiming[];
  /** Time to the first successful write after each kill (ms): samples and nearest-rank quantiles. */
  failover: { samples: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null; unrecovered: number };
  unavailability: { maxMs: number | null; p50Ms: number | null };
  /** perf: share of client ops that completed ok, overall and during faults. */
  availability: { overall: number | null; duringFaults: number | null };
}

/** Nearest-rank quantile of ascending samples. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const ms = (ns: number): number => Math.round(ns / 1000) / 1000;

/** Failover and unavailability for each non-instant fault. */
export function faultTimings(history: History, faults: FaultInterval[] = faultIntervals(history)): FaultTiming[] {
  const { completion } = pairOps(history);
  // Ok client completions (times, ascending) and ok writes as (invoke time, completion time).
  const okTimes: number[] = [];
  const writes: Array<[number, number]> = [];
  let lastClientT = 0;
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.process === 'nemesis' || op.f === 'final-read') continue;
    lastClientT = op.time;
    if (op.type === 'ok') okTimes.push(op.time);
    if (op.type === 'invoke' && WRITE_FS.has(op.f)) {
      const c = completion[i]!;
      if (c >= 0 && history[c]!.type === 'ok') writes.push([op.time, history[c]!.time]);
    }
  }
  const out: FaultTiming[] = [];
  for (const f of faults) {
    if (f.instant) continue;
    // First write invoked at or after the fault began that was acknowledged.
    let firstWrite: number | null = null;
    for (let lo = lowerBound(writes, f.start); lo < writes.length; lo++) {
      const c = writes[lo]![1];
      if (firstWrite === null || c < firstWrite) firstWrite = c;
      // Writes are sorted by invoke; a later invoke cannot complete before an earlier best by much,
      // but it can complete earlier: scan while invokes are before the best completion so far.
      if (lo + 1 < writes.length && writes[lo + 1]![0] > firstWrite) break;
    }
    // Longest gap between consecutive ok completions overlapping [start, end].
    const end = Math.min(f.end, lastClientT);
    let gap = 0;
    let prev = f.start;
    let k = lowerBoundNum(okTimes, f.start);
    if (k > 0) prev = okTimes[k - 1]!;
    for (; k < okTimes.length; k++) {
      const t = okTimes[k]!;
      gap = Math.max(gap, t - Math.max(prev, f.start));
      prev = t;
      if (t > end) break;
    }
    if (k >= okTimes.length) gap = Math.max(gap, lastClientT - Math.max(prev, f.start));
    out.push({
      faultId: f.id,
      f: f.f,
      nodes: f.nodes,
      startS: Math.round(f.start / 1e6) / 1000,
      firstWriteMs: firstWrite === null ? null : ms(firstWrite - f.start),
      unavailableMs: ms(Math.max(0, gap)),
    });
  }
  return out;
}

function lowerBound(a: ReadonlyArray<[number, number]>, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m]![0] < t) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function lowerBoundNum(a: readonly number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m]! < t) lo = m + 1;
    else hi = m;
  }
  return lo;
}

export function computeMetrics(verdict: Verdict, results: ResultsFile | null, history: History | null): RunMetrics {
  const checkers: Record<string, Validity> = {};
  for (const [k, r] of Object.entries(results?.checkers ?? {})) checkers[k] = r.valid;
  const lw = results?.checkers['lost-writes'] as LostWritesResult | undefined;
  let lostByAck: RunMetrics['lostByAck'] = null;
  if (lw?.byAck) {
    lostByAck = {} as Record<AckKind, LostCounts>;
    for (const k of ACK_KINDS) {
      const c = lw.byAck[k];
      lostByAck[k] = { acknowledged: c?.acknowledged ?? 0, lost: c?.lost ?? 0, lostAnomalous: c?.lostAnomalous ?? 0 };
    }
  }
  const sf = results?.checkers['set-full'] as SetFullResult | undefined;
  const perf = results?.checkers['perf'] as PerfResult | undefined;
  const timings = history ? faultTimings(history) : [];
  const kills = timings.filter((t) => /^(kill|crash)$/.test(t.f));
  const failSamples = kills
    .map((t) => t.firstWriteMs)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const unav = timings.map((t) => t.unavailableMs).sort((a, b) => a - b);
  let during: number | null = null;
  if (perf?.availability?.faults?.length) {
    let ok = 0;
    let all = 0;
    for (const f of perf.availability.faults) {
      ok += f.ok;
      all += f.ok + f.fail + f.info;
    }
    during = all === 0 ? null : Math.round((ok / all) * 1000) / 1000;
  }
  const durationS = history && history.length > 0 ? Math.round(history[history.length - 1]!.time / 1e6) / 1000 : null;
  return {
    version: METRICS_VERSION,
    verdict,
    checkers,
    opCount: results?.opCount ?? history?.length ?? 0,
    durationS,
    lostByAck,
    setLost: sf ? sf.lostCount : null,
    setStale: sf ? sf.staleCount : null,
    faults: timings,
    failover: {
      samples: failSamples.length,
      p50Ms: quantile(failSamples, 0.5),
      p95Ms: quantile(failSamples, 0.95),
      maxMs: failSamples.length ? failSamples[failSamples.length - 1]! : null,
      unrecovered: kills.length - failSamples.length,
    },
    unavailability: { maxMs: unav.length ? unav[unav.length - 1]! : null, p50Ms: quantile(unav, 0.5) },
    availability: { overall: perf?.availability?.overall?.availability ?? null, duringFaults: during },
  };
}
