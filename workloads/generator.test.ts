import { describe, expect, it } from 'vitest';
import { Prng, type Rng } from '../checkers/util/prng.js';
import {
  any,
  at,
  backoffOnFail,
  type Ctx,
  clients,
  eachThread,
  type Gen,
  lazy,
  limit,
  map,
  mix,
  NEMESIS_THREAD,
  type Next,
  nemesis,
  once,
  ops,
  perKey,
  phases,
  sleep,
  stagger,
  startJitter,
  timeLimit,
} from './generator.js';

/** An Rng that returns scripted values and records what was drawn. */
function scripted(values: number[]): Rng & { draws: string[] } {
  let i = 0;
  const draws: string[] = [];
  const next = (): number => {
    const v = values[i++ % values.length]!;
    return v;
  };
  return {
    draws,
    next() {
      draws.push('next');
      return next();
    },
    int(n) {
      draws.push(`int(${n})`);
      return Math.floor(next() * n);
    },
  };
}

const ctx = (over: Partial<Ctx> = {}): Ctx => ({ now: 0, thread: 0, threads: [0], rng: new Prng(1), n: 0, ...over });
const opOf = <T>(r: Next<T>): T => {
  if (r === null || r === 'pending') throw new Error(`no op: ${String(r)}`);
  return r.op;
};

describe('op combinators', () => {
  it('mix picks by weight with one draw per op; perKey draws the key first', () => {
    const rng = scripted([0.5, 0.1, 0.75, 0.95]);
    const g = perKey(
      'k',
      4,
      mix([
        [0.2, ops((c) => `read ${c.key}`)],
        [0.8, ops((c) => `add ${c.key}`)],
      ]),
    );
    expect(opOf(g.next(ctx({ rng })))).toBe('read k2');
    expect(opOf(g.next(ctx({ rng })))).toBe('add k3');
    expect(rng.draws).toEqual(['int(4)', 'next', 'int(4)', 'next']);
  });

  it('mix over many draws follows the weights', () => {
    const g = mix([
      [1, ops(() => 'a')],
      [3, ops(() => 'b')],
    ]);
    const rng = new Prng(7);
    let b = 0;
    for (let i = 0; i < 4000; i++) if (opOf(g.next(ctx({ rng }))) === 'b') b++;
    expect(b / 4000).toBeGreaterThan(0.72);
    expect(b / 4000).toBeLessThan(0.78);
  });

  it('map transforms ops; once gives one op to the first thread that asks', () => {
    const g = map((x: number) => x * 2, once(21));
    expect(opOf(g.next(ctx({ thread: 3 })))).toBe(42);
    expect(g.next(ctx({ thread: 0 }))).toBeNull();
  });
});

describe('pacing', () => {
  it('startJitter delays a thread’s first op only; stagger spaces ops from the previous op’s start', () => {
    const rng = scripted([0.5]);
    const g = stagger(
      100,
      startJitter(
        10,
        ops(() => 'op'),
      ),
    );
    const first = g.next(ctx({ rng, now: 0 }));
    expect(first).toEqual({ op: 'op', at: 5 });
    // 0.5 → 100 × (0.5 + 0.5) after the previous op's start (5), whatever its latency.
    expect(g.next(ctx({ rng, now: 40 }))).toEqual({ op: 'op', at: 105 });
    expect(g.next(ctx({ rng, now: 400 }))).toEqual({ op: 'op', at: 400 });
    expect(rng.draws).toEqual(['int(10)', 'next', 'next']);
  });

  it('keeps per-thread state: another thread gets its own jitter and spacing', () => {
    const g = startJitter(
      10,
      ops(() => 'op'),
    );
    expect(g.next(ctx({ thread: 0, rng: scripted([0.9]) }))).toEqual({ op: 'op', at: 9 });
    expect(g.next(ctx({ thread: 1, rng: scripted([0.2]) }))).toEqual({ op: 'op', at: 2 });
    expect(g.next(ctx({ thread: 0, rng: scripted([0.2]) }))).toEqual({ op: 'op', at: 0 });
  });

  it('backoffOnFail waits after a failed op only', () => {
    const g = backoffOnFail(
      10,
      ops(() => 'op'),
    );
    g.update!(ctx({ now: 50 }), 'fail');
    expect(g.next(ctx({ now: 51 }))).toEqual({ op: 'op', at: 60 });
    g.update!(ctx({ now: 60 }), 'ok');
    expect(g.next(ctx({ now: 61 }))).toEqual({ op: 'op', at: 61 });
  });
});

describe('bounds', () => {
  it('limit counts ops over every thread', () => {
    const g = limit(
      3,
      ops(() => 'op'),
    );
    const got = [0, 1, 0, 1].map((t) => g.next(ctx({ thread: t })));
    expect(got.filter((r) => r !== null)).toHaveLength(3);
    expect(got[3]).toBeNull();
  });

  it('timeLimit runs from the first ask and drops an op due at or after the deadline', () => {
    const g = timeLimit(
      100,
      stagger(
        100,
        ops(() => 'op'),
      ),
    );
    expect(g.next(ctx({ now: 10 }))).toEqual({ op: 'op', at: 10 });
    expect(g.next(ctx({ now: 20, rng: scripted([0.1]) }))).toEqual({ op: 'op', at: 70 });
    // due at 70 + 100 × 1.4 = 210, past the deadline (110)
    expect(g.next(ctx({ now: 80, rng: scripted([0.9]) }))).toBeNull();
    expect(g.next(ctx({ now: 111 }))).toBeNull();
  });

  it('at gives ops at fixed times, in order', () => {
    const g = at([
      [100, 'a'],
      [50, 'b'],
    ]);
    expect(g.next(ctx())).toEqual({ op: 'a', at: 100 });
    expect(g.next(ctx())).toEqual({ op: 'b', at: 50 });
    expect(g.next(ctx())).toBeNull();
  });
});

describe('threads and phases', () => {
  it('clients / nemesis route by thread; any takes the soonest op of the generators serving a thread', () => {
    const g = any(clients(ops(() => 'client')), nemesis(at([[500, 'fault']])));
    expect(opOf(g.next(ctx({ thread: 2 })))).toBe('client');
    expect(g.next(ctx({ thread: NEMESIS_THREAD }))).toEqual({ op: 'fault', at: 500 });
    expect(g.next(ctx({ thread: NEMESIS_THREAD }))).toBeNull();
  });

  it('eachThread gives every thread its own generator', () => {
    const g = eachThread((t) =>
      limit(
        2,
        ops(() => t),
      ),
    );
    expect([0, 0, 0].map((t) => g.next(ctx({ thread: t })))).toEqual([{ op: 0, at: 0 }, { op: 0, at: 0 }, null]);
    expect(opOf(g.next(ctx({ thread: 1 })))).toBe(1);
  });

  it('phases: no thread starts a phase before every thread is done with the previous one', () => {
    const threads = [0, 1];
    const g: Gen<string> = phases(
      eachThread((t) =>
        limit(
          t === 0 ? 1 : 2,
          ops(() => `p1 t${t}`),
        ),
      ),
      once('p2'),
      lazy(() => ops(() => 'p3')),
    );
    const ask = (thread: number) => g.next(ctx({ thread, threads }));
    expect(opOf(ask(0))).toBe('p1 t0');
    expect(ask(0)).toBe('pending'); // thread 1 has not finished phase 1
    expect(opOf(ask(1))).toBe('p1 t1');
    expect(ask(0)).toBe('pending');
    expect(opOf(ask(1))).toBe('p1 t1');
    expect(opOf(ask(1))).toBe('p2'); // thread 1 is done with phase 1; thread 0 already was
    expect(ask(0)).toBe('pending'); // thread 1 has not asked again after p2
    expect(opOf(ask(1))).toBe('p3');
    expect(opOf(ask(0))).toBe('p3');
  });

  it('sleep is pending for its time, then done', () => {
    const g = sleep<string>(100);
    expect(g.next(ctx({ now: 10 }))).toBe('pending');
    expect(g.next(ctx({ now: 109 }))).toBe('pending');
    expect(g.next(ctx({ now: 110 }))).toBeNull();
  });
});
