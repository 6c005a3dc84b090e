/**
 * What `run` and `start` do once commander has parsed their command line (program/run.ts): build
 * the scenario from the flags, a scenario file or a replayed run, run it and print the verdict.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeReport } from '../../../reports/report.js';
import { workloads } from '../../../workloads/index.js';
import { nemesisNames } from '../../nemesis/nemesis.js';
import { ScenarioRefused } from '../../run/preflight.js';
import { type RunOutcome, runScenario } from '../../run/run.js';
import { DEFAULTS, type Scenario, scenarioName } from '../../run/scenario.js';
import { readScenarioFile, ScenarioFileError } from '../../run/scenario-file.js';
import type { RunFlags } from '../program/run.js';
import { EXIT_USAGE, UsageError } from '../usage.js';
import { runSummaryLines } from './run-summary.js';

/** The scenario.json a --replay value names: a run directory's, or the file itself. */
function replayFile(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`--replay: ${path} does not exist (give a run directory, e.g. store/latest, or its scenario.json)`);
  if (st.isDirectory()) {
    const file = join(path, 'scenario.json');
    if (!existsSync(file)) throw new UsageError(`--replay: ${path} is not a run directory (it has no scenario.json)`);
    return file;
  }
  if (st.size === 0) throw new UsageError(`--replay: ${path} is empty (give a run directory, e.g. store/latest, or its scenario.json)`);
  return path;
}

/** Build the scenario from flags, a scenario file, or a replayed run. */
export function scenarioFromFlags(f: RunFlags, cmd: Command): Scenario {
  let base: Partial<Scenario> = {};
  if (f.replay) {
    const file = replayFile(f.replay);
    base = readScenarioFile(file, { replay: true });
    base.replayOf = resolve(f.replay);
  } else if (f.scenario) {
    base = readScenarioFile(f.scenario);
  }
  // A flag given explicitly wins over the file; defaults don't.
  const given = (name: string) => cmd.getOptionValueSource(name) === 'cli';
  const pick = <K extends keyof Scenario>(k: K, flag: string, v: Scenario[K]): Scenario[K] =>
    given(flag) || base[k] === undefined ? v : (base[k] as Scenario[K]);
  // A cluster defaults to 3 masters × 1 replica (Redis's minimum), other topologies to the defaults.
  const clusterDefault = (flag: 'masters' | 'replicas', v: number, d: number) => (given(flag) ? v : d);
  const topology =
    given('topology') || given('masters') || given('replicas') || given('sentinels') || given('failoverTimeout') || !base.topology
      ? {
          kind: f.topology,
          masters: f.topology === 'cluster' ? clusterDefault('masters', f.masters, 3) : 1,
          replicas: f.topology === 'single' ? 0 : f.topology === 'cluster' ? clusterDefault('replicas', f.replicas, 1) : f.replicas,
          ...(f.topology === 'sentinel'
            ? { sentinels: f.sentinels, ...(f.failoverTimeout !== undefined ? { failoverTimeoutMs: f.failoverTimeout } : {}) }
            : {}),
        }
      : base.topology;
  if (topology.kind === 'sentinel' && topology.replicas < 1) throw new UsageError('--replicas: the sentinel topology needs at least 1 replica to fail over to');
  if (f.target === 'external' && !f.topologyFile && !base.topologyFile) throw new UsageError('--target external needs --topology-file <file>');
  if (f.topology === 'cluster' && f.masters < 3 && given('masters')) throw new UsageError('--masters: a Redis cluster needs at least 3 masters');
  const s: Scenario = {
    name: '',
    target: pick('target', 'target', f.target),
    topology,
    topologyFile: pick('topologyFile', 'topologyFile', f.topologyFile),
    net: pick('net', 'net', f.net),
    toxiproxyUrl: pick('toxiproxyUrl', 'toxiproxy', f.toxiproxy),
    workload: pick('workload', 'workload', f.workload),
    nemesis: pick('nemesis', 'nemesis', f.nemesis),
    timeLimitS: pick('timeLimitS', 'timeLimit', f.timeLimit),
    seed: pick('seed', 'seed', f.seed),
    concurrency: pick('concurrency', 'concurrency', f.concurrency),
    rate: pick('rate', 'rate', f.rate),
    opTimeoutMs: pick('opTimeoutMs', 'opTimeout', f.opTimeout),
    intervalS: pick('intervalS', 'interval', f.interval),
    faultS: pick('faultS', 'faultDuration', f.faultDuration),
    // A cluster needs enough keys for every shard to get some (4 keys may all hash to one master).
    keys: pick('keys', 'keys', given('keys') || topology.kind !== 'cluster' ? f.keys : Math.max(f.keys, 16)),
    waitFor: pick('waitFor', 'waitFor', f.waitFor),
    waitTimeoutMs: pick('waitTimeoutMs', 'waitTimeout', f.waitTimeout),
    nodeTimeoutMs: pick('nodeTimeoutMs', 'nodeTimeout', f.nodeTimeout),
    serverArgs: given('serverArg') ? f.serverArg : (base.serverArgs ?? f.serverArg),
    quiesceS: base.quiesceS ?? DEFAULTS.quiesceS,
    schedule: f.replay ? base.schedule : undefined,
    replayOf: base.replayOf,
  };
  try {
    nemesisNames(s.nemesis);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!workloads.has(s.workload)) throw new UsageError(`--workload: unknown workload '${s.workload}' (known: ${[...workloads.keys()].join(', ')})`);
  s.name = scenarioName(s);
  return s;
}

export async function executeRun(s: Scenario, f: RunFlags): Promise<RunOutcome> {
  const outcome = await runScenario(s, {
    storeRoot: f.store,
    progress: process.stderr.isTTY ? 'tty' : 'plain',
    log: (l) => process.stderr.write(l + '\n'),
  });
  if (outcome.results) {
    process.stderr.write(`\n${runSummaryLines(outcome.results).join('\n')}\n`);
    process.stderr.write(`results: ${join(outcome.dir, 'results.json')}\n`);
    if (existsSync(join(outcome.dir, 'report.html'))) process.stderr.write(`report: ${join(outcome.dir, 'report.html')}\n`);
    if (f.json) process.stdout.write(JSON.stringify(outcome.results, null, 2) + '\n');
  } else if (!outcome.interrupted) {
    // A crashed run gets its report too (verdict: crashed), so the store index lists it.
    const r = await writeReport(outcome.dir).catch(() => null);
    if (r) process.stderr.write(`report: ${r.html}\n`);
  }
  return outcome;
}

/** The action of `run` and `start`: a scenario from the flags (refused: 64 for the command line, 3 for a bad file), run; null when refused. */
export async function runFromFlags(f: RunFlags, cmd: Command): Promise<RunOutcome | null> {
  try {
    return await executeRun(scenarioFromFlags(f, cmd), f);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof ScenarioFileError || err instanceof ScenarioRefused)) throw err;
    process.stderr.write(`splitbrain ${cmd.name()}: ${err.message}\n`);
    process.exitCode = err instanceof UsageError ? EXIT_USAGE : 3;
    return null;
  }
}
