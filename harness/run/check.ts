import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckerResult, History, Validity } from '../../checkers/history/types.js';
import { compose } from '../../checkers/compose.js';
import { getChecker } from '../../checkers/registry.js';
import type { CheckerSpec } from '../../workloads/workload.js';

export const RESULTS_VERSION = 1;

/** results.json: the composed checker results plus what the report and the gate need. */
export interface RunResults {
  version: typeof RESULTS_VERSION;
  valid: Validity;
  checkers: Record<string, CheckerResult>;
  opCount: number;
}

/** Jepsen's exit codes: 0 valid, 1 invalid, 2 unknown (3+ means the run itself failed). */
export function exitCodeOf(v: Validity): number {
  return v === true ? 0 : v === false ? 1 : 2;
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
