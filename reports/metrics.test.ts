import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../checkers/testing/builder.js';
import { computeMetrics, quantile } from './metrics.js';

describe('metrics', () => {
  it('failover: from the kill to the completion of the first ok write invoked after it by the clients it cut off', () => {
    const b = new HistoryBuilder();
    b.at(0.5).write(0, 'k', 1);
    b.at(1).nemesis('kill', { nodes: ['n1'] }, 20);
    b.at(1.2).write(1, 'k', 2, { type: 'fail', error: 'ECONNREFUSED' });
    b.at(2).read(2, 'k', [1]); // reads do not end a failover
    b.at(2.5).write(3, 'k', 3, { durationMs: 10 });
    b.at(4).nemesis('start', { nodes: ['n1'] });
    b.at(4.5).write(4, 'k', 4);
    const m = computeMetrics('valid', null, b.build());
    const [t] = m.faults;
    expect(t!.f).toBe('kill');
    // No op names its node: every client writing during the kill counts as cut off.
    expect(t!.cutOff.clients).toBe(2);
    expect(t!.cutOff.firstOkWriteMs).toBeCloseTo(1510, 0);
    expect(m.failover.p50Ms).toBe(t!.cutOff.firstOkWriteMs);
    // ok writes around the kill (1 s → 4 s): 2.51 s, then 4.5 s: the stretch 2.51 → 4.5 s overlaps
    // the fault and is the longest without one (the read at 2 s does not count).
    expect(t!.cutOff.longestGapMs).toBeCloseTo(1990, -1);
    expect(t!.cutOff.recoveredMs).toBeCloseTo(3500, -1);
    expect(m.unavailability.longestGapMaxMs).toBe(t!.cutOff.longestGapMs);
  });

  it('a kill after which no write succeeds counts as unrecovered', () => {
    const b = new HistoryBuilder();
    b.at(0.5).write(0, 'k', 1);
    b.at(1).nemesis('kill', { nodes: ['n1'] });
    b.at(2).write(1, 'k', 2, { type: 'fail' });
    const m = computeMetrics('valid', null, b.build());
    expect(m.failover).toMatchObject({ samples: 0, unrecovered: 1, p50Ms: null });
    expect(m.unavailability.longestGapMaxMs).toBeGreaterThan(900);
    // One failing write, idle otherwise: one bucket of demand without an ok write.
    expect(m.unavailability.maxMs).toBe(100);
  });

  it('nearest-rank quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.95)).toBe(4);
    expect(quantile([], 0.5)).toBeNull();
  });
});
