/** A counter per key starting at 0: `incr` (or Jepsen's `add`) by value (default 1), `read`. */
import { hashScalar, known, type Model, ModelError } from './model.js';

export interface CounterInput {
  f: 0 | 1; // incr, read
  key: string;
  delta: number;
}
/** null: unknown. */
export interface CounterOutput {
  value: number | null;
}

const UNKNOWN: CounterOutput = { value: null };

export const counterModel: Model<number, CounterInput, CounterOutput> = {
  name: 'counter',
  init: () => 0,
  step(state, input, output) {
    if (input.f === 0) return [true, state + input.delta];
    return [output.value === null || output.value === state, state];
  },
  hash: hashScalar,
  partition: (input) => input.key,
  // Non-negative increments only grow the count; a negative one is treated as a reset.
  monotone: {
    reset: (input) => input.f === 0 && input.delta < 0,
    reachable: (state, input, output) => input.f !== 1 || output.value === null || output.value >= state,
  },
  describeOperation(input, output) {
    if (input.f === 0) return `incr(${input.delta})`;
    return `read() -> ${output.value === null ? 'unknown' : output.value}`;
  },
  describeState: (s) => String(s),
  fromHistory(invoke, completion) {
    const key = invoke.key ?? '';
    const done = known(completion);
    switch (invoke.f) {
      case 'incr':
      case 'add': {
        if (done !== null && done.type === 'fail') return null;
        const d = invoke.value === null || invoke.value === undefined ? 1 : invoke.value;
        if (typeof d !== 'number') throw new ModelError(invoke.index, `counter ${invoke.f} value must be a number, got ${JSON.stringify(d)}`);
        return { input: { f: 0, key, delta: d }, output: done === null ? UNKNOWN : { value: 0 } };
      }
      case 'read': {
        if (done === null || done.type !== 'ok') return null;
        // Redis replies are strings: "12" reads as 12.
        const v = typeof done.value === 'string' && /^-?\d+$/.test(done.value) ? Number(done.value) : done.value;
        if (typeof v !== 'number') throw new ModelError(done.index, `counter read must return a number, got ${JSON.stringify(done.value)}`);
        return { input: { f: 1, key, delta: 0 }, output: { value: v } };
      }
      default:
        throw new ModelError(invoke.index, `counter model has no operation "${invoke.f}" (incr, read)`);
    }
  },
};
