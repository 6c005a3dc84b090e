/**
 * `splitbrain suite <file> [--shard i/n]`: run a matrix of scenarios (reports/schema/
 * suite.schema.json, JSON or YAML) one after another through runScenario, carrying on past failed
 * and crashed scenarios, within the suite's time budget; then write the suite summary (summary.json,
 * summary.html, junit.xml under store/suites/<suite>/<ts>/) and the store index.
 *
 * Sharding is by position in the expanded matrix, twins together: the entries that differ only in
 * their target (the same scenario, seed and repeat on ts and on redis) form one group, and shard i of
 * n runs groups i-1, i-1+n, … in matrix order — so the shards 1/n … n/n together run every entry
 * exactly once, whatever machine runs which shard, and the shard that runs a scenario on both
 * targets writes its compare page. `--only <regex>` keeps the entries whose id matches (before
 * sharding).
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { writeSuiteComparisons } from '../../../reports/compare.js';
import { writeReport } from '../../../reports/report.js';
import { validate } from '../../../reports/schema.js';
import { SUITES_DIR, writeStoreIndex } from '../../../reports/store-index.js';
import {
  countStatuses,
  type EntryStatus,
  reportHref,
  type SuiteEntry,
  type SuiteSummary,
  suiteExitCode,
  writeSuiteSummary,
} from '../../../reports/suite-summary.js';
import { verdictOf } from '../../../reports/types.js';
import { workloads } from '../../../workloads/index.js';
import { ScenarioRefused } from '../../run/preflight.js';
import { type RunOptions, type RunOutcome, runScenario } from '../../run/run.js';
import { DEFAULTS, type Scenario, scenarioName } from '../../run/scenario.js';
import { scenarioErrors } from '../../run/scenario-file.js';
import { RunStore, sanitize } from '../../store/store.js';
import type { TopologyKind, TopologySpec } from '../../targets/target.js';
import type { Shard } from '../program/suite-options.js';

// The argument parsers live with the command line (program/), light to load; tests take them from here.
export { parseOnly, parseSeeds, parseShard } from '../program/suite-options.js';

type TopologyItem = TopologyKind | { kind: TopologyKind; masters?: number; replicas?: number; sentinels?: number; topologyFile?: string };

export interface SuiteMatrix {
  targets: Array<Scenario['target']>;
  topologies: TopologyItem[];
  workloads: string[];
  nemeses: string[];
  seeds?: number[];
  repeats?: number;
  /** Scenario fields for this matrix only (e.g. net, serverArgs), over the suite-wide `scenario`. */
  scenario?: Partial<Omit<Scenario, 'name' | 'target' | 'topology' | 'workload' | 'nemesis' | 'seed'>>;
}

export interface SuiteFile {
  version?: 1;
  name: string;
  description?: string;
  timeBudgetS?: number;
  /** One matrix or several, expanded in order. */
  matrix: SuiteMatrix | SuiteMatrix[];
  scenario?: Partial<Omit<Scenario, 'name' | 'target' | 'topology' | 'workload' | 'nemesis' | 'seed'>>;
}

export interface MatrixEntry {
  ordinal: number;
  id: string;
  repeat: number;
  scenario: Scenario;
}

export class SuiteFileError extends Error {}

/** Reads and validates a suite file (JSON, or YAML for .yaml/.yml). */
export function loadSuiteFile(path: string): SuiteFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SuiteFileError(`${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = /^\.ya?ml$/i.test(extname(path)) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new SuiteFileError(`${path}: not valid ${/^\.ya?ml$/i.test(extname(path)) ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
  const errors = validate('suite', data);
  if (errors.length) throw new SuiteFileError(`${path} does not match reports/schema/suite.schema.json:\n  ${errors.join('\n  ')}`);
  const s = data as SuiteFile;
  const scenarioFields: Array<[string, unknown]> = [
    ['/scenario', s.scenario],
    ...matrices(s).map((m, i): [string, unknown] => [`/matrix/${i}/scenario`, m.scenario]),
  ];
  for (const [at, fields] of scenarioFields) {
    if (fields === undefined) continue;
    const bad = scenarioErrors(fields);
    if (bad.length) throw new SuiteFileError(`${path}: ${at} is not valid scenario fields (reports/schema/scenario.schema.json):\n  ${bad.join('\n  ')}`);
  }
  for (const w of matrices(s).flatMap((m) => m.workloads))
    if (!workloads.has(w)) throw new SuiteFileError(`${path}: unknown workload '${w}' (known: ${[...workloads.keys()].join(', ')})`);
  return s;
}

export function matrices(s: SuiteFile): SuiteMatrix[] {
  return Array.isArray(s.matrix) ? s.matrix : [s.matrix];
}

function topologyOf(t: TopologyItem, base: string): { spec: TopologySpec; file?: string } {
  const kind = typeof t === 'string' ? t : t.kind;
  const d = DEFAULTS.topology;
  const spec: TopologySpec =
    kind === 'single'
      ? { kind, masters: 1, replicas: 0 }
      : kind === 'cluster'
        ? { kind, masters: 3, replicas: 1 }
        : { kind, masters: 1, replicas: d.kind === 'single' ? 2 : d.replicas };
  if (typeof t !== 'string') {
    if (t.masters !== undefined) spec.masters = t.masters;
    if (t.replicas !== undefined) spec.replicas = t.replicas;
    if (t.sentinels !== undefined) spec.sentinels = t.sentinels;
    if (t.topologyFile) return { spec, file: resolve(base, t.topologyFile) };
  }
  return { spec };
}

/**
 * Every entry of the matrix, in order: targets × topologies × workloads × nemeses × seeds × repeats.
 * `seeds` replaces every matrix's seeds (gating: a baseline and a change on disjoint seed sets).
 */
export function expandMatrix(s: SuiteFile, suitePath = '.', seedsOverride?: number[]): MatrixEntry[] {
  const base = dirname(resolve(suitePath));
  const out: MatrixEntry[] = [];
  const ids = new Set<string>();
  for (const mx of matrices(s)) {
    const seeds = seedsOverride ?? mx.seeds ?? [DEFAULTS.seed];
    const repeats = mx.repeats ?? 1;
    for (const target of mx.targets)
      for (const topo of mx.topologies)
        for (const workload of mx.workloads)
          for (const nemesis of mx.nemeses)
            for (const seed of seeds)
              for (let repeat = 0; repeat < repeats; repeat++) {
                const { spec, file } = topologyOf(topo, base);
                const sc: Scenario = {
                  ...DEFAULTS,
                  ...(s.scenario ?? {}),
                  ...(mx.scenario ?? {}),
                  name: '',
                  target,
                  topology: spec,
                  workload,
                  nemesis,
                  seed,
                  serverArgs: [...(mx.scenario?.serverArgs ?? s.scenario?.serverArgs ?? DEFAULTS.serverArgs)],
                  ...(file ? { topologyFile: file } : {}),
                };
                sc.name = scenarioName(sc);
                // Two topology entries of one kind (e.g. different topology files) share a name.
                let id = `${sc.name}#seed${seed}#r${repeat}`;
                for (let k = 2; ids.has(id); k++) id = `${sc.name}#seed${seed}#r${repeat}#${k}`;
                ids.add(id);
                out.push({ ordinal: out.length, id, repeat, scenario: sc });
              }
  }
  return out;
}

/** What twins share: the entry's id without its target (reports/compare.ts pairs runs the same way). */
const twinKey = (e: MatrixEntry): string => e.id.slice(e.scenario.target.length + 1);

export function shardEntries(entries: MatrixEntry[], shard: Shard | null): MatrixEntry[] {
  if (!shard) return entries;
  const groups = new Map<string, number>();
  for (const e of entries) if (!groups.has(twinKey(e))) groups.set(twinKey(e), groups.size);
  return entries.filter((e) => groups.get(twinKey(e))! % shard.count === shard.index - 1);
}

/** The entries a run of the suite takes: those `only` matches, then the shard's. */
export function selectEntries(entries: MatrixEntry[], shard: Shard | null, only: RegExp | null): MatrixEntry[] {
  return shardEntries(only ? entries.filter((e) => only.test(e.id)) : entries, shard);
}

export interface SuiteRunOptions {
  storeRoot: string;
  shard?: Shard | null;
  /** Only the entries whose id matches. */
  only?: RegExp | null;
  /** Replaces the seeds of every matrix. */
  seeds?: number[];
  log?: (line: string) => void;
  progress?: RunOptions['progress'];
  /** Injected for tests; default runScenario. */
  run?: (s: Scenario, o: RunOptions) => Promise<RunOutcome>;
  now?: () => number;
}

export interface SuiteRunResult {
  summary: SuiteSummary;
  dir: string;
  files: { json: string; html: string; junit: string };
  index: string;
}

const statusOf = (o: RunOutcome): EntryStatus => verdictOf(o.results?.valid, !o.results);

export async function runSuiteFile(path: string, o: SuiteRunOptions): Promise<SuiteRunResult> {
  const file = loadSuiteFile(path);
  const log = o.log ?? (() => undefined);
  const now = o.now ?? Date.now;
  const run = o.run ?? runScenario;
  const all = expandMatrix(file, path, o.seeds);
  const mine = selectEntries(all, o.shard ?? null, o.only ?? null);
  const startedAt = new Date(now());
  const t0 = now();
  const ts = startedAt
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const dir = resolve(join(o.storeRoot, SUITES_DIR, sanitize(file.name), `${ts}${o.shard ? `-shard${o.shard.index}of${o.shard.count}` : ''}`));
  mkdirSync(dir, { recursive: true });
  log(
    `splitbrain suite ${file.name}: ${mine.length} of ${all.length} scenarios${o.only ? ` (only ${o.only.source})` : ''}${o.shard ? ` (shard ${o.shard.index}/${o.shard.count})` : ''}${file.timeBudgetS ? `, budget ${file.timeBudgetS} s` : ''}`,
  );
  const entries: SuiteEntry[] = [];
  let stop = false;
  for (const [i, m] of mine.entries()) {
    const s = m.scenario;
    const base = {
      id: m.id,
      ordinal: m.ordinal,
      scenario: s.name,
      target: s.target,
      topology: s.topology.kind,
      workload: s.workload,
      nemesis: s.nemesis,
      seed: s.seed,
      repeat: m.repeat,
    };
    const elapsedS = (now() - t0) / 1000;
    if (stop || (file.timeBudgetS !== undefined && elapsedS >= file.timeBudgetS)) {
      entries.push({
        ...base,
        status: 'skipped',
        exitCode: null,
        dir: null,
        report: null,
        durationS: 0,
        error: stop ? 'skipped: the suite was interrupted' : `skipped: the time budget of ${file.timeBudgetS} s was spent`,
      });
      continue;
    }
    log(`[${i + 1}/${mine.length}] ${m.id}`);
    const started = now();
    let entry: SuiteEntry;
    try {
      const out = await run(s, { storeRoot: o.storeRoot, progress: o.progress ?? 'none', log });
      if (out.interrupted) stop = true;
      const status = out.interrupted ? 'crashed' : statusOf(out);
      // run.ts writes reports for checked runs; crashed ones get theirs here (verdict: crashed).
      if (status === 'crashed') await writeReport(out.dir, { storeIndex: false }).catch((e: Error) => log(`report of ${out.dir} failed: ${e.message}`));
      entry = { ...base, status, exitCode: out.exitCode, dir: out.dir, report: reportHref(dir, out.dir), durationS: (now() - started) / 1000 };
    } catch (e) {
      if (e instanceof ScenarioRefused) {
        // A refused scenario started nothing; in a suite it is still a crashed entry with its own
        // directory (error.txt, report), so the summary, the index and the gate show it.
        const refused = new RunStore(o.storeRoot, s.name || scenarioName(s));
        writeFileSync(refused.path('error.txt'), `the scenario was refused before anything started: ${e.message}\n`);
        await writeReport(refused.dir, { storeIndex: false }).catch((err: Error) => log(`report of ${refused.dir} failed: ${err.message}`));
        entry = {
          ...base,
          status: 'crashed',
          exitCode: 3,
          dir: refused.dir,
          report: reportHref(dir, refused.dir),
          durationS: (now() - started) / 1000,
          error: e.message,
        };
        log(`  → crashed (refused: ${e.message})`);
        entries.push(entry);
        continue;
      }
      // runScenario catches run failures itself; anything escaping it is a harness crash.
      entry = { ...base, status: 'crashed', exitCode: 3, dir: null, report: null, durationS: (now() - started) / 1000, error: (e as Error).stack ?? String(e) };
    }
    log(`  → ${entry.status}${entry.dir ? ` ${entry.dir}` : ''}`);
    entries.push(entry);
  }
  const summary: SuiteSummary = {
    version: 1,
    suite: file.name,
    file: resolve(path),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(now()).toISOString(),
    timeBudgetS: file.timeBudgetS ?? null,
    shard: o.shard ?? null,
    exitCode: suiteExitCode(entries),
    counts: countStatuses(entries),
    entries,
  };
  const files = writeSuiteSummary(dir, summary);
  // Scenarios run on both our server and redis-server: one side-by-side page each.
  const pages = await writeSuiteComparisons(dir, entries).catch((e: Error) => {
    log(`compare pages failed: ${e.message}`);
    return [];
  });
  for (const page of pages) log(`compare: ${page}`);
  const index = await writeStoreIndex(o.storeRoot);
  return { summary, dir, files, index };
}
