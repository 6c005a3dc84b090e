import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compose } from '../../checkers/compose.js';
import type { CheckerResult, History, Validity } from '../../checkers/history/types.js';
import { getChecker } from '../../checkers/registry.js';
import { getWorkload } from '../../workloads/index.js';
import type { CheckerSpec, WorkloadOptions } from '../../workloads/workload.js';
import { readHistoryFile } from '../history/read.js';
import type { Scenario } from './scenario.js';

export const RESULTS_VERSION = 1;

/** results.json: the composed checker results plus what the report and the gate need. */
export interface RunResults {
  version: typeof RESULTS_VERSION;
  valid: Validity;
  checkers: Record<string, CheckerResult>;
  opCount: number;
}

/** Node logs of a run dir, by node name. */
export function readNodeLogs(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const nodes = join(dir, 'nodes');
  if (!existsSync(nodes)) return out;
  for (const n of readdirSync(nodes).sort()) {
    const f = join(nodes, n, 'server.log');
    if (existsSync(f)) out[n] = readFileSync(f, 'utf8');
  }
  return out;
}

/**
 * Check a run's history with the workload's checkers plus the general ones (stats, perf,
 * log-patterns over the node logs), composed as Jepsen's compose.
 */
export async function checkRun(dir: string, history: History, specs: CheckerSpec[]): Promise<RunResults> {
  const all: CheckerSpec[] = [...specs, { name: 'stats' }, { name: 'perf' }, { name: 'log-patterns', options: { logs: readNodeLogs(dir) } }];
  const checkers: Record<string, ReturnType<typeof getChecker>> = {};
  const options: Record<string, unknown> = {};
  for (const s of all) {
    checkers[s.name] = getChecker(s.name);
    options[s.name] = s.options ?? {};
  }
  const composed = await compose(checkers).check(history, options);
  const { valid, ...rest } = composed;
  return { version: RESULTS_VERSION, valid, checkers: rest as Record<string, CheckerResult>, opCount: history.length };
}

/** The value after the last occurrence of a server option in an argument list. */
function lastArg(args: readonly string[], name: string): string | undefined {
  const i = args.lastIndexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The servers' min-replicas-to-write (0: off), from the effective server arguments. */
export function minReplicasToWrite(args: readonly string[]): number {
  return Number(lastArg(args, '--min-replicas-to-write') ?? lastArg(args, '--min-slaves-to-write') ?? 0);
}

/**
 * The checkers a stored run is judged by: its workload's, with the allowed loss windows taken from
 * the servers' actual settings (scenario.json holds the effective server arguments).
 */
export function checkerSpecsFor(s: Scenario): CheckerSpec[] {
  const workload = getWorkload(s.workload);
  const args = s.serverArgs ?? [];
  const toWrite = minReplicasToWrite(args);
  const lag = lastArg(args, '--min-replicas-max-lag') ?? lastArg(args, '--min-slaves-max-lag');
  const wopts: WorkloadOptions = {
    keys: s.keys,
    waitFor: s.waitFor,
    waitTimeoutMs: s.waitTimeoutMs,
    cluster: s.topology.kind === 'cluster',
    minReplicas: toWrite > 0,
  };
  const windows: Record<string, unknown> = {};
  if (s.topology.kind === 'cluster') windows.nodeTimeoutMs = s.nodeTimeoutMs;
  // Sentinel: the sentinels fail an isolated primary over after down-after-milliseconds (the same
  // scenario field), but nothing stops it acknowledging writes except min-replicas-to-write, after
  // min-replicas-max-lag (default 10 s) + the replicas' 1 s ack period: Redis's documented loss window.
  if (s.topology.kind === 'sentinel') windows.nodeTimeoutMs = toWrite > 0 ? Math.max(s.nodeTimeoutMs, Number(lag ?? 10) * 1000 + 1000) : s.nodeTimeoutMs;
  if (lag !== undefined) windows.minReplicasMaxLagS = Number(lag);
  if (toWrite > 0) windows.minReplicasToWrite = toWrite;
  return workload.checkers(wopts).map((c) => (['lost-writes', 'min-replicas', 'wait'].includes(c.name) ? { ...c, options: { ...windows, ...c.options } } : c));
}

/**
 * Check a stored run directory from its files alone (history.jsonl + scenario.json + node logs).
 * The reader's warnings (a truncated last line…) go to `warn`: they are not part of results.json.
 */
export async function recheckRun(dir: string, warn: (w: string) => void = () => {}): Promise<RunResults> {
  const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as Scenario;
  const parsed = await readHistoryFile(join(dir, 'history.jsonl'));
  for (const w of parsed.warnings) warn(w);
  return checkRun(dir, parsed.ops, checkerSpecsFor(scenario));
}

/** results.json's exact text. */
export function resultsText(r: RunResults): string {
  return JSON.stringify(r, null, 2) + '\n';
}
