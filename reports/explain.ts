/**
 * Turning checker results into what a person reads first: one headline per question ("did we lose
 * data, when, under which fault"), one summary line per checker, and every anomaly as a sentence
 * with the op indices to link. The sentences come from the checkers; only set-full and the
 * linearizable checker, which return data rather than sentences, are put into words here.
 */

import type { ConvergenceResult } from '../checkers/convergence/index.js';
import type { CounterResult } from '../checkers/counter/index.js';
import type { ElleResult } from '../checkers/elle/checker.js';
import type { CheckerResult } from '../checkers/history/types.js';
import type { LinearizableResult } from '../checkers/linearizable/checker.js';
import type { LockResult } from '../checkers/lock/index.js';
import type { LogPatternsResult } from '../checkers/log-patterns/index.js';
import type { LostWrite, LostWritesResult } from '../checkers/lost-writes/index.js';
import type { Allowances } from '../checkers/lost-writes/relax.js';
import type { MinReplicasResult } from '../checkers/min-replicas/index.js';
import type { PerfResult } from '../checkers/perf/index.js';
import type { ElementOutcome, SetFullResult } from '../checkers/set-full/index.js';
import type { StatsResult } from '../checkers/stats/index.js';
import type { WaitResult } from '../checkers/wait/index.js';
import type { ResultsFile, Verdict } from './types.js';

/** A loss's class under the fault model (checkers/lost-writes/windows.ts). */
export type LossClassName = 'anomalous' | 'expected' | 'configuration';

export interface ExplainedAnomaly {
  checker: string;
  kind: string;
  /** Not a failure: expected by design (inside a fault's allowed window) or lost by configuration. */
  expected: boolean;
  /** Losses: anomalous, expected by design, or lost by configuration. */
  class?: LossClassName;
  /** Losses: the window that applied (or the nearest one missed), in words with its bounds. */
  window?: string;
  message: string;
  /** op.index values to link to. */
  ops: number[];
}

const CHECKER_ORDER = ['lost-writes', 'wait', 'min-replicas', 'convergence', 'linearizable', 'elle', 'lock', 'set-full', 'counter'];

/** Anomalies kept per checker in reports (the counts stay exact; the rest is in results.json). */
export const MAX_ANOMALIES_PER_CHECKER = 500;

const keyName = (k: string): string => (k === '' ? '(single key)' : k);
const val = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** The class of violations a relaxed check explained: by a failover's window, else by configuration. */
const explainedClass = (a: Allowances): LossClassName => (a.classes.includes('expected') ? 'expected' : 'configuration');

/** Why a relaxed check passed, in words. */
function explainedText(a: Allowances): string {
  return `all explained by the fault model (${plural(a.writesUnknown, 'op')} acknowledged inside a loss window taken as unknown, ${plural(a.readsDropped, 'read')} of the losing side dropped, ${plural(a.resets, 'reset')} of a primary restarted without persistence)`;
}

function setElementOps(e: ElementOutcome): number[] {
  return [e.addIndex, e.knownIndex, e.lastPresentIndex, e.lastAbsentIndex].filter((x): x is number => typeof x === 'number');
}

/** "[12.31 s, 19.50 s]: rule" — the window of a loss for the report. */
function windowText(w: { fromS: number | null; toS: number; rule: string } | null | undefined): string | undefined {
  if (!w) return undefined;
  return `[${w.fromS === null ? 'start' : `${w.fromS.toFixed(2)} s`}, ${w.toS.toFixed(2)} s]: ${w.rule}`;
}

function lostWriteAnomaly(checker: string, lw: LostWrite): ExplainedAnomaly {
  const cls: LossClassName = lw.class ?? (lw.expected ? 'expected' : 'anomalous');
  const out: ExplainedAnomaly = { checker, kind: `lost-write (${lw.ack})`, expected: cls !== 'anomalous', class: cls, message: lw.message, ops: lw.ops };
  const w = windowText(lw.window);
  if (w) out.window = w;
  return out;
}

/** Every anomaly of every checker, anomalous ones first, then expected-by-design ones. */
export function explainAnomalies(results: ResultsFile | null): { anomalies: ExplainedAnomaly[]; truncated: number } {
  const out: ExplainedAnomaly[] = [];
  let truncated = 0;
  const seen = new Set<string>();
  const push = (a: ExplainedAnomaly, list: ExplainedAnomaly[]): void => {
    // wait re-reports WAIT-acknowledged losses that lost-writes lists already.
    const id = `${a.message}\u0000${a.ops.join(',')}`;
    if (seen.has(id)) return;
    seen.add(id);
    list.push(a);
  };
  for (const [name, r] of Object.entries(results?.checkers ?? {})) {
    const list: ExplainedAnomaly[] = [];
    if (typeof r.error === 'string')
      push({ checker: name, kind: 'checker-error', expected: false, message: `the ${name} checker failed: ${r.error}`, ops: [] }, list);
    switch (name) {
      case 'lost-writes': {
        const lw = r as LostWritesResult;
        for (const w of lw.lostWrites ?? []) push(lostWriteAnomaly(name, w), list);
        for (const a of lw.anomalies ?? [])
          if (a.kind !== 'lost-write') push({ checker: name, kind: a.kind, expected: false, message: a.message, ops: a.ops }, list);
        break;
      }
      case 'wait': {
        const w = r as WaitResult;
        for (const v of w.violations ?? []) push({ checker: name, kind: v.kind, expected: false, message: v.message, ops: v.ops }, list);
        for (const l of w.waitAckedLosses ?? []) push(lostWriteAnomaly(name, l), list);
        break;
      }
      case 'min-replicas': {
        const m = r as MinReplicasResult;
        for (const v of m.violations ?? []) push({ checker: name, kind: v.kind, expected: false, message: v.message, ops: v.ops }, list);
        break;
      }
      case 'set-full': {
        const s = r as SetFullResult;
        for (const e of s.lost ?? []) {
          const cls: LossClassName = e.class ?? 'anomalous';
          const a: ExplainedAnomaly = {
            checker: name,
            kind: 'lost-element',
            expected: cls !== 'anomalous',
            class: cls,
            message: `element ${val(e.element)} of set ${keyName(e.key)} was added (op ${e.addIndex}), known from op ${e.knownIndex ?? '?'}, last seen by the read at op ${e.lastPresentIndex ?? '—'} and missing from the later read at op ${e.lastAbsentIndex ?? '?'}${e.lostLatencyMs !== undefined ? `, ${e.lostLatencyMs} ms after it became known` : ''}${e.reason ? ` — ${cls === 'anomalous' ? 'anomaly: ' : ''}${e.reason}` : ''}`,
            ops: setElementOps(e),
          };
          const w = windowText(e.window);
          if (w) a.window = w;
          push(a, list);
        }
        for (const e of s.stale ?? []) {
          push(
            {
              checker: name,
              kind: 'stale-read',
              // Stale reads only fail set-full in linearizable mode; otherwise they are information.
              expected: s.valid !== false || (s.lostCount ?? 0) > 0,
              message: `element ${val(e.element)} of set ${keyName(e.key)} was missing from the read at op ${e.lastAbsentIndex ?? '?'} after it was known (op ${e.knownIndex ?? '?'}): a stale read, visible to every read ${e.stableLatencyMs ?? '?'} ms after it became known`,
              ops: setElementOps(e),
            },
            list,
          );
        }
        for (const u of s.unexpected ?? [])
          push(
            {
              checker: name,
              kind: 'unexpected-element',
              expected: false,
              message: `the read at op ${u.readIndex} returned ${val(u.element)} in set ${keyName(u.key)}, which no add had written before it`,
              ops: [u.readIndex],
            },
            list,
          );
        for (const d of s.duplicated ?? [])
          push(
            {
              checker: name,
              kind: 'duplicated-element',
              expected: false,
              message: `the read at op ${d.readIndex} listed ${val(d.element)} ${d.count} times in set ${keyName(d.key)}`,
              ops: [d.readIndex],
            },
            list,
          );
        break;
      }
      case 'convergence': {
        const cv = r as ConvergenceResult;
        for (const d of cv.divergences ?? []) push({ checker: name, kind: 'divergence', expected: false, message: d.message, ops: d.ops }, list);
        break;
      }
      case 'counter': {
        const c = r as CounterResult;
        for (const e of c.errors ?? [])
          push({ checker: name, kind: 'counter-out-of-bounds', expected: false, message: e.message, ops: [e.invokeIndex, e.index] }, list);
        break;
      }
      case 'linearizable': {
        const l = r as LinearizableResult;
        if (l.explained) {
          const cls = explainedClass(l.explained);
          push(
            {
              checker: name,
              kind: 'non-linearizable (explained)',
              expected: true,
              class: cls,
              message: `key(s) ${l.explained.keys.map(keyName).join(', ')} are not linearizable as recorded, but are once the fault model's losses are allowed (${l.explained.writesUnknown} writes acknowledged inside a loss window taken as unknown, ${l.explained.readsDropped} reads of the losing side dropped, ${l.explained.resets} reset(s) of a primary restarted without persistence)`,
              ops: [],
            },
            list,
          );
        }
        for (const p of l.partitions ?? []) {
          if (p.valid === true || (p as { cancelled?: boolean }).cancelled === true) continue;
          const prefix = p.longestLinearizable[0] ?? [];
          const stuck = p.stuckAt;
          const desc = stuck !== undefined ? p.ops?.find((o) => o.index === stuck)?.description : undefined;
          const msg =
            p.valid === false
              ? `key ${keyName(p.key)} is not linearizable: after a linearizable prefix of ${prefix.length} of ${p.opCount} ops, ${stuck !== undefined ? `op ${stuck}${desc ? ` (${desc})` : ''} cannot be placed in any order consistent with the model` : 'no op can be placed'}; ${plural(p.nonLinearizable.length, 'op')} left over`
              : `key ${keyName(p.key)} is undecided: the search ran out of time after a prefix of ${prefix.length} of ${p.opCount} ops`;
          const ops = stuck !== undefined ? [stuck, ...prefix.slice(-2)] : prefix.slice(-1);
          push({ checker: name, kind: p.valid === false ? 'non-linearizable' : 'undecided', expected: false, message: msg, ops }, list);
        }
        break;
      }
      case 'elle': {
        const e = r as ElleResult;
        // Anomalies that rule out none of the chosen models are reported, not failures; those the
        // fault model explains are expected by design (or lost by configuration).
        const failing = new Set(Object.values(e.ruledOutBy ?? {}).flat());
        const cls = e.explained ? explainedClass(e.explained) : undefined;
        for (const [type, cases] of Object.entries(e.anomalies ?? {}))
          for (const a of cases)
            push(
              { checker: name, kind: type, expected: cls !== undefined || !failing.has(type), ...(cls ? { class: cls } : {}), message: a.message, ops: a.ops },
              list,
            );
        break;
      }
      case 'lock': {
        const l = r as LockResult;
        const cls = l.explained ? explainedClass(l.explained) : undefined;
        for (const v of l.violations ?? [])
          push({ checker: name, kind: v.type, expected: cls !== undefined, ...(cls ? { class: cls } : {}), message: v.message, ops: v.ops }, list);
        break;
      }
      case 'log-patterns': {
        const lp = r as LogPatternsResult;
        for (const m of lp.matches ?? [])
          push(
            { checker: name, kind: m.pattern, expected: false, message: `${m.node} ${m.file}:${m.line}: ${m.pattern}: ${m.text.slice(0, 300)}`, ops: [] },
            list,
          );
        break;
      }
    }
    list.sort((a, b) => Number(a.expected) - Number(b.expected));
    if (list.length > MAX_ANOMALIES_PER_CHECKER) {
      truncated += list.length - MAX_ANOMALIES_PER_CHECKER;
      list.length = MAX_ANOMALIES_PER_CHECKER;
    }
    out.push(...list);
  }
  // Stable sort: anomalies before expected ones, the checkers that explain losses best first.
  const rank = (c: string): number => {
    const i = CHECKER_ORDER.indexOf(c);
    return i < 0 ? CHECKER_ORDER.length : i;
  };
  out.sort((a, b) => Number(a.expected) - Number(b.expected) || rank(a.checker) - rank(b.checker));
  return { anomalies: out, truncated };
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

/** One line per checker: what it looked at and what it found. */
export function summarizeChecker(name: string, r: CheckerResult): string {
  if (typeof r.error === 'string') return `failed: ${r.error}`;
  switch (name) {
    case 'lost-writes': {
      const lw = r as LostWritesResult;
      const kinds = (['plain', 'wait', 'min-replicas'] as const)
        .filter((k) => (lw.byAck?.[k]?.acknowledged ?? 0) > 0)
        .map((k) => `${k} ${lw.byAck[k].lost}/${lw.byAck[k].acknowledged} lost`);
      return `${lw.acknowledged} acknowledged writes, ${lw.lost} lost (${lw.lostAnomalous} anomalous, ${lw.lostExpected} expected by design, ${lw.lostByConfiguration ?? 0} lost by configuration)${kinds.length ? `: ${kinds.join(', ')}` : ''}; ${lw.recovered} indeterminate writes survived${lw.unchecked ? `; ${lw.unchecked} unchecked (no final read)` : ''}`;
    }
    case 'set-full': {
      const s = r as SetFullResult;
      return `${s.attemptCount} elements added: ${s.stableCount} stable, ${s.lostCount} lost (${s.lostAnomalousCount ?? s.lostCount} anomalous, ${s.lostExpectedCount ?? 0} expected by design, ${s.lostByConfigurationCount ?? 0} lost by configuration), ${s.neverReadCount} never read, ${s.staleCount} stale${s.unexpectedCount ? `, ${s.unexpectedCount} unexpected` : ''}${s.duplicatedCount ? `, ${s.duplicatedCount} duplicated` : ''}`;
    }
    case 'linearizable': {
      const l = r as LinearizableResult;
      const cancelled = new Set((l.partitions ?? []).filter((p) => (p as { cancelled?: boolean }).cancelled === true).map((p) => p.key));
      const undecided = l.unknownKeys.filter((k) => !cancelled.has(k));
      return `model ${l.model}: ${l.opCount} ops in ${l.partitionCount} keys${l.invalidKeys.length ? `; not linearizable: ${l.invalidKeys.map(keyName).join(', ')}` : ''}${undecided.length ? `; undecided: ${undecided.map(keyName).join(', ')}` : ''}${cancelled.size ? `; ${plural(cancelled.size, 'key')} left unsearched after the first failure` : ''}${l.timedOut ? ' (time limit reached)' : ''}`;
    }
    case 'wait': {
      const w = r as WaitResult;
      return `${w.waitCount} WAITs (${w.ok} ok, ${w.fail} fail, ${w.info} info), ${w.waitAckedWrites} WAIT-acknowledged writes, ${w.waitAckedLost} lost (${w.waitAckedLostAnomalous} anomalous); ${w.probesJudged ?? 0} of ${w.probes ?? 0} replies checked on the replicas; ${plural(w.violations?.length ?? 0, 'violation')}`;
    }
    case 'min-replicas': {
      const m = r as MinReplicasResult;
      return `${plural(m.windows?.length ?? 0, 'isolation window')} measured, ${m.noreplicasCount} NOREPLICAS writes; ${plural(m.violations?.length ?? 0, 'violation')}`;
    }
    case 'convergence': {
      const cv = r as ConvergenceResult;
      return `${plural(cv.compared ?? 0, 'replica')} compared with its primary after the heal: ${plural(cv.divergences?.length ?? 0, 'divergence')}${cv.unjudged?.length ? `; not judged: ${cv.unjudged.map((u) => `${u.replica} (${u.reason})`).join(', ')}` : ''}`;
    }
    case 'counter': {
      const c = r as CounterResult;
      return `${c.reads?.length ?? 0} reads checked against their bounds; ${plural(c.errors?.length ?? 0, 'read')} out of bounds`;
    }
    case 'elle': {
      const e = r as ElleResult;
      const counts = Object.entries(e.anomalyCounts ?? {}).map(([t, n]) => `${t} ×${n}`);
      return `${e.workload}: ${e.txnCount} transactions, ${e.graph.edges} dependencies (${e.graph.relations.join(', ')})${counts.length ? `; ${counts.join(', ')}` : '; no anomaly'}${e.not?.length ? `; not ${e.not.join(', ')}` : ''}${e.explained ? `; ${explainedText(e.explained)}` : ''}${e.error ? `; ${e.error}` : ''}`;
    }
    case 'lock': {
      const l = r as LockResult;
      const counts = Object.entries(l.counts ?? {}).filter(([, n]) => n > 0);
      return `${l.attempts} lock attempts, ${l.acquired} acquired${l.unknownAcquisitions ? `, ${l.unknownAcquisitions} unknown` : ''}; ${counts.length ? counts.map(([t, n]) => `${t} ×${n}`).join(', ') : 'mutual exclusion held'}${l.explained ? `; ${explainedText(l.explained)}` : ''}${l.lostLogWrites ? `; ${l.lostLogWrites} acknowledged log writes lost` : ''}`;
    }
    case 'stats': {
      const s = r as StatsResult;
      return `${s.count} client ops: ${s.okCount} ok, ${s.failCount} fail, ${s.infoCount} info`;
    }
    case 'perf': {
      const p = r as PerfResult;
      const q = Object.values(p.latency ?? {})
        .map((t) => t.ok)
        .filter((x) => x !== undefined);
      const p50 = q.length ? Math.max(...q.map((x) => x!.quantiles['0.5'] ?? 0)) : null;
      const p99 = q.length ? Math.max(...q.map((x) => x!.quantiles['0.99'] ?? 0)) : null;
      const ot = p.availability?.overTime;
      // Over time (results stored before it: the share of ops, which a stalled client inflates).
      const avail = ot
        ? `writes succeeded in ${pct(ot.overall.availability)} of the ${ot.bucketMs} ms intervals with writes in flight` +
          (ot.faults.length
            ? `; during faults: ${pct(ot.duringFaults.cutOff.availability)} for the clients they cut off, ${pct(ot.duringFaults.others.availability)} for the others`
            : '')
        : `availability ${pct(p.availability?.overall?.availability)} of ops overall, ${pct(p.availability?.outsideFaults?.availability)} outside faults`;
      return `ok latency p50 ≤ ${p50 ?? '—'} ms, p99 ≤ ${p99 ?? '—'} ms; ${avail}`;
    }
    case 'log-patterns': {
      const lp = r as LogPatternsResult;
      return `${lp.filesScanned} node logs scanned, ${lp.count} pattern ${lp.count === 1 ? 'match' : 'matches'}${
        lp.count
          ? `: ${Object.entries(lp.byPattern)
              .map(([k, n]) => `${k} ×${n}`)
              .join(', ')}`
          : ''
      }`;
    }
    default:
      return `valid: ${String(r.valid)}`;
  }
}

/** The sentences at the top of a report: the verdict's reasons, data loss first. */
/** The first violation's own words, for checkers that list violations with messages (min-replicas, wait…). */
function firstViolation(r: CheckerResult): string | undefined {
  const v = (r as { violations?: unknown }).violations;
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const m = (v[0] as { message?: unknown }).message;
  if (typeof m !== 'string') return undefined;
  return v.length > 1 ? `${m.replace(/\.$/, '')} (and ${plural(v.length - 1, 'more violation')})` : m.replace(/\.$/, '');
}

export function headline(verdict: Verdict, results: ResultsFile | null, error: string | null): string[] {
  if (verdict === 'crashed') {
    const first = (error ?? 'the run did not finish').split('\n').find((l) => l.trim() !== '') ?? '';
    return [`The run itself failed before its history could be checked: ${first.trim()}`, 'Nothing was verified: a crashed run never counts as passed.'];
  }
  // Lines of invalid checkers come first: the headline opens with the anomaly that made the run invalid.
  const anomalies: string[] = [];
  const others: string[] = [];
  const say = (bad: boolean, line: string): void => void (bad ? anomalies : others).push(line);
  const c = results?.checkers ?? {};
  const lw = c['lost-writes'] as LostWritesResult | undefined;
  if (lw?.byAck) {
    if (lw.lost === 0) say(false, `No acknowledged write was lost (${lw.acknowledged} acknowledged${lw.unchecked ? `, ${lw.unchecked} unchecked` : ''}).`);
    else {
      const kinds = (['plain', 'wait', 'min-replicas'] as const)
        .filter((k) => lw.byAck[k].lost > 0)
        .map((k) => `${lw.byAck[k].lost} ${k === 'plain' ? 'plain' : k === 'wait' ? 'WAIT' : 'min-replicas'}`);
      const first = lw.lostWrites.find((w) => !w.expected) ?? lw.lostWrites[0];
      const rel = first?.relativeToFaultS ?? null;
      const near = first?.fault ? `${first.fault.f} of ${first.fault.nodes.join(', ') || 'the cluster'} at ${first.fault.startS.toFixed(2)} s` : '';
      const when = first
        ? ` First ${first.expected ? 'expected ' : ''}loss acknowledged at ${first.ackTimeS.toFixed(2)} s${first.fault ? (rel === null ? `, during ${near}` : rel >= 0 ? `, ${rel.toFixed(2)} s into ${near}` : `, ${(-rel).toFixed(2)} s before ${near}`) : ', with no fault nearby'}.`
        : '';
      say(
        lw.valid === false,
        `Lost ${plural(lw.lost, 'acknowledged write')} (${kinds.join(', ')}): ${lw.lostAnomalous} anomalous, ${lw.lostExpected} inside an allowed fault window, ${lw.lostByConfiguration ?? 0} lost by configuration.${when}`,
      );
    }
  }
  const sf = c['set-full'] as SetFullResult | undefined;
  if (sf && (sf.lostCount > 0 || sf.staleCount > 0))
    say(
      sf.valid === false,
      `set-full: ${plural(sf.lostCount, 'element')} lost (${sf.lostAnomalousCount ?? sf.lostCount} anomalous), ${sf.staleCount} stale out of ${sf.attemptCount} added.`,
    );
  const lin = c['linearizable'] as LinearizableResult | undefined;
  if (lin?.invalidKeys?.length)
    say(true, `Not linearizable on ${plural(lin.invalidKeys.length, 'key')}: ${lin.invalidKeys.slice(0, 8).map(keyName).join(', ')}.`);
  for (const [name, r] of Object.entries(c)) {
    if (r.valid === false && !['lost-writes', 'set-full', 'linearizable'].includes(name))
      say(true, `${name} INVALID: ${firstViolation(r) ?? summarizeChecker(name, r)}.`);
    if (r.valid === 'unknown' && name !== 'perf') say(false, `${name} could not decide: ${summarizeChecker(name, r)}.`);
  }
  const lines = [...anomalies, ...others];
  if (lines.length === 0) lines.push(verdict === 'valid' ? 'Every checker passed.' : 'See the checkers below.');
  return lines;
}
