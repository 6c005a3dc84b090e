/**
 * Which class a lost write belongs to (./windows.ts): the fault it is attributed to and the window
 * that applied — or, for an anomaly, the nearest fault and the window it missed.
 */
import { affects, type FaultInterval, faultVerb, pairOps } from '../faults.js';
import type { AckKind, History } from '../history/types.js';
import { classifyWaitLoss, type WaitLossVerdict, type WaitPolicyOptions } from '../wait/policy.js';
import { type LossClass, type LossWindow, lossWindows, type ResolvedWindowOptions } from './windows.js';

export interface Attribution {
  fault: FaultInterval | null;
  /** The window the ack time fell in, or the first window of the attributed fault it missed. */
  window: LossWindow | null;
  cls: LossClass;
}

/**
 * Classifies a loss acknowledged at `t` (ns) by `node`: expected when some fault on that node has an
 * expected window holding `t` (the latest such fault), else configuration when a configuration
 * window holds it (the first kill after the ack), else anomalous, attributed to the fault active at
 * `t`, or the last one before it, or the first one after it.
 */
export function attributeLoss(t: number, node: string | undefined, ack: AckKind, faults: readonly FaultInterval[], o: ResolvedWindowOptions): Attribution {
  let expected: Attribution | null = null;
  let config: Attribution | null = null;
  let active: FaultInterval | null = null;
  let before: FaultInterval | null = null;
  let after: FaultInterval | null = null;
  for (const f of faults) {
    if (!affects(f, node)) {
      // A replicated group's primary restarted empty wipes what every node acknowledged before.
      if (!wipesGroup(f, o)) continue;
      for (const w of lossWindows(f, ack, o)) {
        if (w.cls === 'configuration' && t >= w.lo && t <= w.hi && (!config || f.start < config.fault!.start))
          config = { fault: f, window: w, cls: 'configuration' };
      }
      continue;
    }
    for (const w of lossWindows(f, ack, o)) {
      if (t < w.lo || t > w.hi) continue;
      if (w.cls === 'expected' && (!expected || f.start >= expected.fault!.start)) expected = { fault: f, window: w, cls: 'expected' };
      if (w.cls === 'configuration' && (!config || f.start < config.fault!.start)) config = { fault: f, window: w, cls: 'configuration' };
    }
    if (f.start <= t && t <= f.end && (!active || f.start >= active.start)) active = f;
    if (f.start <= t && (!before || f.start >= before.start)) before = f;
    if (f.start > t && !after) after = f; // faults are sorted by start
  }
  if (expected) return expected;
  if (config) return config;
  const f = active ?? before ?? after;
  return { fault: f, window: f ? (lossWindows(f, ack, o)[0] ?? null) : null, cls: 'anomalous' };
}

/** Whether a kill's configuration window covers every node: the acting primary of a group nobody else takes over. */
export function wipesGroup(f: FaultInterval, o: ResolvedWindowOptions): boolean {
  return f.family === 'kill' && f.actingPrimary === true && o.failover !== 'cluster';
}

const WRITE_FS = new Set(['write', 'add', 'append', 'cas', 'incr']);

/**
 * Marks the kills that hit the node acknowledging writes at the time — the primary, whoever it was
 * after the failovers so far: the node of the last ok write before the kill. Returns `faults`.
 */
export function markActingPrimaries(history: History, faults: FaultInterval[]): FaultInterval[] {
  const kills = faults.filter((f) => f.family === 'kill' && f.nodes.length === 1);
  if (kills.length === 0) return faults;
  const { invocation } = pairOps(history);
  // Ok writes by completion time, with the node that acknowledged them.
  const acks: Array<[number, string]> = [];
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.type !== 'ok' || op.process === 'nemesis' || !WRITE_FS.has(op.f)) continue;
    const node = op.node ?? (invocation[i]! >= 0 ? history[invocation[i]!]!.node : undefined);
    if (node !== undefined) acks.push([op.time, node]);
  }
  for (const f of kills) {
    let last: string | undefined;
    for (const [t, n] of acks) {
      if (t > f.start) break;
      last = n;
    }
    if (last !== undefined && last === f.nodes[0]) f.actingPrimary = true;
  }
  return faults;
}

export interface AckedWrite {
  /** Ack time (ns). */
  t: number;
  node: string | undefined;
  ack: AckKind;
  /** WAIT's reply, for WAIT-acknowledged writes. */
  replicas?: number | undefined;
}

export interface LossJudgement {
  attr: Attribution;
  /** Why, in words (a clause for the loss's sentence). */
  reason: string;
  /** WAIT-acknowledged losses (reply ≥ 1) judged by ../wait/policy.ts; null otherwise. */
  waitVerdict: WaitLossVerdict | null;
}

/**
 * The verdict on one lost write, the same for every checker that sees losses: configuration windows
 * first for WAIT-acknowledged writes (a wiped primary takes its replicas' copies with it), then the
 * WAIT policy, else the fault model's windows. `lostAt` (ns) is when the loss was observed.
 */
export function judgeLoss(w: AckedWrite, lostAt: number, faults: readonly FaultInterval[], o: ResolvedWindowOptions, policy: WaitPolicyOptions): LossJudgement {
  const waitAcked = w.ack === 'wait' && (w.replicas ?? 0) >= 1;
  const base = attributeLoss(w.t, w.node, w.ack === 'wait' ? 'plain' : w.ack, faults, o);
  if (waitAcked && base.cls !== 'configuration') {
    const v = classifyWaitLoss(w.replicas!, w.t, lostAt, faults, o.replicationLagMs, policy);
    return { attr: { fault: base.fault, window: base.window, cls: v.anomaly ? 'anomalous' : 'expected' }, reason: v.reason, waitVerdict: v };
  }
  const rule = base.window?.rule ?? (base.fault ? `none: ${faultVerb(base.fault, w.node)} costs no write in this configuration` : 'no fault');
  let reason =
    base.cls === 'expected'
      ? `expected by design: inside the allowed window (${rule})`
      : base.cls === 'configuration'
        ? `lost by configuration: ${rule}`
        : base.fault
          ? `outside every allowed window (${rule})`
          : 'lost with no fault in the run';
  if (w.ack === 'wait' && !waitAcked) reason += '; WAIT reached 0 replicas, so the write counts as plainly acknowledged';
  return { attr: base, reason, waitVerdict: null };
}
