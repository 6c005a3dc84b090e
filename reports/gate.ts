/**
 * Regression gating, statistically: a current suite (or run) against a baseline, per scenario over
 * all of its seeds — not one run against one run.
 *
 * - **Anomaly kinds always regress when new**: an anomalous loss, a WAIT-acknowledged loss the WAIT
 *   policy does not excuse, a replica divergence, a min-replicas or WAIT contract violation, a
 *   non-linearizable key, a crash pattern in a node log, a crashed or skipped run — in any current
 *   run of a scenario whose baseline runs never showed that kind. A kind the baseline showed too is
 *   tested like a rate (Fisher's exact test on the number of runs showing it).
 * - **Rates regress only when significantly worse**: expected losses per 1000 acknowledged writes,
 *   failover time (p50 of time from a kill to the next ok write of the clients it cut off) and
 *   unavailability (the longest time a fault's cut-off clients had writes in flight and none
 *   succeeded, in 100 ms buckets: checkers/perf/availability.ts), per run. Per scenario: the exact one-sided Mann-Whitney test
 *   across seeds; per metric over every scenario: van Elteren's stratified test. All p-values of a
 *   gate go through Holm's procedure at 1 − confidence, and a significant shift must also exceed
 *   the tolerance (`--tolerance` per 1000 writes, `--time-tolerance` ms). Effect sizes (the
 *   Hodges-Lehmann shift and Cliff's delta) are printed with every test.
 *
 * reports/GATING.md says how many seeds a change needs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CheckerResult } from '../checkers/history/types.js';
import { type JUnitCase, type JUnitSuite, renderJUnit } from './junit.js';
import { loadRun } from './load.js';
import { computeMetrics, type RunMetrics } from './metrics.js';
import { cliffsDelta, fisherGreater, hodgesLehmann, holm, mannWhitneyGreater, median, minPValue, type Stratum, vanElterenGreater } from './stats.js';
import type { ResultsFile, Verdict } from './types.js';

/** 3: failover and unavailability measured on the clients a fault cut off, over time (2: any client, longest gap). */
export const GATE_VERSION = 3;

export interface GateEntry {
  /** Suite entry id (`<scenario>#seed<n>#r<k>`) or the run's scenario name. */
  id: string;
  /** Scenario the entry belongs to: runs of one scenario with different seeds are one sample. */
  scenario: string;
  label: string;
  dir: string | null;
  verdict: Verdict | 'skipped';
  metrics: RunMetrics | null;
  /** Anomaly kinds this run showed (sorted). */
  kinds: string[];
}

export type RowStatus = 'ok' | 'regressed' | 'improved' | 'missing';

export interface GateTest {
  /** One-sided p-value (current worse), before Holm's adjustment. */
  p: number;
  test: 'mann-whitney' | 'van-elteren' | 'fisher';
  /** Holm rejected it at the gate's confidence. */
  significant: boolean;
  /** Hodges-Lehmann shift (current − baseline) in the metric's unit; Cliff's delta in [−1, 1]. */
  shift: number | null;
  cliffsDelta: number | null;
  baselineN: number;
  currentN: number;
}

export interface GateRow {
  scenario: string;
  check: string;
  baseline: string | number | boolean | null;
  current: string | number | boolean | null;
  status: RowStatus;
  message: string;
  test?: GateTest;
}

export interface GateResult {
  version: typeof GATE_VERSION;
  baseline: string;
  current: string;
  confidence: number;
  tolerance: number;
  timeToleranceMs: number;
  regressed: boolean;
  /** Tests in Holm's family, and the seeds per side a per-scenario rate test needs to be able to reach significance. */
  tests: number;
  seedsNeeded: number;
  scenarios: Array<{ id: string; baseline: string[]; current: string[] }>;
  rows: GateRow[];
}

export interface GateOptions {
  /** Minimal significant shift of the loss rate (per 1000 acknowledged writes) that regresses. Default 0. */
  tolerance?: number;
  /** Minimal significant shift of failover / unavailability time (ms) that regresses. Default 1000. */
  timeToleranceMs?: number;
  /** Confidence of the rate tests (family-wise, Holm). Default 0.95. */
  confidence?: number;
}

interface SummaryEntry {
  id: string;
  scenario: string;
  status: Verdict | 'skipped';
  dir: string | null;
}

/** Anomaly kinds of one run, by checker: what makes a run invalid, named so that two runs compare. */
export function anomalyKinds(verdict: Verdict | 'skipped', results: ResultsFile | null): string[] {
  const kinds = new Set<string>();
  if (verdict === 'crashed' || verdict === 'skipped') kinds.add(`run:${verdict}`);
  for (const [name, r] of Object.entries(results?.checkers ?? {})) {
    for (const k of checkerKinds(name, r)) kinds.add(`${name}:${k}`);
    if (r.valid === 'unknown' && name !== 'perf') kinds.add(`${name}:unknown`);
  }
  return [...kinds].sort();
}

function checkerKinds(name: string, r: CheckerResult): string[] {
  const n = (x: unknown): number => (typeof x === 'number' ? x : 0);
  const arr = (x: unknown): Array<{ kind?: string; pattern?: string }> => (Array.isArray(x) ? x : []);
  const out: string[] = [];
  switch (name) {
    case 'lost-writes':
      if (n(r['lostAnomalous']) > 0) out.push('anomalous-loss');
      if (n(r['failedPresent']) > 0) out.push('failed-write-present');
      if (n(r['unexpected']) > 0) out.push('unexpected-value');
      break;
    case 'set-full':
      if (n(r['lostAnomalousCount']) > 0) out.push('anomalous-loss');
      if (n(r['unexpectedCount']) > 0) out.push('unexpected-element');
      if (n(r['duplicatedCount']) > 0) out.push('duplicated-element');
      break;
    case 'wait':
      if (n(r['waitAckedLostAnomalous']) > 0) out.push('wait-acked-loss');
      for (const v of arr(r['violations'])) out.push(v.kind ?? 'violation');
      break;
    case 'log-patterns':
      for (const m of arr(r['matches'])) out.push(m.pattern ?? 'match');
      break;
    case 'lock':
      // Violations the fault model explains (a lock lost in a failover) are not anomalies.
      if (r['explained'] === undefined) for (const v of arr(r['violations']) as Array<{ type?: string }>) out.push(v.type ?? 'violation');
      break;
    default:
      for (const v of arr(r['violations'])) out.push(v.kind ?? 'violation');
      for (const v of arr(r['divergences'])) out.push(v.kind ?? 'divergence');
  }
  if (r.valid === false && out.length === 0) out.push('invalid');
  return out;
}

async function runEntry(dir: string, id?: string, scenario?: string): Promise<GateEntry> {
  const run = await loadRun(dir);
  return {
    id: id ?? run.name,
    scenario: scenario ?? run.name,
    label: `${run.name}/${run.ts}`,
    dir: run.dir,
    verdict: run.verdict,
    metrics: computeMetrics(run.verdict, run.results, run.history),
    kinds: anomalyKinds(run.verdict, run.results),
  };
}

/**
 * The scenario a suite entry samples: seeds and repeats of one scenario are one sample, so the id
 * without `#seed<n>#r<k>` — but with the `#<k>` that tells apart two matrix rows of the same name
 * (e.g. a sentinel split brain with and without min-replicas), which are different scenarios.
 */
export function scenarioOfEntry(id: string): string {
  const m = /^(.*)#seed\d+#r\d+(#\d+)?$/.exec(id);
  return m ? `${m[1]}${m[2] ?? ''}` : (id.split('#seed')[0] ?? id);
}

/** A results.json, a run directory, or a suite directory (summary.json) → entries. */
export async function loadGateInput(path: string): Promise<GateEntry[]> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new Error(`${path}: no such file or directory`);
  if (!statSync(abs).isDirectory()) {
    if (basename(abs) === 'summary.json') return loadGateInput(dirname(abs));
    return [await runEntry(dirname(abs))];
  }
  const summary = join(abs, 'summary.json');
  if (existsSync(summary)) {
    const s = JSON.parse(readFileSync(summary, 'utf8')) as { entries: SummaryEntry[] };
    const out: GateEntry[] = [];
    for (const e of s.entries) {
      const scenario = scenarioOfEntry(e.id);
      if (e.dir && existsSync(e.dir)) out.push(await runEntry(e.dir, e.id, scenario));
      else out.push({ id: e.id, scenario, label: e.scenario, dir: e.dir, verdict: e.status, metrics: null, kinds: anomalyKinds(e.status, null) });
    }
    return out;
  }
  return [await runEntry(abs)];
}

/** The per-run rates the gate tests, in their units. */
interface Rate {
  check: string;
  what: string;
  unit: string;
  value(m: RunMetrics): number | null;
  tolerance(o: Required<GateOptions>): number;
}

const RATES: readonly Rate[] = [
  {
    check: 'loss-rate',
    what: 'acknowledged writes lost within the fault model (expected by design or by configuration) per 1000',
    unit: '‰',
    value(m) {
      if (!m.lostByAck) return null;
      let acked = 0;
      let lost = 0;
      for (const c of Object.values(m.lostByAck)) {
        acked += c.acknowledged;
        lost += c.lost - c.lostAnomalous;
      }
      return acked > 0 ? (1000 * lost) / acked : null;
    },
    tolerance: (o) => o.tolerance,
  },
  {
    check: 'failover-ms',
    what: 'failover time (p50 from a kill to the next ok write of the clients it cut off)',
    unit: 'ms',
    value: (m) => m.failover.p50Ms,
    tolerance: (o) => o.timeToleranceMs,
  },
  {
    check: 'unavailability-ms',
    what: 'unavailability of the clients a fault cut off (time with writes in flight and none succeeding, max over faults)',
    unit: 'ms',
    value: (m) => m.unavailability.maxMs,
    tolerance: (o) => o.timeToleranceMs,
  },
];

const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);
const fmtP = (p: number): string => (p < 0.0001 ? p.toExponential(1) : p.toPrecision(2));

interface PendingTest {
  row: GateRow;
  /** A significant shift must exceed this to regress. */
  tolerance: number;
}

/** Compares baseline and current entries, grouped by scenario. */
export async function gate(baseline: string[], current: string[], opts: GateOptions = {}): Promise<GateResult> {
  const o: Required<GateOptions> = { tolerance: opts.tolerance ?? 0, timeToleranceMs: opts.timeToleranceMs ?? 1000, confidence: opts.confidence ?? 0.95 };
  if (!(o.confidence > 0 && o.confidence < 1)) throw new Error(`confidence must be in (0, 1), got ${o.confidence}`);
  const bs = (await Promise.all(baseline.map(loadGateInput))).flat();
  const cs = (await Promise.all(current.map(loadGateInput))).flat();
  return gateEntries(bs, cs, { ...o, baseline: baseline.join(', '), current: current.join(', ') });
}

/** The gate on loaded entries (bench/gate-null.ts resamples seed sets with it). */
export function gateEntries(bs: GateEntry[], cs: GateEntry[], o: Required<GateOptions> & { baseline: string; current: string }): GateResult {
  const group = (es: GateEntry[]): Map<string, GateEntry[]> => {
    const m = new Map<string, GateEntry[]>();
    for (const e of es) m.set(e.scenario, [...(m.get(e.scenario) ?? []), e]);
    return m;
  };
  const bBy = group(bs);
  const cBy = group(cs);
  // One scenario against one scenario: compare them whatever their names (a renamed scenario, a changed flag).
  if (bBy.size === 1 && cBy.size === 1) {
    const [[bName, bEntries]] = [...bBy] as [[string, GateEntry[]]];
    const [[cName]] = [...cBy] as [[string, GateEntry[]]];
    if (bName !== cName) {
      bBy.delete(bName);
      bBy.set(cName, bEntries);
    }
  }

  const rows: GateRow[] = [];
  const pending: PendingTest[] = [];
  const strata = new Map<string, Stratum[]>();
  const scenarios: GateResult['scenarios'] = [];
  for (const id of [...new Set([...bBy.keys(), ...cBy.keys()])].sort()) {
    const b = bBy.get(id);
    const c = cBy.get(id);
    scenarios.push({ id, baseline: (b ?? []).map((e) => e.dir ?? e.id), current: (c ?? []).map((e) => e.dir ?? e.id) });
    if (!b || !c) {
      rows.push({
        scenario: id,
        check: 'verdict',
        baseline: b ? verdicts(b) : null,
        current: c ? verdicts(c) : null,
        status: 'missing',
        message: b ? 'not in the current runs' : 'new: no baseline',
      });
      continue;
    }
    const vb = verdicts(b);
    const vc = verdicts(c);
    rows.push({
      scenario: id,
      check: 'verdict',
      baseline: vb,
      current: vc,
      status: 'ok',
      message: `${b.length} baseline run(s): ${vb}; ${c.length} current run(s): ${vc}`,
    });
    // Anomaly kinds. A checker no baseline run had (a check added since) has no baseline to regress from.
    const kinds = [...new Set([...b, ...c].flatMap((e) => e.kinds))].sort();
    const baselineCheckers = new Set(b.flatMap((e) => Object.keys(e.metrics?.checkers ?? {})));
    for (const kind of kinds) {
      const kb = b.filter((e) => e.kinds.includes(kind)).length;
      const kc = c.filter((e) => e.kinds.includes(kind)).length;
      const row: GateRow = { scenario: id, check: `anomaly:${kind}`, baseline: `${kb}/${b.length}`, current: `${kc}/${c.length}`, status: 'ok', message: '' };
      const checker = kind.split(':')[0]!;
      if (checker !== 'run' && !baselineCheckers.has(checker) && b.some((e) => e.metrics !== null)) {
        row.status = 'missing';
        row.message = `${kind} in ${kc} of ${c.length} current run(s); the baseline runs had no ${checker} check to compare with`;
        rows.push(row);
        continue;
      }
      const runs = c
        .filter((e) => e.kinds.includes(kind))
        .map((e) => e.label)
        .slice(0, 3)
        .join(', ');
      // Crashed / skipped runs and undecided checkers say nothing about the system (a harness
      // flake, a time budget): they regress when every current run shows them, else by Fisher's test.
      const inconclusive = kind.startsWith('run:') || kind.endsWith(':unknown');
      if (kb === 0 && kc > 0 && (!inconclusive || kc === c.length)) {
        row.status = 'regressed';
        row.message = `new anomaly ${kind} in ${kc} of ${c.length} current run(s) (${runs}); no baseline run showed it`;
      } else if (kc === 0) {
        row.status = 'improved';
        row.message = `${kind} no longer seen (baseline: ${kb} of ${b.length} runs)`;
      } else {
        row.message = `${kind} in ${kc} of ${c.length} current run(s), ${kb} of ${b.length} baseline run(s)`;
        row.test = {
          p: fisherGreater(kb, b.length, kc, c.length),
          test: 'fisher',
          significant: false,
          shift: kc / c.length - kb / b.length,
          cliffsDelta: null,
          baselineN: b.length,
          currentN: c.length,
        };
        pending.push({ row, tolerance: 0 });
      }
      rows.push(row);
    }
    // Rates.
    for (const rate of RATES) {
      const xb = values(b, rate);
      const xc = values(c, rate);
      if (xb.length === 0 && xc.length === 0) continue;
      const row: GateRow = { scenario: id, check: rate.check, baseline: round(median(xb)), current: round(median(xc)), status: 'ok', message: '' };
      const label = `${rate.what}: median ${fmt(median(xb), rate.unit)} (${xb.length} run(s)) → ${fmt(median(xc), rate.unit)} (${xc.length} run(s))`;
      if (xb.length === 0 || xc.length === 0) {
        row.message = `${label}; not comparable`;
      } else {
        row.message = label;
        row.test = {
          p: mannWhitneyGreater(xb, xc),
          test: 'mann-whitney',
          significant: false,
          shift: round(hodgesLehmann(xb, xc)),
          cliffsDelta: round(cliffsDelta(xb, xc)),
          baselineN: xb.length,
          currentN: xc.length,
        };
        pending.push({ row, tolerance: rate.tolerance(o) });
        strata.set(rate.check, [...(strata.get(rate.check) ?? []), { baseline: xb, current: xc }]);
      }
      rows.push(row);
    }
  }
  // One stratified test per rate over every scenario (the sensitive one with few seeds per scenario).
  if (bBy.size > 1 || cBy.size > 1) {
    for (const rate of RATES) {
      const ss = strata.get(rate.check) ?? [];
      if (ss.length < 2) continue;
      const ve = vanElterenGreater(ss);
      const shifts = ss.map((s) => hodgesLehmann(s.baseline, s.current)).filter((x): x is number => x !== null);
      const deltas = ss.map((s) => cliffsDelta(s.baseline, s.current)).filter((x): x is number => x !== null);
      const row: GateRow = {
        scenario: '(all scenarios)',
        check: rate.check,
        baseline: null,
        current: null,
        status: 'ok',
        message: `${rate.what}, stratified over ${ve.strata} scenarios: median shift ${fmt(median(shifts), rate.unit)}`,
        test: {
          p: ve.p,
          test: 'van-elteren',
          significant: false,
          shift: round(median(shifts)),
          cliffsDelta: round(deltas.length ? deltas.reduce((a, x) => a + x, 0) / deltas.length : null),
          baselineN: ss.reduce((a, s) => a + s.baseline.length, 0),
          currentN: ss.reduce((a, s) => a + s.current.length, 0),
        },
      };
      pending.push({ row, tolerance: rate.tolerance(o) });
      rows.push(row);
    }
  }
  // Holm over every test of the gate.
  const alpha = 1 - o.confidence;
  const rejected = holm(
    pending.map((t) => t.row.test!.p),
    alpha,
  );
  for (const [i, t] of pending.entries()) {
    const test = t.row.test!;
    test.significant = rejected[i]!;
    const shift = test.shift ?? 0;
    const stat = `p = ${fmtP(test.p)} (${test.test}, ${test.baselineN} vs ${test.currentN}), shift ${shift >= 0 ? '+' : ''}${shift}${test.cliffsDelta !== null ? `, Cliff's δ ${test.cliffsDelta}` : ''}`;
    if (test.significant && shift > t.tolerance) {
      t.row.status = 'regressed';
      t.row.message += `; worse at ${Math.round(o.confidence * 100)}% confidence (Holm over ${pending.length} tests): ${stat}`;
    } else {
      t.row.message += `; ${test.significant ? `significant but within the tolerance ${t.tolerance}` : 'not significant'}: ${stat}`;
    }
  }
  // Seeds per side for a per-scenario test to be able to pass Holm's first threshold.
  let seedsNeeded = 1;
  while (minPValue(seedsNeeded, seedsNeeded) > alpha / Math.max(1, pending.length) && seedsNeeded < 50) seedsNeeded++;
  return {
    version: GATE_VERSION,
    baseline: o.baseline,
    current: o.current,
    confidence: o.confidence,
    tolerance: o.tolerance,
    timeToleranceMs: o.timeToleranceMs,
    regressed: rows.some((r) => r.status === 'regressed'),
    tests: pending.length,
    seedsNeeded,
    scenarios,
    rows,
  };
}

function values(es: GateEntry[], rate: Rate): number[] {
  return es.map((e) => (e.metrics ? rate.value(e.metrics) : null)).filter((x): x is number => x !== null && Number.isFinite(x));
}

function verdicts(es: GateEntry[]): string {
  const n = new Map<string, number>();
  for (const e of es) n.set(e.verdict, (n.get(e.verdict) ?? 0) + 1);
  return [...n]
    .sort()
    .map(([v, k]) => `${v} ×${k}`)
    .join(', ');
}

function fmt(x: number | null, unit: string): string {
  return x === null ? 'n/a' : `${Math.round(x * 100) / 100} ${unit}`;
}

/** A value as people read it: times (checks named `…-ms`) with their unit; gate.json keeps the bare numbers. */
function cell(v: GateRow['baseline'], check = ''): string {
  if (v === null) return '—';
  if (typeof v !== 'number') return String(v);
  return check.endsWith('-ms') ? `${Math.round(v)} ms` : String(Math.round(v * 1000) / 1000);
}

/** Plain-text table for the terminal, regressions marked. */
export function gateTable(g: GateResult): string {
  const head = ['scenario', 'check', 'baseline', 'current', 'p', 'status'];
  const body = g.rows.map((r) => [
    r.scenario,
    r.check,
    cell(r.baseline, r.check),
    cell(r.current, r.check),
    r.test ? fmtP(r.test.p) : '',
    r.status === 'regressed' ? 'REGRESSED' : r.status,
  ]);
  const w = head.map((h, i) => Math.min(60, Math.max(h.length, ...body.map((b) => b[i]!.length))));
  const line = (cols: string[]): string => cols.map((c, i) => (c.length > w[i]! ? c.slice(0, w[i]! - 1) + '…' : c.padEnd(w[i]!))).join('  ');
  const out = [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)];
  out.push(
    '',
    `${g.tests} statistical test(s), Holm at ${Math.round(g.confidence * 100)}% confidence; a per-scenario rate needs ≥ ${g.seedsNeeded} seeds per side to be able to regress on its own`,
  );
  const bad = g.rows.filter((r) => r.status === 'regressed');
  out.push(bad.length ? `REGRESSED: ${bad.length} check(s)\n${bad.map((r) => `  ${r.scenario}: ${r.message}`).join('\n')}` : 'no regression');
  return out.join('\n');
}

export function gateJUnit(g: GateResult): string {
  const byScenario = new Map<string, GateRow[]>();
  for (const r of g.rows) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  const suites: JUnitSuite[] = [...byScenario].map(([scenario, rows]) => ({
    name: `gate ${scenario}`,
    cases: rows.map((r): JUnitCase => {
      const c: JUnitCase = { name: r.check, classname: `splitbrain.gate.${scenario}` };
      if (r.status === 'regressed')
        c.failure = {
          type: 'regression',
          message: r.message,
          text: `baseline: ${cell(r.baseline, r.check)}\ncurrent: ${cell(r.current, r.check)}\n${r.message}`,
        };
      else if (r.status === 'missing') c.skipped = r.message;
      else c.systemOut = r.message;
      return c;
    }),
  }));
  return renderJUnit('splitbrain gate', suites);
}
