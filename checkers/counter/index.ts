/**
 * counter, as Jepsen's `jepsen.checker/counter`: a counter starts at 0; at each ok read the value
 * must lie between the sum of ok increments completed before the read began (lower bound) and the
 * sum of increments that might have taken effect by the time it completed (upper bound: every add
 * invoked so far, except those that certainly failed). Generalised: per `key`, `incr` (value
 * defaults to 1) alongside `add`, and negative deltas (which lower the lower bound on invoke and the
 * upper bound on ok, the mirror of positive ones).
 */

import { opIndex, pairOps } from '../faults.js';
import type { Checker, CheckerResult, History, ProcessId, Validity } from '../history/types.js';

export interface CounterOptions {
  /** Fs that add their value (or 1) to the counter. Default add, incr. */
  addFs?: readonly string[];
  /** The f of reads. Default read (final-read is accepted too). */
  readFs?: readonly string[];
}

export interface CounterError {
  key: string;
  lower: number;
  value: unknown;
  upper: number;
  invokeIndex: number;
  index: number;
  message: string;
}

export interface CounterResult extends CheckerResult {
  valid: Validity;
  /** [lower, value, upper] per ok read, in completion order. */
  reads: Array<[number, unknown, number]>;
  errors: CounterError[];
  /** Ops whose value was not a finite number (ignored). */
  malformed: number[];
}

interface KeyBounds {
  lower: number;
  upper: number;
  pending: Map<ProcessId, number>;
}

export function checkCounter(history: History, opts: CounterOptions = {}): CounterResult {
  const addFs = new Set(opts.addFs ?? ['add', 'incr']);
  const readFs = new Set(opts.readFs ?? ['read', 'final-read']);
  const { completion, invocation } = pairOps(history);
  const keys = new Map<string, KeyBounds>();
  const reads: CounterResult['reads'] = [];
  const errors: CounterError[] = [];
  const malformed: number[] = [];
  const delta = (v: unknown, f: string): number | null => {
    if (v === null || v === undefined) return f === 'incr' ? 1 : null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : null;
  };
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.process === 'nemesis') continue;
    const k = op.key ?? '';
    let b = keys.get(k);
    if (!b) keys.set(k, (b = { lower: 0, upper: 0, pending: new Map() }));
    if (readFs.has(op.f)) {
      if (op.type === 'invoke') {
        const c = completion[i]!;
        if (c >= 0 && history[c]!.type === 'ok') b.pending.set(op.process, b.lower);
      } else if (op.type === 'ok') {
        const lower = b.pending.get(op.process);
        if (lower === undefined) continue;
        b.pending.delete(op.process);
        const v = delta(op.value, op.f);
        reads.push([lower, op.value, b.upper]);
        if (v === null || v < lower || v > b.upper) {
          const inv = invocation[i]! >= 0 ? invocation[i]! : i;
          errors.push({
            key: k,
            lower,
            value: op.value,
            upper: b.upper,
            invokeIndex: opIndex(history, inv),
            index: opIndex(history, i),
            message: `read of ${JSON.stringify(op.value)} from ${k === '' ? 'the counter' : `counter ${k}`} (op ${opIndex(history, i)}) outside [${lower}, ${b.upper}]`,
          });
        }
      }
    } else if (addFs.has(op.f)) {
      const v = delta(op.value, op.f);
      if (v === null) {
        if (op.type === 'invoke') malformed.push(opIndex(history, i));
        continue;
      }
      if (op.type === 'invoke') {
        const c = completion[i]!;
        if (c >= 0 && history[c]!.type === 'fail') continue;
        if (v >= 0) b.upper += v;
        else b.lower += v;
      } else if (op.type === 'ok') {
        if (v >= 0) b.lower += v;
        else b.upper += v;
      }
    }
  }
  return { valid: errors.length === 0, reads, errors, malformed };
}

export const counterChecker: Checker<CounterResult, CounterOptions> = {
  name: 'counter',
  check: (history, opts) => checkCounter(history, opts),
};
