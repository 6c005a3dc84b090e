/**
 * A list per key with append and read (the single-key form of Jepsen's list-append). A list state
 * is its elements' JSON texts joined by a separator that JSON never contains, so states compare
 * with === and hash as strings.
 */
import { fnv1a } from '../util/hash.js';
import { elementText, known, type Model, ModelError } from './model.js';

const SEP = '\u0001';

export interface ListInput {
  f: 0 | 1; // append, read
  key: string;
  value: string; // JSON text of the appended element
}
/** The list read, encoded as the state is; null: unknown. */
export interface ListOutput {
  value: string | null;
}

function encodeList(v: unknown, opIndex: number): string {
  if (v === null || v === undefined) return '';
  if (!Array.isArray(v)) throw new ModelError(opIndex, `list read must return an array, got ${JSON.stringify(v)}`);
  return v.map(elementText).join(SEP);
}
const show = (s: string): string => `[${s === '' ? '' : s.split(SEP).join(' ')}]`;
const UNKNOWN: ListOutput = { value: null };

export const listAppendModel: Model<string, ListInput, ListOutput> = {
  name: 'list-append',
  init: () => '',
  step(state, input, output) {
    if (input.f === 0) return [true, state === '' ? input.value : state + SEP + input.value];
    return [output.value === null || output.value === state, state];
  },
  hash: (s) => fnv1a(s),
  partition: (input) => input.key,
  // Lists only grow: a read must show the current list as a prefix.
  monotone: {
    reset: () => false,
    reachable: (state, input, output) =>
      input.f !== 1 || output.value === null || state === '' || output.value === state || output.value.startsWith(state + SEP),
  },
  describeOperation(input, output) {
    if (input.f === 0) return `append(${input.value})`;
    return `read() -> ${output.value === null ? 'unknown' : show(output.value)}`;
  },
  describeState: show,
  fromHistory(invoke, completion) {
    const key = invoke.key ?? '';
    const done = known(completion);
    switch (invoke.f) {
      case 'append':
        if (done !== null && done.type === 'fail') return null;
        return { input: { f: 0, key, value: elementText(invoke.value) }, output: done === null ? UNKNOWN : { value: '' } };
      case 'read':
      case 'final-read':
        if (done === null || done.type !== 'ok') return null;
        return { input: { f: 1, key, value: '' }, output: { value: encodeList(done.value, done.index) } };
      default:
        throw new ModelError(invoke.index, `list-append model has no operation "${invoke.f}" (append, read)`);
    }
  },
};
