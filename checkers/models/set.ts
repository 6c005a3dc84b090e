/**
 * A set per key with add and read: a read returns the whole set. States are sorted arrays of the
 * elements' texts (7 and "7" are one element, as Redis replies are strings); order in a read does
 * not matter.
 */
import { fnv1a } from '../util/hash.js';
import { elementText, known, type Model, ModelError } from './model.js';

export interface SetInput {
  f: 0 | 1; // add, read
  key: string;
  value: string; // JSON text of the added element
}
/** Sorted JSON texts of the elements read; null: unknown. */
export interface SetOutput {
  value: string[] | null;
}

function canonSet(v: unknown, opIndex: number): string[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new ModelError(opIndex, `set read must return an array, got ${JSON.stringify(v)}`);
  return [...new Set(v.map(elementText))].sort();
}

function sameArray(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Insert into a sorted array, copying (states are immutable). */
function insertSorted(s: readonly string[], x: string): readonly string[] {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  if (s[lo] === x) return s;
  const out = s.slice();
  out.splice(lo, 0, x);
  return out;
}

const UNKNOWN: SetOutput = { value: null };

export const setModel: Model<readonly string[], SetInput, SetOutput> = {
  name: 'set',
  init: () => [],
  step(state, input, output) {
    if (input.f === 0) return [true, insertSorted(state, input.value)];
    return [output.value === null || sameArray(output.value, state), state];
  },
  equal: sameArray,
  hash(s) {
    let h = s.length;
    for (const x of s) h ^= fnv1a(x);
    return h;
  },
  partition: (input) => input.key,
  describeOperation(input, output) {
    if (input.f === 0) return `add(${input.value})`;
    return `read() -> ${output.value === null ? 'unknown' : `#{${output.value.join(' ')}}`}`;
  },
  describeState: (s) => `#{${s.join(' ')}}`,
  fromHistory(invoke, completion) {
    const key = invoke.key ?? '';
    const done = known(completion);
    switch (invoke.f) {
      case 'add':
        if (done !== null && done.type === 'fail') return null;
        return { input: { f: 0, key, value: elementText(invoke.value) }, output: done === null ? UNKNOWN : { value: [] } };
      case 'read':
      case 'final-read':
        if (done === null || done.type !== 'ok') return null;
        return { input: { f: 1, key, value: '' }, output: { value: canonSet(done.value, done.index) } };
      default:
        throw new ModelError(invoke.index, `set model has no operation "${invoke.f}" (add, read)`);
    }
  },
};
