import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compose } from '../../checkers/compose.js';
import { NODE_STATE_F } from '../../checkers/convergence/index.js';
import type { CheckerResult, History, Validity } from '../../checkers/history/types.js';
import { getChecker } from '../../checkers/registry.js';
import { getWorkload } from '../../workloads/index.js';
import type { CheckerSpec, WorkloadOptions } from '../../workloads/workload.js';
import { readHistoryFile } from '../history/read.js';
import { faultModelOf, lastArg } from './facts.js';
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
  // Replicas' datasets read after the final heal (harness/run/convergence.ts): every replica must equal its primary.
  if (history.some((op) => op.f === NODE_STATE_F)) all.push({ name: 'convergence' });
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
  // The fault model recorded with the run (older runs: derived from the scenario as it is now).
  const windows: Record<string, unknown> = { ...(s.faultModel ?? faultModelOf(s)) };
  if (lag !== undefined) windows.minReplicasMaxLagS = Number(lag);
  if (toWrite > 0) windows.minReplicasToWrite = toWrite;
  const perChecker: Record<string, Record<string, unknown>> = {
    'lost-writes': windows,
    'set-full': windows,
    'min-replicas': windows,
    linearizable: { faultModel: windows },
    elle: { faultModel: windows },
    lock: { faultModel: windows },
    // WAIT's reply can never exceed the replicas of the primary it ran on.
    wait: { ...windows, maxReplicas: s.topology.kind === 'single' ? 0 : s.topology.replicas },
  };
  return workload.checkers(wopts).map((c) => (perChecker[c.name] ? { ...c, options: { ...perChecker[c.name], ...c.options } } : c));
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
