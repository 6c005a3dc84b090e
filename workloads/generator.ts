/**
 * Generators as composable values, after Jepsen's generator library: a generator hands each thread
 * (a client worker, the nemesis) its next op and the time to invoke it; combinators build op streams
 * and run structure out of small pieces (mix, perKey, stagger, limit, timeLimit, phases, eachThread,
 * on, any). Workloads say *what* they do with these; the harness's interpreter (harness/run/
 * interpreter.ts) runs the loop, the clock and the clients.
 *
 * Every random draw comes from the asking thread's own stream (`ctx.rng`), in a fixed order per
 * thread, so a thread's op sequence follows from the seed whatever the timing: `--replay` stays exact.
 */
import type { Rng } from '../checkers/util/prng.js';

/** The thread of the nemesis; client threads are 0, 1, 2 … */
export const NEMESIS_THREAD = -1;

/** What a thread shows a generator when it asks for an op. */
export interface Ctx {
  /** ms on the interpreter's clock. */
  readonly now: number;
  /** The asking thread: a worker slot, or NEMESIS_THREAD. */
  readonly thread: number;
  /** Every thread the interpreter runs (a phase ends when all of them are done with it). */
  readonly threads: readonly number[];
  /** The asking thread's random stream. */
  readonly rng: Rng;
  /** Ops this thread has been given so far. */
  readonly n: number;
  /** The key chosen by an enclosing perKey. */
  readonly key?: string;
}

/** An op and when to invoke it; 'pending': nothing yet, ask again later; null: exhausted for this thread. */
export type Next<T> = { op: T; at: number } | 'pending' | null;

/** How an op ended (Jepsen's completion types). */
export type Outcome = 'ok' | 'fail' | 'info';

export interface Gen<T> {
  next(ctx: Ctx): Next<T>;
  /** How the op this generator last gave `ctx.thread` ended. */
  update?(ctx: Ctx, outcome: Outcome): void;
}

/** An endless stream of ops made by `make` (pure given ctx: draw randomness from ctx.rng only). */
export function ops<T>(make: (ctx: Ctx) => T): Gen<T> {
  return { next: (ctx) => ({ op: make(ctx), at: ctx.now }) };
}

/** Each op transformed by `f` (Jepsen's map): e.g. wraps a workload's ops into the run's op type. */
export function map<A, B>(f: (op: A) => B, gen: Gen<A>): Gen<B> {
  return {
    next(ctx) {
      const r = gen.next(ctx);
      return r === null || r === 'pending' ? r : { op: f(r.op), at: r.at };
    },
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

/** Jepsen's mix: each op from one of the generators, chosen by weight (one draw per op). */
export function mix<T>(choices: ReadonlyArray<readonly [weight: number, gen: Gen<T>]>): Gen<T> {
  const total = choices.reduce((s, [w]) => s + w, 0);
  const last = new Map<number, Gen<T>>();
  return {
    next(ctx) {
      const r = ctx.rng.next() * total;
      let acc = 0;
      let chosen = choices[choices.length - 1]![1];
      for (const [w, g] of choices) {
        acc += w;
        if (r < acc) {
          chosen = g;
          break;
        }
      }
      last.set(ctx.thread, chosen);
      return chosen.next(ctx);
    },
    update: (ctx, outcome) => last.get(ctx.thread)?.update?.(ctx, outcome),
  };
}

/** Each op on one of `count` keys `${prefix}0` … chosen uniformly (one draw per op, before the op's own). */
export function perKey<T>(prefix: string, count: number, gen: Gen<T>): Gen<T> {
  return {
    next: (ctx) => gen.next({ ...ctx, key: `${prefix}${ctx.rng.int(count)}` }),
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

/** Per-thread state of a combinator, so one generator value serves every thread. */
function perThread<S>(init: () => S): (thread: number) => S {
  const m = new Map<number, S>();
  return (t) => {
    let s = m.get(t);
    if (s === undefined) m.set(t, (s = init()));
    return s;
  };
}

/** Delays a thread's first op by a uniform integer in [0, maxMs), so threads don't fire in lockstep. */
export function startJitter<T>(maxMs: number, gen: Gen<T>): Gen<T> {
  const started = perThread(() => ({ done: false }));
  return {
    next(ctx) {
      const s = started(ctx.thread);
      if (s.done) return gen.next(ctx);
      const delay = ctx.rng.int(maxMs);
      const r = gen.next(ctx);
      if (r === null || r === 'pending') return r;
      s.done = true;
      return { op: r.op, at: Math.max(r.at, ctx.now + delay) };
    },
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

/**
 * Spaces a thread's ops `ms` apart on average: each op starts a uniform [0.5, 1.5)·ms after the
 * previous one started (its latency included), so n threads make n·1000/ms ops/s in all.
 */
export function stagger<T>(ms: number, gen: Gen<T>): Gen<T> {
  const state = perThread<{ last: number | null }>(() => ({ last: null }));
  return {
    next(ctx) {
      const s = state(ctx.thread);
      const due = s.last === null ? ctx.now : s.last + ms * (0.5 + ctx.rng.next());
      const r = gen.next(ctx);
      if (r === null || r === 'pending') return r;
      const at = Math.max(r.at, due);
      s.last = at;
      return { op: r.op, at };
    },
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

/** After an op that failed, the thread's next op waits `ms` (no busy loop against a refusing system). */
export function backoffOnFail<T>(ms: number, gen: Gen<T>): Gen<T> {
  const failed = perThread(() => ({ at: -Infinity }));
  return {
    next(ctx) {
      const r = gen.next(ctx);
      if (r === null || r === 'pending') return r;
      return { op: r.op, at: Math.max(r.at, failed(ctx.thread).at) };
    },
    update(ctx, outcome) {
      failed(ctx.thread).at = outcome === 'fail' ? ctx.now + ms : -Infinity;
      gen.update?.(ctx, outcome);
    },
  };
}

/**
 * Ops a thread must do right after the op it just did (a harness read checking that op's effect):
 * `take(thread)` is asked first, `gen` only when it has none. They are invisible to `gen`: its ctx.n
 * counts its own ops only and it is not told how they ended, so they never shift its op sequence.
 */
export function followUps<T>(take: (thread: number) => T | undefined, gen: Gen<T>): Gen<T> {
  const state = perThread(() => ({ own: 0, followUp: false }));
  return {
    next(ctx) {
      const s = state(ctx.thread);
      const op = take(ctx.thread);
      if (op !== undefined) {
        s.followUp = true;
        return { op, at: ctx.now };
      }
      const r = gen.next({ ...ctx, n: s.own });
      if (r !== null && r !== 'pending') {
        s.own++;
        s.followUp = false;
      }
      return r;
    },
    update(ctx, outcome) {
      const s = state(ctx.thread);
      if (!s.followUp) gen.update?.({ ...ctx, n: s.own }, outcome);
    },
  };
}

/**
 * Lulls on the interpreter's clock, the same for every thread: in each `periodMs`, ops due in the
 * last `quietMs` wait for the next period (the whole system idles), and in the `slowMs` before that a
 * thread's ops are at least `slowSpacingMs` apart (a low rate). Only times change, never which ops:
 * nothing is drawn.
 */
export function lulls<T>(o: { periodMs: number; slowMs: number; slowSpacingMs: number; quietMs: number }, gen: Gen<T>): Gen<T> {
  const last = perThread<{ at: number }>(() => ({ at: -Infinity }));
  const quietFrom = o.periodMs - o.quietMs;
  const slowFrom = quietFrom - o.slowMs;
  return {
    next(ctx) {
      const r = gen.next(ctx);
      if (r === null || r === 'pending') return r;
      let at = r.at;
      const phase = (t: number): number => ((t % o.periodMs) + o.periodMs) % o.periodMs;
      if (phase(at) >= slowFrom && phase(at) < quietFrom) at = Math.max(at, last(ctx.thread).at + o.slowSpacingMs);
      if (phase(at) >= quietFrom) at += o.periodMs - phase(at);
      last(ctx.thread).at = at;
      return { op: r.op, at };
    },
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

/** At most `n` ops in all (over every thread), as Jepsen's limit. */
export function limit<T>(n: number, gen: Gen<T>): Gen<T> {
  let given = 0;
  return {
    next(ctx) {
      if (given >= n) return null;
      const r = gen.next(ctx);
      if (r !== null && r !== 'pending') given++;
      return r;
    },
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

/** One op, to the first thread that asks. */
export function once<T>(op: T): Gen<T> {
  return limit(
    1,
    ops(() => op),
  );
}

/** Ops until `ms` after the first time any thread asks; an op due at or after that is dropped. */
export function timeLimit<T>(ms: number, gen: Gen<T>): Gen<T> {
  let deadline: number | null = null;
  return {
    next(ctx) {
      deadline ??= ctx.now + ms;
      if (ctx.now >= deadline) return null;
      const r = gen.next(ctx);
      if (r !== null && r !== 'pending' && r.at >= deadline) return null;
      return r;
    },
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

/** Nothing for `ms` after the first thread asks, then exhausted (a pause between phases). */
export function sleep<T>(ms: number): Gen<T> {
  let until: number | null = null;
  return {
    next(ctx) {
      until ??= ctx.now + ms;
      return ctx.now < until ? 'pending' : null;
    },
  };
}

/** Ops at fixed times (ms on the interpreter's clock), in order, to whichever thread asks. */
export function at<T>(timed: ReadonlyArray<readonly [ms: number, op: T]>): Gen<T> {
  let i = 0;
  return {
    next() {
      const e = timed[i];
      if (e === undefined) return null;
      i++;
      return { op: e[1], at: e[0] };
    },
  };
}

/** `gen` for the threads `which` accepts; exhausted for the others (Jepsen's on-threads). */
export function on<T>(which: (thread: number) => boolean, gen: Gen<T>): Gen<T> {
  return {
    next: (ctx) => (which(ctx.thread) ? gen.next(ctx) : null),
    update: gen.update && ((ctx, outcome) => gen.update!(ctx, outcome)),
  };
}

export const clients = <T>(gen: Gen<T>): Gen<T> => on((t) => t !== NEMESIS_THREAD, gen);
export const nemesis = <T>(gen: Gen<T>): Gen<T> => on((t) => t === NEMESIS_THREAD, gen);

/**
 * Every generator asked; the soonest op wins. Meant for generators serving disjoint threads (clients
 * and nemesis): an op another generator gave for the same thread would be lost.
 */
export function any<T>(...gens: Gen<T>[]): Gen<T> {
  const last = new Map<number, Gen<T>>();
  return {
    next(ctx) {
      let best: { op: T; at: number } | null = null;
      let bestGen: Gen<T> | null = null;
      let pending = false;
      for (const g of gens) {
        const r = g.next(ctx);
        if (r === 'pending') pending = true;
        else if (r !== null && (best === null || r.at < best.at)) {
          best = r;
          bestGen = g;
        }
      }
      if (best && bestGen) {
        last.set(ctx.thread, bestGen);
        return best;
      }
      return pending ? 'pending' : null;
    },
    update: (ctx, outcome) => last.get(ctx.thread)?.update?.(ctx, outcome),
  };
}

/** Its own copy of a generator for every thread (Jepsen's each-thread): per-thread limits and state. */
export function eachThread<T>(make: (thread: number) => Gen<T>): Gen<T> {
  const made = new Map<number, Gen<T>>();
  return {
    next(ctx) {
      let g = made.get(ctx.thread);
      if (!g) made.set(ctx.thread, (g = make(ctx.thread)));
      return g.next(ctx);
    },
    update: (ctx, outcome) => made.get(ctx.thread)?.update?.(ctx, outcome),
  };
}

/** A generator made when a thread first asks (after the phases before it ran: their results exist). */
export function lazy<T>(make: () => Gen<T>): Gen<T> {
  let gen: Gen<T> | null = null;
  return {
    next: (ctx) => (gen ??= make()).next(ctx),
    update: (ctx, outcome) => gen?.update?.(ctx, outcome),
  };
}

/**
 * Jepsen's phases: each generator runs to exhaustion on every thread, and no thread starts the next
 * one before all threads are done with the current one (their ops completed).
 */
export function phases<T>(...gens: Gen<T>[]): Gen<T> {
  const phase = perThread(() => ({ i: 0 }));
  const done = gens.map(() => new Set<number>());
  return {
    next(ctx) {
      const p = phase(ctx.thread);
      for (;;) {
        const g = gens[p.i];
        if (g === undefined) return null;
        const r = g.next(ctx);
        if (r !== null) return r;
        done[p.i]!.add(ctx.thread);
        if (ctx.threads.some((t) => !done[p.i]!.has(t))) return 'pending';
        p.i++;
      }
    },
    update: (ctx, outcome) => gens[phase(ctx.thread).i]?.update?.(ctx, outcome),
  };
}
