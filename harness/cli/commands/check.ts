/**
 * `splitbrain check <file or run dir>`: re-check a stored history. Exit codes as Jepsen's: 0 valid,
 * 1 invalid, 2 unknown, 3 refused input (the `file:line: reason` message on stderr, no stack).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CycleAnomaly, ElleResult } from '../../../checkers/elle/checker.js';
import { HistoryError } from '../../../checkers/history/errors.js';
import type { CheckerResult, Validity } from '../../../checkers/history/types.js';
import type { LinearizableResult } from '../../../checkers/linearizable/checker.js';
import { ModelError, models } from '../../../checkers/models/index.js';
import { getChecker } from '../../../checkers/registry.js';
import { EXIT_CODES, exitCodeOf, validWord } from '../../../reports/types.js';
import { workloads } from '../../../workloads/index.js';
import { readHistoryFile, resolveHistoryInput } from '../../history/read.js';

export interface CheckCliOptions {
  checker?: string;
  model?: string;
  /** Elle-style checker: models the history must satisfy (comma-separated). */
  consistencyModels?: string;
  json?: boolean;
  /** Seconds. */
  timeLimit?: number;
  /** Run directory: rewrite results.json and the report. */
  update?: boolean;
}

export interface CheckIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: CheckIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
};

/** A model named by scenario.json (`model`, or `workload.model`, or a workload named like a model). */
function scenarioModel(scenario: unknown): string | undefined {
  if (scenario === null || typeof scenario !== 'object') return undefined;
  const s = scenario as Record<string, unknown>;
  const w = s.workload;
  const candidates = [
    s.model,
    w !== null && typeof w === 'object' ? (w as Record<string, unknown>).model : undefined,
    w !== null && typeof w === 'object' ? (w as Record<string, unknown>).name : w,
  ];
  for (const c of candidates) if (typeof c === 'string' && models.has(c)) return c;
  return undefined;
}

/** The verdict word, shouted when invalid. */
const verdictText = (v: Validity): string => (v === false ? 'INVALID' : validWord(v));

function summarizeLinearizable(r: LinearizableResult, io: CheckIo): void {
  const verdict = r.valid === true ? 'linearizable' : r.valid === false ? 'NOT LINEARIZABLE' : 'unknown (time limit reached)';
  io.out(`linearizable (model ${r.model}): ${verdict}`);
  io.out(
    `  ${r.opCount} ops checked in ${r.partitionCount} partition(s)${r.dropped ? `, ${r.dropped} left out (failed writes, reads without a result)` : ''}${r.workers ? `, ${r.workers} worker threads` : ''}`,
  );
  const show = (k: string): string => (k === '' ? '(single register)' : `key ${JSON.stringify(k)}`);
  for (const p of r.partitions) {
    if (p.valid === true) continue;
    const lin = p.longestLinearizable[0] ?? [];
    io.out(`  ${show(p.key)}: ${p.valid === false ? 'not linearizable' : 'undecided'}; longest linearizable prefix ${lin.length} of ${p.opCount} ops`);
    const desc = new Map((p.ops ?? []).map((o) => [o.index, o]));
    const states = p.states[0] ?? [];
    for (let j = Math.max(0, lin.length - 3); j < lin.length; j++) {
      const o = desc.get(lin[j]!);
      io.out(`    op ${lin[j]} (process ${o?.process}) ${o?.description ?? ''} -> state ${states[j + 1] ?? '?'}`);
    }
    if (p.stuckAt !== undefined) {
      const o = desc.get(p.stuckAt);
      io.out(`    cannot place op ${p.stuckAt} (process ${o?.process}) ${o?.description ?? ''} after that (${p.nonLinearizable.length} ops unplaced)`);
    }
  }
}

function summarizeElle(r: ElleResult, io: CheckIo): void {
  io.out(`elle (${r.workload}, models ${r.consistencyModels.join(', ') || 'none'}): ${verdictText(r.valid)}${r.error ? ` — ${r.error}` : ''}`);
  io.out(`  ${r.txnCount} transactions, ${r.graph.edges} dependencies (${r.graph.relations.join(', ')}), ${r.graph.cyclicComponents} cyclic component(s)`);
  for (const t of r.anomalyTypes) io.out(`  ${t} ×${r.anomalyCounts[t]}: ${r.anomalies[t]![0]!.message}`);
  if (r.not.length) io.out(`  not ${r.not.join(', ')}${r.alsoNot.length ? ` (nor ${r.alsoNot.join(', ')})` : ''}`);
  const cycle = Object.values(r.anomalies)
    .flat()
    .find((a): a is CycleAnomaly => 'explanation' in a);
  if (cycle) io.out(`\n${cycle.type}:\n${cycle.explanation}`);
}

export async function runCheck(target: string, opts: CheckCliOptions, io: CheckIo = stdio): Promise<number> {
  try {
    // A stored run without --checker: judge it as the run did, reproducing results.json exactly.
    if (opts.checker === undefined && (await isRunDir(target))) {
      // Loaded here: a stored run's checkers and report are the bulk of what a check could need.
      const [{ recheckRun, resultsText }, { writeReport }] = await Promise.all([import('../../run/check.js'), import('../../../reports/report.js')]);
      const results = await recheckRun(target, (w) => io.err(`warning: ${w}`));
      if (opts.update) {
        // Re-judge a stored run with today's checkers: results.json and the report follow.
        await writeFile(join(target, 'results.json'), resultsText(results));
        await writeReport(target, { storeIndex: false });
      }
      if (opts.json) io.out(resultsText(results).trimEnd());
      else {
        io.out(`${target}: ${verdictText(results.valid)}`);
        for (const [name, r] of Object.entries(results.checkers)) io.out(`  ${name.padEnd(14)} ${verdictText(r.valid)}`);
      }
      return exitCodeOf(results.valid);
    }
    const checker = getChecker(opts.checker ?? 'linearizable');
    const input = await resolveHistoryInput(target);
    const parsed = await readHistoryFile(input.historyPath);
    for (const w of parsed.warnings) io.err(`warning: ${w}`);
    const model = opts.model ?? parsed.modelHint ?? scenarioModel(input.scenario);
    const checkerOpts: Record<string, unknown> = {};
    if (model !== undefined) checkerOpts.model = model;
    if (opts.timeLimit !== undefined) checkerOpts.timeLimitMs = opts.timeLimit * 1000;
    if (opts.consistencyModels !== undefined) checkerOpts.consistencyModels = opts.consistencyModels.split(',').filter((m) => m !== '');
    if (input.scenario !== undefined) checkerOpts.scenario = input.scenario;
    const result: CheckerResult = await checker.check(parsed.ops, checkerOpts);
    if (opts.json) {
      io.out(
        JSON.stringify({ file: input.historyPath, format: parsed.format, ops: parsed.ops.length, warnings: parsed.warnings, checker: checker.name, result }),
      );
    } else {
      io.out(`${input.historyPath}: ${parsed.format}, ${parsed.ops.length} ops`);
      if (checker.name === 'linearizable') summarizeLinearizable(result as LinearizableResult, io);
      else if (checker.name === 'elle') summarizeElle(result as ElleResult, io);
      else io.out(`${checker.name}: ${verdictText(result.valid)}`);
    }
    return exitCodeOf(result.valid);
  } catch (e) {
    if (e instanceof HistoryError || e instanceof ModelError) {
      io.err(e.message);
      return EXIT_CODES.crashed;
    }
    // Unknown checker/model names and unreadable inputs are refusals too; keep stack traces off.
    io.err(`splitbrain check: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_CODES.crashed;
  }
}

/** A splitbrain run directory: history.jsonl plus a scenario.json naming one of our workloads. */
async function isRunDir(path: string): Promise<boolean> {
  try {
    if (!(await stat(join(path, 'history.jsonl'))).isFile()) return false;
    const s = JSON.parse(await readFile(join(path, 'scenario.json'), 'utf8')) as { workload?: unknown; topology?: unknown };
    return typeof s.workload === 'string' && workloads.has(s.workload) && typeof s.topology === 'object';
  } catch {
    return false;
  }
}
