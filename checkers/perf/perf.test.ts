import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
import { checkPerf } from './index.js';

describe('perf', () => {
  it('computes latency quantiles, throughput buckets and availability during faults', () => {
    const h = new HistoryBuilder();
    for (let i = 0; i < 10; i++) h.add(0, 'k', i, { durationMs: 10 * (i + 1) }); // 10..100 ms, all in second 0
    h.at(2);
    h.isolate(['n1']);
    h.add(0, 'k', 100, { type: 'fail', durationMs: 5 });
    h.add(0, 'k', 101, { type: 'ok', durationMs: 5 });
    h.invoke(1, 'add', 102, { key: 'k' }); // never completes: counts as info
    h.at(3);
    h.heal();
    const res = checkPerf(h.build(), { bucketS: 1 });
    expect(res.valid).toBe(true);
    expect(res.latency['add']!.ok!.count).toBe(11);
    expect(res.latency['add']!.ok!.quantiles).toEqual({ '0': 5, '0.5': 50, '0.95': 100, '0.99': 100, '1': 100 });
    expect(res.latency['add']!.fail!.quantiles['1']).toBe(5);
    expect(res.throughput.bucketStartS).toEqual([0, 1, 2]);
    expect(res.throughput.series['add']!.ok).toEqual([10, 0, 1]);
    expect(res.availability.faults).toHaveLength(1);
    expect(res.availability.faults[0]).toMatchObject({ ok: 1, fail: 1, info: 1, availability: 0.333 });
    expect(res.availability.outsideFaults).toMatchObject({ ok: 10, fail: 0, info: 0, availability: 1 });
    expect(res.latencyOverTime['add']!['0.5']).toEqual([
      [0, 60],
      [2, 5],
    ]); // bucket 0: 10..100 ms, index floor(10·0.5)
  });
});
