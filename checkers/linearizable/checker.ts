/**
 * The linearizability checker (a Porcupine port): history → per-partition WGL search → verdict and
 * the data for a linearization view. Pure apart from optionally spreading partitions over worker
 * threads.
 */
import type { Checker, CheckerResult, History, Validity } from '../history/types.js';
import { type Allowances, allowancesOf, relaxes, relaxHistory } from '../lost-writes/relax.js';
import { resolveWindowOptions, type WindowOptions } from '../lost-writes/windows.js';
import { getModel, inferModel, type Model, models } from '../models/index.js';
import { checkInWorkers, defaultWorkerCount, resolveWorkerUrl } from './parallel.js';
import { describePartition, type PartitionResult, unsearchedPartition } from './partition.js';
import { type PreparedPartition, prepare } from './prepare.js';
import { type ReductionReport, reducePartitions } from './reduce.js';
import { type SearchOutcome, searchFor, viewOutcome } from './search.js';

// The checker is generic over models of any state/input/output types.
// biome-ignore lint/suspicious/noExplicitAny: type-erased model
type AnyModel = Model<any, any, any>;

export interface LinearizableOptions {
  /** Model name (see checkers/models) or a model; inferred from the ops' f when absent. */
  model?: string | AnyModel;
  /** Time budget in ms (0: none, as Porcupine); past it the verdict is 'unknown' unless a partition is invalid. */
  timeLimitMs?: number;
  /** Absolute deadline (Date.now() ms), e.g. a budget shared with other checkers; the earlier one wins. */
  deadline?: number;
  /** Worker threads: 'auto' (default) uses them for several partitions and enough ops. */
  parallel?: boolean | 'auto';
  /** Pool size; default: available parallelism. */
  workers?: number;
  /**
   * Stop searching the other partitions once one is not linearizable (default true, as Porcupine
   * without verbose mode): the verdict is decided, the failing partition's data is complete, and
   * the rest are reported `cancelled` with their partial result. False: search every partition.
   */
  stopOnIllegal?: boolean;
  /**
   * The system's fault model (../lost-writes/windows.ts). When given and the history is not
   * linearizable, it is checked again relaxed by what the model allows (../lost-writes/relax.ts): keys that pass
   * then are `explained` (expected by design or lost by configuration), not invalid.
   */
  faultModel?: WindowOptions;
}

/** Non-linearizable keys that the fault model explains. */
export interface ExplainedViolations extends Allowances {
  keys: string[];
}

export interface LinearizableResult extends CheckerResult {
  valid: Validity;
  checker: 'linearizable';
  model: string;
  /** Ops checked, and ops left out because they cannot matter (failed writes, unknown reads). */
  opCount: number;
  dropped: number;
  partitionCount: number;
  /** Keys of partitions found not linearizable, and of those left undecided. */
  invalidKeys: string[];
  unknownKeys: string[];
  timedOut: boolean;
  /** Partitions left undecided because another one was found not linearizable. */
  cancelled: number;
  /** Worker threads used; 0 when checked in-process. */
  workers: number;
  /** What was done instead of (or before) a plain search: reductions and the partitions they applied to. */
  reductions: ReductionReport;
  partitions: PartitionResult[];
  /** Set when the strict check failed and the fault model explains every failing key. */
  explained?: ExplainedViolations;
}

/** Below this many ops in total, starting workers costs more than it saves. */
export const PARALLEL_MIN_OPS = 20_000;

export function resolveModel(history: History, model: LinearizableOptions['model']): AnyModel {
  if (model !== undefined) return typeof model === 'string' ? getModel(model) : model;
  const name = inferModel(history);
  if (name === undefined) {
    const fs = [...new Set(history.filter((o) => o.process !== 'nemesis').map((o) => o.f))].join(', ');
    throw new Error(`cannot infer a model from the operations (${fs || 'none'}); choose one with --model (${[...models.keys()].join(', ')})`);
  }
  return getModel(name);
}

function combine(parts: readonly PartitionResult[]): Validity {
  let v: Validity = true;
  for (const p of parts) {
    if (p.valid === false) return false;
    if (p.valid === 'unknown') v = 'unknown';
  }
  return v;
}

function assemble(
  model: AnyModel,
  prepared: ReturnType<typeof prepare>,
  partitions: PartitionResult[],
  workers: number,
  reductions: ReductionReport,
): LinearizableResult {
  const valid = combine(partitions);
  return {
    valid,
    checker: 'linearizable',
    model: model.name,
    opCount: prepared.opCount,
    dropped: prepared.dropped,
    partitionCount: partitions.length,
    invalidKeys: partitions.filter((p) => p.valid === false).map((p) => p.key),
    unknownKeys: partitions.filter((p) => p.valid === 'unknown').map((p) => p.key),
    timedOut: partitions.some((p) => p.timedOut === true),
    cancelled: partitions.filter((p) => p.cancelled === true).length,
    workers,
    reductions,
    partitions,
  };
}

function deadlineOf(start: number, opts: LinearizableOptions): number | undefined {
  const fromLimit = opts.timeLimitMs ? start + opts.timeLimitMs : undefined;
  if (opts.deadline === undefined) return fromLimit;
  return fromLimit === undefined ? opts.deadline : Math.min(fromLimit, opts.deadline);
}

/** Steps a partition's search runs before the next partition gets its turn. */
const QUANTUM = 1 << 16;

/**
 * All partitions in this thread, interleaved in quanta: a partition whose search explodes cannot
 * keep another from being found not linearizable (Porcupine gets this from goroutines).
 */
function checkInProcess(model: AnyModel, partitions: PreparedPartition[], deadline: number | undefined, stopOnIllegal: boolean): PartitionResult[] {
  const outcomes: (SearchOutcome | undefined)[] = new Array(partitions.length);
  const searches = partitions.map((p) => searchFor(model, p));
  let active = searches.map((_, i) => i);
  let illegal = false;
  while (active.length > 0 && !(illegal && stopOnIllegal)) {
    const still: number[] = [];
    for (const i of active) {
      if (illegal && stopOnIllegal) {
        still.push(i);
        continue;
      }
      const o = searches[i]!.run(QUANTUM, deadline);
      if (o === undefined) still.push(i);
      else {
        outcomes[i] = o;
        if (o.valid === false) illegal = true;
      }
    }
    active = still;
  }
  return partitions.map((p, i) => {
    const o = outcomes[i];
    return o !== undefined ? describePartition(model, p, viewOutcome(model, p, o, deadline)) : describePartition(model, p, searches[i]!.abandon(), true);
  });
}

/** In-process only; for callers that cannot await. */
export function checkLinearizableSync(history: History, opts: LinearizableOptions = {}): LinearizableResult {
  const start = Date.now();
  const model = resolveModel(history, opts.model);
  const prepared = prepare(history, model);
  const deadline = deadlineOf(start, opts);
  const red = reducePartitions(model, prepared.partitions);
  const parts = red.search.map((s) => s.partition);
  const stopOnIllegal = opts.stopOnIllegal ?? true;
  const searched =
    stopOnIllegal && [...red.decided.values()].some((r) => r.valid === false)
      ? parts.map((p) => unsearchedPartition(p, true))
      : checkInProcess(model, parts, deadline, stopOnIllegal);
  return assemble(model, prepared, merge(prepared.partitions.length, red, searched), 0, red.report);
}

/** Decided and searched partition results back in partition order. */
function merge(n: number, red: ReturnType<typeof reducePartitions>, searched: PartitionResult[]): PartitionResult[] {
  const out: PartitionResult[] = new Array(n);
  for (const [at, r] of red.decided) out[at] = r;
  red.search.forEach((s, i) => {
    out[s.at] = searched[i]!;
  });
  return out;
}

export async function checkLinearizable(history: History, opts: LinearizableOptions = {}): Promise<LinearizableResult> {
  const start = Date.now();
  const model = resolveModel(history, opts.model);
  const prepared = prepare(history, model);
  const deadline = deadlineOf(start, opts);
  const red = reducePartitions(model, prepared.partitions);
  const parts = red.search.map((s) => s.partition);
  const parallel = opts.parallel ?? 'auto';
  const workers = Math.max(1, opts.workers ?? defaultWorkerCount());
  // Workers rebuild the model from its registry name: only registered models can go there.
  const registered = models.get(model.name) === model;
  const workerUrl = parallel === false || !registered ? undefined : resolveWorkerUrl();
  if (parallel === true && (workerUrl === undefined || !registered)) {
    throw new Error(
      registered
        ? 'parallel check requested but the compiled worker (dist/checkers/linearizable/worker.js) is missing: run npm run build'
        : `parallel check needs a registered model, "${model.name}" is not`,
    );
  }
  const stopOnIllegal = opts.stopOnIllegal ?? true;
  const done = (searched: PartitionResult[], used: number): LinearizableResult =>
    assemble(model, prepared, merge(prepared.partitions.length, red, searched), used, red.report);
  // A partition decided without search is already not linearizable: the rest need not be searched.
  if (stopOnIllegal && [...red.decided.values()].some((r) => r.valid === false))
    return done(
      parts.map((p) => unsearchedPartition(p, true)),
      0,
    );
  const searchedOps = parts.reduce((a, p) => a + p.inputs.length, 0);
  const useWorkers = workerUrl !== undefined && parts.length >= 2 && (parallel === true || (workers >= 2 && searchedOps >= PARALLEL_MIN_OPS));
  if (!useWorkers) return done(checkInProcess(model, parts, deadline, stopOnIllegal), 0);
  const results = await checkInWorkers(model.name, parts, { workerUrl, workers, deadline, stopOnIllegal });
  return done(results, Math.min(workers, parts.length));
}

/**
 * The strict check, then — when it fails and a fault model is given — the relaxed one (../lost-writes/relax.ts):
 * valid with `explained` when the relaxed history is linearizable, unknown (with the keys it did
 * explain) when some key stays undecided, else the strict result.
 */
export async function checkLinearizableUnderFaults(history: History, opts: LinearizableOptions = {}): Promise<LinearizableResult> {
  const strict = await checkLinearizable(history, opts);
  if (strict.valid !== false || opts.faultModel === undefined) return strict;
  const r = relaxHistory(history, resolveWindowOptions(opts.faultModel));
  if (!relaxes(r)) return strict;
  const relaxed = await checkLinearizable(r.history, { ...opts, stopOnIllegal: false });
  // Still not linearizable with every allowance: an anomaly.
  if (relaxed.valid === false) return strict;
  // The strict violations the relaxed search decided are explained; a key it could not decide
  // (unknown: the allowances make its search larger) leaves the verdict unknown, not invalid —
  // the strict check stopped at its first illegal key and never judged the others.
  const explainedKeys = strict.invalidKeys.filter((k) => relaxed.partitions.some((p) => p.key === k && p.valid === true));
  if (explainedKeys.length === 0) return { ...relaxed, valid: 'unknown' };
  return {
    ...relaxed,
    explained: { keys: explainedKeys, ...allowancesOf(r) },
  };
}

export const linearizableChecker: Checker<LinearizableResult, LinearizableOptions> = {
  name: 'linearizable',
  check: (history, opts) => checkLinearizableUnderFaults(history, opts),
};
