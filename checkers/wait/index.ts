/**
 * wait: the WAIT command's contract, and what WAIT-acknowledged writes are worth.
 *
 * - WAIT's reply is an integer in [0, replicas connected at the time] (the op's `connectedReplicas`,
 *   else the `maxReplicas` option, else only ≥ 0);
 * - with a timeout t > 0 it returns by t + slack, and it returns before t only once `numreplicas`
 *   were reached (an early short reply is a bug);
 * - WAIT on a replica fails with Redis's exact error text;
 * - WAIT-acknowledged writes that were lost are listed separately from plain losses, judged by
 *   ./policy.ts (anomaly only when no more nodes faulted than WAIT's reply covers, capped at 1).
 */

import { type FaultInterval, faultIntervals, fmtS, opIndex, pairOps } from '../faults.js';
import type { Checker, CheckerResult, History, Op, Validity } from '../history/types.js';
import { analyzeWrites, isLost } from '../lost-writes/analysis.js';
import { markActingPrimaries } from '../lost-writes/classify.js';
import { describeLoss, type LostWrite, type LostWritesOptions } from '../lost-writes/index.js';
import { resolveWindowOptions } from '../lost-writes/windows.js';

export const REPLICA_WAIT_ERROR =
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';

export interface WaitOptions extends LostWritesOptions {
  /** Upper bound on WAIT's reply when an op does not record `connectedReplicas` (replicas per master). */
  maxReplicas?: number;
  /** How late past its timeout WAIT may return, for scheduling and proxies. Default 1000 ms. */
  waitSlackMs?: number;
  /** How early before its timeout a short WAIT may return (timer granularity). Default 100 ms. */
  earlySlackMs?: number;
  /** The f of standalone WAIT ops. Default wait. */
  waitF?: string;
  /** The expected error text of WAIT on a replica. Default Redis's. */
  replicaErrorText?: string;
}

export interface WaitViolation {
  kind: 'reply-out-of-range' | 'late' | 'early' | 'replica-accepted' | 'replica-wrong-error' | 'wait-unconfirmed';
  message: string;
  ops: number[];
}

export interface WaitResult extends CheckerResult {
  valid: Validity;
  waitCount: number;
  ok: number;
  fail: number;
  info: number;
  /** WAITs that failed with the replica error text. */
  replicaErrors: number;
  /** WAIT replies seen (standalone and on writes): reply → count, keys sorted numerically. */
  replies: Record<string, number>;
  waitAckedWrites: number;
  /** ok writes with `ack: 'wait'` whose reply is below their `waitFor`: a workload convention slip. */
  malformed: number;
  waitAckedLost: number;
  waitAckedLostAnomalous: number;
  waitAckedLostExpected: number;
  waitAckedLosses: LostWrite[];
  violations: WaitViolation[];
  /** Direct checks (`wait-probe` ops): replicas read right after WAIT returned; judged outside faults only. */
  probes: number;
  probesJudged: number;
}

interface WaitArgs {
  numreplicas?: number;
  timeoutMs?: number;
  role?: string;
  connectedReplicas?: number;
}

function waitArgs(v: unknown): WaitArgs {
  if (!v || typeof v !== 'object') return {};
  const o = v as Record<string, unknown>;
  const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const out: WaitArgs = {};
  const nr = num(o['numreplicas']);
  if (nr !== undefined) out.numreplicas = nr;
  const t = num(o['timeoutMs']);
  if (t !== undefined) out.timeoutMs = t;
  if (typeof o['role'] === 'string') out.role = o['role'];
  const c = num(o['connectedReplicas']);
  if (c !== undefined) out.connectedReplicas = c;
  return out;
}

function errorMatches(err: string | undefined, expected: string): boolean {
  if (err === undefined) return false;
  const e = err.trim();
  // ioredis reports the reply text verbatim; some clients drop the ERR prefix.
  return e === expected || e === expected.replace(/^ERR /, '');
}

export function checkWait(history: History, opts: WaitOptions = {}): WaitResult {
  const waitF = opts.waitF ?? 'wait';
  const slackNs = (opts.waitSlackMs ?? 1000) * 1e6;
  const earlyNs = (opts.earlySlackMs ?? 100) * 1e6;
  const replicaText = opts.replicaErrorText ?? REPLICA_WAIT_ERROR;
  const { completion } = pairOps(history);
  const violations: WaitViolation[] = [];
  const replies = new Map<number, number>();
  let waitCount = 0;
  let ok = 0;
  let fail = 0;
  let info = 0;
  let replicaErrors = 0;

  const checkReply = (reply: unknown, bound: number | undefined, inv: number, comp: number, what: string): void => {
    if (typeof reply === 'number') replies.set(reply, (replies.get(reply) ?? 0) + 1);
    if (typeof reply !== 'number' || !Number.isInteger(reply) || reply < 0 || (bound !== undefined && reply > bound)) {
      violations.push({
        kind: 'reply-out-of-range',
        message: `${what} (op ${opIndex(history, comp)}) replied ${JSON.stringify(reply)}, outside [0, ${bound ?? '∞'}]`,
        ops: [opIndex(history, inv), opIndex(history, comp)],
      });
    }
  };
  const checkDuration = (inv: Op, comp: Op, invPos: number, compPos: number, timeoutMs: number | undefined, what: string): void => {
    if (timeoutMs === undefined || timeoutMs <= 0) return;
    const d = comp.time - inv.time;
    if (d > timeoutMs * 1e6 + slackNs) {
      violations.push({
        kind: 'late',
        message: `${what} with timeout ${timeoutMs} ms returned after ${fmtS(d)} (ops ${opIndex(history, invPos)}–${opIndex(history, compPos)}), later than timeout + ${opts.waitSlackMs ?? 1000} ms slack`,
        ops: [opIndex(history, invPos), opIndex(history, compPos)],
      });
    }
  };

  let waitAckedWrites = 0;
  let malformed = 0;
  const writeFs = new Set(opts.writeFs ?? ['write', 'add', 'append']);
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.type !== 'invoke' || op.process === 'nemesis') continue;
    const c = completion[i]!;
    const cop = c >= 0 ? history[c]! : undefined;
    if (op.f === waitF) {
      waitCount++;
      const a = waitArgs(op.value);
      const what = `WAIT ${a.numreplicas ?? '?'} ${a.timeoutMs ?? '?'} on ${op.node ?? cop?.node ?? 'an unknown node'}`;
      if (!cop) continue;
      if (cop.type === 'info') {
        info++;
        continue;
      }
      if (cop.type === 'fail') {
        fail++;
        if (errorMatches(cop.error, replicaText)) replicaErrors++;
        else if (a.role === 'replica') {
          violations.push({
            kind: 'replica-wrong-error',
            message: `${what}, a replica, failed with ${JSON.stringify(cop.error ?? null)} instead of Redis's "${replicaText.slice(0, 48)}…" (op ${opIndex(history, c)})`,
            ops: [opIndex(history, i), opIndex(history, c)],
          });
        }
        checkDuration(op, cop, i, c, a.timeoutMs, what);
        continue;
      }
      ok++;
      if (a.role === 'replica') {
        violations.push({
          kind: 'replica-accepted',
          message: `${what}, a replica, replied ${JSON.stringify(cop.value)} instead of failing (op ${opIndex(history, c)})`,
          ops: [opIndex(history, i), opIndex(history, c)],
        });
      }
      checkReply(cop.value, a.connectedReplicas ?? opts.maxReplicas, i, c, what);
      checkDuration(op, cop, i, c, a.timeoutMs, what);
      const reply = cop.value;
      if (
        typeof reply === 'number' &&
        a.numreplicas !== undefined &&
        reply < a.numreplicas &&
        a.timeoutMs !== undefined &&
        a.timeoutMs > 0 &&
        cop.time - op.time < a.timeoutMs * 1e6 - earlyNs
      ) {
        violations.push({
          kind: 'early',
          message: `${what} returned ${reply} < ${a.numreplicas} after only ${fmtS(cop.time - op.time)} (ops ${opIndex(history, i)}–${opIndex(history, c)}): a short WAIT must wait its whole timeout`,
          ops: [opIndex(history, i), opIndex(history, c)],
        });
      }
    } else if (writeFs.has(op.f) && cop && cop.type !== 'fail') {
      // Writes followed by WAIT: the completion carries the reply.
      const isWait = cop.ack === 'wait' || cop.waitFor !== undefined || op.waitFor !== undefined;
      if (!isWait || cop.replicas === undefined) continue;
      if (cop.type === 'ok' && cop.ack === 'wait') {
        waitAckedWrites++;
        const want = cop.waitFor ?? op.waitFor;
        if (want !== undefined && cop.replicas < want) malformed++;
      }
      const what = `WAIT after write of ${JSON.stringify(op.value)} to key ${op.key ?? '(none)'} on ${cop.node ?? op.node ?? 'an unknown node'}`;
      checkReply(cop.replicas, opts.maxReplicas, i, c, what);
      checkDuration(op, cop, i, c, cop.waitTimeoutMs ?? op.waitTimeoutMs, what);
    }
  }

  // WAIT-acknowledged losses.
  const o = resolveWindowOptions(opts);
  const a = analyzeWrites(history, opts);
  const faults = markActingPrimaries(history, faultIntervals(history));
  const probe = judgeProbes(history, completion, faults, o.replicationLagMs);
  violations.push(...probe.violations);
  const losses: LostWrite[] = [];
  for (const w of a.writes) {
    if (w.outcome !== 'ok' || w.ack !== 'wait' || (w.replicas ?? 0) < 1 || !isLost(a, w)) continue;
    losses.push(describeLoss(a, w, faults, o, { waitToleratedFaults: opts.waitToleratedFaults ?? 1 }));
  }
  losses.sort((x, y) => x.ackIndex - y.ackIndex);
  const anomalous = losses.filter((l) => !l.expected).length;
  violations.sort((x, y) => x.ops[0]! - y.ops[0]! || (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0));

  let valid: Validity = true;
  if (violations.length > 0 || anomalous > 0) valid = false;
  else if (waitCount === 0 && waitAckedWrites === 0) valid = 'unknown';

  const repliesOut: Record<string, number> = {};
  for (const [k, v] of [...replies.entries()].sort((x, y) => x[0] - y[0])) repliesOut[String(k)] = v;
  return {
    valid,
    waitCount,
    ok,
    fail,
    info,
    replicaErrors,
    replies: repliesOut,
    waitAckedWrites,
    malformed,
    waitAckedLost: losses.length,
    waitAckedLostAnomalous: anomalous,
    waitAckedLostExpected: losses.length - anomalous,
    waitAckedLosses: losses,
    violations,
    probes: probe.probes,
    probesJudged: probe.judged,
  };
}

interface ProbeValue {
  key: string;
  element: unknown;
  replicas: number;
  present: string[];
  absent: string[];
  unreachable: string[];
}

/**
 * The direct WAIT check: a `wait-probe` read the write's element on every replica right after WAIT
 * returned `replicas`; fewer replicas holding it than WAIT counted means WAIT counted a replica that
 * had not applied the write. Probes during a fault (a resync may legitimately replace a replica's
 * data) or with unreachable replicas that could make up the count are not judged.
 */
function judgeProbes(
  history: History,
  completion: Int32Array,
  faults: readonly FaultInterval[],
  lagMs: number,
): { probes: number; judged: number; violations: WaitViolation[] } {
  const out: WaitViolation[] = [];
  let probes = 0;
  let judged = 0;
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.f !== 'wait-probe' || op.type !== 'invoke') continue;
    const c = completion[i]!;
    const cop = c >= 0 ? history[c] : undefined;
    if (cop?.type !== 'ok') continue;
    probes++;
    const v = cop.value as ProbeValue;
    if (!v || !Array.isArray(v.present)) continue;
    const from = op.time - lagMs * 1e6;
    if (faults.some((f) => f.start <= cop.time && f.end >= from)) continue;
    if (v.present.length < v.replicas && v.present.length + v.unreachable.length >= v.replicas) continue;
    judged++;
    if (v.present.length >= v.replicas) continue;
    out.push({
      kind: 'wait-unconfirmed',
      message: `WAIT reported ${v.replicas} replica(s) for the write of ${JSON.stringify(v.element)} to key ${v.key}, but right after it only ${v.present.length} replica(s) held it (${v.present.join(', ') || 'none'}; missing on ${v.absent.join(', ')}) (op ${opIndex(history, c)})`,
      ops: [opIndex(history, i), opIndex(history, c)],
    });
  }
  return { probes, judged, violations: out };
}

export const waitChecker: Checker<WaitResult, WaitOptions> = {
  name: 'wait',
  check: (history, opts) => checkWait(history, opts),
};
