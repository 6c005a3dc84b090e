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

/**
 * A key's value as the chain of appends that built it, with its length and its FNV-1a hash kept
 * incrementally (the hash of the whole text). A string state cost a concatenation, a flattening
 * and an O(length) hash per search step, and most of a 50-client check's time went to collecting
 * those strings; here a step allocates one small object, and the text is built only when a read
 * whose length and hash match must be confirmed, or when two cached states' hashes agree.
 */
export interface KvState {
  readonly parent: KvState | null;
  /** Appended to the parent's text (the whole text on the empty state's children). */
  readonly value: string;
  readonly length: number;
  readonly hash: number;
  text: string | undefined;
}

const EMPTY: KvState = { parent: null, value: '', length: 0, hash: fnv1a(''), text: '' };

function append(s: KvState, v: string): KvState {
  return v.length === 0 ? s : { parent: s, value: v, length: s.length + v.length, hash: fnv1a(v, s.hash), text: undefined };
}

/** The text, built once per state object (iteratively: a chain can be thousands of appends long). */
export function kvText(s: KvState): string {
  if (s.text !== undefined) return s.text;
  const chain: KvState[] = [];
  let n: KvState = s;
  while (n.text === undefined) {
    chain.push(n);
    n = n.parent!;
  }
  let t = n.text;
  for (let i = chain.length - 1; i >= 0; i--) {
    t += chain[i]!.value;
    chain[i]!.text = t;
  }
  return t;
}

/**
 * FNV-1a of every prefix of a read's value (index = prefix length), computed once per read and
 * kept with it: the memo holds a check's own read outputs weakly, so it ends with the check.
 */
const prefixHashes = new WeakMap<KvOutput, Int32Array>();
function prefixHash(read: KvOutput, v: string): Int32Array {
  let h = prefixHashes.get(read);
  if (h === undefined) {
    h = new Int32Array(v.length + 1);
    let x = 0x811c9dc5;
    h[0] = x | 0;
    for (let i = 0; i < v.length; i++) {
      x ^= v.charCodeAt(i);
      x = Math.imul(x, 0x01000193);
      h[i + 1] = x | 0;
    }
    prefixHashes.set(read, h);
  }
  return h;
}

/** Is `s` a prefix of `v`, the value `read` saw? Hash first (different hashes: certainly not), text only to confirm. */
function isPrefix(s: KvState, read: KvOutput, v: string): boolean {
  if (s.length > v.length || prefixHash(read, v)[s.length] !== s.hash) return false;
  return s.length === 0 || v.startsWith(kvText(s));
}

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: 'kv',
  init: () => EMPTY,
  step(state, input, output) {
    switch (input.f) {
      case 0: {
        const v = output.value;
        return [v === null || (v.length === state.length && isPrefix(state, output, v)), state];
      }
      case 1:
        return [true, append(EMPTY, input.value)];
      default:
        return [true, append(state, input.value)];
    }
  },
  equal: (a, b) => a === b || (a.length === b.length && a.hash === b.hash && kvText(a) === kvText(b)),
  hash: (s) => s.hash,
  partition: (input) => input.key,
  // Appends only grow the value; a put replaces it.
  monotone: {
    reset: (input) => input.f === 1,
    // Only a proof that the state is not a prefix prunes: isPrefix is exact.
    reachable: (state, input, output) => input.f !== 0 || output.value === null || isPrefix(state, output, output.value),
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
  describeState: (s) => `'${kvText(s)}'`,
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
