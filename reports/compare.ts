/**
 * `splitbrain compare RUN_A RUN_B`: one static page putting the same scenario on two systems next
 * to each other (typically our server and redis-server): verdicts, lost writes by ack kind and by
 * window (fault family, expected or anomalous), failover time p50/p95, unavailability, with every
 * row whose figures differ called out. No script: the figures are server-rendered text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LostWritesResult } from '../checkers/lost-writes/index.js';
import { asset, escapeHtml } from './embed.js';
import { type LoadedRun, loadRun } from './load.js';
import { computeMetrics, type RunMetrics } from './metrics.js';

interface Side {
  run: LoadedRun;
  metrics: RunMetrics;
}

type Cell = string | number | null;

interface Row {
  section: string;
  label: string;
  a: Cell;
  b: Cell;
}

const fmt = (v: Cell): string => (v === null ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v);

/** Lost writes grouped by the window they were judged in: fault family, expected or anomalous. */
function lossesByWindow(run: LoadedRun): Map<string, number> {
  const lw = run.results?.checkers['lost-writes'] as LostWritesResult | undefined;
  const out = new Map<string, number>();
  for (const w of lw?.lostWrites ?? []) {
    const k = `${w.fault?.family ?? 'no fault'} · ${w.expected ? 'expected by design' : 'anomaly'}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

function rows(a: Side, b: Side): Row[] {
  const out: Row[] = [];
  const add = (section: string, label: string, f: (s: Side) => Cell) => out.push({ section, label, a: f(a), b: f(b) });
  add('run', 'target', (s) => s.run.scenario?.target ?? null);
  add('run', 'network backend', (s) => s.run.scenario?.net ?? null);
  add('run', 'verdict', (s) => s.run.verdict);
  add('run', 'operations', (s) => s.metrics.opCount);
  for (const k of new Set([...Object.keys(a.metrics.checkers), ...Object.keys(b.metrics.checkers)]))
    add('checkers', k, (s) => (s.metrics.checkers[k] === undefined ? null : String(s.metrics.checkers[k])));
  for (const ack of ['plain', 'wait', 'min-replicas'] as const) {
    if (!a.metrics.lostByAck?.[ack]?.acknowledged && !b.metrics.lostByAck?.[ack]?.acknowledged) continue;
    add('lost writes by ack kind', `${ack}: acknowledged`, (s) => s.metrics.lostByAck?.[ack]?.acknowledged ?? null);
    add('lost writes by ack kind', `${ack}: lost`, (s) => s.metrics.lostByAck?.[ack]?.lost ?? null);
    add('lost writes by ack kind', `${ack}: lost, anomalous`, (s) => s.metrics.lostByAck?.[ack]?.lostAnomalous ?? null);
  }
  const wa = lossesByWindow(a.run);
  const wb = lossesByWindow(b.run);
  for (const k of [...new Set([...wa.keys(), ...wb.keys()])].sort()) add('lost writes by window', k, (s) => (s === a ? wa : wb).get(k) ?? 0);
  add('set', 'lost elements', (s) => s.metrics.setLost);
  add('set', 'stale elements', (s) => s.metrics.setStale);
  add('failover (kill → next ok write)', 'samples', (s) => s.metrics.failover.samples);
  add('failover (kill → next ok write)', 'p50 ms', (s) => s.metrics.failover.p50Ms);
  add('failover (kill → next ok write)', 'p95 ms', (s) => s.metrics.failover.p95Ms);
  add('failover (kill → next ok write)', 'never recovered', (s) => s.metrics.failover.unrecovered);
  add('unavailability', 'cut-off clients without writes, max per fault ms', (s) => s.metrics.unavailability.maxMs);
  add('unavailability', 'cut-off clients without writes, p50 per fault ms', (s) => s.metrics.unavailability.p50Ms);
  add('unavailability', 'longest gap without an ok write ms', (s) => s.metrics.unavailability.longestGapMaxMs);
  add('unavailability', 'time with ok writes overall', (s) => s.metrics.availability.overall);
  add('unavailability', 'time with ok writes, cut-off clients during faults', (s) => s.metrics.availability.cutOffDuringFaults);
  return out.filter((r) => !(r.a === null && r.b === null));
}

/** Timing figures differ on every run; only a large relative gap is a difference worth calling out. */
function differs(r: Row): boolean {
  if (typeof r.a === 'number' && typeof r.b === 'number' && /ms$|share|operations/.test(r.label)) {
    const hi = Math.max(Math.abs(r.a), Math.abs(r.b));
    return hi > 0 && Math.abs(r.a - r.b) / hi > (r.label.includes('share') ? 0.1 : 0.5);
  }
  return r.a !== r.b && !/^(target|network backend)$/.test(r.label);
}

function title(s: Side): string {
  const sc = s.run.scenario;
  return `${sc?.target ?? '?'} (${sc?.net ?? '?'})`;
}

export function comparePage(a: Side, b: Side): string {
  const rs = rows(a, b);
  const diffs = rs.filter(differs);
  const sa = a.run.scenario;
  const sb = b.run.scenario;
  const same = (k: 'workload' | 'nemesis' | 'seed') => sa?.[k] === sb?.[k];
  const warn = (['workload', 'nemesis', 'seed'] as const).filter((k) => !same(k));
  let section = '';
  const body = rs
    .map((r) => {
      const head = r.section !== section ? `<tr class="section"><th colspan="3">${escapeHtml((section = r.section))}</th></tr>` : '';
      return `${head}<tr class="${differs(r) ? 'differs' : ''}"><td>${escapeHtml(r.label)}</td><td class="num">${escapeHtml(fmt(r.a))}</td><td class="num">${escapeHtml(fmt(r.b))}</td></tr>`;
    })
    .join('\n');
  const scenarioLine = `${sa?.workload ?? '?'} · ${sa?.nemesis ?? '?'} · seed ${sa?.seed ?? '?'} · ${sa?.topology?.kind ?? '?'}${sa?.topology?.kind === 'cluster' ? ` ${sa.topology.masters ?? '?'}×${sa.topology.replicas ?? '?'}` : ''}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>compare: ${escapeHtml(a.run.name)} vs ${escapeHtml(b.run.name)}</title>
<style>${asset('report.css')}
table.compare{border-collapse:collapse;margin:1em 0}table.compare td,table.compare th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:left}
table.compare td.num{text-align:right;font-variant-numeric:tabular-nums}tr.section th{background:#f3f3f3}tr.differs td{background:#fff4d6;font-weight:600}
</style></head><body>
<header><div><h1>${escapeHtml(scenarioLine)}</h1><div class="sub">${escapeHtml(a.run.dir)} · ${escapeHtml(b.run.dir)}</div></div></header>
${warn.length ? `<p class="warning" id="not-same">Not the same scenario: ${escapeHtml(warn.map((k) => `${k} ${String(sa?.[k])} vs ${String(sb?.[k])}`).join(', '))}</p>` : ''}
<h2>Differences</h2>
<ul id="differences">${diffs.length ? diffs.map((r) => `<li>${escapeHtml(`${r.section}: ${r.label} — ${title(a)} ${fmt(r.a)}, ${title(b)} ${fmt(r.b)}`)}</li>`).join('') : '<li>none beyond timing noise</li>'}</ul>
<table class="compare" id="compare"><thead><tr><th></th><th>${escapeHtml(title(a))}<br><a href="${escapeHtml(join(a.run.dir, 'report.html'))}">report</a></th><th>${escapeHtml(title(b))}<br><a href="${escapeHtml(join(b.run.dir, 'report.html'))}">report</a></th></tr></thead>
<tbody>
${body}
</tbody></table>
<footer>Generated by splitbrain compare from scenario.json, results.json and history.jsonl of both runs.</footer>
</body></html>
`;
}

/** Loads both runs and writes the page (default: compare.html in run A's directory); returns its path. */
export async function writeComparePage(dirA: string, dirB: string, out?: string): Promise<string> {
  const side = async (dir: string): Promise<Side> => {
    const run = await loadRun(dir);
    return { run, metrics: computeMetrics(run.verdict, run.results, run.history) };
  };
  const [a, b] = [await side(dirA), await side(dirB)];
  const path = out ?? join(a.run.dir, 'compare.html');
  writeFileSync(path, comparePage(a, b));
  return path;
}

/** What the suite knows of a finished scenario (a SuiteEntry's fields). */
interface RanScenario {
  scenario: string;
  target: string;
  seed: number;
  repeat: number;
  dir: string | null;
}

/**
 * The suite's side-by-side pages: for every scenario that ran on both `ts` and `redis` (same name
 * after the target, same seed and repeat), compare-<scenario>-seed<n>.html in `outDir`.
 */
export async function writeSuiteComparisons(outDir: string, ran: readonly RanScenario[]): Promise<string[]> {
  const key = (e: RanScenario) => `${e.scenario.slice(e.target.length + 1)}-seed${e.seed}${e.repeat ? `-r${e.repeat}` : ''}`;
  const redis = new Map(ran.filter((e) => e.target === 'redis' && e.dir).map((e) => [key(e), e.dir!]));
  const out: string[] = [];
  for (const e of ran) {
    const other = e.target === 'ts' && e.dir ? redis.get(key(e)) : undefined;
    if (!other) continue;
    out.push(await writeComparePage(e.dir!, other, join(outDir, `compare-${key(e).replace(/[^A-Za-z0-9._+-]/g, '_')}.html`)));
  }
  return out;
}
