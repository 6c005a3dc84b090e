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

describe('linearizable under the fault model, one key explained and another undecided', () => {
  /**
   * Key `r`: the cut-off primary's acknowledged write lost at the heal (explained by the harness's
   * promotion). Key `b`: 1200 sequential writes of repeated values — no reduction decides it, and its
   * search needs more steps than the first deadline check (every 1024 steps).
   */
  function explainedBesideUndecided(): ReturnType<HistoryBuilder['build']> {
    const h = new HistoryBuilder();
    for (let i = 0; i < 1200; i++) h.write(2, 'b', (i % 2) + 1, { node: 'n2' });
    h.at(3);
    h.write(0, 'r', 1, { node: 'n1' });
    h.at(5);
    h.nemesis('start-partition', { nodes: ['n1'], kind: 'partition-failover', promote: 'n2' });
    h.at(6);
    h.write(0, 'r', 2, { node: 'n1' });
    h.read(0, 'r', 2, { node: 'n1' });
    h.at(10);
    h.nemesis('stop-partition', { nodes: ['n1'] });
    h.at(12);
    h.read(1, 'r', 1, { node: 'n2' });
    return h.build();
  }

  it("is unknown with the explained key listed, not the strict check's invalid (commit 6408966)", async () => {
    const fm = { failover: 'harness' as const, replicationLagMs: 500, slackMs: 500 };
    // The budget (shared with other checkers) is spent: a search stops at its first deadline check.
    const opts = { model, parallel: false, deadline: Date.now() - 1 };
    const strict = await checkLinearizableUnderFaults(explainedBesideUndecided(), opts);
    expect(strict.valid).toBe(false);
    expect(strict.invalidKeys).toContain('r');
    const r = await checkLinearizableUnderFaults(explainedBesideUndecided(), { ...opts, faultModel: fm });
    expect(r.partitions.find((p) => p.key === 'r')?.valid).toBe(true);
    expect(r.partitions.find((p) => p.key === 'b')?.valid).toBe('unknown');
    expect(r.valid).toBe('unknown');
    expect(r.explained).toMatchObject({ keys: ['r'], classes: ['expected'] });
  });
});
