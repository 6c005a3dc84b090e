/**
 * Jepsen's interpreter, small: runs one generator (lib/gen.ts) on a set of threads. Each thread
 * asks the generator for its next op, waits until the op is due, performs it, reports how it
 * ended, and asks again — until the generator is exhausted for it. 'pending' waits for another
 * thread to finish an op (or a short while), then asks again. The clock is ms since the start.
 */
import { setMaxListeners } from 'node:events';
import type { Rng } from '../../checkers/util/prng.js';
import type { Ctx, Gen, Outcome } from '../../workloads/generator.js';
import { sleep } from '../util/sleep.js';

export interface Thread<T> {
  /** A client worker slot, or NEMESIS_THREAD. */
  id: number;
  /** The thread's random stream (forked per thread from the run's seed). */
  rng: Rng;
  /** Performs one op and says how it ended. Throwing aborts the whole run. */
  invoke(op: T): Promise<Outcome>;
}

/** Longest wait on 'pending' before asking again (a sleeping phase, a barrier). */
const PENDING_POLL_MS = 50;

export async function interpret<T>(gen: Gen<T>, threads: readonly Thread<T>[], signal: AbortSignal, t0 = Date.now()): Promise<void> {
  const ids = threads.map((t) => t.id);
  const clock = (): number => Date.now() - t0;
  // One thread's failure stops the others.
  const stop = new AbortController();
  // Every thread sleeps on it at once: more than the default 10 listeners is expected.
  setMaxListeners(threads.length + 1, stop.signal);
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  // Threads waiting on 'pending' wake up when any thread finishes an op.
  let wake: () => void = () => {};
  let changed = new Promise<void>((r) => (wake = r));
  const notify = (): void => {
    const w = wake;
    changed = new Promise<void>((r) => (wake = r));
    w();
  };

  const loop = async (t: Thread<T>): Promise<void> => {
    let n = 0;
    const ctx = (): Ctx => ({ now: clock(), thread: t.id, threads: ids, rng: t.rng, n });
    try {
      while (!stop.signal.aborted) {
        const next = gen.next(ctx());
        if (next === null) return;
        if (next === 'pending') {
          await Promise.race([changed, new Promise((r) => setTimeout(r, PENDING_POLL_MS))]);
          continue;
        }
        await sleep(next.at - clock(), stop.signal);
        if (stop.signal.aborted) return;
        n++;
        const outcome = await t.invoke(next.op);
        gen.update?.(ctx(), outcome);
        notify();
      }
    } catch (err) {
      stop.abort();
      throw err;
    } finally {
      notify();
    }
  };
  const results = await Promise.allSettled(threads.map(loop));
  signal.removeEventListener('abort', onAbort);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
