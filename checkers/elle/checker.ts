/**
 * An Elle-style transactional checker (Kingsbury & Alvaro, "Elle: Inferring Isolation Anomalies
 * from Experimental Observations", VLDB 2020), our own code with Elle's behaviour and names:
 * transactions → dependency graph (ww, wr, rw from the data; real-time or process order when the
 * chosen models need them) → strongly connected components → the worst cycles in each, explained
 * step by step → a verdict against the chosen consistency models, naming the models each anomaly
 * rules out. Cost: linear in the history apart from the cycle search, which is bounded per
 * component.
 */
import type { Checker, CheckerResult, History, Validity } from '../history/types.js';
import { type Allowances, allowancesOf, relaxes, relaxHistory } from '../lost-writes/relax.js';
import { resolveWindowOptions, type WindowOptions } from '../lost-writes/windows.js';
import { type Analysis, type DataAnomaly, ref, type TxnRef } from './anomaly.js';
import { type ComponentResult, CYCLE_EXISTS_TYPES, components, type FoundCycle, searchComponent, shortcut } from './cycles.js';
import { DepGraph, EdgeList, PROCESS, REALTIME, REL_NAMES, type Rel } from './graph.js';
import { analyzeListAppend } from './list-append.js';
import { anomaliesImplying, anomaliesProhibitedBy, boundary, impossibleModels, UNKNOWN_ANOMALIES, validateModels, whyNot } from './models.js';
import { processEdges, realtimeEdges } from './order.js';
import { analyzeRwRegister } from './rw-register.js';
import { type Elem, type Txn, TxnFormatError, transactions } from './txn.js';

export type TxnWorkload = 'list-append' | 'rw-register';

export interface ElleOptions {
  /** The kind of transactions; inferred from the micro-ops when absent (append → list-append, w → rw-register). */
  workload?: TxnWorkload;
  /** Models the history must satisfy. Default ['strict-serializable'], as Elle. */
  consistencyModels?: string[];
  /** Further anomalies to treat as failures (and those implying them). */
  anomalies?: string[];
  /** Time for the cycle search in one strongly connected component. Default 1000 ms, as Elle. */
  cycleSearchTimeoutMs?: number;
  /** rw-register: writes follow reads within a transaction (atomic transactions). Default false. */
  wfrKeys?: boolean;
  /** list-append: report lost appends (acknowledged, then absent from every later read; ours, not Elle's). Default false. */
  lostAppends?: boolean;
  /** Cases kept per anomaly type (the count is always complete). Default 16. */
  maxPerType?: number;
  /**
   * The run's fault model (../lost-writes/windows.ts). When the history fails its models, it is
   * checked again relaxed by what the model allows (../lost-writes/relax.ts): anomalies that
   * disappear then are `explained` — an asynchronous failover loses acknowledged appends by design,
   * and that shows as lost appends and real-time cycles — and the run is not invalid for them.
   */
  faultModel?: WindowOptions;
}

export interface CycleStep {
  rel: Rel;
  /** Names in the cycle, T1 … Tn. */
  from: string;
  to: string;
  key?: string;
  value?: Elem | null;
  value2?: Elem | null;
  text: string;
}

/** A cycle anomaly: the transactions in order (T1 → T2 → … → T1) and each edge explained. */
export interface CycleAnomaly extends DataAnomaly {
  cycle: TxnRef[];
  steps: CycleStep[];
  /** Elle's "Let … Then … a contradiction!" text. */
  explanation: string;
}

export interface ElleResult extends CheckerResult {
  valid: Validity;
  checker: 'elle';
  workload: TxnWorkload;
  consistencyModels: string[];
  txnCount: number;
  graph: { vertices: number; edges: number; relations: Rel[]; cyclicComponents: number; largestComponent: number };
  anomalyTypes: string[];
  /** Reportable anomalies by type (at most maxPerType each). */
  anomalies: Record<string, (DataAnomaly | CycleAnomaly)[]>;
  anomalyCounts: Record<string, number>;
  /** Weakest models these anomalies rule out, and the stronger ones. */
  not: string[];
  alsoNot: string[];
  /** For each chosen model that does not hold: the anomalies that rule it out. */
  ruledOutBy: Record<string, string[]>;
  /** The anomalies above (found in the history as recorded) are all gone once the fault model's allowances are made. */
  explained?: Allowances;
  error?: string;
}

function inferWorkload(txns: readonly Txn[]): TxnWorkload {
  let sawListRead = false;
  for (const t of txns) {
    for (const m of t.mops) {
      if (m.f === 'append') return 'list-append';
      if (m.f === 'w') return 'rw-register';
      if (Array.isArray(m.value)) sawListRead = true;
    }
  }
  return sawListRead ? 'list-append' : 'rw-register';
}

function relName(label: number): Rel {
  return REL_NAMES.find(([b]) => b === label)![1];
}

function explainCycle(c: FoundCycle, txns: readonly Txn[], analysis: Analysis): CycleAnomaly {
  const ts = c.vertices.map((v) => txns[v]!);
  const names = ts.map((_, i) => `T${i + 1}`);
  const steps: CycleStep[] = ts.map((a, i) => {
    const j = (i + 1) % ts.length;
    const b = ts[j]!;
    const rel = relName(c.labels[i]!);
    const from = names[i]!;
    const to = names[j]!;
    if (rel === 'process') return { rel, from, to, text: `process ${a.process} ran ${from} before ${to}, so ${from} precedes ${to} (process)` };
    if (rel === 'realtime') {
      const dt = (b.invokeTime - a.completeTime) / 1e9;
      return {
        rel,
        from,
        to,
        text: `${from} completed ${dt > 0 ? `${dt.toFixed(3)} s` : 'just'} before ${to} began (op ${a.index} before op ${b.invokeIndex}), so ${from} precedes ${to} (realtime)`,
      };
    }
    const e = analysis.explain(a, b, rel);
    if (e === null) return { rel, from, to, text: `${from} precedes ${to} (${rel})` };
    return { ...e, rel, from, to, text: analysis.render(e, from, to) };
  });
  const order = [...names, names[0]!].join(' → ');
  const explanation = [
    'Let:',
    ...ts.map((t, i) => `  ${names[i]} = op ${t.index} (process ${t.process}): ${ref(t).txn}`),
    '',
    'Then:',
    ...steps.map((s, i) => (i === steps.length - 1 ? `  - However, ${s.text}: a contradiction!` : `  - ${s.text}.`)),
  ].join('\n');
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(s.rel, (counts.get(s.rel) ?? 0) + 1);
  const edgeText = [...counts].map(([r, n]) => `${n} ${r}`).join(', ');
  return {
    type: c.type,
    message: `${c.type}: ${order} (ops ${ts.map((t) => t.index).join(', ')}), a cycle of ${edgeText} edges: ${steps[0]!.text}; …`,
    ops: ts.map((t) => t.index),
    cycle: ts.map(ref),
    steps,
    explanation,
  };
}

/** Which order graph the reportable anomalies need: real time covers process order (Elle's choice). */
function orderGraph(reportable: ReadonlySet<string>): number {
  const types = [...reportable];
  if (types.some((t) => t.endsWith('-realtime') || t === 'lost-append')) return REALTIME;
  if (types.some((t) => t.endsWith('-process'))) return PROCESS;
  return 0;
}

function emptyResult(workload: TxnWorkload, models: string[], txnCount: number, error: string): ElleResult {
  return {
    valid: 'unknown',
    checker: 'elle',
    workload,
    consistencyModels: models,
    txnCount,
    graph: { vertices: 0, edges: 0, relations: [], cyclicComponents: 0, largestComponent: 0 },
    anomalyTypes: [],
    anomalies: {},
    anomalyCounts: {},
    not: [],
    alsoNot: [],
    ruledOutBy: {},
    error,
  };
}

export function checkElle(history: History, opts: ElleOptions = {}): ElleResult {
  const models = validateModels(opts.consistencyModels ?? ['strict-serializable']);
  const txns = transactions(history);
  const workload = opts.workload ?? inferWorkload(txns);
  const prohibited = new Set([...anomaliesImplying(opts.anomalies ?? []), ...anomaliesProhibitedBy(models)]);
  const reportable = new Set([...prohibited, ...UNKNOWN_ANOMALIES]);

  const edges = new EdgeList();
  let analysis: Analysis;
  try {
    analysis =
      workload === 'list-append'
        ? analyzeListAppend(txns, edges, { lostAppends: opts.lostAppends ?? false })
        : analyzeRwRegister(txns, edges, { wfrKeys: opts.wfrKeys ?? false });
  } catch (e) {
    if (e instanceof TxnFormatError) return emptyResult(workload, models, txns.length, e.message);
    throw e;
  }
  const order = orderGraph(reportable);
  if (order === REALTIME) realtimeEdges(txns, edges);
  else if (order === PROCESS) processEdges(txns, edges);
  const g = new DepGraph(txns.length, edges);

  const found = new Map<string, (DataAnomaly | CycleAnomaly)[]>();
  const add = (a: DataAnomaly | CycleAnomaly): void => {
    let l = found.get(a.type);
    if (l === undefined) found.set(a.type, (l = []));
    l.push(a);
  };
  for (const list of analysis.anomalies.values()) for (const a of list) add(a);
  if (g.edgeCount === 0)
    add({ type: 'empty-transaction-graph', message: 'no dependency between any two transactions could be inferred: nothing to check for cycles', ops: [] });

  const comps = components(g);
  const timeoutMs = opts.cycleSearchTimeoutMs ?? 1000;
  const results: ComponentResult[] = comps.map((c) => searchComponent(g, c, timeoutMs));
  const precedes =
    order === REALTIME
      ? (a: number, b: number) => txns[a]!.type === 'ok' && txns[a]!.completeTime < txns[b]!.invokeTime
      : (a: number, b: number) => txns[a]!.type === 'ok' && txns[b]!.type === 'ok' && txns[a]!.process === txns[b]!.process && txns[a]!.index < txns[b]!.index;
  for (const r of results) {
    for (const c of r.cycles) add(explainCycle(order === 0 ? c : shortcut(c, order, precedes), txns, analysis));
    for (const e of r.exists) {
      add({
        type: e.type,
        message: `${e.sccSize} transactions form a cycle over ${e.subgraph} edges, so ${e.not} cannot hold (no specific cycle is shown for it)`,
        ops: e.scc.slice(0, 50).map((v) => txns[v]!.index),
        not: e.not,
        subgraph: e.subgraph,
        sccSize: e.sccSize,
      });
    }
    if (r.timeout) {
      add({
        type: 'cycle-search-timeout',
        message: `the cycle search in a component of ${r.timeout.sccSize} transactions ran out of time while looking for ${r.timeout.anomalySpecType}`,
        ops: [],
        anomalySpecType: r.timeout.anomalySpecType,
        doesNotContain: r.timeout.doesNotContain,
        sccSize: r.timeout.sccSize,
      });
    }
  }

  // Cycle-exists cases are fallbacks: drop those for models a specific anomaly already rules out.
  const specific = [...found.keys()].filter((t) => !CYCLE_EXISTS_TYPES.has(t));
  const ruledOut = impossibleModels(specific);
  for (const t of [...found.keys()]) {
    if (!CYCLE_EXISTS_TYPES.has(t)) continue;
    const model = (found.get(t)![0] as DataAnomaly).not as string;
    if (ruledOut.has(model)) found.delete(t);
  }

  const max = opts.maxPerType ?? 16;
  const anomalies: Record<string, (DataAnomaly | CycleAnomaly)[]> = {};
  const anomalyCounts: Record<string, number> = {};
  const types = [...found.keys()].filter((t) => reportable.has(t)).sort();
  for (const t of types) {
    const list = found.get(t)!.sort((a, b) => (a.ops[0] ?? -1) - (b.ops[0] ?? -1));
    anomalies[t] = list.slice(0, max);
    anomalyCounts[t] = list.length;
  }
  const bad = types.filter((t) => prohibited.has(t));
  const valid: Validity = bad.length > 0 ? false : types.length > 0 ? 'unknown' : true;
  const { not, alsoNot } = boundary(found.keys());
  const relations = REL_NAMES.filter(([b]) => (g.rels & b) !== 0).map(([, n]) => n);
  return {
    valid,
    checker: 'elle',
    workload,
    consistencyModels: models,
    txnCount: txns.length,
    graph: {
      vertices: txns.length,
      edges: g.edgeCount,
      relations,
      cyclicComponents: comps.length,
      largestComponent: comps.reduce((m, c) => Math.max(m, c.length), 0),
    },
    anomalyTypes: types,
    anomalies,
    anomalyCounts,
    not,
    alsoNot,
    ruledOutBy: whyNot(models, types),
  };
}

/**
 * The strict check, then — when it fails and a fault model is given — the relaxed one: the strict
 * result (its anomalies are what the report shows) with the relaxed verdict and `explained` when the
 * relaxed history fails no model; else the strict result.
 */
export function checkElleUnderFaults(history: History, opts: ElleOptions = {}): ElleResult {
  const strict = checkElle(history, opts);
  if (strict.valid !== false || opts.faultModel === undefined) return strict;
  const r = relaxHistory(history, resolveWindowOptions(opts.faultModel));
  if (!relaxes(r)) return strict;
  const relaxed = checkElle(r.history, opts);
  if (relaxed.valid === false) return strict;
  return { ...strict, valid: relaxed.valid, explained: allowancesOf(r) };
}

export const elleChecker: Checker<ElleResult, ElleOptions> = {
  name: 'elle',
  check: (history, opts) => checkElleUnderFaults(history, opts),
};
