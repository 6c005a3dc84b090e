import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
import { checkLinearizableUnderFaults } from './checker.js';

const model = 'register';

function killed(): ReturnType<HistoryBuilder['build']> {
  const h = new HistoryBuilder();
  h.at(1);
  h.write(0, 'r', 1, { node: 'n1' });
  h.read(0, 'r', 1, { node: 'n1' });
  h.at(5);
  h.nemesis('kill', { nodes: ['n1'] });
  h.at(8);
  h.nemesis('start', { nodes: ['n1'] });
  h.at(10);
  h.read(0, 'r', null, { node: 'n1' }); // restarted empty
  return h.build();
}

function failedOver(promote: boolean): ReturnType<HistoryBuilder['build']> {
  const h = new HistoryBuilder();
  h.at(1);
  h.write(0, 'r', 1, { node: 'n1' });
  h.at(5);
  h.nemesis('start-partition', { nodes: ['n1'], kind: 'partition-failover', ...(promote ? { promote: 'n2' } : {}) });
  h.at(6);
  h.write(0, 'r', 2, { node: 'n1' }); // the cut-off primary acknowledges, then loses it at the heal
  h.read(0, 'r', 2, { node: 'n1' });
  h.at(10);
  h.nemesis('stop-partition', { nodes: ['n1'] });
  h.at(12);
  h.read(1, 'r', 1, { node: 'n2' });
  return h.build();
}

describe('linearizable under the fault model', () => {
  it('a register reset by a non-persistent primary restarted empty is explained as lost by configuration', async () => {
    expect((await checkLinearizableUnderFaults(killed(), { model })).valid).toBe(false);
    const r = await checkLinearizableUnderFaults(killed(), { model, faultModel: { failover: 'harness', persistence: 'none' } });
    expect(r.valid).toBe(true);
    expect(r.explained).toMatchObject({ keys: ['r'], classes: ['configuration'], resets: 1 });
    // With the AOF fsynced on every write the same history is an anomaly.
    expect((await checkLinearizableUnderFaults(killed(), { model, faultModel: { failover: 'harness', persistence: 'aof-always' } })).valid).toBe(false);
  });

  it("a write the cut-off primary acknowledged before the harness's promotion may be lost; without a promotion it may not", async () => {
    const fm = { failover: 'harness' as const, replicationLagMs: 500, slackMs: 500 };
    const r = await checkLinearizableUnderFaults(failedOver(true), { model, faultModel: fm });
    expect(r.valid).toBe(true);
    expect(r.explained).toMatchObject({ keys: ['r'], classes: ['expected'], writesUnknown: 1, readsDropped: 1 });
    expect((await checkLinearizableUnderFaults(failedOver(false), { model, faultModel: fm })).valid).toBe(false);
  });
});
