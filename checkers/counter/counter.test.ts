import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
import { checkCounter } from './index.js';

function run(readValue: number): { res: ReturnType<typeof checkCounter>; r: [number, number] } {
  const h = new HistoryBuilder();
  h.invoke(0, 'add', 1);
  h.ok(0);
  h.invoke(1, 'add', 10);
  h.fail(1); // certainly not applied: never raises the upper bound
  h.invoke(2, 'add', 5);
  h.info(2); // may have been applied: raises the upper bound only
  const r = h.read(3, '', readValue);
  return { res: checkCounter(h.build()), r };
}

describe('counter', () => {
  it('accepts reads within [sum of ok adds, sum of possible adds]', () => {
    expect(run(1).res.valid).toBe(true);
    expect(run(6).res.valid).toBe(true);
    expect(run(6).res.reads).toEqual([[1, 6, 6]]);
  });

  it('flags reads outside the bounds with their op indices', () => {
    const { res, r } = run(11);
    expect(res.valid).toBe(false);
    expect(res.errors).toEqual([expect.objectContaining({ lower: 1, value: 11, upper: 6, invokeIndex: r[0], index: r[1] })]);
    expect(run(0).res.valid).toBe(false);
  });

  it('uses the lower bound at the read invocation, the upper at its completion', () => {
    const h = new HistoryBuilder();
    h.invoke(3, 'read', null);
    h.invoke(0, 'incr', null);
    h.ok(0);
    h.ok(3, 1); // concurrent with the incr: 0 or 1 both fine
    expect(checkCounter(h.build()).valid).toBe(true);
  });
});
