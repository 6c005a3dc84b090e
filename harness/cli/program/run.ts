/**
 * `splitbrain run`'s command line (its options are `start`'s too): what commander parses, checks
 * and prints as help. The run itself (commands/run.ts, and with it the whole harness) is imported
 * when the action starts.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULTS, type Scenario } from '../../run/scenario.js';
import type { TopologyKind } from '../../targets/target.js';
import { listing } from '../listings.js';
import { integer, MAX_SECONDS, MAX_TIMEOUT_MS, oneOf, positiveNumberUpTo } from '../options.js';

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
    .addOption(listing(new Option('--workload <name>').default(defaults.workload), 'workloads', (names) => `one of: ${names.join(', ')}`))
    .addOption(listing(new Option('--nemesis <names>').default(defaults.nemesis), 'nemeses', (names) => `comma-separated: none, ${names.join(', ')}`))
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

export function runCommand(): Command {
  const cmd = new Command('run').description('run a Jepsen-style test: start a system, drive it with clients, inject faults, check the history');
  addRunOptions(cmd).action(async (f: RunFlags) => {
    const { runFromFlags } = await import('../commands/run.js');
    const out = await runFromFlags(f, cmd);
    if (out) process.exitCode = out.exitCode;
  });
  return cmd;
}
