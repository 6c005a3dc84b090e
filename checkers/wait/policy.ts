/**
 * When is the loss of a WAIT-acknowledged write an anomaly?
 *
 * Redis documents that WAIT "does not make Redis a strongly consistent store": it only proves that
 * `replicas` replicas had received the write when WAIT returned; a failover may still promote a
 * replica that had not, and the acknowledging replicas may later resync from it. What WAIT does buy,
 * and what splitbrain holds Redis to (design.md: "WAIT n with n reached ⇒ survives a single-node
 * failover"): with the write on the master plus `replicas` replicas, losing it requires more nodes
 * to fail than there were copies beyond one, or an election that ignored replication offsets
 * (Cluster ranks replicas by offset, Sentinel picks the highest offset).
 *
 * Rule: a lost write acknowledged by WAIT with reply r ≥ 1 is an anomaly when the distinct nodes
 * hit by faults overlapping [ack − replication lag, final read] number at most
 * min(r, waitToleratedFaults) (default 1) — including zero nodes: a WAIT-acked loss with no fault
 * at all. Otherwise (several nodes faulted, or a fault that names no nodes) it is reported as
 * expected by design, still counted and explained.
 */
import { type FaultInterval, NS_PER_MS } from '../faults.js';

export interface WaitPolicyOptions {
  /** Distinct faulted nodes a WAIT-acked write must survive (capped by WAIT's reply). Default 1. */
  waitToleratedFaults?: number;
}

export interface WaitLossVerdict {
  anomaly: boolean;
  /** Distinct nodes faulted during the write's life; null when some fault named no nodes. */
  faultedNodes: string[] | null;
  /** Faults overlapping the write's life (ids). */
  faults: number[];
  reason: string;
}

export function classifyWaitLoss(
  replicas: number,
  ackTime: number,
  finalReadTime: number,
  faults: readonly FaultInterval[],
  replicationLagMs: number,
  opts: WaitPolicyOptions = {},
): WaitLossVerdict {
  const tolerated = Math.min(replicas, opts.waitToleratedFaults ?? 1);
  const from = ackTime - replicationLagMs * NS_PER_MS;
  const nodes = new Set<string>();
  let unnamed = false;
  const ids: number[] = [];
  for (const f of faults) {
    if (f.start > finalReadTime || f.end < from) continue;
    ids.push(f.id);
    if (f.nodes.length === 0) unnamed = true;
    for (const n of f.nodes) nodes.add(n);
  }
  const faultedNodes = unnamed ? null : [...nodes].sort();
  if (faultedNodes === null) {
    return {
      anomaly: false,
      faultedNodes,
      faults: ids,
      reason: 'a fault without named targets overlapped the write; WAIT does not make Redis strongly consistent',
    };
  }
  if (faultedNodes.length <= tolerated) {
    return {
      anomaly: true,
      faultedNodes,
      faults: ids,
      reason:
        faultedNodes.length === 0
          ? `lost with no fault at all although WAIT reported ${replicas} replica(s)`
          : `only ${faultedNodes.join(',')} faulted, and WAIT reported ${replicas} replica(s): a failover must have promoted a replica that had not acknowledged the write`,
    };
  }
  return {
    anomaly: false,
    faultedNodes,
    faults: ids,
    reason: `${faultedNodes.length} nodes (${faultedNodes.join(',')}) faulted, more than the ${tolerated} WAIT's reply covers; WAIT does not make Redis strongly consistent`,
  };
}
