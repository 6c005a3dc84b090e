/**
 * A string key-value map with get, put and append (Porcupine's KV model), partitioned by key: each
 * key starts as the empty string; get must return the current value (nil reads as "").
 */
import { fnv1a } from '../util/hash.js';
import { known, type Model, ModelError } from './model.js';

export interface KvInput {
  f: 0 | 1 | 2; // get, put, append
  key: string;
  value: string;
}
/** null: unknown result. */
export interface KvOutput {
  value: string | null;
}

const UNKNOWN: KvOutput = { value: null };
const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v));

export const kvModel: Model<string, KvInput, KvOutput> = {
  name: 'kv',
  init: () => '',
  step(state, input, output) {
    switch (input.f) {
      case 0:
        return [output.value === null || output.value === state, state];
      case 1:
        return [true, input.value];
      default:
        return [true, state + input.value];
    }
  },
  hash: (s) => fnv1a(s),
  partition: (input) => input.key,
  // Appends only grow the value; a put replaces it.
  monotone: {
    reset: (input) => input.f === 1,
    reachable: (state, input, output) => input.f !== 0 || output.value === null || output.value.startsWith(state),
  },
  describeOperation(input, output) {
    switch (input.f) {
      case 0:
        return `get('${input.key}') -> ${output.value === null ? 'unknown' : `'${output.value}'`}`;
      case 1:
        return `put('${input.key}', '${input.value}')`;
      default:
        return `append('${input.key}', '${input.value}')`;
    }
  },
  describeState: (s) => `'${s}'`,
  fromHistory(invoke, completion) {
    const key = invoke.key ?? '';
    const done = known(completion);
    switch (invoke.f) {
      case 'get':
      case 'read':
      case 'final-read':
        if (done === null || done.type !== 'ok') return null;
        return { input: { f: 0, key, value: '' }, output: { value: str(done.value) } };
      case 'put':
      case 'write':
      case 'append': {
        if (done !== null && done.type === 'fail') return null;
        const f = invoke.f === 'append' ? 2 : 1;
        return { input: { f, key, value: str(invoke.value) }, output: done === null ? UNKNOWN : { value: '' } };
      }
      default:
        throw new ModelError(invoke.index, `kv model has no operation "${invoke.f}" (get, put, append)`);
    }
  },
};
