/**
 * The fault model every loss checker shares (lost-writes, set-full, wait, linearizable): when
 * Redis's documented design lets an acknowledged write be lost, given the system's real
 * configuration — how it fails over, whether it persists, min-replicas.
 *
 * A lost write is one of three classes:
 * - `expected` (by design): asynchronous replication lets a failover drop what the promoted
 *   replica had not received: writes acknowledged shortly before a cut or kill
 *   (`replicationLagMs`), and writes an isolated primary keeps acknowledging until it stops
 *   (cluster: up to 1.5 × `cluster-node-timeout`; min-replicas: max-lag + 2 s, see minReplicasAllowedMs; a primary demoted
 *   only at the heal, as after the harness's or Sentinel's promotion: the whole cut);
 * - `configuration`: the node was killed without persistence (or with RDB snapshots only) and no
 *   failover took its place, so it restarted empty and its replicas resynced to the empty
 *   dataset — what Redis documents for that configuration, not a bug, shown apart;
 * - `anomalous`: outside every window. Only these make a run invalid.
 *
 * No failover, no loss: with failover `none` (a replicated group nobody promotes) a cut or a
 * pause costs nothing; with `appendfsync always` a kill forgives nothing.
 */

import { type FaultInterval, NS_PER_MS } from '../faults.js';
import type { AckKind } from '../history/types.js';

/** Who promotes a replica when a primary fails: decides whether a cut or a pause can cost writes. */
export type FailoverMechanism = 'none' | 'harness' | 'sentinel' | 'cluster';

/**
 * What a restarted node finds on disk: nothing (`none`), the last RDB snapshot (`rdb`), or the AOF
 * with its fsync policy. `unknown` (histories from elsewhere) keeps the lenient 1 s kill window.
 */
export type Persistence = 'none' | 'rdb' | 'aof-always' | 'aof-everysec' | 'aof-no' | 'unknown';

export type LossClass = 'anomalous' | 'expected' | 'configuration';

export interface WindowOptions {
  /** How the system fails over. Default `cluster` (judged by `nodeTimeoutMs`), the lenient legacy model. */
  failover?: FailoverMechanism;
  /** cluster-node-timeout (failover `cluster`). Default 15000, Redis's default. */
  nodeTimeoutMs?: number;
  /** Sentinel's down-after-milliseconds (failover `sentinel`). Default 30000, Redis's default. */
  downAfterMs?: number;
  /** How long an election takes once a failure is detected. Default 2000. */
  electionMs?: number;
  /** Persistence of the nodes. Default `unknown`. */
  persistence?: Persistence;
  /** min-replicas-max-lag in seconds. Default 10, Redis's default. */
  minReplicasMaxLagS?: number;
  /** Replicas send REPLCONF ACK, and the primary recounts its good replicas (replicationCron), this often. Default 1000. */
  ackPeriodMs?: number;
  /** Writes acknowledged this long before a fault may not have been replicated yet. Default 1000. */
  replicationLagMs?: number;
  /** Allowance for clocks, scheduling and proxies added to every upper bound. Default 1000. */
  slackMs?: number;
  /** How long a resumed (paused) primary may still acknowledge. Default 2000. */
  resumeGraceMs?: number;
}

export interface ResolvedWindowOptions {
  failover: FailoverMechanism;
  nodeTimeoutMs: number;
  downAfterMs: number;
  electionMs: number;
  persistence: Persistence;
  minReplicasMaxLagS: number;
  ackPeriodMs: number;
  replicationLagMs: number;
  slackMs: number;
  resumeGraceMs: number;
}

/** How long `appendfsync everysec` may lose on a crash: Redis documents up to 2 s (a delayed write). */
const EVERYSEC_LOSS_MS = 2000;

export function resolveWindowOptions(o: WindowOptions = {}): ResolvedWindowOptions {
  return {
    failover: o.failover ?? 'cluster',
    nodeTimeoutMs: o.nodeTimeoutMs ?? 15_000,
    downAfterMs: o.downAfterMs ?? 30_000,
    electionMs: o.electionMs ?? 2000,
    persistence: o.persistence ?? 'unknown',
    minReplicasMaxLagS: o.minReplicasMaxLagS ?? 10,
    ackPeriodMs: o.ackPeriodMs ?? 1000,
    replicationLagMs: o.replicationLagMs ?? 1000,
    slackMs: o.slackMs ?? 1000,
    resumeGraceMs: o.resumeGraceMs ?? 2000,
  };
}

/** A window of ack times [lo, hi] (ns) in which `fault` may cost a write, with its class and rule. */
export interface LossWindow {
  lo: number;
  hi: number;
  cls: 'expected' | 'configuration';
  rule: string;
}

/**
 * Redis's min-replicas arithmetic is in whole seconds: a replica is good while
 * `server.unixtime - repl_ack_time <= max-lag` (both truncated to the second), which holds up to
 * one second longer than max-lag after the ACK.
 */
const WHOLE_SECOND_MS = 1000;

/**
 * How long after the cut an isolated min-replicas primary may still acknowledge (ms): its last
 * replica ACK can arrive just before the cut; the count stays good for max-lag + the whole-second
 * truncation after it, and is recomputed only by the once-a-second replicationCron (refreshGoodSlavesCount;
 * an ACK does not recount), so a good count can outlive that by one more period.
 */
export function minReplicasAllowedMs(o: Pick<ResolvedWindowOptions, 'minReplicasMaxLagS' | 'ackPeriodMs'>): number {
  return o.minReplicasMaxLagS * 1000 + WHOLE_SECOND_MS + o.ackPeriodMs;
}

/** How long after isolation a min-replicas primary still acknowledges (ms); Infinity for other writes. */
function minReplicasAcceptMs(ack: AckKind, o: ResolvedWindowOptions): number {
  return ack === 'min-replicas' ? minReplicasAllowedMs(o) : Infinity;
}

/** The min-replicas bound in words, for rules and messages. */
export function minReplicasRuleText(o: Pick<ResolvedWindowOptions, 'minReplicasMaxLagS' | 'ackPeriodMs'>): string {
  return `max-lag ${o.minReplicasMaxLagS} s + 1 s whole-second lag arithmetic + ${msText(o.ackPeriodMs)} recount period`;
}

/** Time after which the failover mechanism has certainly replaced an unreachable primary (ms); null: never. */
function detectMs(o: ResolvedWindowOptions): number | null {
  if (o.failover === 'cluster') return o.nodeTimeoutMs;
  if (o.failover === 'sentinel') return o.downAfterMs;
  return null;
}

const msText = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * Every window in which `fault` may cost a write of kind `ack` acknowledged by a node it hit
 * (checkers/CONVENTIONS.md, "Loss windows and verdicts" has the table).
 */
export function lossWindows(fault: FaultInterval, ack: AckKind, o: ResolvedWindowOptions): LossWindow[] {
  const lag = o.replicationLagMs * NS_PER_MS;
  const slack = o.slackMs * NS_PER_MS;
  const lo = fault.start - lag;
  const lagText = `${msText(o.replicationLagMs)} replication lag before`;
  const accept = minReplicasAcceptMs(ack, o);
  const acceptText = accept === Infinity ? '' : ` (min-replicas: at most ${minReplicasRuleText(o)} after the cut)`;
  const detect = detectMs(o);
  const duration = (fault.end - fault.start) / NS_PER_MS;
  const out: LossWindow[] = [];
  switch (fault.family) {
    case 'partition': {
      if (fault.promote !== undefined || (o.failover === 'sentinel' && duration + o.slackMs >= o.downAfterMs)) {
        // A replica was promoted; the cut-off primary acknowledges until it is demoted at the heal.
        // The opening op completes only after the promotion: the cut itself took effect at its start.
        const cutAt = fault.promote !== undefined ? fault.start : fault.effective;
        const hi = Math.min(fault.end, cutAt + accept * NS_PER_MS) + slack;
        const who = fault.promote !== undefined ? `${fault.promote} was promoted` : "Sentinel's failover";
        out.push({ lo, hi, cls: 'expected', rule: `${lagText} the cut to its heal (${who}; the old primary is demoted only then)${acceptText}` });
      } else if (o.failover === 'cluster') {
        // A minority master stops once it flags a majority of masters PFAIL: clusterCron pings a
        // silent peer only when its last pong is older than node-timeout / 2, and flags it PFAIL
        // node-timeout after that ping — up to 1.5 × node-timeout after the cut.
        const minority = Math.round(o.nodeTimeoutMs * 1.5);
        const hi = fault.effective + Math.min(minority, accept) * NS_PER_MS + slack;
        out.push({
          lo,
          hi,
          cls: 'expected',
          rule:
            accept === Infinity
              ? `${lagText} isolation to isolation + 1.5 × node-timeout ${msText(o.nodeTimeoutMs)} (ping after node-timeout / 2, PFAIL node-timeout later) + ${msText(o.slackMs)} slack`
              : `${lagText} isolation to isolation + min(1.5 × node-timeout ${msText(o.nodeTimeoutMs)}, ${minReplicasRuleText(o)}) + ${msText(o.slackMs)} slack`,
        });
      }
      return out;
    }
    case 'kill': {
      const failoverCertain = detect !== null && duration >= detect + o.electionMs;
      const failoverPossible = detect !== null && duration + o.slackMs >= detect;
      if (failoverPossible || o.persistence === 'unknown') {
        out.push({ lo, hi: fault.effective + slack, cls: 'expected', rule: `${lagText} the kill to the kill + ${msText(o.slackMs)} slack` });
      }
      if (failoverCertain) return out;
      // The node restarts from its own files (no failover took its place, or maybe none did).
      if (o.persistence === 'none' || o.persistence === 'rdb') {
        out.push({
          lo: -Infinity,
          hi: fault.effective + slack,
          cls: 'configuration',
          rule: `${o.persistence === 'none' ? 'no persistence' : 'RDB snapshots only'}: the killed primary restarted without these writes${detect === null ? ' and nothing promoted a replica' : ' before a failover replaced it'}, so its replicas resynced without them`,
        });
      } else if (o.persistence === 'aof-everysec') {
        out.push({
          lo: fault.start - (EVERYSEC_LOSS_MS + o.slackMs) * NS_PER_MS,
          hi: fault.effective + slack,
          cls: 'expected',
          rule: `appendfsync everysec: up to ${msText(EVERYSEC_LOSS_MS)} of writes before the kill`,
        });
      } else if (o.persistence === 'aof-no' && fault.kind?.endsWith('-unsynced')) {
        // A crash that drops the page cache (kill-unsynced): `appendfsync no` leaves fsync to the OS.
        out.push({
          lo: -Infinity,
          hi: fault.effective + slack,
          cls: 'configuration',
          rule: 'appendfsync no: the crash dropped what the OS had not written back yet',
        });
      }
      // aof-always: nothing (it fsyncs before replying); aof-no after kill -9: the written file survives a
      // process kill (the page cache is the OS's).
      return out;
    }
    case 'pause': {
      if (detect === null) return out; // nobody fails a paused primary over: it resumes with its data
      if (o.failover === 'sentinel' && duration + o.slackMs < detect) return out;
      out.push({
        lo,
        hi: fault.end + o.resumeGraceMs * NS_PER_MS + slack,
        cls: 'expected',
        rule: `${lagText} the pause to resume + ${msText(o.resumeGraceMs)} + ${msText(o.slackMs)} slack`,
      });
      return out;
    }
    default: {
      if (fault.f === 'failover') {
        out.push({ lo, hi: fault.end + slack, cls: 'expected', rule: `${lagText} the manual failover to its end + ${msText(o.slackMs)} slack` });
      } else if (fault.f === 'migrate-slots') {
        // MIGRATE moves keys atomically: resharding alone loses nothing.
      } else if (detect !== null) {
        // A degraded network may trip the failure detector: lenient, the loss is still listed.
        out.push({
          lo,
          hi: fault.end + detect * NS_PER_MS + slack,
          cls: 'expected',
          rule: `${lagText} ${fault.f} to its end + ${o.failover === 'cluster' ? 'node-timeout' : 'down-after'} ${msText(detect)} + ${msText(o.slackMs)} slack`,
        });
      }
      return out;
    }
  }
}
