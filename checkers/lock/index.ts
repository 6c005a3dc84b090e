/**
 * The lock checker: mutual exclusion and fencing for the SET NX PX / compare-and-delete lock
 * (workloads/lock.ts). Each `lock` op is one cycle whose value records its steps in absolute
 * monotonic ns. A client holds the lock from SET's OK until it sends the release (or gives up on
 * an error), and never past its lease: SET ran after the cycle started, so the key lives at least
 * until start + ttl. With a correct lock service no two such intervals overlap. Violations:
 *
 * - overlap: two clients held the lock at once, both within their leases (a lock lost in a
 *   failover with asynchronous replication, or granted by two primaries);
 * - foreign-release: a release deleted the lock after the releaser's lease had certainly expired,
 *   so the key it deleted was someone else's (or expiry failed);
 * - stale-fence: a write with a fencing token lower than one already acknowledged before it was
 *   sent — what a fencing-aware store would refuse (Kleppmann's fix for Redlock), or the log's
 *   final order showing a lower token after a higher one;
 * - duplicate-fence: two holders got the same fencing token (the counter went backwards).
 *
 * Acknowledged log writes missing from the final log are counted (lost writes), not judged here.
 */
import type { Checker, CheckerResult, History, Op, Validity } from '../history/types.js';
import { type Allowances, allowancesOf, relaxes, relaxHistory } from '../lost-writes/relax.js';
import { resolveWindowOptions, type WindowOptions } from '../lost-writes/windows.js';

interface Cycle {
  /** History indices of the invocation and completion. */
  invoke: number;
  completion: number;
  process: number;
  token: string;
  ttlMs: number;
  t0: number;
  start: number; // acquiredAt
  end: number; // min(release sent or gave up, lease end)
  released?: number;
  releaseAt?: number;
  fence?: number;
  writeAt?: number;
  wroteAt?: number;
}

export interface LockViolation {
  type: 'overlap' | 'foreign-release' | 'stale-fence' | 'duplicate-fence';
  message: string;
  ops: number[];
  [extra: string]: unknown;
}

export interface LockResult extends CheckerResult {
  valid: Validity;
  checker: 'lock';
  attempts: number;
  acquired: number;
  /** Cycles whose acquisition is unknown (SET timed out): not counted as holders. */
  unknownAcquisitions: number;
  violations: LockViolation[];
  counts: Record<LockViolation['type'], number>;
  /** Acknowledged log writes absent from the final log (data loss, not a lock violation). */
  lostLogWrites: number;
  finalLogLength: number | null;
  /** The violations above (in the history as recorded) are all gone once the fault model's allowances are made. */
  explained?: Allowances & { cyclesUnknown: number };
}

export interface LockOptions {
  /** Slack for timer granularity when comparing a release with a lease's end, ms. Default 2. */
  slackMs?: number;
  /** Violations listed per type (the counts are complete). Default 20. */
  maxPerType?: number;
  /**
   * The run's fault model (../lost-writes/windows.ts). When mutual exclusion or fencing fails, the
   * check is repeated with the cycles the cut-off side acknowledged inside an allowed loss window
   * taken as unknown (../lost-writes/relax.ts): a lock granted, and a fencing counter advanced, on
   * a primary whose writes a failover then discards is Redis's asynchronous replication, by design.
   * Violations that disappear then are `explained`.
   */
  faultModel?: WindowOptions;
  /** Completions (by `index`) whose cycles count as unknown acquisitions: the relaxed pass. */
  unknownCompletions?: ReadonlySet<number>;
}

/** Most telling first. */
const TYPE_ORDER: LockViolation['type'][] = ['overlap', 'foreign-release', 'stale-fence', 'duplicate-fence'];

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Lock cycles (invocation + completion) that may have held the lock; plus attempts and unknowns. */
function cycles(
  history: History,
  unknownCompletions: ReadonlySet<number> = new Set(),
): { held: Cycle[]; attempts: number; unknown: number; toHistory: (abs: number) => number; finalLogs: string[][] } {
  const pending = new Map<number, Op>();
  const held: Cycle[] = [];
  let attempts = 0;
  let unknown = 0;
  let offset = Infinity; // absolute ns − history ns, from the earliest-starting cycle (t0 ≥ invoke time)
  const finalLogs: string[][] = [];
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.f === 'final-read' && op.type === 'ok' && Array.isArray(op.value)) finalLogs.push(op.value.map(String));
    if (op.f !== 'lock') continue;
    const p = op.process as number;
    if (op.type === 'invoke') {
      pending.set(p, op);
      continue;
    }
    const inv = pending.get(p);
    pending.delete(p);
    if (inv === undefined) continue;
    attempts++;
    const v = (op.value ?? {}) as Record<string, unknown>;
    const t0 = num(v.t0);
    if (t0 !== undefined) offset = Math.min(offset, t0 - inv.time);
    if (v.acquired === null || v.acquired === undefined || unknownCompletions.has(op.index)) {
      if (op.type === 'info' || unknownCompletions.has(op.index)) unknown++;
      continue;
    }
    if (v.acquired !== true || t0 === undefined) continue;
    const ttlMs = num(v.ttlMs) ?? 0;
    const start = num(v.acquiredAt) ?? t0;
    const gaveUp = num(v.releaseAt) ?? num(v.endAt) ?? start;
    const cycle: Cycle = {
      invoke: inv.index,
      completion: op.index,
      process: p,
      token: String(v.token),
      ttlMs,
      t0,
      start,
      end: Math.min(gaveUp, t0 + ttlMs * 1e6),
    };
    for (const f of ['released', 'releaseAt', 'fence', 'writeAt', 'wroteAt'] as const) {
      const x = num(v[f]);
      if (x !== undefined) cycle[f] = x;
    }
    held.push(cycle);
  }
  const off = offset === Infinity ? 0 : offset;
  return { held, attempts, unknown, toHistory: (abs) => abs - off, finalLogs };
}

export function checkLock(history: History, opts: LockOptions = {}): LockResult {
  const slackNs = (opts.slackMs ?? 2) * 1e6;
  const max = opts.maxPerType ?? 20;
  const { held, attempts, unknown, toHistory, finalLogs } = cycles(history, opts.unknownCompletions);
  const s = (abs: number): string => `${(toHistory(abs) / 1e9).toFixed(3)} s`;
  const violations: LockViolation[] = [];
  const counts: LockResult['counts'] = { overlap: 0, 'foreign-release': 0, 'stale-fence': 0, 'duplicate-fence': 0 };
  const add = (v: LockViolation): void => {
    counts[v.type]++;
    if (counts[v.type] <= max) violations.push(v);
  };
  const who = (c: Cycle): string => `process ${c.process} (token ${c.token}${c.fence !== undefined ? `, fence ${c.fence}` : ''})`;

  // Overlapping holds: sweep by start, keeping the holds still open.
  const byStart = held.filter((c) => c.end > c.start).sort((a, b) => a.start - b.start);
  let open: Cycle[] = [];
  for (const c of byStart) {
    open = open.filter((o) => o.end > c.start);
    for (const o of open) {
      const until = Math.min(o.end, c.end);
      add({
        type: 'overlap',
        message: `${who(o)} and ${who(c)} both held the lock from ${s(c.start)} to ${s(until)} (${((until - c.start) / 1e6).toFixed(1)} ms), each within its lease`,
        ops: [o.invoke, o.completion, c.invoke, c.completion],
        overlapMs: Math.round((until - c.start) / 1e3) / 1e3,
      });
    }
    open.push(c);
  }

  // Releases that deleted a lock after the releaser's lease had surely expired.
  for (const c of held) {
    if (c.released !== 1 || c.releaseAt === undefined) continue;
    const expiredBy = c.start + c.ttlMs * 1e6; // SET ran before acquiredAt, so the key expired by then
    if (c.releaseAt > expiredBy + slackNs) {
      add({
        type: 'foreign-release',
        message: `${who(c)} deleted the lock at ${s(c.releaseAt)}, ${((c.releaseAt - expiredBy) / 1e6).toFixed(1)} ms after its own lease had expired: the key it deleted was not its own`,
        ops: [c.invoke, c.completion],
      });
    }
  }

  // Fencing: writes sent after a write with a higher token was acknowledged.
  const writes = held.filter((c) => c.fence !== undefined && c.writeAt !== undefined);
  const acked = writes.filter((c) => c.wroteAt !== undefined).sort((a, b) => a.wroteAt! - b.wroteAt!);
  const bySend = [...writes].sort((a, b) => a.writeAt! - b.writeAt!);
  let i = 0;
  let best: Cycle | undefined;
  for (const w of bySend) {
    while (i < acked.length && acked[i]!.wroteAt! < w.writeAt!) {
      if (best === undefined || acked[i]!.fence! > best.fence!) best = acked[i]!;
      i++;
    }
    if (best !== undefined && best.fence! > w.fence!) {
      add({
        type: 'stale-fence',
        message: `${who(w)} wrote with fencing token ${w.fence} at ${s(w.writeAt!)}, after ${who(best)}'s write with token ${best.fence} was acknowledged: a fencing store would have refused it`,
        ops: [best.invoke, best.completion, w.invoke, w.completion],
      });
    }
  }
  const byFence = new Map<number, Cycle[]>();
  for (const w of writes) (byFence.get(w.fence!) ?? byFence.set(w.fence!, []).get(w.fence!)!).push(w);
  for (const [fence, ws] of byFence) {
    if (ws.length < 2) continue;
    add({
      type: 'duplicate-fence',
      message: `${ws.length} holders got fencing token ${fence} (${ws.map(who).join(', ')}): the counter went backwards`,
      ops: ws.flatMap((w) => [w.invoke, w.completion]),
    });
  }

  // The final logs (one per primary read): a lower token after a higher one is a stale write that stuck.
  let lostLogWrites = 0;
  for (const finalLog of finalLogs) {
    let maxFence = -Infinity;
    let maxEntry = '';
    for (const entry of finalLog) {
      const f = Number(entry.split(':')[0]);
      if (f < maxFence) {
        add({
          type: 'stale-fence',
          message: `the final log holds ${entry} after ${maxEntry}: a write with a lower fencing token landed after a higher one`,
          ops: [],
        });
      }
      if (f > maxFence) {
        maxFence = f;
        maxEntry = entry;
      }
    }
  }
  if (finalLogs.length > 0) {
    const present = new Set(finalLogs.flat());
    for (const w of writes) if (w.wroteAt !== undefined && !present.has(`${w.fence}:${w.token}`)) lostLogWrites++;
  }

  const bad = Object.values(counts).some((n) => n > 0);
  return {
    valid: bad ? false : held.length === 0 ? 'unknown' : true,
    checker: 'lock',
    attempts,
    acquired: held.length,
    unknownAcquisitions: unknown,
    violations: violations.sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || (a.ops[0] ?? -1) - (b.ops[0] ?? -1)),
    counts,
    lostLogWrites,
    finalLogLength: finalLogs.length === 0 ? null : Math.max(...finalLogs.map((l) => l.length)),
  };
}

/** The strict check, then — when it fails and a fault model is given — the relaxed one (see LockOptions.faultModel). */
export function checkLockUnderFaults(history: History, opts: LockOptions = {}): LockResult {
  const strict = checkLock(history, opts);
  if (strict.valid !== false || opts.faultModel === undefined) return strict;
  const r = relaxHistory(history, resolveWindowOptions(opts.faultModel));
  if (!relaxes(r)) return strict;
  const relaxed = checkLock(history, { ...opts, unknownCompletions: r.unknownCompletions });
  if (relaxed.valid === false) return strict;
  return { ...strict, valid: relaxed.valid, explained: { ...allowancesOf(r), cyclesUnknown: relaxed.unknownAcquisitions - strict.unknownAcquisitions } };
}

export const lockChecker: Checker<LockResult, LockOptions> = {
  name: 'lock',
  check: (history, opts) => checkLockUnderFaults(history, opts),
};
