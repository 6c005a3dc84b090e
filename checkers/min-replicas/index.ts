/**
 * min-replicas: `min-replicas-to-write` / `min-replicas-max-lag` keep an isolated master from
 * accepting writes for long. Replicas ACK every second; once the newest ACK is older than max-lag
 * the master answers NOREPLICAS. So:
 *
 * - no ok write on an isolated master may have been *invoked* later than isolation (completion of
 *   the start-partition op) + max-lag + 2 s (minReplicasAllowedMs: whole-second lag arithmetic and
 *   the once-a-second recount) + slack and completed before the heal began;
 *   invoke/complete bounds make the claim certain: the server accepted it in between;
 * - a write that failed with NOREPLICAS is absent from the final state (the check happens before
 *   the command runs);
 * - per (fault, isolated node) the measured window is reported: last ok write and first NOREPLICAS
 *   after isolation, relative to its start.
 */

import { type FaultInterval, faultIntervals, fmtS, opIndex, toS } from '../faults.js';
import type { Checker, CheckerResult, History, Validity } from '../history/types.js';
import { type AnalysisOptions, analyzeWrites, checked, valueId } from '../lost-writes/analysis.js';
import { minReplicasAllowedMs, minReplicasRuleText, resolveWindowOptions, type WindowOptions } from '../lost-writes/windows.js';

export interface MinReplicasOptions extends AnalysisOptions, WindowOptions {
  /** Hold every ok write to the window, not only those with `ack: 'min-replicas'`. Default false. */
  allWrites?: boolean;
  /** Topology, master → replicas: a master isolated with enough of its replicas is not cut off. */
  replicasOf?: Record<string, string[]>;
  /** min-replicas-to-write. Default 1. */
  minReplicasToWrite?: number;
}

export interface MeasuredWindow {
  faultId: number;
  f: string;
  node: string;
  startIndex: number;
  startS: number;
  stopIndex: number | null;
  endS: number | null;
  /** Allowed acceptance window after isolation, in seconds. */
  allowedS: number;
  /** Last ok write on the node during the isolation, relative to its start (s). */
  lastOkIndex: number | null;
  lastOkAfterS: number | null;
  /** First NOREPLICAS on the node during the isolation, relative to its start (s). */
  firstNoreplicasIndex: number | null;
  firstNoreplicasAfterS: number | null;
  okWrites: number;
  noreplicasWrites: number;
  violations: number;
}

export interface MinReplicasViolation {
  kind: 'accepted-past-window' | 'noreplicas-write-present';
  message: string;
  ops: number[];
}

export interface MinReplicasResult extends CheckerResult {
  valid: Validity;
  windows: MeasuredWindow[];
  violations: MinReplicasViolation[];
  noreplicasCount: number;
  /** NOREPLICAS writes whose key had no ok final read. */
  noreplicasUnchecked: number;
  options: { minReplicasMaxLagS: number; ackPeriodMs: number; slackMs: number };
}

const isNoReplicas = (e: string | undefined): boolean => e !== undefined && /^\s*-?NOREPLICAS\b/.test(e);

/** Whether `node` in fault `f` is cut off from its replicas. */
function cutOff(f: FaultInterval, node: string, opts: MinReplicasOptions): boolean {
  const reps = opts.replicasOf?.[node];
  if (!reps) return true;
  const sameSide = reps.filter((r) => f.nodes.includes(r)).length;
  return sameSide < (opts.minReplicasToWrite ?? 1);
}

export function checkMinReplicas(history: History, opts: MinReplicasOptions = {}): MinReplicasResult {
  const o = resolveWindowOptions(opts);
  const allowedNs = (minReplicasAllowedMs(o) + o.slackMs) * 1e6;
  const a = analyzeWrites(history, opts);
  const faults = faultIntervals(history).filter((f) => f.family === 'partition' && f.nodes.length > 0);

  // Write completions per node, in history order: [invoke pos, completion pos, ok?, noreplicas?].
  const perNode = new Map<string, Array<[number, number, boolean, boolean]>>();
  for (const w of a.writes) {
    if (w.completion < 0 || w.node === undefined) continue;
    const ok = w.outcome === 'ok' && (opts.allWrites || w.ack === 'min-replicas');
    const nr = w.outcome === 'fail' && isNoReplicas(w.error);
    if (!ok && !nr) continue;
    let l = perNode.get(w.node);
    if (!l) perNode.set(w.node, (l = []));
    l.push([w.invoke, w.completion, ok, nr]);
  }

  const windows: MeasuredWindow[] = [];
  const violations: MinReplicasViolation[] = [];
  for (const f of faults) {
    const stopT = f.stop ?? Infinity;
    // A harness failover's opening op completes after the promotion; the cut took effect at its start.
    const deadline = (f.promote !== undefined ? f.start : f.effective) + allowedNs;
    for (const node of f.nodes) {
      if (!cutOff(f, node, opts)) continue;
      const ws = perNode.get(node) ?? [];
      // First write invoked at or after the isolation began (writes are in invoke order).
      let lo = 0;
      let hi = ws.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (history[ws[mid]![0]]!.time < f.start) lo = mid + 1;
        else hi = mid;
      }
      const mw: MeasuredWindow = {
        faultId: f.id,
        f: f.f,
        node,
        startIndex: f.startIndex,
        startS: toS(f.start),
        stopIndex: f.stopIndex,
        endS: f.healed ? toS(f.end) : null,
        allowedS: toS(allowedNs),
        lastOkIndex: null,
        lastOkAfterS: null,
        firstNoreplicasIndex: null,
        firstNoreplicasAfterS: null,
        okWrites: 0,
        noreplicasWrites: 0,
        violations: 0,
      };
      let lastOk = -1;
      for (let k = lo; k < ws.length; k++) {
        const [inv, comp, ok, nr] = ws[k]!;
        const it = history[inv]!.time;
        if (it >= stopT) break;
        const ct = history[comp]!.time;
        if (ct >= stopT) continue; // may have been accepted after the heal began
        if (ok) {
          mw.okWrites++;
          if (lastOk < 0 || ct > history[lastOk]!.time) lastOk = comp;
          if (it > deadline) {
            mw.violations++;
            const op = history[inv]!;
            violations.push({
              kind: 'accepted-past-window',
              message:
                `write of ${valueId(op.value)} to key ${op.key ?? '(none)'} accepted by ${node} (invoked at ${fmtS(it)}, ok at ${fmtS(ct)}), ` +
                `${fmtS(it - f.start)} after ${node} was isolated (op ${f.startIndex}); min-replicas should have refused it after ` +
                `${fmtS(allowedNs)} (${minReplicasRuleText(o)} + ${o.slackMs} ms slack)`,
              ops: [opIndex(history, inv), opIndex(history, comp), f.startIndex],
            });
          }
        } else if (nr) {
          mw.noreplicasWrites++;
          if (mw.firstNoreplicasIndex === null) {
            mw.firstNoreplicasIndex = opIndex(history, comp);
            mw.firstNoreplicasAfterS = toS(ct - f.start);
          }
        }
      }
      if (lastOk >= 0) {
        mw.lastOkIndex = opIndex(history, lastOk);
        mw.lastOkAfterS = toS(history[lastOk]!.time - f.start);
      }
      windows.push(mw);
    }
  }

  let noreplicasCount = 0;
  let noreplicasUnchecked = 0;
  let noreplicasChecked = 0;
  for (const w of a.writes) {
    if (w.outcome !== 'fail' || !isNoReplicas(w.error)) continue;
    noreplicasCount++;
    if (!checked(a, w)) {
      noreplicasUnchecked++;
      continue;
    }
    noreplicasChecked++;
    if (w.presentIn > 0) {
      violations.push({
        kind: 'noreplicas-write-present',
        message: `write of ${valueId(w.value)} to key ${w.key === '' ? '(none)' : w.key} failed with NOREPLICAS on ${w.node ?? 'an unknown node'} at ${fmtS(history[w.completion]!.time)} (op ${opIndex(history, w.completion)}) but is in the final state`,
        ops: [opIndex(history, w.invoke), opIndex(history, w.completion)],
      });
    }
  }
  violations.sort((x, y) => x.ops[0]! - y.ops[0]! || (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0));

  let valid: Validity = true;
  if (violations.length > 0) valid = false;
  else if (windows.every((w) => w.okWrites === 0 && w.noreplicasWrites === 0) && noreplicasChecked === 0) valid = 'unknown';

  return {
    valid,
    windows,
    violations,
    noreplicasCount,
    noreplicasUnchecked,
    options: { minReplicasMaxLagS: o.minReplicasMaxLagS, ackPeriodMs: o.ackPeriodMs, slackMs: o.slackMs },
  };
}

export const minReplicasChecker: Checker<MinReplicasResult, MinReplicasOptions> = {
  name: 'min-replicas',
  check: (history, opts) => checkMinReplicas(history, opts),
};
