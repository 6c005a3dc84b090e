import { describe, expect, it } from 'vitest';
import { headline } from './explain.js';
import type { ResultsFile } from './types.js';

describe('the report headline', () => {
  it('of an INVALID run opens with the anomaly that made it invalid, not with what held', () => {
    const byAck = { plain: { lost: 0 }, wait: { lost: 0 }, 'min-replicas': { lost: 0 } };
    const results = {
      version: 1,
      valid: false,
      opCount: 100,
      checkers: {
        'lost-writes': { valid: true, byAck, lost: 0, acknowledged: 40, unchecked: 0, lostWrites: [] },
        'min-replicas': {
          valid: false,
          windows: [{}],
          noreplicasCount: 3,
          violations: [
            { kind: 'accepted-past-window', message: 'n1 accepted a write 7.20 s after it was cut off from its replicas (allowed 11.00 s).', ops: [4] },
            { kind: 'accepted-past-window', message: 'again', ops: [5] },
          ],
        },
      },
    } as unknown as ResultsFile;
    const lines = headline('invalid', results, null);
    expect(lines[0]).toBe('min-replicas INVALID: n1 accepted a write 7.20 s after it was cut off from its replicas (allowed 11.00 s) (and 1 more violation).');
    expect(lines[1]).toMatch(/^No acknowledged write was lost/);
  });
});
