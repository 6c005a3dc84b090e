/**
 * Per-run numbers for trends (store/index.html) and regression gating: lost acknowledged writes per
 * ack kind (from lost-writes / set-full results), and from the history (checkers/perf/availability.ts):
 * per fault the availability over time of the clients it cut off and of the others, the gap that
 * matters, failover time and unavailability. Stored beside the run as metrics.json
 * (reports/schema/metrics.schema.json) so the index need not re-read histories.
 */

import type { AckKind, History, Validity } from '../checkers/history/types.js';
import type { LostWritesResult } from '../checkers/lost-writes/index.js';
import { availabilityOverTime, type FaultAvailability, type GroupGap } from '../checkers/perf/availability.js';
import type { PerfResult } from '../checkers/perf/index.js';
import type { SetFullResult } from '../checkers/set-full/index.js';
import { ACK_KINDS, type ResultsFile, type Verdict } from './types.js';

/** 2: availability over time per client group (v1: share of ops; per fault the first ok write of anyone). */
export const METRICS_VERSION = 2;

export interface LostCounts {
  acknowledged: number;
  lost: number;
  lostAnomalous: number;
}

/** Per fault: the clients it cut off (checkers/perf/availability.ts), the others, everyone. */
export type FaultTiming = FaultAvailability;

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
  /** Time buckets of availability (ms). */
  bucketMs: number | null;
  faults: FaultTiming[];
  /** Per kill, from the kill to the first ok write of the clients it cut off: samples and nearest-rank quantiles. */
  failover: { samples: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null; unrecovered: number };
  /**
   * Per fault, the time the clients it cut off could not write (demanded buckets without an ok
   * write × bucket width; everyone when it cut off no one): max and p50; and the longest gap.
   */
  unavailability: { maxMs: number | null; p50Ms: number | null; longestGapMaxMs: number | null };
  /** Share of time buckets with an ok write: all clients over the run and during faults, the cut-off clients during faults. */
  availability: { overall: number | null; duringFaults: number | null; cutOffDuringFaults: number | null };
}

/** Nearest-rank quantile of ascending samples. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The group a fault's figures are judged by: the clients it cut off, or everyone when it cut off no one. */
export function affectedGroup(t: FaultTiming): GroupGap {
  return t.cutOff.clients > 0 ? t.cutOff : t.all;
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
  const ot = history ? availabilityOverTime(history) : (perf?.availability?.overTime ?? null);
  const timings: FaultTiming[] = ot ? ot.faults.map((f) => ({ ...f })) : [];
  const kills = timings.filter((t) => /^(kill|crash)$/.test(t.f));
  const failSamples = kills
    .map((t) => affectedGroup(t).firstOkWriteMs)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const unav = timings.map((t) => affectedGroup(t).unavailableMs).sort((a, b) => a - b);
  const gaps = timings.map((t) => affectedGroup(t).longestGapMs).filter((x): x is number => x !== null);
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
    bucketMs: ot?.bucketMs ?? null,
    faults: timings,
    failover: {
      samples: failSamples.length,
      p50Ms: quantile(failSamples, 0.5),
      p95Ms: quantile(failSamples, 0.95),
      maxMs: failSamples.length ? failSamples[failSamples.length - 1]! : null,
      unrecovered: kills.length - failSamples.length,
    },
    unavailability: {
      maxMs: unav.length ? unav[unav.length - 1]! : null,
      p50Ms: quantile(unav, 0.5),
      longestGapMaxMs: gaps.length ? Math.max(...gaps) : null,
    },
    availability: {
      overall: ot?.overall.availability ?? null,
      duringFaults: ot?.duringFaults.all.availability ?? null,
      cutOffDuringFaults: ot?.duringFaults.cutOff.availability ?? null,
    },
  };
}
