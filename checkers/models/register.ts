/**
 * A read/write/compare-and-set register with etcd semantics (as Porcupine's etcd tests): the
 * register starts empty (nil); `cas [a b]` that completes ok required the value a and set b; one
 * that fails without an error text saw a value other than a. A fail with an error (NOREPLICAS,
 * timed-out ...) did not happen. Partitioned by op key when present.
 */
import { failedWithError, hashScalar, known, type Model, ModelError, scalar, showScalar } from './model.js';

type Val = string | boolean | null;
const READ = 0;
const WRITE = 1;
const CAS = 2;

export interface RegisterInput {
  f: 0 | 1 | 2;
  key: string;
  a: Val;
  b: Val;
}
/** `unknown`: the op's result was never observed. */
export interface RegisterOutput {
  unknown: boolean;
  ok: boolean;
  value: Val;
}

const UNKNOWN: RegisterOutput = { unknown: true, ok: false, value: null };

export const registerModel: Model<Val, RegisterInput, RegisterOutput> = {
  name: 'register',
  init: () => null,
  step(state, input, output) {
    switch (input.f) {
      case READ:
        return [output.unknown || output.value === state, state];
      case WRITE:
        return [true, input.a];
      default: {
        const matches = state === input.a;
        if (output.unknown) return [true, matches ? input.b : state];
        return output.ok ? [matches, input.b] : [!matches, state];
      }
    }
  },
  hash: hashScalar,
  partition: (input) => input.key,
  describeOperation(input, output) {
    switch (input.f) {
      case READ:
        return `read() -> ${output.unknown ? 'unknown' : showScalar(output.value)}`;
      case WRITE:
        return `write(${showScalar(input.a)})`;
      default:
        return `cas(${showScalar(input.a)}, ${showScalar(input.b)}) -> ${output.unknown ? 'unknown' : output.ok ? 'ok' : 'fail'}`;
    }
  },
  describeState: showScalar,
  fromHistory(invoke, completion) {
    const key = invoke.key ?? '';
    const done = known(completion);
    switch (invoke.f) {
      case 'read':
      case 'final-read':
        // A read with no known result neither observes nor changes anything.
        if (done === null || done.type !== 'ok') return null;
        return { input: { f: READ, key, a: null, b: null }, output: { unknown: false, ok: true, value: scalar(done.value) } };
      case 'write':
        if (done !== null && done.type === 'fail') return null;
        return { input: { f: WRITE, key, a: scalar(invoke.value), b: null }, output: done === null ? UNKNOWN : { unknown: false, ok: true, value: null } };
      case 'cas': {
        const v = invoke.value;
        if (!Array.isArray(v) || v.length !== 2) throw new ModelError(invoke.index, `cas value must be [from, to], got ${JSON.stringify(v)}`);
        if (failedWithError(completion)) return null;
        const input: RegisterInput = { f: CAS, key, a: scalar(v[0]), b: scalar(v[1]) };
        if (done === null) return { input, output: UNKNOWN };
        return { input, output: { unknown: false, ok: done.type === 'ok', value: null } };
      }
      default:
        throw new ModelError(invoke.index, `register model has no operation "${invoke.f}" (read, write, cas)`);
    }
  },
};
