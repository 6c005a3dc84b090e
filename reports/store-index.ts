/**
 * store/index.html: every run in the store (store/<scenario>/<ts>/), filterable, with trends per
 * scenario over time (verdicts, lost writes per ack kind, failover time, availability) and the
 * suites (store/suites/<suite>/<ts>/). Regenerated after every run and suite; data comes from each
 * run's metrics.json (results.json alone when a run has none), never from re-reading histories.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { asset, inlineScript, jsonForScript, pageScript } from './embed.js';
import { loadRun } from './load.js';
import { computeMetrics, type RunMetrics } from './metrics.js';
import type { ScenarioInfo, Verdict } from './types.js';

export const SUITES_DIR = 'suites';

export interface IndexRun {
  scenario: string;
  ts: string;
  href: string;
  verdict: Verdict;
  target: string;
  topology: string;
  workload: string;
  nemesis: string;
  seed: number | null;
  startedAt: string | null;
  opCount: number;
  lost: { plain: number; wait: number; 'min-replicas': number } | null;
  lostAnomalous: number | null;
  setLost: number | null;
  failoverP50Ms: number | null;
  failoverP95Ms: number | null;
  unavailableMaxMs: number | null;
  availability: number | null;
}

export interface IndexSuite {
  name: string;
  ts: string;
  href: string;
  counts: Record<string, number>;
}

/** What store/index.html embeds for its script (reports/assets/index.ts). */
export interface IndexData {
  runs: IndexRun[];
  suites: IndexSuite[];
  generatedAt: string;
  root: string;
}

const RUN_FILES = ['scenario.json', 'results.json', 'error.txt', 'history.jsonl'];

/** A store holds `latest` (RunStore) or our index or a suites dir. */
export function isStoreRoot(dir: string): boolean {
  try {
    lstatSync(join(dir, 'latest'));
    return true;
  } catch {
    return existsSync(join(dir, SUITES_DIR)) || existsSync(join(dir, 'index.html'));
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A real directory, not a symlink to one (`latest` links point at runs listed where they live). */
function isRealDir(p: string): boolean {
  return lstatSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * Run directories of a store, oldest first: `<scenario>/<ts>/`, and those of nested stores
 * (`store/baseline/<scenario>/<ts>/`, what `--store store/baseline` makes), never through a symlink.
 */
function listRunDirs(root: string): string[] {
  const out: string[] = [];
  if (!isDir(root)) return out;
  for (const scen of readdirSync(root).sort()) {
    if (scen === 'latest' || scen === SUITES_DIR || scen.startsWith('.')) continue;
    const sd = join(root, scen);
    if (!isRealDir(sd)) continue;
    if (isStoreRoot(sd)) {
      out.push(...listRunDirs(sd));
      continue;
    }
    for (const ts of readdirSync(sd).sort()) {
      const rd = join(sd, ts);
      if (isRealDir(rd) && RUN_FILES.some((f) => existsSync(join(rd, f)))) out.push(rd);
    }
  }
  return out;
}

/**
 * What the index needs of a run. metrics.json (written with the report) is small; results.json can
 * be many MB, so it is only read when metrics.json is missing or older than it (a re-checked run).
 */
async function loadIndexRun(dir: string): Promise<{ name: string; ts: string; verdict: Verdict; scenario: ScenarioInfo | null; metrics: RunMetrics }> {
  const mtime = (f: string): number => statSync(join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const mt = mtime('metrics.json');
  if (mt >= 0 && mt >= mtime('results.json') && mt >= mtime('error.txt')) {
    try {
      const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as RunMetrics;
      let scenario: ScenarioInfo | null = null;
      try {
        scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as ScenarioInfo;
      } catch {
        /* a crashed run may have none */
      }
      return { name: scenario?.name || basename(dirname(dir)), ts: basename(dir), verdict: metrics.verdict, scenario, metrics };
    } catch {
      /* unreadable metrics: fall back to the run's files */
    }
  }
  const run = await loadRun(dir, { history: false });
  return { name: run.name, ts: run.ts, verdict: run.verdict, scenario: run.scenario, metrics: computeMetrics(run.verdict, run.results, null) };
}

const href = (root: string, p: string): string => relative(root, p).split(sep).map(encodeURIComponent).join('/');

export async function collectIndex(root: string): Promise<{ runs: IndexRun[]; suites: IndexSuite[] }> {
  const runs: IndexRun[] = [];
  for (const dir of listRunDirs(root)) {
    const run = await loadIndexRun(dir);
    const m = run.metrics;
    const s = run.scenario;
    const lost = m.lostByAck ? { plain: m.lostByAck.plain.lost, wait: m.lostByAck.wait.lost, 'min-replicas': m.lostByAck['min-replicas'].lost } : null;
    // A nested store's runs are named after it (baseline/…), so its trends stay apart from the top store's.
    const nested = relative(root, dirname(dirname(dir)))
      .split(sep)
      .join('/');
    runs.push({
      scenario: nested ? `${nested}/${run.name}` : run.name,
      ts: run.ts,
      href: existsSync(join(dir, 'report.html')) ? href(root, join(dir, 'report.html')) : `${href(root, dir)}/`,
      verdict: run.verdict,
      target: s?.target ?? '',
      topology: s?.topology?.kind ?? '',
      workload: s?.workload ?? '',
      nemesis: s?.nemesis ?? '',
      seed: typeof s?.seed === 'number' ? s.seed : null,
      startedAt: s?.startedAt ?? null,
      opCount: m.opCount,
      lost,
      lostAnomalous: m.lostByAck ? m.lostByAck.plain.lostAnomalous + m.lostByAck.wait.lostAnomalous + m.lostByAck['min-replicas'].lostAnomalous : null,
      setLost: m.setLost,
      failoverP50Ms: m.failover.p50Ms,
      failoverP95Ms: m.failover.p95Ms,
      unavailableMaxMs: m.unavailability.maxMs,
      availability: m.availability.overall,
    });
  }
  const suites: IndexSuite[] = [];
  const sroot = join(root, SUITES_DIR);
  if (isDir(sroot)) {
    for (const name of readdirSync(sroot).sort()) {
      if (!isDir(join(sroot, name))) continue;
      for (const ts of readdirSync(join(sroot, name)).sort()) {
        const f = join(sroot, name, ts, 'summary.json');
        if (!existsSync(f)) continue;
        try {
          const sum = JSON.parse(readFileSync(f, 'utf8')) as { counts?: Record<string, number> };
          suites.push({ name, ts, href: href(root, join(sroot, name, ts, 'summary.html')), counts: sum.counts ?? {} });
        } catch {
          /* a summary being written concurrently: listed next time */
        }
      }
    }
  }
  return { runs, suites };
}

export function renderStoreIndex(data: IndexData): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="splitbrain reports">
<title>splitbrain store</title>
<style>${asset('report.css')}</style>
<style>${asset('index.css')}</style>
</head><body>
<header class="verdict store"><div><h1>splitbrain store</h1><div class="sub" id="store-sub"></div></div></header>
<main><div id="app"></div></main>
<script type="application/json" id="index-data">${jsonForScript(data)}</script>
<script>${inlineScript(pageScript('index'))}</script>
</body></html>
`;
}

/** Writes <root>/index.html and returns its path. */
export async function writeStoreIndex(root: string): Promise<string> {
  const { runs, suites } = await collectIndex(root);
  const out = join(root, 'index.html');
  writeFileSync(out, renderStoreIndex({ runs, suites, generatedAt: new Date().toISOString(), root }));
  return out;
}
