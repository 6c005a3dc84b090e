import { describe, expect, it } from 'vitest';
import { compose, mergeValid } from './compose.js';
import type { Checker } from './history/types.js';

const fixed = (name: string, valid: true | false | 'unknown'): Checker => ({ name, check: () => ({ valid, name }) });

describe('compose', () => {
  it('merges validities as Jepsen: false > unknown > true', () => {
    expect(mergeValid([])).toBe(true);
    expect(mergeValid([true, 'unknown'])).toBe('unknown');
    expect(mergeValid(['unknown', false, true])).toBe(false);
  });

  it("maps each checker's result under its name, and turns a throw into unknown", async () => {
    const boom: Checker = {
      name: 'boom',
      check: () => {
        throw new Error('bad history');
      },
    };
    const c = compose({ a: fixed('a', true), b: boom });
    const res = await c.check([]);
    expect(res.valid).toBe('unknown');
    expect(Object.keys(res)).toEqual(['valid', 'a', 'b']);
    expect(res['b']).toEqual({ valid: 'unknown', error: 'Error: bad history' });
    expect((await compose({ a: fixed('a', true), c: fixed('c', false) }).check([])).valid).toBe(false);
  });

  it('passes per-checker options by name', async () => {
    const echo: Checker<{ valid: true; opts: unknown }, unknown> = { name: 'echo', check: (_h, o) => ({ valid: true, opts: o }) };
    const res = await compose({ echo: echo as Checker }).check([], { echo: { x: 1 } });
    expect(res['echo']).toEqual({ valid: true, opts: { x: 1 } });
  });
});

describe('registry', () => {
  it('has the lost-writes, set-full, wait, min-replicas, counter, stats, perf and log-patterns checkers', async () => {
    const { checkers } = await import('./registry.js');
    for (const n of ['lost-writes', 'set-full', 'wait', 'min-replicas', 'counter', 'stats', 'perf', 'log-patterns']) {
      expect(checkers.get(n)?.name).toBe(n);
    }
  });
});
