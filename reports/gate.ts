/**
 * Regression gating: compare a current run (or suite) with a baseline, per scenario and check.
 * A row regresses when a checker becomes invalid or unknown, the run crashes, more acknowledged
 * writes are lost per ack kind than the baseline lost (+ tolerance), or unavailability after a fault
 * or failover (p50/p95 of time-to-first-successful-write after a kill) grows past the time tolerance.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Validity } from '../checkers/history/types.js';
import { type JUnitCase, type JUnitSuite, renderJUnit } from './junit.js';
import { loadRun } from './load.js';
import { computeMetrics, type RunMetrics } from './metrics.js';
import { ACK_KINDS, type Verdict, validWord } from './types.js';

export const GATE_VERSION = 1;

export interface GateEntry {
  id: string;
  label: string;
  dir: string | null;
  verdict: Verdict | 'skipped';
  metrics: RunMetrics | null;
}

export type RowStatus = 'ok' | 'regressed' | 'improved' | 'missing';

export interface GateRow {
  scenario: string;
  check: string;
  baseline: string | number | boolean | null;
  current: string | number | boolean | null;
  status: RowStatus;
  message: string;
}

export interface GateResult {
  version: typeof GATE_VERSION;
  baseline: string;
  current: string;
  tolerance: number;
  timeToleranceMs: number;
  regressed: boolean;
  scenarios: Array<{ id: string; baseline: string | null; current: string | null }>;
  rows: GateRow[];
}

export interface GateOptions {
  /** Extra lost acknowledged writes (per ack kind) tolerated. Default 0. */
  tolerance?: number;
  /** Extra failover / unavailability ms tolerated. Default 1000. */
  timeToleranceMs?: number;
}

interface SummaryEntry {
  id: string;
  scenario: string;
  status: Verdict | 'skipped';
  dir: string | null;
}

async function runEntry(dir: string, id?: string): Promise<GateEntry> {
  const run = await loadRun(dir);
  return {
    id: id ?? run.name,
    label: `${run.name}/${run.ts}`,
    dir: run.dir,
    verdict: run.verdict,
    metrics: computeMetrics(run.verdict, run.results, run.history),
  };
}

/** A results.json, a run directory, or a suite directory (summary.json) → entries by id. */
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
      if (e.dir && existsSync(e.dir)) out.push(await runEntry(e.dir, e.id));
      else out.push({ id: e.id, label: e.scenario, dir: e.dir, verdict: e.status, metrics: null });
    }
    return out;
  }
  return [await runEntry(abs)];
}

const vword = (v: Validity | undefined): string => (v === undefined ? 'absent' : validWord(v));

function compare(id: string, b: GateEntry, c: GateEntry, tol: number, ttol: number): GateRow[] {
  const rows: GateRow[] = [];
  const row = (check: string, bv: GateRow['baseline'], cv: GateRow['current'], status: RowStatus, message: string) =>
    rows.push({ scenario: id, check, baseline: bv, current: cv, status, message });
  // Verdict
  if (c.verdict === 'crashed' && b.verdict !== 'crashed') row('verdict', b.verdict, c.verdict, 'regressed', `the current run crashed (baseline ${b.verdict})`);
  else if (c.verdict === 'skipped') row('verdict', b.verdict, c.verdict, 'regressed', 'the current suite skipped this scenario (time budget)');
  else if (b.verdict !== c.verdict && (c.verdict === 'invalid' || (c.verdict === 'unknown' && b.verdict === 'valid')))
    row('verdict', b.verdict, c.verdict, 'regressed', `verdict ${b.verdict} → ${c.verdict}`);
  else
    row(
      'verdict',
      b.verdict,
      c.verdict,
      b.verdict !== c.verdict && c.verdict === 'valid' ? 'improved' : 'ok',
      b.verdict === c.verdict ? `still ${c.verdict}` : `verdict ${b.verdict} → ${c.verdict}`,
    );
  const bm = b.metrics;
  const cm = c.metrics;
  if (!bm || !cm) return rows;
  // Checkers
  for (const name of [...new Set([...Object.keys(bm.checkers), ...Object.keys(cm.checkers)])].sort()) {
    const bv = bm.checkers[name];
    const cv = cm.checkers[name];
    if (cv === undefined) {
      if (c.verdict !== 'crashed') row(`checker:${name}`, vword(bv), 'absent', 'missing', `${name} did not run in the current run`);
      continue;
    }
    if (cv === false && bv !== false) row(`checker:${name}`, vword(bv), vword(cv), 'regressed', `${name} is newly invalid`);
    else if (cv === 'unknown' && bv === true) row(`checker:${name}`, vword(bv), vword(cv), 'regressed', `${name} is newly unknown`);
    else if (bv !== undefined && bv !== true && cv === true) row(`checker:${name}`, vword(bv), vword(cv), 'improved', `${name} is valid again`);
    else row(`checker:${name}`, vword(bv), vword(cv), 'ok', `${name} ${vword(cv)}`);
  }
  // Lost acknowledged writes per ack kind
  if (bm.lostByAck && cm.lostByAck) {
    for (const k of ACK_KINDS) {
      const bl = bm.lostByAck[k].lost;
      const cl = cm.lostByAck[k].lost;
      if (bm.lostByAck[k].acknowledged === 0 && cm.lostByAck[k].acknowledged === 0) continue;
      if (cl > bl + tol) row(`lost:${k}`, bl, cl, 'regressed', `${cl} ${k} acknowledged writes lost, baseline ${bl}${tol ? ` (+${tol} tolerated)` : ''}`);
      else row(`lost:${k}`, bl, cl, cl < bl ? 'improved' : 'ok', `${cl} ${k} acknowledged writes lost, baseline ${bl}`);
    }
  }
  if (bm.setLost !== null && cm.setLost !== null) {
    if (cm.setLost > bm.setLost + tol) row('set-lost', bm.setLost, cm.setLost, 'regressed', `${cm.setLost} set elements lost, baseline ${bm.setLost}`);
    else row('set-lost', bm.setLost, cm.setLost, cm.setLost < bm.setLost ? 'improved' : 'ok', `${cm.setLost} set elements lost, baseline ${bm.setLost}`);
  }
  // Failover and unavailability
  const timeRow = (check: string, what: string, bv: number | null, cv: number | null): void => {
    if (bv === null || cv === null) {
      const ms = (v: number | null): string => (v === null ? 'n/a' : `${Math.round(v)} ms`);
      if (bv !== null || cv !== null) row(check, bv, cv, 'ok', `${what}: ${ms(bv)} → ${ms(cv)} (not comparable)`);
      return;
    }
    const msg = `${what} ${Math.round(bv)} ms → ${Math.round(cv)} ms`;
    if (cv > bv + ttol) row(check, bv, cv, 'regressed', `${msg} (more than ${ttol} ms slower)`);
    else row(check, bv, cv, cv + ttol < bv ? 'improved' : 'ok', msg);
  };
  timeRow('failover-p50', 'failover (first ok write after a kill) p50', bm.failover.p50Ms, cm.failover.p50Ms);
  timeRow('failover-p95', 'failover p95', bm.failover.p95Ms, cm.failover.p95Ms);
  if (cm.failover.unrecovered > bm.failover.unrecovered)
    row(
      'failover-unrecovered',
      bm.failover.unrecovered,
      cm.failover.unrecovered,
      'regressed',
      `writes never succeeded again after ${cm.failover.unrecovered} kill(s), baseline ${bm.failover.unrecovered}`,
    );
  timeRow('unavailability', 'longest unavailability around a fault', bm.unavailability.maxMs, cm.unavailability.maxMs);
  return rows;
}

export async function gate(baseline: string[], current: string[], o: GateOptions = {}): Promise<GateResult> {
  const tol = o.tolerance ?? 0;
  const ttol = o.timeToleranceMs ?? 1000;
  const bs = (await Promise.all(baseline.map(loadGateInput))).flat();
  const cs = (await Promise.all(current.map(loadGateInput))).flat();
  const bById = new Map(bs.map((e) => [e.id, e]));
  const cById = new Map(cs.map((e) => [e.id, e]));
  // One run against one run: compare them whatever their names (a renamed scenario, a changed flag).
  if (bs.length === 1 && cs.length === 1 && bs[0]!.id !== cs[0]!.id) {
    bById.delete(bs[0]!.id);
    bById.set(cs[0]!.id, bs[0]!);
  }
  const rows: GateRow[] = [];
  const scenarios: GateResult['scenarios'] = [];
  for (const id of [...new Set([...bById.keys(), ...cById.keys()])].sort()) {
    const b = bById.get(id);
    const c = cById.get(id);
    scenarios.push({ id, baseline: b?.dir ?? null, current: c?.dir ?? null });
    if (!b || !c) {
      rows.push({
        scenario: id,
        check: 'verdict',
        baseline: b?.verdict ?? null,
        current: c?.verdict ?? null,
        status: 'missing',
        message: b ? 'not in the current runs' : 'new: no baseline',
      });
      continue;
    }
    rows.push(...compare(id, b, c, tol, ttol));
  }
  return {
    version: GATE_VERSION,
    baseline: baseline.join(', '),
    current: current.join(', '),
    tolerance: tol,
    timeToleranceMs: ttol,
    regressed: rows.some((r) => r.status === 'regressed'),
    scenarios,
    rows,
  };
}

/** Checks whose values are milliseconds (gate.json keeps the bare numbers; people read them with the unit). */
const TIME_CHECKS = new Set(['failover-p50', 'failover-p95', 'unavailability']);

function cell(v: GateRow['baseline'], check = ''): string {
  if (v === null) return '—';
  if (typeof v !== 'number') return String(v);
  return TIME_CHECKS.has(check) ? `${Math.round(v)} ms` : String(Math.round(v * 1000) / 1000);
}

/** Plain-text table for the terminal, regressions marked. */
export function gateTable(g: GateResult): string {
  const head = ['scenario', 'check', 'baseline', 'current', 'status'];
  const body = g.rows.map((r) => [r.scenario, r.check, cell(r.baseline, r.check), cell(r.current, r.check), r.status === 'regressed' ? 'REGRESSED' : r.status]);
  const w = head.map((h, i) => Math.min(60, Math.max(h.length, ...body.map((b) => b[i]!.length))));
  const line = (cols: string[]): string => cols.map((c, i) => (c.length > w[i]! ? c.slice(0, w[i]! - 1) + '…' : c.padEnd(w[i]!))).join('  ');
  const out = [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)];
  const bad = g.rows.filter((r) => r.status === 'regressed');
  out.push('', bad.length ? `REGRESSED: ${bad.length} check(s)\n${bad.map((r) => `  ${r.scenario}: ${r.message}`).join('\n')}` : 'no regression');
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
