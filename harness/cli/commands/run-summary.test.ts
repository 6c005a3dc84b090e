import { describe, expect, it } from 'vitest';
import type { RunResults } from '../../run/check.js';
import { runSummaryLines } from './run-summary.js';

describe('the summary `run` prints', () => {
  it('counts lost acknowledged writes and classifies them, not just "lost-writes true"', () => {
    const counts = (acknowledged: number, lost: number) => ({
      acknowledged,
      present: acknowledged - lost,
      lost,
      lostExpected: lost,
      lostAnomalous: 0,
      unchecked: 0,
    });
    const results = {
      version: 1,
      valid: true,
      opCount: 900,
      checkers: {
        'lost-writes': {
          valid: true,
          byAck: { plain: counts(300, 44), wait: counts(0, 0), 'min-replicas': counts(0, 0) },
          acknowledged: 300,
          lost: 44,
          lostAnomalous: 0,
          lostExpected: 44,
          recovered: 2,
          unchecked: 0,
          lostWrites: [{ expected: true, ackTimeS: 6.5, relativeToFaultS: 1.5, fault: { f: 'start-partition', nodes: ['n1'], startS: 5 } }],
        },
      },
    } as unknown as RunResults;
    const text = runSummaryLines(results).join('\n');
    expect(text).toMatch(/^splitbrain: VALID/);
    expect(text).toContain('Lost 44 acknowledged writes (44 plain): 0 anomalous, 44 inside an allowed fault window, 0 lost by configuration.');
    expect(text).toMatch(/lost-writes\s+valid\s+300 acknowledged writes, 44 lost \(0 anomalous, 44 expected by design, 0 lost by configuration\)/);
    expect(text).not.toMatch(/lost-writes\s+true/);
  });
});
