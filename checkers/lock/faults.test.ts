import { describe, expect, it } from 'vitest';
import type { History } from '../history/types.js';
import { HistoryBuilder } from '../testing/builder.js';
import { checkLockUnderFaults } from './index.js';

const ABS = 1e12; // the cycles' own monotonic clock = history time + ABS

/**
 * The cut-off primary grants the lock and advances the fencing counter; the promoted replica never
 * saw either, so it hands out the same token again (duplicate-fence). With the run's fault model
 * that is Redis's asynchronous replication, by design; without a promotion it is an anomaly.
 */
function failedOver(promote: boolean): History {
  const h = new HistoryBuilder();
  const cycle = (p: number, token: string, fence: number, node: string): void => {
    h.invoke(p, 'lock', { token, ttlMs: 3000, holdMs: 1 }, { node });
    const t0 = h.nowS * 1e9 + ABS;
    h.ok(
      p,
      {
        token,
        ttlMs: 3000,
        t0,
        acquired: true,
        acquiredAt: t0 + 1e5,
        fence,
        writeAt: t0 + 2e5,
        wroteAt: t0 + 3e5,
        releaseAt: t0 + 4e5,
        released: 1,
        endAt: t0 + 4e5,
      },
      { node },
    );
  };
  h.at(1);
  cycle(0, '0-0', 1, 'n1');
  h.at(5);
  h.nemesis('start-partition', { nodes: ['n1'], kind: 'partition-failover', ...(promote ? { promote: 'n2' } : {}) });
  h.at(6);
  cycle(0, '0-1', 2, 'n1'); // granted and fenced by the cut-off primary
  h.at(10);
  h.nemesis('stop-partition', { nodes: ['n1'] });
  h.at(12);
  cycle(1, '1-0', 2, 'n2'); // the new primary's counter never saw 2
  return h.build();
}

const faultModel = { failover: 'harness' as const, replicationLagMs: 500, slackMs: 500 };

describe('lock under the fault model', () => {
  it('a token handed out twice across a failover is explained; the violation stays in the result', () => {
    const strict = checkLockUnderFaults(failedOver(true));
    expect(strict.valid).toBe(false);
    expect(strict.counts['duplicate-fence']).toBe(1);
    const r = checkLockUnderFaults(failedOver(true), { faultModel });
    expect(r.valid).toBe(true);
    expect(r.counts['duplicate-fence']).toBe(1);
    expect(r.explained).toMatchObject({ classes: ['expected'], cyclesUnknown: 1 });
  });

  it('without a promotion the counter may not go backwards: still invalid', () => {
    const r = checkLockUnderFaults(failedOver(false), { faultModel });
    expect(r.valid).toBe(false);
    expect(r.explained).toBeUndefined();
  });
});
