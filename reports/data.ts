/**
 * The data a report page embeds, built once at generation time. Ops are columnar (one array per
 * field, dictionaries for repeated strings) so that a 100k-op history stays a few MB of JSON and
 * parses in tens of milliseconds; values are pre-rendered to capped strings (a set read can hold
 * thousands of elements).
 */

import type { CycleAnomaly, ElleResult } from '../checkers/elle/checker.js';
import { faultIntervals, pairOps } from '../checkers/faults.js';
import type { History, Validity } from '../checkers/history/types.js';
import type { LinearizableResult } from '../checkers/linearizable/checker.js';
import type { GroupGap } from '../checkers/perf/availability.js';
import { type ExplainedAnomaly, explainAnomalies, headline, summarizeChecker } from './explain.js';
import type { LoadedRun } from './load.js';
import type { RunMetrics } from './metrics.js';
import type { Verdict } from './types.js';

export const REPORT_DATA_VERSION = 1;
/** Longest value text kept per op; the full value is in history.jsonl. */
export const MAX_VALUE_CHARS = 240;
/** Linearization view: prefix steps and unplaced ops shown per key. */
const LIN_PREFIX_STEPS = 40;
const LIN_UNPLACED = 60;
/** Client process ids from here on are the final reads (harness/run/run.ts). */
const FINAL_READ_PROCESS = 1_000_000;

export interface OpColumns {
  n: number;
  /** ms since the start of the run. */
  t: number[];
  /** Process id; -1 for the nemesis. */
  p: number[];
  /** 0 invoke, 1 ok, 2 fail, 3 info. */
  ty: number[];
  /** Indices into dict.f / dict.k / dict.nd / dict.e; -1 when absent. */
  f: number[];
  k: number[];
  nd: number[];
  e: number[];
  v: string[];
  /** Position of the matching invoke/completion; -1 when none. */
  pair: number[];
  /** Timeline lane of each position (client ops), -1 for nemesis ops. */
  lane: number[];
  /** op.index when it differs from the position (histories filtered before storing), else omitted. */
  ix?: number[];
}

export interface ReportFault {
  id: number;
  f: string;
  family: string;
  nodes: string[];
  kind?: string;
  label: string;
  startMs: number;
  effectiveMs: number;
  endMs: number;
  healed: boolean;
  instant: boolean;
  startPos: number;
  stopPos: number | null;
  /** Over time (checkers/perf/availability.ts): the clients the fault cut off, and the others; null: instant fault. */
  cutOff: FaultGroupView | null;
  others: FaultGroupView | null;
}

/** What the faults table shows of a client group during a fault. */
export interface FaultGroupView {
  clients: number;
  /** Share of time buckets with an ok write; null: the group did not write. */
  availability: number | null;
  firstOkWriteMs: number | null;
  longestGapMs: number | null;
  /** From the fault's start until writes succeeded again (the ok write that ended the longest gap). */
  recoveredMs: number | null;
}

export interface LinView {
  key: string;
  valid: Validity;
  opCount: number;
  prefixLength: number;
  /** The last LIN_PREFIX_STEPS steps: positions of invokes and the state after each. */
  steps: Array<{ pos: number; step: number; state: string }>;
  stateBefore: string;
  unplaced: number[];
  unplacedCount: number;
  stuckAt: number | null;
  /** position → description (model notation). */
  desc: Record<string, string>;
  timedOut: boolean;
}

/** A dependency cycle of the transactional checker, for the cycle drawing (reports/assets/cycles.ts). */
export interface CycleView {
  type: string;
  txns: Array<{ name: string; index: number; pos: number; process: number; txn: string }>;
  steps: Array<{ from: string; to: string; rel: string; text: string }>;
  explanation: string;
}

/** Cycles drawn per report (the rest are listed as anomalies and kept in results.json). */
const MAX_CYCLES = 8;

export interface PreviousRun {
  ts: string;
  verdict: Verdict;
  href: string;
  lines: string[];
}

export interface ReportData {
  v: typeof REPORT_DATA_VERSION;
  name: string;
  ts: string;
  dir: string;
  verdict: Verdict;
  /** Unix ms of history time 0, when the run recorded it: the timeline labels clock times too. */
  t0Ms: number | null;
  headline: string[];
  /** The command that re-runs this scenario; null when the run stopped before recording its schedule (nothing to replay). */
  replay: string | null;
  generatedAt: string;
  scenario: Array<[string, string]>;
  error: string | null;
  checkers: Array<{ name: string; valid: Validity; summary: string }>;
  anomalies: Array<ExplainedAnomaly & { pos: number[] }>;
  anomaliesTruncated: number;
  faults: ReportFault[];
  lanes: string[];
  ops: OpColumns;
  dict: { f: string[]; k: string[]; nd: string[]; e: string[] };
  lin: LinView[];
  cycles: CycleView[];
  latencyBucketMs: number;
  previous: PreviousRun | null;
  warnings: string[];
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS)}… (${v.length} chars)` : v;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  if (s.length <= MAX_VALUE_CHARS) return s;
  return `${s.slice(0, MAX_VALUE_CHARS)}…${Array.isArray(v) ? ` (${v.length} items)` : ` (${s.length} chars)`}`;
}

class Dict {
  readonly list: string[] = [];
  private readonly map = new Map<string, number>();
  id(s: string | undefined): number {
    if (s === undefined) return -1;
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.map.set(s, i);
    }
    return i;
  }
}

const TYPE_CODE: Record<string, number> = { invoke: 0, ok: 1, fail: 2, info: 3 };
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function fmtScenario(run: LoadedRun): Array<[string, string]> {
  const s = run.scenario;
  if (!s) return [['scenario', 'scenario.json missing']];
  const topo = s.topology
    ? `${s.topology.kind ?? '?'}${s.topology.kind === 'cluster' ? ` (${s.topology.masters} masters × ${s.topology.replicas} replicas)` : s.topology.replicas ? ` (1 primary + ${s.topology.replicas} replicas)` : ''}`
    : '—';
  const rows: Array<[string, string]> = [
    ['target', `${s.target ?? '—'}${s.net ? `, network faults via ${s.net}` : ''}`],
    ['topology', topo],
    ['workload', `${s.workload ?? '—'}${s.concurrency ? `, ${s.concurrency} clients` : ''}${s.rate ? ` at ${s.rate} ops/s` : ''}`],
    ['nemesis', s.nemesis ?? '—'],
    ['seed', String(s.seed ?? '—')],
    ['duration', `${s.timeLimitS ?? '?'} s of workload${s.startedAt ? `, started ${s.startedAt}` : ''}`],
  ];
  if (s.nodes?.length) rows.push(['nodes', s.nodes.map((n) => `${n.name} ${n.role ?? ''}${n.port ? ` :${n.port}` : ''}`.trim()).join(', ')]);
  if (s.serverArgs?.length) rows.push(['server args', s.serverArgs.join(' ')]);
  if (s.versions)
    rows.push([
      'versions',
      Object.entries(s.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ]);
  if (s.replayOf) rows.push(['replay of', s.replayOf]);
  return rows;
}

/** Lanes: worker slots (process mod concurrency, as a slot's fresh processes never overlap), final reads last. */
function laneOf(history: History, concurrency: number | undefined): { lanes: string[]; lane: number[] } {
  const lane = new Array<number>(history.length).fill(-1);
  const ids = new Map<string, number>();
  const keys: Array<[number, string]> = [];
  for (let i = 0; i < history.length; i++) {
    const p = history[i]!.process;
    if (p === 'nemesis') continue;
    let label: string;
    let order: number;
    if (p >= FINAL_READ_PROCESS) {
      label = 'final reads';
      order = Number.MAX_SAFE_INTEGER;
    } else if (concurrency && concurrency > 0) {
      order = p % concurrency;
      label = `worker ${order}`;
    } else {
      order = p;
      label = `process ${p}`;
    }
    if (!ids.has(label)) {
      ids.set(label, -1);
      keys.push([order, label]);
    }
  }
  keys.sort((a, b) => a[0] - b[0]);
  for (const [i, [, label]] of keys.entries()) ids.set(label, i);
  for (let i = 0; i < history.length; i++) {
    const p = history[i]!.process;
    if (p === 'nemesis') continue;
    const label = p >= FINAL_READ_PROCESS ? 'final reads' : concurrency && concurrency > 0 ? `worker ${p % concurrency}` : `process ${p}`;
    lane[i] = ids.get(label)!;
  }
  return { lanes: keys.map(([, l]) => l), lane };
}

function faultLabel(f: { f: string; nodes: string[]; kind?: string }): string {
  const what = f.f.replace(/^start-/, '');
  return `${what}${f.kind && f.kind !== what ? ` (${f.kind})` : ''}${f.nodes.length ? ` ${f.nodes.join(',')}` : ''}`;
}

function groupView(g: GroupGap | undefined): FaultGroupView | null {
  if (!g) return null;
  return { clients: g.clients, availability: g.availability, firstOkWriteMs: g.firstOkWriteMs, longestGapMs: g.longestGapMs, recoveredMs: g.recoveredMs };
}

export function buildReportData(run: LoadedRun, metrics: RunMetrics, previous: PreviousRun | null): ReportData {
  const history = run.history ?? [];
  const n = history.length;
  const dict = { f: new Dict(), k: new Dict(), nd: new Dict(), e: new Dict() };
  const { completion, invocation } = pairOps(history);
  const { lanes, lane } = laneOf(history, run.scenario?.concurrency);
  const ops: OpColumns = { n, t: [], p: [], ty: [], f: [], k: [], nd: [], e: [], v: [], pair: [], lane };
  let identity = true;
  const posOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const op = history[i]!;
    if (op.index !== i) identity = false;
    posOf.set(op.index, i);
    ops.t.push(round3(op.time / 1e6));
    ops.p.push(op.process === 'nemesis' ? -1 : op.process);
    ops.ty.push(TYPE_CODE[op.type] ?? 3);
    ops.f.push(dict.f.id(op.f));
    ops.k.push(dict.k.id(op.key));
    ops.nd.push(dict.nd.id(op.node));
    ops.e.push(dict.e.id(op.error));
    // Completions of writes repeat the invoke's value: don't store it twice.
    const pairPos = op.type === 'invoke' ? completion[i]! : invocation[i]!;
    ops.pair.push(pairPos);
    const sameAsInvoke = op.type !== 'invoke' && pairPos >= 0 && history[pairPos]!.value === op.value;
    ops.v.push(sameAsInvoke ? '' : valueText(op.value));
    // An ok write's completion value equal in content to the invoke's is still shown via the pair.
  }
  if (!identity) ops.ix = history.map((o) => o.index);
  const toPos = (index: number): number => (identity ? (index >= 0 && index < n ? index : -1) : (posOf.get(index) ?? -1));

  const timing = new Map(metrics.faults.map((f) => [f.faultId, f]));
  const faults: ReportFault[] = faultIntervals(history).map((f) => ({
    id: f.id,
    f: f.f,
    family: f.family,
    nodes: f.nodes,
    ...(f.kind ? { kind: f.kind } : {}),
    label: faultLabel(f),
    startMs: round3(f.start / 1e6),
    effectiveMs: round3(f.effective / 1e6),
    endMs: round3(f.end / 1e6),
    healed: f.healed,
    instant: f.instant,
    startPos: toPos(f.startIndex),
    stopPos: f.stopIndex === null ? null : toPos(f.stopIndex),
    cutOff: groupView(timing.get(f.id)?.cutOff),
    others: groupView(timing.get(f.id)?.others),
  }));

  const { anomalies, truncated } = explainAnomalies(run.results);
  const lin: LinView[] = [];
  const lr = run.results?.checkers['linearizable'] as LinearizableResult | undefined;
  for (const p of lr?.partitions ?? []) {
    // Cancelled: left unsearched once another key was found not linearizable; nothing to show.
    if (p.valid === true || (p as { cancelled?: boolean }).cancelled === true) continue;
    const prefix = p.longestLinearizable[0] ?? [];
    const states = p.states[0] ?? [];
    const from = Math.max(0, prefix.length - LIN_PREFIX_STEPS);
    const steps = prefix.slice(from).map((index, j) => ({ pos: toPos(index), step: from + j + 1, state: states[from + j + 1] ?? '' }));
    const unplaced = p.nonLinearizable.slice(0, LIN_UNPLACED).map(toPos);
    const desc: Record<string, string> = {};
    const wanted = new Set([...steps.map((s) => s.pos), ...unplaced]);
    for (const o of p.ops ?? []) {
      const pos = toPos(o.index);
      if (wanted.has(pos)) desc[String(pos)] = o.description;
    }
    lin.push({
      key: p.key,
      valid: p.valid,
      opCount: p.opCount,
      prefixLength: prefix.length,
      steps,
      stateBefore: states[from] ?? '',
      unplaced,
      unplacedCount: p.nonLinearizable.length,
      stuckAt: p.stuckAt === undefined ? null : toPos(p.stuckAt),
      desc,
      timedOut: p.timedOut === true,
    });
  }
  const cycles: CycleView[] = [];
  const er = run.results?.checkers['elle'] as ElleResult | undefined;
  for (const list of Object.values(er?.anomalies ?? {})) {
    for (const a of list as CycleAnomaly[]) {
      if (!Array.isArray(a.cycle) || cycles.length >= MAX_CYCLES) continue;
      cycles.push({
        type: a.type,
        txns: a.cycle.map((t, i) => ({
          name: `T${i + 1}`,
          index: t.index,
          pos: toPos(t.index),
          process: t.process,
          txn: t.txn.length > MAX_VALUE_CHARS ? `${t.txn.slice(0, MAX_VALUE_CHARS)}…` : t.txn,
        })),
        steps: a.steps.map((st) => ({ from: st.from, to: st.to, rel: st.rel, text: st.text })),
        explanation: a.explanation,
      });
    }
  }
  const lastMs = n > 0 ? ops.t[n - 1]! : 0;
  const s = run.scenario;
  return {
    v: REPORT_DATA_VERSION,
    name: run.name,
    ts: run.ts,
    dir: run.dir,
    verdict: run.verdict,
    t0Ms: s?.historyStartedAt ? Date.parse(s.historyStartedAt) : null,
    headline: headline(run.verdict, run.results, run.error),
    replay: Array.isArray(s?.schedule)
      ? `splitbrain run --replay ${shellQuote(run.dir)}${s.target === 'external' && s.topologyFile ? ` --topology-file ${shellQuote(s.topologyFile)}` : ''}`
      : null,
    generatedAt: new Date().toISOString(),
    scenario: fmtScenario(run),
    error: run.error,
    checkers: Object.entries(run.results?.checkers ?? {}).map(([name, r]) => ({ name, valid: r.valid, summary: summarizeChecker(name, r) })),
    anomalies: anomalies.map((a) => ({ ...a, pos: a.ops.map(toPos).filter((p) => p >= 0) })),
    anomaliesTruncated: truncated,
    faults,
    lanes,
    ops,
    dict: { f: dict.f.list, k: dict.k.list, nd: dict.nd.list, e: dict.e.list },
    lin,
    cycles,
    // ~200 buckets over the run, at least 100 ms.
    latencyBucketMs: Math.max(100, niceStep(lastMs / 200)),
    previous,
    warnings: run.historyWarnings,
  };
}

function niceStep(x: number): number {
  if (!(x > 0)) return 100;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
