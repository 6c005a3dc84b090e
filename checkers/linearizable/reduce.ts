/**
 * What the checker does before (or instead of) searching, per partition, and the record of it for
 * the result: partitions are per key (P-compositionality, Horn & Kroening); unique-write registers
 * lose their unread `info` writes, get tightened returns for read ones and are decided from their
 * zones without search (zones.ts); partitions with moments where no op is in flight are searched
 * segment by segment (segments.ts); models whose state only grows prune the search on upcoming
 * reads (search.ts).
 */
import type { Model } from '../models/model.js';
import { describePartition, type PartitionResult } from './partition.js';
import type { PreparedPartition } from './prepare.js';
import { quiescentCuts, SEGMENT_MIN_OPS, type SearchOutcome, search as searchPartition, VIEW_BUDGET_MS } from './search.js';
import { decideByZones, reduceInfoWrites, uniqueWriteRegister } from './zones.js';

export interface ReductionReport {
  /** The reductions that applied, in words. */
  applied: string[];
  partitions: number;
  /** `info` writes never observed, left out (unique-write registers). */
  droppedInfoWrites: number;
  /** `info` writes observed, given the return of their first observer. */
  tightenedInfoWrites: number;
  /** Partitions decided from read-mapping zones instead of searched. */
  zonePartitions: number;
  /** Partitions whose search pruned states that upcoming reads rule out. */
  prunedPartitions: number;
  /** Segments of partitions split at quiescent points (searched one after the other). */
  quiescentSegments: number;
}

export interface Reduced {
  /** Partitions still to search (with their position in the original list). */
  search: { at: number; partition: PreparedPartition }[];
  /** Results of partitions decided without search, by position. */
  decided: Map<number, PartitionResult>;
  report: ReductionReport;
}

export function reducePartitions<S, I, O>(model: Model<S, I, O>, parts: readonly PreparedPartition[]): Reduced {
  const search: Reduced['search'] = [];
  const decided = new Map<number, PartitionResult>();
  const report: ReductionReport = {
    applied: [],
    partitions: parts.length,
    droppedInfoWrites: 0,
    tightenedInfoWrites: 0,
    zonePartitions: 0,
    prunedPartitions: 0,
    quiescentSegments: 0,
  };
  parts.forEach((p, at) => {
    if (model.name === 'register' && uniqueWriteRegister(p)) {
      const r = reduceInfoWrites(p);
      report.droppedInfoWrites += r.dropped;
      report.tightenedInfoWrites += r.tightened;
      const z = decideByZones(r.partition);
      if (!z.valid || z.order.length === r.partition.inputs.length) {
        report.zonePartitions++;
        let out: SearchOutcome = { valid: z.valid, best: Int32Array.from(z.order), stuck: z.stuck, steps: 0, cacheSize: 0 };
        // The view of a partition that is not linearizable: the search's longest prefix when it
        // comes within a short budget (it is what the linearization view explains best).
        if (!z.valid) {
          const s = searchPartition(model, r.partition, { deadline: Date.now() + VIEW_BUDGET_MS, prune: false });
          if (s.valid === false) out = s;
        }
        decided.set(at, describePartition(model, r.partition, out));
        return;
      }
      // Valid zones but no linearization built from them: let the search decide and show it.
      search.push({ at, partition: r.partition });
      return;
    }
    if (model.monotone !== undefined) report.prunedPartitions++;
    if (p.inputs.length >= SEGMENT_MIN_OPS) {
      const cuts = quiescentCuts(p).length;
      if (cuts > 0) report.quiescentSegments += cuts + 1;
    }
    search.push({ at, partition: p });
  });
  if (parts.length > 1) report.applied.push(`per-key partitions (P-compositionality): ${parts.length}`);
  if (report.droppedInfoWrites > 0) report.applied.push(`unobserved info writes dropped (unique values): ${report.droppedInfoWrites}`);
  if (report.tightenedInfoWrites > 0) report.applied.push(`observed info writes bounded by their first reader: ${report.tightenedInfoWrites}`);
  if (report.zonePartitions > 0) report.applied.push(`decided from read-mapping zones without search (Gibbons–Korach): ${report.zonePartitions} partition(s)`);
  if (report.quiescentSegments > 0) report.applied.push(`split at quiescent points into segments searched in turn: ${report.quiescentSegments}`);
  if (report.prunedPartitions > 0) report.applied.push(`search pruned by upcoming reads (state only grows): ${report.prunedPartitions} partition(s)`);
  return { search, decided, report };
}
