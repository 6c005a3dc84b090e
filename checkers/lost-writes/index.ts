/**
 * lost-writes: which acknowledged writes are missing from the final state, by acknowledgement kind
 * (plain, WAIT, min-replicas), each loss linked to the fault active when it was acknowledged and
 * judged against the window in which Redis's design allows it (./windows.ts, ../wait/policy.ts).
 *
 * Also: `recovered` (info writes that survived: they did take effect), `unexpected` (values in a
 * final read that no write ever carried) and failed writes present in the final state (a `fail` is
 * a promise that the write did not happen).
 */

import { affects, type FaultInterval, faultIntervals, faultRef, faultVerb, fmtS, opIndex, toS } from '../faults.js';
import type { AckKind, Checker, CheckerResult, History, Validity } from '../history/types.js';
import { classifyWaitLoss, type WaitPolicyOptions } from '../wait/policy.js';
import { type AnalysisOptions, analyzeWrites, checked, isLost, valueId, type WriteAnalysis, type WriteRecord } from './analysis.js';
import { lossWindow, minorityDetectionMs, type ResolvedWindowOptions, resolveWindowOptions, type WindowOptions } from './windows.js';

export interface LostWritesOptions extends AnalysisOptions, WindowOptions, WaitPolicyOptions {}

export const ACK_KINDS: readonly AckKind[] = ['plain', 'wait', 'min-replicas'];

export interface AckCounts {
  /** ok writes of this kind. */
  acknowledged: number;
  /** ... present in every final read of their key. */
  present: number;
  /** ... missing from a final read of their key. */
  lost: number;
  /** ... of which inside an allowed window (expected by design, still counted). */
  lostExpected: number;
  /** ... of which outside every allowed window: anomalies. */
  lostAnomalous: number;
  /** ... whose key had no ok final read. */
  unchecked: number;
}

export interface LostWrite {
  key: string;
  value: unknown;
  ack: AckKind;
  node: string | null;
  /** WAIT's reply and requested count, for WAIT-acknowledged writes. */
  replicas?: number;
  waitFor?: number;
  invokeIndex: number;
  ackIndex: number;
  ackTimeS: number;
  finalReadIndex: number;
  finalReadNode: string | null;
  finalReadTimeS: number;
  /** The fault the loss is attributed to: active (or nearest) at ack time on the acking node. */
  fault: ReturnType<typeof faultRef> | null;
  /** Ack time minus the fault's start, in seconds (negative: acknowledged before the fault). */
  relativeToFaultS: number | null;
  /** The allowed window the ack time fell in (or the nearest one it missed), in seconds. */
  window: { fromS: number; toS: number; rule: string } | null;
  /** WAIT-acknowledged losses: faults between the ack and the final read, and the nodes they hit (null: unnamed). */
  faultsDuring?: number[];
  faultedNodes?: string[] | null;
  /** Inside an allowed window: reported, counted, but not an anomaly. */
  expected: boolean;
  reason: string;
  message: string;
  /** op indices involved: invoke, ack, fault start (if any), final read. */
  ops: number[];
}

export interface Anomaly {
  kind: 'lost-write' | 'unexpected-value' | 'failed-write-present';
  message: string;
  ops: number[];
}

export interface LostWritesResult extends CheckerResult {
  valid: Validity;
  writeCount: number;
  finalReadCount: number;
  byAck: Record<AckKind, AckCounts>;
  acknowledged: number;
  lost: number;
  lostAnomalous: number;
  lostExpected: number;
  recovered: number;
  unexpected: number;
  failedPresent: number;
  unchecked: number;
  duplicateWrites: number;
  /** Every lost acknowledged write, in ack order. */
  lostWrites: LostWrite[];
  /** info / pending writes present in the final state. */
  recoveredWrites: Array<{ key: string; value: unknown; invokeIndex: number; completionIndex: number | null }>;
  unexpectedValues: Array<{ key: string; value: unknown; readIndex: number; node: string | null }>;
  failedPresentWrites: Array<{ key: string; value: unknown; invokeIndex: number; completionIndex: number; error: string | null }>;
  anomalies: Anomaly[];
  faults: Array<ReturnType<typeof faultRef>>;
  options: ResolvedWindowOptions & { waitToleratedFaults: number };
}

function emptyCounts(): AckCounts {
  return { acknowledged: 0, present: 0, lost: 0, lostExpected: 0, lostAnomalous: 0, unchecked: 0 };
}

function fmtValue(v: unknown): string {
  return typeof v === 'string' ? v : valueId(v);
}

function ruleFor(fault: FaultInterval, ack: AckKind, o: ResolvedWindowOptions): string {
  const lag = `${o.replicationLagMs} ms replication lag before`;
  switch (fault.family) {
    case 'partition':
      return ack === 'min-replicas'
        ? `${lag} isolation to isolation + min(1.5 × node-timeout = ${minorityDetectionMs(o)} ms, min-replicas-max-lag ${o.minReplicasMaxLagS} s + ${o.ackPeriodMs} ms ack period) + ${o.slackMs} ms slack`
        : `${lag} isolation to isolation + 1.5 × node-timeout ${o.nodeTimeoutMs} ms (ping after node-timeout / 2, PFAIL node-timeout later) + ${o.slackMs} ms slack`;
    case 'kill':
      return `${lag} the kill to the kill + ${o.slackMs} ms slack`;
    case 'pause':
      return `${lag} the pause to resume + ${o.resumeGraceMs} ms + ${o.slackMs} ms slack`;
    default:
      return `${lag} ${fault.f} to its end + node-timeout ${o.nodeTimeoutMs} ms + ${o.slackMs} ms slack`;
  }
}

interface Attribution {
  fault: FaultInterval | null;
  window: [number, number] | null;
  expected: boolean;
}

/** Finds the fault a loss acknowledged at `t` by `node` is attributed to, and whether it is allowed. */
export function attributeLoss(t: number, node: string | undefined, ack: AckKind, faults: readonly FaultInterval[], o: ResolvedWindowOptions): Attribution {
  let inWindow: FaultInterval | null = null;
  let inWindowW: [number, number] | null = null;
  let active: FaultInterval | null = null;
  let before: FaultInterval | null = null;
  let after: FaultInterval | null = null;
  for (const f of faults) {
    if (!affects(f, node)) continue;
    const w = lossWindow(f, ack, o);
    if (w[0] <= t && t <= w[1] && (!inWindow || f.start >= inWindow.start)) {
      inWindow = f;
      inWindowW = w;
    }
    if (f.start <= t && t <= f.end && (!active || f.start >= active.start)) active = f;
    if (f.start <= t && (!before || f.start >= before.start)) before = f;
    if (f.start > t && !after) after = f; // faults are sorted by start
  }
  if (inWindow) return { fault: inWindow, window: inWindowW, expected: true };
  const f = active ?? before ?? after;
  return { fault: f, window: f ? lossWindow(f, ack, o) : null, expected: false };
}

function ackPhrase(w: WriteRecord, node: string): string {
  if (w.ack === 'wait') return `acknowledged by ${node} with WAIT ${w.waitFor ?? '?'} → ${w.replicas ?? '?'} replica(s)`;
  if (w.ack === 'min-replicas') return `accepted under min-replicas by ${node}`;
  return `acknowledged by ${node}`;
}

function relPhrase(t: number, f: FaultInterval | null, node: string | undefined): string {
  if (!f) return 'with no fault in the run';
  const d = t - f.start;
  const rel = d >= 0 ? `${fmtS(d)} after` : `${fmtS(-d)} before`;
  return `${rel} ${faultVerb(f, node)} (op ${f.startIndex})`;
}

/** Builds the LostWrite entry for an acknowledged write missing from a final read. */
export function describeLoss(
  a: WriteAnalysis,
  w: WriteRecord,
  faults: readonly FaultInterval[],
  o: ResolvedWindowOptions,
  policy: WaitPolicyOptions,
): LostWrite {
  const h = a.history;
  const ackOp = h[w.completion]!;
  const t = ackOp.time;
  const read = h[w.absentFrom]!;
  const node = w.node;
  const nodeName = node ?? 'an unknown node';
  let attr: Attribution;
  let reason: string;
  let waitVerdict: ReturnType<typeof classifyWaitLoss> | null = null;
  const waitAcked = w.ack === 'wait' && (w.replicas ?? 0) >= 1;
  if (waitAcked) {
    const v = classifyWaitLoss(w.replicas!, t, read.time, faults, o.replicationLagMs, policy);
    const base = attributeLoss(t, node, w.ack, faults, o);
    attr = { fault: base.fault, window: base.window, expected: !v.anomaly };
    reason = v.reason;
    waitVerdict = v;
  } else {
    attr = attributeLoss(t, node, w.ack === 'wait' ? 'plain' : w.ack, faults, o);
    const rule = attr.fault ? ruleFor(attr.fault, w.ack, o) : 'no fault';
    reason = attr.expected
      ? `expected by design: inside the allowed window (${rule})`
      : attr.fault
        ? `outside the allowed window (${rule})`
        : 'lost with no fault in the run';
    if (w.ack === 'wait') reason += '; WAIT reached 0 replicas, so the write counts as plainly acknowledged';
  }
  const message =
    `write of ${fmtValue(w.value)} to key ${w.key === '' ? '(none)' : w.key} ${ackPhrase(w, nodeName)} at ${fmtS(t)}, ` +
    `${relPhrase(t, attr.fault, node)}; absent from the final read of ${read.node ?? 'an unknown node'} at ${fmtS(read.time)} ` +
    `(op ${opIndex(h, w.absentFrom)}) — ${attr.expected ? '' : 'anomaly: '}${reason}`;
  const ops = [opIndex(h, w.invoke), opIndex(h, w.completion)];
  if (attr.fault) ops.push(attr.fault.startIndex);
  ops.push(opIndex(h, w.absentFrom));
  const out: LostWrite = {
    key: w.key,
    value: w.value,
    ack: w.ack,
    node: node ?? null,
    invokeIndex: opIndex(h, w.invoke),
    ackIndex: opIndex(h, w.completion),
    ackTimeS: toS(t),
    finalReadIndex: opIndex(h, w.absentFrom),
    finalReadNode: read.node ?? null,
    finalReadTimeS: toS(read.time),
    fault: attr.fault ? faultRef(attr.fault) : null,
    relativeToFaultS: attr.fault ? toS(t - attr.fault.start) : null,
    window: attr.fault && attr.window && !waitAcked ? { fromS: toS(attr.window[0]), toS: toS(attr.window[1]), rule: ruleFor(attr.fault, w.ack, o) } : null,
    expected: attr.expected,
    reason,
    message,
    ops,
  };
  if (w.replicas !== undefined) out.replicas = w.replicas;
  if (w.waitFor !== undefined) out.waitFor = w.waitFor;
  if (waitVerdict) {
    out.faultsDuring = waitVerdict.faults;
    out.faultedNodes = waitVerdict.faultedNodes;
  }
  return out;
}

export function checkLostWrites(history: History, opts: LostWritesOptions = {}): LostWritesResult {
  const o = resolveWindowOptions(opts);
  const policy: WaitPolicyOptions = { waitToleratedFaults: opts.waitToleratedFaults ?? 1 };
  const a = analyzeWrites(history, opts);
  const faults = faultIntervals(history);
  const h = history;
  const byAck = { plain: emptyCounts(), wait: emptyCounts(), 'min-replicas': emptyCounts() } as Record<AckKind, AckCounts>;
  const lostWrites: LostWrite[] = [];
  const recoveredWrites: LostWritesResult['recoveredWrites'] = [];
  const failedPresentWrites: LostWritesResult['failedPresentWrites'] = [];
  const anomalies: Anomaly[] = [];
  let duplicateWrites = 0;
  let finalReadCount = 0;
  for (const l of a.finalReads.values()) finalReadCount += l.length;

  for (const w of a.writes) {
    duplicateWrites += w.duplicates;
    if (w.outcome === 'ok') {
      const c = byAck[w.ack];
      c.acknowledged++;
      if (!checked(a, w)) c.unchecked++;
      else if (!isLost(a, w)) c.present++;
      else {
        c.lost++;
        const lw = describeLoss(a, w, faults, o, policy);
        if (lw.expected) c.lostExpected++;
        else c.lostAnomalous++;
        lostWrites.push(lw);
      }
    } else if (w.presentIn > 0) {
      if (w.outcome === 'fail') {
        failedPresentWrites.push({
          key: w.key,
          value: w.value,
          invokeIndex: opIndex(h, w.invoke),
          completionIndex: opIndex(h, w.completion),
          error: w.error ?? null,
        });
      } else {
        recoveredWrites.push({
          key: w.key,
          value: w.value,
          invokeIndex: opIndex(h, w.invoke),
          completionIndex: w.completion >= 0 ? opIndex(h, w.completion) : null,
        });
      }
    }
  }

  // Anomalies, in ack / op order (lostWrites is already in invoke order; sort by ack for the report).
  lostWrites.sort((x, y) => x.ackIndex - y.ackIndex || x.invokeIndex - y.invokeIndex);
  for (const lw of lostWrites) if (!lw.expected) anomalies.push({ kind: 'lost-write', message: lw.message, ops: lw.ops });
  for (const fp of failedPresentWrites) {
    anomalies.push({
      kind: 'failed-write-present',
      message: `write of ${fmtValue(fp.value)} to key ${fp.key === '' ? '(none)' : fp.key} failed (${fp.error ?? 'no error text'}, op ${fp.completionIndex}) but is present in the final state`,
      ops: [fp.invokeIndex, fp.completionIndex],
    });
  }
  const unexpectedValues = a.unexpected.map((u) => ({
    key: u.key,
    value: u.value,
    readIndex: opIndex(h, u.read),
    node: h[u.read]!.node ?? null,
  }));
  for (const u of unexpectedValues) {
    anomalies.push({
      kind: 'unexpected-value',
      message: `value ${fmtValue(u.value)} in the final read of key ${u.key === '' ? '(none)' : u.key} from ${u.node ?? 'an unknown node'} (op ${u.readIndex}) was never written`,
      ops: [u.readIndex],
    });
  }

  let acknowledged = 0;
  let lost = 0;
  let lostAnomalous = 0;
  let lostExpected = 0;
  let unchecked = 0;
  for (const k of ACK_KINDS) {
    const c = byAck[k];
    acknowledged += c.acknowledged;
    lost += c.lost;
    lostAnomalous += c.lostAnomalous;
    lostExpected += c.lostExpected;
    unchecked += c.unchecked;
  }
  let valid: Validity = true;
  if (lostAnomalous > 0 || unexpectedValues.length > 0 || failedPresentWrites.length > 0) valid = false;
  else if (finalReadCount === 0 || acknowledged === 0 || unchecked > 0) valid = 'unknown';

  return {
    valid,
    writeCount: a.writes.length,
    finalReadCount,
    byAck,
    acknowledged,
    lost,
    lostAnomalous,
    lostExpected,
    recovered: recoveredWrites.length,
    unexpected: unexpectedValues.length,
    failedPresent: failedPresentWrites.length,
    unchecked,
    duplicateWrites,
    lostWrites,
    recoveredWrites,
    unexpectedValues,
    failedPresentWrites,
    anomalies,
    faults: faults.map(faultRef),
    options: { ...o, waitToleratedFaults: policy.waitToleratedFaults! },
  };
}

export const lostWritesChecker: Checker<LostWritesResult, LostWritesOptions> = {
  name: 'lost-writes',
  check: (history, opts) => checkLostWrites(history, opts),
};
