import { describe, expect, it } from 'vitest';
import { checkSetFull } from '../set-full/index.js';
import { HistoryBuilder } from '../testing/builder.js';
import { checkLostWrites } from './index.js';
import type { WindowOptions } from './windows.js';

const base = { replicationLagMs: 500, slackMs: 500 };

/** n1 acknowledges 1 at 2 s and 2 at `ackS`; the fault starts at 10.5 s; the final read of n1 holds `final`. */
function run(fault: (h: HistoryBuilder) => void, final: number[], ackS = 10): ReturnType<HistoryBuilder['build']> {
  const h = new HistoryBuilder();
  h.at(2);
  h.add(0, 's', 1, { node: 'n1' });
  h.at(ackS);
  h.add(0, 's', 2, { node: 'n1' });
  h.read(0, 's', [1, 2], { node: 'n1' });
  h.at(10.5);
  fault(h);
  h.at(40);
  h.finalRead(1, 's', 'n1', final);
  return h.build();
}

function killRestart(endS: number) {
  return (h: HistoryBuilder): void => {
    h.nemesis('kill', { nodes: ['n1'] });
    h.at(endS);
    h.nemesis('start', { nodes: ['n1'] });
  };
}

function classes(history: ReturnType<HistoryBuilder['build']>, o: WindowOptions): string[] {
  return checkLostWrites(history, { ...base, ...o }).lostWrites.map((l) => `${String(l.value)}:${l.class}`);
}

describe('fault model: one verdict per configuration', () => {
  it('a primary killed without persistence and not failed over wipes its writes: lost by configuration, valid', () => {
    const h = run(killRestart(16), []);
    const res = checkLostWrites(h, { ...base, failover: 'harness', persistence: 'none' });
    expect(res.valid).toBe(true);
    expect(res.lostByConfiguration).toBe(2);
    expect(res.lostWrites[0]!.reason).toMatch(/^lost by configuration: no persistence/);
    expect(res.lostWrites[0]!.window).toMatchObject({ fromS: null });
    // set-full judges the same elements the same way.
    const sf = checkSetFull(h, { ...base, failover: 'harness', persistence: 'none' });
    expect(sf.lostByConfigurationCount).toBe(2);
    expect(sf.valid).toBe('unknown'); // not invalid: nothing survived to be stable, as Jepsen's set-full says
    expect(sf.lost.map((e) => e.class)).toEqual(['configuration', 'configuration']);
  });

  it('with appendfsync always a kill forgives nothing: even the write acknowledged 0.5 s before is an anomaly', () => {
    const h = run(killRestart(16), [1]);
    expect(classes(h, { failover: 'harness', persistence: 'aof-always' })).toEqual(['2:anomalous']);
    expect(checkSetFull(h, { ...base, failover: 'harness', persistence: 'aof-always' }).valid).toBe(false);
    // everysec: Redis documents up to 2 s of writes lost.
    expect(classes(h, { failover: 'harness', persistence: 'aof-everysec' })).toEqual(['2:expected']);
    expect(classes(run(killRestart(16), [1], 7), { failover: 'harness', persistence: 'aof-everysec' })).toEqual(['2:anomalous']);
  });

  it('a crash that drops unsynced writes (kill-unsynced): always forgives nothing, everysec ~1 s, appendfsync no everything, by configuration', () => {
    const crash = (h: HistoryBuilder): void => {
      h.nemesis('kill', { nodes: ['n1'], kind: 'kill-unsynced' });
      h.at(16);
      h.nemesis('start', { nodes: ['n1'] });
    };
    expect(classes(run(crash, [1]), { failover: 'harness', persistence: 'aof-always' })).toEqual(['2:anomalous']);
    expect(classes(run(crash, [1]), { failover: 'harness', persistence: 'aof-everysec' })).toEqual(['2:expected']);
    expect(classes(run(crash, []), { failover: 'harness', persistence: 'aof-everysec' })).toEqual(['1:anomalous', '2:expected']);
    expect(classes(run(crash, []), { failover: 'harness', persistence: 'aof-no' })).toEqual(['1:configuration', '2:configuration']);
    // kill -9 alone leaves the page cache: with appendfsync no the written file survives.
    expect(classes(run(killRestart(16), [1]), { failover: 'harness', persistence: 'aof-no' })).toEqual(['2:anomalous']);
  });

  it('a cluster that failed over a killed primary allows only the replication lag; an early restart falls back on persistence', () => {
    // Killed for 6 s with node-timeout 2 s: the replica took over; a write 0.5 s before the kill may be lost, one 8 s before may not.
    const long = run(killRestart(16.5), [], 10);
    expect(classes(long, { failover: 'cluster', nodeTimeoutMs: 2000, persistence: 'none' })).toEqual(['1:anomalous', '2:expected']);
    // Back after 1 s, before node-timeout could fail it over: it restarted empty as a primary.
    const short = run(killRestart(11.5), [], 10);
    expect(classes(short, { failover: 'cluster', nodeTimeoutMs: 2000, persistence: 'none' })).toEqual(['1:configuration', '2:configuration']);
  });

  it('a cut primary that nothing promotes loses nothing by design; with the harness promoting, the whole cut is expected', () => {
    const cut = (promote: boolean) => (h: HistoryBuilder) => {
      h.nemesis('start-partition', { nodes: ['n1'], kind: 'partition-failover', ...(promote ? { promote: 'n2' } : {}) });
      h.at(12);
      h.add(2, 's', 3, { node: 'n1' }); // acknowledged by the cut-off primary 1.5 s into the cut
      h.at(17);
      h.nemesis('stop-partition', { nodes: ['n1'] });
    };
    const noPromotion = run(cut(false), [1, 2]);
    expect(classes(noPromotion, { failover: 'harness' })).toEqual(['3:anomalous']);
    const promoted = run(cut(true), [1]);
    expect(classes(promoted, { failover: 'harness' })).toEqual(['2:expected', '3:expected']);
    // Under min-replicas (max-lag 1 s + 2 s: whole seconds, once-a-second recount), 1.5 s into the cut is still allowed, 4 s would not be.
    const mr = checkLostWrites(promoted, { ...base, failover: 'harness', minReplicasMaxLagS: 1, ackPeriodMs: 1000 });
    expect(mr.lostAnomalous).toBe(0);
  });

  it('a paused primary that nothing fails over loses nothing by design', () => {
    const pause = (h: HistoryBuilder) => {
      h.nemesis('pause', { nodes: ['n1'] });
      h.at(16);
      h.nemesis('resume', { nodes: ['n1'] });
    };
    expect(classes(run(pause, [1]), { failover: 'harness' })).toEqual(['2:anomalous']);
    expect(classes(run(pause, [1]), { failover: 'cluster', nodeTimeoutMs: 2000 })).toEqual(['2:expected']);
  });

  it('WAIT-acknowledged writes wiped with a primary restarted empty are lost by configuration, not WAIT anomalies', () => {
    const h = new HistoryBuilder();
    h.at(2);
    h.add(0, 's', 1, { node: 'n1', ack: 'wait', replicas: 2, waitFor: 1, waitTimeoutMs: 500 });
    h.at(5);
    h.nemesis('kill', { nodes: ['n1'] });
    h.at(10);
    h.nemesis('start', { nodes: ['n1'] });
    h.at(20);
    h.finalRead(1, 's', 'n1', []);
    const res = checkLostWrites(h.build(), { ...base, failover: 'harness', persistence: 'none' });
    expect(res.lostWrites.map((l) => l.class)).toEqual(['configuration']);
    expect(res.valid).toBe(true);
    // With AOF the same loss is what WAIT promised against: one node faulted, WAIT said 2.
    expect(checkLostWrites(h.build(), { ...base, failover: 'harness', persistence: 'aof-always' }).valid).toBe(false);
  });
});
