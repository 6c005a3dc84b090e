/**
 * Sequential specifications for the linearizability checker, in Porcupine's shape. Models are pure:
 * step never mutates its arguments. Inputs and outputs must be plain data (structured-cloneable),
 * because partitions are shipped to worker threads, where the model is looked up again by name.
 */

import type { Op } from '../history/types.js';
import { fnv1a } from '../util/hash.js';

export interface ModelOp<I, O> {
  input: I;
  output: O;
}

export interface Model<S = unknown, I = unknown, O = unknown> {
  /** Registry name; workers find the model by it. */
  readonly name: string;
  init(): S;
  /** Can the system, in `state`, take `input` and answer `output`? And the state after. */
  step(state: S, input: I, output: O): [boolean, S];
  /** State equality for the search cache; `===` when absent. */
  equal?(a: S, b: S): boolean;
  /** 32-bit hash consistent with `equal`; lets the cache skip most equality tests. */
  hash?(state: S): number;
  /** Independent partition (e.g. the key) of an input; absent: one partition. */
  partition?(input: I): string;
  /**
   * For models whose state only grows between resets (appends, adds): lets the search drop a
   * configuration as soon as its state can no longer become one that an upcoming observation
   * saw. `reachable(state, input, output)`: starting from `state`, can ops other than resets lead
   * to a state where (input, output) is legal? `reset(input)`: may this op shrink or replace the state?
   */
  monotone?: { reset(input: I): boolean; reachable(state: S, input: I, output: O): boolean };
  describeOperation(input: I, output: O): string;
  describeState(state: S): string;
  /**
   * Turns an invoke and its completion into model terms. `completion` is null when the op never
   * completed or completed `info`: the output must then be "unknown" (never contradicts the model)
   * and the checker returns it at the end of the history, as Porcupine does. Returns null for ops
   * that cannot have had an effect and observed nothing (failed writes, reads of unknown result).
   * Throws ModelError for ops the model does not understand.
   */
  fromHistory(invoke: Op, completion: Op | null): ModelOp<I, O> | null;
}

/** A history the model cannot interpret (an f it does not know, a malformed value). */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly opIndex: number,
    reason: string,
  ) {
    super(`op ${opIndex}: ${reason}`);
  }
}

/** Hash of a scalar model value (number, string, boolean, null). */
export function hashScalar(v: unknown): number {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return Math.imul(v, 0x9e3779b1) | 0;
    return fnv1a(String(v), 0x1234567);
  }
  if (typeof v === 'string') return fnv1a(v);
  if (v === null || v === undefined) return 0x5bd1e995;
  if (v === true) return 0x27d4eb2f;
  if (v === false) return 0x165667b1;
  return fnv1a(JSON.stringify(v));
}

/**
 * Register values compared by value. Numbers become their decimal text, because Redis replies
 * are strings and `1834` written reads back as `"1834"` (checkers/CONVENTIONS.md); anything
 * structured compares by its JSON text.
 */
export function scalar(v: unknown): string | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return '\u0000json:' + JSON.stringify(v);
}

export function showScalar(v: unknown): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return v.startsWith('\u0000json:') ? v.slice(6) : /^-?\d+(\.\d+)?$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

/** A set or list element as comparable text: 7 and "7" are the same element. */
export function elementText(v: unknown): string {
  return JSON.stringify(typeof v === 'number' ? String(v) : v);
}

/** Ops a history may carry that no data model judges (standalone WAITs). */
export const NON_DATA_FS: ReadonlySet<string> = new Set(['wait']);

/** Is this completion a definite "did not happen" (failed with an error, not a semantic fail)? */
export function failedWithError(completion: Op | null): boolean {
  return completion !== null && completion.type === 'fail' && completion.error !== undefined;
}

/** Null for info completions and missing ones: the result is unknown. */
export function known(completion: Op | null): Op | null {
  return completion !== null && completion.type !== 'info' ? completion : null;
}
