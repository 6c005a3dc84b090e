import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../checkers/testing/builder.js';
import { computeMetrics, faultTimings, quantile } from './metrics.js';

describe('metrics', () => {
  it('failover: from the kill to the completion of the first ok write invoked after it', () => {
    const b = new HistoryBuilder();
    b.at(0.5).write(0, 'k', 1);
    b.at(1).nemesis('kill', { nodes: ['n1'] }, 20);
    b.at(1.2).write(1, 'k', 2, { type: 'fail', error: 'ECONNREFUSED' });
    b.at(2).read(2, 'k', [1]); // reads do not end a failover
    b.at(2.5).write(3, 'k', 3, { durationMs: 10 });
    b.at(4).nemesis('start', { nodes: ['n1'] });
    b.at(4.5).write(4, 'k', 4);
    const [t] = faultTimings(b.build());
    expect(t!.f).toBe('kill');
    expect(t!.firstWriteMs).toBeCloseTo(1510, 0);
    // ok completions around the kill (1 s → 4 s): 2.0 s (read), 2.51 s, then 4.5 s: the stretch
    // 2.51 → 4.5 s overlaps the fault and is the longest without any ok.
    expect(t!.unavailableMs).toBeCloseTo(1991, -1);
  });

  it('a kill after which no write succeeds counts as unrecovered', () => {
    const b = new HistoryBuilder();
    b.at(0.5).write(0, 'k', 1);
    b.at(1).nemesis('kill', { nodes: ['n1'] });
    b.at(2).write(1, 'k', 2, { type: 'fail' });
    const m = computeMetrics('valid', null, b.build());
    expect(m.failover).toMatchObject({ samples: 0, unrecovered: 1, p50Ms: null });
    expect(m.unavailability.maxMs).toBeGreaterThan(900);
  });

  it('nearest-rank quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.95)).toBe(4);
    expect(quantile([], 0.5)).toBeNull();
  });
});
