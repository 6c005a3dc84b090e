/** One partition: search, then the data a Porcupine-style visualization needs. Runs in workers too. */
import type { Validity } from '../history/types.js';
import type { Model } from '../models/model.js';
import type { PreparedPartition } from './prepare.js';
import { type SearchOutcome, search, viewOutcome } from './search.js';

/** State descriptions longer than this are cut (an append-only list would otherwise be O(n²)). */
const MAX_STATE_CHARS = 2000;

export interface PartitionOpInfo {
  /** History index of the invoke. */
  index: number;
  /** History index of the completion; null if none or info (result unknown). */
  completion: number | null;
  process: number;
  description: string;
}

export interface PartitionResult {
  key: string;
  valid: Validity;
  /** Ops of this partition that entered the check. */
  opCount: number;
  /**
   * Partial linearizations, each as history indices of invokes in linearization order. One entry:
   * the longest found (the complete linearization when valid).
   */
  longestLinearizable: number[][];
  /**
   * For each linearization, describeState along it: states[i][0] is the initial state,
   * states[i][j + 1] the state after its j-th op.
   */
  states: string[][];
  /** Ops (invoke indices) not in the longest linearization, in history order. */
  nonLinearizable: number[];
  /** The op whose completion could not be met after the longest prefix (not valid only). */
  stuckAt?: number;
  /** Descriptions of every op of the partition, for partitions that are not valid. */
  ops?: PartitionOpInfo[];
  /** Search work, for benchmarks and reports. */
  steps: number;
  cacheSize: number;
  timedOut?: boolean;
  /** Search stopped because another partition was already found not linearizable. */
  cancelled?: boolean;
}

function cut(s: string): string {
  return s.length > MAX_STATE_CHARS ? s.slice(0, MAX_STATE_CHARS) + `… (${s.length} chars)` : s;
}

export function checkPartition<S, I, O>(model: Model<S, I, O>, p: PreparedPartition, deadline?: number): PartitionResult {
  return describePartition(model, p, viewOutcome(model, p, search(model, p, deadline === undefined ? {} : { deadline }), deadline));
}

/** The visualization data for a search outcome: the linearization, states along it, what is left. */
export function describePartition<S, I, O>(model: Model<S, I, O>, p: PreparedPartition, out: SearchOutcome, cancelled = false): PartitionResult {
  const inputs = p.inputs as I[];
  const outputs = p.outputs as O[];
  const lin: number[] = new Array<number>(out.best.length);
  const states: string[] = [cut(model.describeState(model.init()))];
  let s = model.init();
  for (let j = 0; j < out.best.length; j++) {
    const id = out.best[j]!;
    lin[j] = p.opIndex[id]!;
    const r = model.step(s, inputs[id]!, outputs[id]!);
    s = r[1];
    states.push(cut(model.describeState(s)));
  }
  const result: PartitionResult = {
    key: p.key,
    valid: out.valid,
    opCount: p.inputs.length,
    longestLinearizable: [lin],
    states: [states],
    nonLinearizable: [],
    steps: out.steps,
    cacheSize: out.cacheSize,
  };
  if (out.valid !== true) {
    const inBest = new Uint8Array(p.inputs.length);
    for (const id of out.best) inBest[id] = 1;
    for (let id = 0; id < inBest.length; id++) if (!inBest[id]) result.nonLinearizable.push(p.opIndex[id]!);
    result.nonLinearizable.sort((a, b) => a - b);
    if (out.stuck >= 0) result.stuckAt = p.opIndex[out.stuck]!;
    result.ops = p.opIndex.map((index, id) => ({
      index,
      completion: p.retIndex[id]! >= 0 ? p.retIndex[id]! : null,
      process: p.process[id]!,
      description: model.describeOperation(inputs[id]!, outputs[id]!),
    }));
    if (out.valid === 'unknown') {
      if (cancelled) result.cancelled = true;
      else result.timedOut = true;
    }
  }
  return result;
}

/** The result for a partition never searched (the time budget ran out before it started). */
export function unsearchedPartition(p: PreparedPartition, cancelled = false): PartitionResult {
  return {
    key: p.key,
    valid: 'unknown',
    opCount: p.inputs.length,
    longestLinearizable: [[]],
    states: [[]],
    nonLinearizable: [...p.opIndex].sort((a, b) => a - b),
    steps: 0,
    cacheSize: 0,
    ...(cancelled ? { cancelled: true } : { timedOut: true }),
  };
}
