/**
 * writeReport(runDir): the per-run artefacts the harness asks for after results.json is written —
 * report.html, junit.xml and metrics.json — then store/index.html. Also used by
 * `splitbrain report <run dir>` to regenerate them from a stored run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildReportData, type PreviousRun } from './data.js';
import { renderReportHtml } from './html.js';
import { renderJUnit, runSuite } from './junit.js';
import { type LoadedRun, loadRun } from './load.js';
import { computeMetrics, type RunMetrics } from './metrics.js';
import { isStoreRoot, writeStoreIndex } from './store-index.js';
import { ACK_KINDS, EXIT_CODES, type Verdict } from './types.js';

export interface WrittenReport {
  dir: string;
  verdict: Verdict;
  exitCode: number;
  html: string;
  junit: string;
  metrics: string;
  /** store/index.html, when the run lives in a store. */
  index: string | null;
}

export interface WriteReportOptions {
  /** Regenerate <store>/index.html too (default: when the run dir sits in a store). */
  storeIndex?: boolean;
}

function readMetrics(dir: string): RunMetrics | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as RunMetrics;
  } catch {
    return null;
  }
}

/** The newest earlier run of the same scenario (sibling timestamp dirs), summarised against this one. */
function previousRun(run: LoadedRun, m: RunMetrics): PreviousRun | null {
  const parent = dirname(run.dir);
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n < run.ts && existsSync(join(parent, n, 'metrics.json')));
  } catch {
    return null;
  }
  names.sort();
  const ts = names[names.length - 1];
  if (!ts) return null;
  const p = readMetrics(join(parent, ts));
  if (!p) return null;
  const lines: string[] = [];
  lines.push(p.verdict === m.verdict ? `verdict unchanged: ${m.verdict}` : `verdict ${p.verdict} → ${m.verdict}`);
  if (p.lostByAck && m.lostByAck) {
    for (const k of ACK_KINDS) {
      const a = p.lostByAck[k].lost;
      const b = m.lostByAck[k].lost;
      if (a !== b || m.lostByAck[k].acknowledged > 0) lines.push(`lost ${k} writes ${a} → ${b}${b > a ? ' (worse)' : b < a ? ' (better)' : ''}`);
    }
  }
  const t = (x: number | null): string => (x === null ? '—' : `${Math.round(x)} ms`);
  // Times and availability are comparable only when measured the same way (metrics.json's version).
  if (p.version !== m.version) {
    lines.push(`failover and availability measured differently then (metrics v${p.version}): not compared`);
  } else {
    if (p.failover.samples || m.failover.samples)
      lines.push(`failover p50 ${t(p.failover.p50Ms)} → ${t(m.failover.p50Ms)}, p95 ${t(p.failover.p95Ms)} → ${t(m.failover.p95Ms)}`);
    if (p.unavailability.maxMs !== null || m.unavailability.maxMs !== null)
      lines.push(`unavailability of the clients a fault cut off ${t(p.unavailability.maxMs)} → ${t(m.unavailability.maxMs)}`);
    if (p.availability.overall !== null || m.availability.overall !== null) {
      const pc = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
      lines.push(`time with ok writes ${pc(p.availability.overall)} → ${pc(m.availability.overall)}`);
    }
  }
  return { ts, verdict: p.verdict, href: `../${encodeURIComponent(ts)}/report.html`, lines };
}

export async function writeReport(runDir: string, opts: WriteReportOptions = {}): Promise<WrittenReport> {
  const run = await loadRun(runDir);
  const metrics = computeMetrics(run.verdict, run.results, run.history);
  writeFileSync(join(run.dir, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  const data = buildReportData(run, metrics, previousRun(run, metrics));
  const html = join(run.dir, 'report.html');
  writeFileSync(html, renderReportHtml(data));
  const junit = join(run.dir, 'junit.xml');
  writeFileSync(
    junit,
    renderJUnit(`splitbrain ${run.name}`, [
      runSuite({
        name: run.name,
        timestamp: run.scenario?.startedAt,
        verdict: run.verdict,
        results: run.results,
        error: run.error,
        durationS: metrics.durationS,
        properties: { dir: run.dir, seed: String(run.scenario?.seed ?? '') },
      }),
    ]),
  );
  let index: string | null = null;
  const root = dirname(dirname(run.dir));
  if (opts.storeIndex ?? isStoreRoot(root)) index = await writeStoreIndex(root);
  return { dir: run.dir, verdict: run.verdict, exitCode: EXIT_CODES[run.verdict], html, junit, metrics: join(run.dir, 'metrics.json'), index };
}
