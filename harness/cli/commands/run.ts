import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeReport } from '../../../reports/report.js';
import { workloads } from '../../../workloads/index.js';
import { NEMESIS_NAMES, nemesisNames } from '../../nemesis/nemesis.js';
import { ScenarioRefused } from '../../run/preflight.js';
import { type RunOutcome, runScenario } from '../../run/run.js';
import { DEFAULTS, type Scenario, scenarioName } from '../../run/scenario.js';
import { readScenarioFile, ScenarioFileError } from '../../run/scenario-file.js';
import type { TopologyKind } from '../../targets/target.js';
import { integer, MAX_SECONDS, MAX_TIMEOUT_MS, oneOf, positiveNumberUpTo } from '../options.js';
import { EXIT_USAGE, UsageError } from '../usage.js';
import { runSummaryLines } from './run-summary.js';

export interface RunFlags {
  target: 'ts' | 'redis' | 'external';
  topology: TopologyKind;
  topologyFile?: string;
  masters: number;
  replicas: number;
  sentinels: number;
  failoverTimeout?: number;
  net: 'toxiproxy' | 'iptables' | 'none';
  toxiproxy?: string;
  workload: string;
  nemesis: string;
  timeLimit: number;
  seed: number;
  concurrency: number;
  rate: number;
  opTimeout: number;
  interval: number;
  faultDuration: number;
  keys: number;
  waitFor: number;
  waitTimeout: number;
  nodeTimeout: number;
  serverArg: string[];
  scenario?: string;
  replay?: string;
  store: string;
  json?: boolean;
}

/**
 * `--server-arg "--name value"`: whitespace-separated server options, repeatable. (A variadic
 * option cannot take values that start with "--", so the options travel as one string.)
 */
function collectServerArgs(v: string, prev: string[]): string[] {
  const parts = v.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0 || !parts[0]!.startsWith('--')) throw new InvalidArgumentError('expects server options like "--min-replicas-to-write 1".');
  // The first explicit --server-arg replaces the default list; later ones add to it.
  return remember([...(collected.has(prev) ? prev : []), ...parts]);
}
const collected = new WeakSet<string[]>();
function remember(a: string[]): string[] {
  collected.add(a);
  return a;
}

/** Options shared by `run` and `start`. */
export function addRunOptions(cmd: Command, defaults: Omit<Scenario, 'name'> = DEFAULTS): Command {
  return cmd
    .addOption(
      new Option('--target <kind>', 'system under test: ts (our server), redis (Debian redis-server), external')
        .argParser(oneOf(['ts', 'redis', 'external'] as const))
        .default(defaults.target),
    )
    .addOption(
      new Option('--topology <kind>', 'single, replicated, cluster, sentinel (a primary, replicas and sentinels)')
        .argParser(oneOf(['single', 'replicated', 'cluster', 'sentinel'] as const))
        .default(defaults.topology.kind),
    )
    .option('--topology-file <file>', 'external target: JSON file with the nodes (and kill/pause/restart commands)')
    .option('--masters <n>', 'cluster masters', integer(1, 100), defaults.topology.masters)
    .option('--replicas <n>', 'replicas per master', integer(0, 20), defaults.topology.replicas)
    .option('--sentinels <n>', 'sentinel topology: sentinels (quorum: a majority)', integer(1, 15), 3)
    .option(
      '--failover-timeout <ms>',
      "sentinel topology: the sentinels' failover-timeout (default: max(10000, 3 × --node-timeout))",
      integer(1, MAX_TIMEOUT_MS),
    )
    .addOption(
      new Option('--net <backend>', 'network fault backend: toxiproxy, iptables (per-address-pair rules, root), none')
        .argParser(oneOf(['toxiproxy', 'iptables', 'none'] as const))
        .default(defaults.net),
    )
    .option('--toxiproxy <url>', 'use an installed toxiproxy-server (e.g. http://127.0.0.1:8474) instead of ours')
    .option('--workload <name>', `one of: ${[...workloads.keys()].join(', ')}`, defaults.workload)
    .option('--nemesis <names>', `comma-separated: none, ${NEMESIS_NAMES.join(', ')}`, defaults.nemesis)
    .option('--time-limit <s>', 'seconds of workload', integer(1, MAX_SECONDS), defaults.timeLimitS)
    .option('--seed <n>', 'seed of every random choice (32 bits)', integer(0, 0xffffffff), defaults.seed)
    .option('--concurrency <n>', 'client workers', integer(1, 1000), defaults.concurrency)
    .option('--rate <ops/s>', 'total rate limit (0 = unlimited)', integer(0, 1_000_000), defaults.rate)
    .option('--op-timeout <ms>', 'per-operation timeout (a timed-out op is info)', integer(1, MAX_TIMEOUT_MS), defaults.opTimeoutMs)
    .option('--interval <s>', 'calm seconds between faults', positiveNumberUpTo(MAX_SECONDS), defaults.intervalS)
    .option('--fault-duration <s>', 'seconds each fault lasts', positiveNumberUpTo(MAX_SECONDS), defaults.faultS)
    .option('--keys <n>', 'keys the workload spreads over', integer(1, 1_000_000), defaults.keys)
    .option('--wait-for <n>', 'WAIT numreplicas (wait workload)', integer(0, 1000), defaults.waitFor)
    .option('--wait-timeout <ms>', 'WAIT timeout (wait workload)', integer(0, MAX_TIMEOUT_MS), defaults.waitTimeoutMs)
    .option('--node-timeout <ms>', 'cluster-node-timeout', integer(1, MAX_TIMEOUT_MS), defaults.nodeTimeoutMs)
    .option(
      '--server-arg <options>',
      'extra server options for every node, repeatable: --server-arg "--min-replicas-to-write 1"',
      collectServerArgs,
      defaults.serverArgs,
    )
    .option('--scenario <file>', 'a scenario JSON file (flags given on the command line override it)')
    .option('--replay <run dir>', 're-run the exact scenario and fault schedule of a stored run')
    .option('--store <dir>', 'where runs are stored', 'store')
    .option('--json', 'print results.json to stdout at the end');
}

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

export function runCommand(): Command {
  const cmd = new Command('run').description('run a Jepsen-style test: start a system, drive it with clients, inject faults, check the history');
  addRunOptions(cmd).action(async (f: RunFlags) => {
    const out = await runFromFlags(f, cmd);
    if (out) process.exitCode = out.exitCode;
  });
  return cmd;
}
