import { describe, expect, it } from 'vitest';
import { Prng } from '../checkers/util/prng.js';
import type { Ctx } from './generator.js';
import { SET_OPS_PER_GENERATION, setWorkload } from './set.js';
import type { Invocation, WorkloadOptions } from './workload.js';

const wopts: WorkloadOptions = { keys: 4, waitFor: 1, waitTimeoutMs: 500, cluster: false, minReplicas: false };

/**
 * The set workload's op stream against an in-memory Redis: 5 workers, `perThread` ops each,
 * reads answered with the whole set as SMEMBERS does. Returns the bytes of history values, the
 * keys written and the ops.
 */
function drive(perThread: number): { bytes: number; written: Set<string>; ops: Invocation[] } {
  const gen = setWorkload.generator(wopts);
  const sets = new Map<string, Set<string>>();
  const written = new Set<string>();
  const ops: Invocation[] = [];
  let bytes = 0;
  const threads = [0, 1, 2, 3, 4];
  const rngs = threads.map((t) => new Prng(7).fork(`worker-${t}`));
  for (let n = 0; n < perThread; n++) {
    for (const t of threads) {
      const ctx: Ctx = { now: n, thread: t, threads, rng: rngs[t]!, n };
      const next = gen.next(ctx);
      if (next === null || next === 'pending') throw new Error('the set workload never ends by itself');
      const op = next.op;
      ops.push(op);
      const s = sets.get(op.key!) ?? new Set<string>();
      sets.set(op.key!, s);
      if (op.f === 'add') {
        s.add(String(op.value));
        written.add(op.key!);
        bytes += JSON.stringify(op.value).length;
      } else bytes += JSON.stringify([...s]).length;
    }
  }
  return { bytes, written, ops };
}

describe('the set workload', () => {
  it('keeps its history linear in the run length: keys rotate, so reads stay bounded', () => {
    const short = drive(2 * SET_OPS_PER_GENERATION);
    const long = drive(8 * SET_OPS_PER_GENERATION);
    // 4× the ops: about 4× the bytes (without rotation: about 16×, every read returns the whole set).
    expect(long.bytes / short.bytes).toBeLessThan(5);
    expect(long.written.has('set0.7')).toBe(true);
  });

  it('final reads cover every key written, and the stream is the same for the same seed', () => {
    const { written, ops } = drive(3 * SET_OPS_PER_GENERATION);
    const finals = new Set(setWorkload.finalKeys(wopts, written));
    for (const k of written) expect(finals.has(k)).toBe(true);
    for (const k of ['set0', 'set1', 'set2', 'set3']) expect(finals.has(k)).toBe(true);
    expect(drive(3 * SET_OPS_PER_GENERATION).ops).toEqual(ops);
  });
});
