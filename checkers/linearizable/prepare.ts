/**
 * From a history to per-partition operation tables: invokes paired with their completions, turned
 * into model input/output, split by the model's partition key, numbered in call order. Plain data
 * only, so a partition can be posted to a worker thread as is.
 */
import type { History, Op } from '../history/types.js';
import { type Model, NON_DATA_FS } from '../models/model.js';

export interface PreparedPartition {
  key: string;
  /** Per op id (call order): the history index of its invoke. */
  opIndex: number[];
  /** History index of the completion, -1 if none or info (result unknown). */
  retIndex: number[];
  process: number[];
  /** Invocation time. */
  call: number[];
  /** Completion time; Infinity when the result is unknown (Porcupine: returns at the end). */
  ret: number[];
  inputs: unknown[];
  outputs: unknown[];
}

export interface Prepared {
  partitions: PreparedPartition[];
  /** Ops that entered the check (after dropping those that cannot matter, such as failed writes). */
  opCount: number;
  dropped: number;
}

interface Pair {
  invoke: Op;
  completion: Op | null;
}

export function prepare<S, I, O>(history: History, model: Model<S, I, O>): Prepared {
  const pending = new Map<number, Op>();
  const pairs: Pair[] = [];
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') {
      const prev = pending.get(op.process);
      // Histories are validated on input; be lenient with hand-built ones: a re-invoke abandons
      // the earlier op as never completed.
      if (prev !== undefined) pairs.push({ invoke: prev, completion: null });
      pending.set(op.process, op);
    } else {
      const inv = pending.get(op.process);
      if (inv === undefined) continue; // unmatched completion: nothing to check
      pending.delete(op.process);
      pairs.push({ invoke: inv, completion: op });
    }
  }
  for (const inv of pending.values()) pairs.push({ invoke: inv, completion: null });

  const byKey = new Map<string, { pair: Pair; input: I; output: O }[]>();
  let dropped = 0;
  for (const pair of pairs) {
    if (NON_DATA_FS.has(pair.invoke.f)) {
      dropped++;
      continue;
    }
    const m = model.fromHistory(pair.invoke, pair.completion);
    if (m === null) {
      dropped++;
      continue;
    }
    const key = model.partition ? model.partition(m.input) : '';
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    list.push({ pair, input: m.input, output: m.output });
  }

  const keys = [...byKey.keys()].sort(compareKeys);
  const partitions: PreparedPartition[] = [];
  let opCount = 0;
  for (const key of keys) {
    const list = byKey.get(key)!;
    list.sort((a, b) => a.pair.invoke.time - b.pair.invoke.time || a.pair.invoke.index - b.pair.invoke.index);
    const p: PreparedPartition = { key, opIndex: [], retIndex: [], process: [], call: [], ret: [], inputs: [], outputs: [] };
    for (const { pair, input, output } of list) {
      const c = pair.completion;
      const unknown = c === null || c.type === 'info';
      p.opIndex.push(pair.invoke.index);
      p.retIndex.push(unknown ? -1 : c.index);
      p.process.push(pair.invoke.process as number);
      p.call.push(pair.invoke.time);
      p.ret.push(unknown ? Infinity : c.time);
      p.inputs.push(input);
      p.outputs.push(output);
    }
    opCount += list.length;
    partitions.push(p);
  }
  return { partitions, opCount, dropped };
}

/** Numeric keys in numeric order ("2" before "10"), others lexicographically. */
export function compareKeys(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  const aNum = a !== '' && Number.isFinite(na);
  const bNum = b !== '' && Number.isFinite(nb);
  if (aNum && bNum) return na - nb || (a < b ? -1 : a > b ? 1 : 0);
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
