/**
 * A suite's summary (store/suites/<suite>/<ts>/): summary.json (reports/schema/
 * suite-summary.schema.json), summary.html with each scenario's verdict and a link to its report,
 * and junit.xml with one testsuite per scenario (a testcase per checker) plus one testcase per
 * scenario in the suite's own testsuite.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { asset, escapeHtml } from './embed.js';
import { type JUnitCase, type JUnitSuite, renderJUnit, runSuite } from './junit.js';
import { type ResultsFile, type Verdict, verdictOfExitCode } from './types.js';

export const SUITE_SUMMARY_VERSION = 1;

export type EntryStatus = Verdict | 'skipped';

export interface SuiteEntry {
  id: string;
  ordinal: number;
  scenario: string;
  target: string;
  topology: string;
  workload: string;
  nemesis: string;
  seed: number;
  repeat: number;
  status: EntryStatus;
  exitCode: number | null;
  dir: string | null;
  /** report.html relative to the summary's directory. */
  report: string | null;
  durationS: number;
  error?: string;
}

export interface SuiteSummary {
  version: typeof SUITE_SUMMARY_VERSION;
  suite: string;
  file: string;
  startedAt: string;
  finishedAt: string;
  timeBudgetS: number | null;
  shard: { index: number; count: number } | null;
  exitCode: number;
  counts: Record<EntryStatus, number>;
  entries: SuiteEntry[];
}

/** Worst first: crashed (3) > invalid (1) > unknown/skipped (2) > valid (0). */
export function suiteExitCode(entries: Array<{ status: EntryStatus }>): number {
  if (entries.some((e) => e.status === 'crashed')) return 3;
  if (entries.some((e) => e.status === 'invalid')) return 1;
  if (entries.some((e) => e.status === 'unknown' || e.status === 'skipped')) return 2;
  return 0;
}

export function countStatuses(entries: Array<{ status: EntryStatus }>): Record<EntryStatus, number> {
  const c: Record<EntryStatus, number> = { valid: 0, invalid: 0, unknown: 0, crashed: 0, skipped: 0 };
  for (const e of entries) c[e.status]++;
  return c;
}

export function reportHref(summaryDir: string, runDir: string): string {
  return relative(summaryDir, join(runDir, 'report.html')).split(sep).map(encodeURIComponent).join('/');
}

function readResults(dir: string | null): ResultsFile | null {
  if (!dir) return null;
  try {
    return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsFile;
  } catch {
    return null;
  }
}

function readError(dir: string | null): string | null {
  if (!dir) return null;
  try {
    return readFileSync(join(dir, 'error.txt'), 'utf8');
  } catch {
    return null;
  }
}

export function suiteJUnit(s: SuiteSummary): string {
  const perScenario: JUnitSuite[] = [];
  const overview: JUnitCase[] = [];
  for (const e of s.entries) {
    const c: JUnitCase = { name: e.id, classname: `splitbrain.suite.${s.suite}`, timeS: e.durationS };
    if (e.status === 'skipped') c.skipped = e.error ?? 'skipped: the time budget was spent';
    else if (e.status === 'crashed') c.error = { type: 'crashed', message: `${e.id} crashed`, text: e.error ?? readError(e.dir) ?? 'no results.json' };
    else if (e.status !== 'valid') c.failure = { type: e.status, message: `${e.id}: ${e.status}`, text: `report: ${e.dir ? join(e.dir, 'report.html') : '—'}` };
    else c.systemOut = `report: ${e.dir ? join(e.dir, 'report.html') : '—'}`;
    overview.push(c);
    if (e.status !== 'skipped') {
      perScenario.push(
        runSuite({
          name: e.id,
          verdict: e.status,
          results: readResults(e.dir),
          error: e.error ?? readError(e.dir),
          durationS: e.durationS,
          properties: { dir: e.dir ?? '' },
        }),
      );
    }
  }
  return renderJUnit(`splitbrain suite ${s.suite}`, [
    { name: `suite ${s.suite}${s.shard ? ` shard ${s.shard.index}/${s.shard.count}` : ''}`, timestamp: s.startedAt.replace(/(\.\d+)?Z$/, ''), cases: overview },
    ...perScenario,
  ]);
}

export function suiteHtml(s: SuiteSummary): string {
  const rows = s.entries
    .map(
      (e) =>
        `<tr data-status="${e.status}"><td class="num">${e.ordinal}</td><td class="mono">${escapeHtml(e.scenario)}</td><td class="num">${e.seed}</td><td class="num">${e.repeat}</td><td><span class="chip ${e.status === 'skipped' ? 'expected' : e.status}">${e.status}</span></td><td class="num">${e.durationS.toFixed(1)} s</td><td>${e.report ? `<a href="${escapeHtml(e.report)}">report</a>` : '—'}</td><td>${escapeHtml((e.error ?? '').split('\n')[0] ?? '')}</td></tr>`,
    )
    .join('\n');
  const verdict = verdictOfExitCode(s.exitCode);
  const counts = Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>suite ${escapeHtml(s.suite)}: ${verdict}</title>
<style>${asset('report.css')}</style><style>${asset('index.css')}</style></head><body>
<header class="verdict v-${verdict}"><div class="badge">${verdict.toUpperCase()}</div><div><h1>suite ${escapeHtml(s.suite)}${s.shard ? ` (shard ${s.shard.index}/${s.shard.count})` : ''}</h1>
<div class="sub">${escapeHtml(s.file)} · ${escapeHtml(s.startedAt)} → ${escapeHtml(s.finishedAt)}${s.timeBudgetS ? ` · budget ${s.timeBudgetS} s` : ''}</div></div></header>
<main><p id="counts">${escapeHtml(counts || 'no scenarios')}</p>
<table id="entries"><tr><th>#</th><th>scenario</th><th>seed</th><th>repeat</th><th>verdict</th><th>took</th><th>report</th><th>error</th></tr>
${rows}
</table><footer>summary.json and junit.xml beside this page; <a href="../../../index.html">all runs</a></footer></main></body></html>
`;
}

export function writeSuiteSummary(dir: string, s: SuiteSummary): { json: string; html: string; junit: string } {
  const json = join(dir, 'summary.json');
  const html = join(dir, 'summary.html');
  const junit = join(dir, 'junit.xml');
  writeFileSync(json, JSON.stringify(s, null, 2) + '\n');
  writeFileSync(html, suiteHtml(s));
  writeFileSync(junit, suiteJUnit(s));
  return { json, html, junit };
}
