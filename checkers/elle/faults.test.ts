import { describe, expect, it } from 'vitest';
import type { History } from '../history/types.js';
import { HistoryBuilder } from '../testing/builder.js';
import { checkElleUnderFaults } from './checker.js';
import { mops } from './testing.js';

/**
 * An asynchronous failover loses the appends the cut-off primary acknowledged: Elle sees lost
 * appends and real-time cycles. With the run's fault model those are explained (expected by
 * design); without a promotion, the same history is an anomaly.
 */
function failedOver(promote: boolean): History {
  const h = new HistoryBuilder();
  const txn = (p: number, t: string, node: string): void => {
    h.invoke(p, 'txn', mops(t), { node });
    h.ok(p, mops(t), { node });
  };
  h.at(1);
  txn(0, 'ax1', 'n1');
  txn(0, 'rx1', 'n1');
  h.at(5);
  h.nemesis('start-partition', { nodes: ['n1'], kind: 'partition-failover', ...(promote ? { promote: 'n2' } : {}) });
  h.at(6);
  txn(0, 'ax2', 'n1'); // acknowledged by the cut-off primary, lost when it rejoins
  txn(0, 'rx12', 'n1');
  h.at(10);
  h.nemesis('stop-partition', { nodes: ['n1'] });
  h.at(12);
  txn(1, 'ax3', 'n2');
  txn(1, 'rx13', 'n2');
  return h.build();
}

const opts = { workload: 'list-append' as const, consistencyModels: ['strict-serializable'], lostAppends: true };
const faultModel = { failover: 'harness' as const, replicationLagMs: 500, slackMs: 500 };

describe('Elle under the fault model', () => {
  it('lost appends and cycles from a failover are explained; the anomalies stay in the result', () => {
    const strict = checkElleUnderFaults(failedOver(true), opts);
    expect(strict.valid).toBe(false);
    expect(strict.anomalyTypes).toContain('lost-append');
    const r = checkElleUnderFaults(failedOver(true), { ...opts, faultModel });
    expect(r.valid).toBe(true);
    expect(r.anomalyTypes).toEqual(strict.anomalyTypes);
    expect(r.explained).toMatchObject({ classes: ['expected'], writesUnknown: 2 });
  });

  it('without a promotion nothing may be lost: still invalid', () => {
    const r = checkElleUnderFaults(failedOver(false), { ...opts, faultModel });
    expect(r.valid).toBe(false);
    expect(r.explained).toBeUndefined();
  });
});
