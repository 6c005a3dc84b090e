/**
 * Allowed loss windows: when Redis's documented design lets an acknowledged write be lost.
 *
 * Redis replication is asynchronous, so a write acknowledged shortly before a master is cut off may
 * not have reached any replica (`replicationLagMs` before the fault). After the cut, a cluster
 * master in the minority keeps accepting writes until it flags a majority of masters PFAIL: up to
 * 1.5 × `cluster-node-timeout` (clusterCron pings a peer only once its last pong is older than
 * node-timeout / 2, and flags it PFAIL node-timeout after that ping); under
 * `min-replicas-to-write`, until its replicas' last REPLCONF ACK (sent every second) is older than
 * `min-replicas-max-lag`. A killed master acknowledges nothing after it dies; a paused one may
 * acknowledge briefly after resuming, before it learns it was failed over.
 */

import { type FaultInterval, NS_PER_MS } from '../faults.js';
import type { AckKind } from '../history/types.js';

export interface WindowOptions {
  /** cluster-node-timeout (or Sentinel's down-after-milliseconds). Default 15000, Redis's default. */
  nodeTimeoutMs?: number;
  /** min-replicas-max-lag in seconds. Default 10, Redis's default. */
  minReplicasMaxLagS?: number;
  /** Replicas send REPLCONF ACK this often. Default 1000. */
  ackPeriodMs?: number;
  /** Writes acknowledged this long before a fault may not have been replicated yet. Default 1000. */
  replicationLagMs?: number;
  /** Allowance for clocks, scheduling and proxies added to every upper bound. Default 1000. */
  slackMs?: number;
  /** How long a resumed (paused) master may still acknowledge. Default 2000. */
  resumeGraceMs?: number;
}

export interface ResolvedWindowOptions {
  nodeTimeoutMs: number;
  minReplicasMaxLagS: number;
  ackPeriodMs: number;
  replicationLagMs: number;
  slackMs: number;
  resumeGraceMs: number;
}

export function resolveWindowOptions(o: WindowOptions = {}): ResolvedWindowOptions {
  return {
    nodeTimeoutMs: o.nodeTimeoutMs ?? 15_000,
    minReplicasMaxLagS: o.minReplicasMaxLagS ?? 10,
    ackPeriodMs: o.ackPeriodMs ?? 1000,
    replicationLagMs: o.replicationLagMs ?? 1000,
    slackMs: o.slackMs ?? 1000,
    resumeGraceMs: o.resumeGraceMs ?? 2000,
  };
}

/** How long after isolation a master may still acknowledge writes of this kind (ms). */
export function acceptingAfterIsolationMs(ack: AckKind, o: ResolvedWindowOptions): number {
  const clusterMs = minorityDetectionMs(o);
  if (ack === 'min-replicas') return Math.min(clusterMs, o.minReplicasMaxLagS * 1000 + o.ackPeriodMs);
  return clusterMs;
}

/** Until the minority master sees the majority PFAIL: the half-timeout ping delay plus the node timeout. */
export function minorityDetectionMs(o: ResolvedWindowOptions): number {
  return Math.round(o.nodeTimeoutMs * 1.5);
}

/** The window [lo, hi] (ns) of ack times during which `fault` may cost a write of this kind. */
export function lossWindow(fault: FaultInterval, ack: AckKind, o: ResolvedWindowOptions): [number, number] {
  const lo = fault.start - o.replicationLagMs * NS_PER_MS;
  const slack = o.slackMs * NS_PER_MS;
  switch (fault.family) {
    case 'partition':
      return [lo, fault.effective + acceptingAfterIsolationMs(ack, o) * NS_PER_MS + slack];
    case 'kill':
      return [lo, fault.effective + slack];
    case 'pause':
      return [lo, fault.end + o.resumeGraceMs * NS_PER_MS + slack];
    default:
      // A fault we have no model for (manual failover, clock skew ...): lenient, so that the
      // checker does not cry wolf; such losses are still listed and counted.
      return [lo, fault.end + o.nodeTimeoutMs * NS_PER_MS + slack];
  }
}
