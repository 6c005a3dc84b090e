import { describe, expect, it } from 'vitest';
import type { History, Op } from '../history/types.js';
import { availabilityOverTime } from './availability.js';
import { checkPerf } from './index.js';

/** A client op: invoked at `at` s, completed after `ms` (null: never). */
interface Spec {
  p: number;
  key: string;
  node: string;
  at: number;
  ms: number | null;
  type?: 'ok' | 'fail' | 'info';
  f?: string;
}

/** Builds a history of concurrent client ops and nemesis ops, ordered by time. */
function history(ops: Spec[], nemesis: Array<{ at: number; f: string; value: unknown }>): History {
  const events: Array<Omit<Op, 'index'>> = [];
  for (const o of ops) {
    const base = { process: o.p, f: o.f ?? 'write', value: `${o.p}-${o.at}`, key: o.key, node: o.node };
    events.push({ ...base, time: Math.round(o.at * 1e9), type: 'invoke' });
    if (o.ms !== null) events.push({ ...base, time: Math.round(o.at * 1e9 + o.ms * 1e6), type: o.type ?? 'ok' });
  }
  for (const n of nemesis) {
    const t = Math.round(n.at * 1e9);
    events.push({ process: 'nemesis', f: n.f, value: n.value, time: t, type: 'invoke' });
    events.push({ process: 'nemesis', f: n.f, value: n.value, time: t + 1e6, type: 'info' });
  }
  // Stable by time; an invoke sorts before a completion of the same instant of another process.
  events.sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e, index }) as Op);
}

/** One client writing `key` on `node` every `everyMs` from `from` to `to` s, each taking `ms`. */
function steady(p: number, key: string, node: string, from: number, to: number, everyMs = 10, ms = 1): Spec[] {
  const out: Spec[] = [];
  for (let t = from; t < to - 1e-9; t += everyMs / 1000) out.push({ p, key, node, at: Math.round(t * 1e6) / 1e6, ms });
  return out;
}

const isolate = (node: string, others: string[], clientSide?: number) => ({
  f: 'start-partition',
  value: { kind: 'isolate', nodes: [node], groups: [[node], others], ...(clientSide === undefined ? {} : { clientSide }), mode: 'drop' },
});

describe('availability over time', () => {
  it('a 10 s partition with near-zero throughput for the cut-off clients shows them unavailable, whatever the op count says', () => {
    // p0 writes k0 on n1 (the isolated primary); p1 writes k1 on n2 throughout. During the cut p0 gets
    // two quick acknowledgements (the minority primary has not noticed yet) and one 4 s timeout.
    const ops: Spec[] = [
      ...steady(0, 'k0', 'n1', 0, 2),
      { p: 0, key: 'k0', node: 'n1', at: 2.01, ms: 2 },
      { p: 0, key: 'k0', node: 'n1', at: 2.02, ms: 2 },
      { p: 0, key: 'k0', node: 'n1', at: 2.03, ms: 4000, type: 'info' },
      // A new process (the old one ended info) that waits out the partition.
      { p: 10, key: 'k0', node: 'n1', at: 6.1, ms: 5950, type: 'ok' },
      ...steady(10, 'k0', 'n1', 12.1, 14).map((s) => ({ ...s, at: s.at + 0.001 })),
      ...steady(1, 'k1', 'n2', 0, 14),
    ];
    const h = history(ops, [
      { at: 2, ...isolate('n1', ['n2', 'n3'], 1) },
      { at: 12, f: 'stop-partition', value: { nodes: ['n1'] } },
    ]);
    const a = availabilityOverTime(h);
    expect(a.bucketMs).toBe(100);
    const f = a.faults[0]!;
    expect(f.nodes).toEqual(['n1']);
    // Ops invoked during the fault by the cut-off client: 3 ok of 4 — "75% available".
    const cutOps = h.filter((o) => (o.process === 0 || o.process === 10) && o.type !== 'invoke' && o.time >= 2e9 && o.time <= 12.1e9);
    expect(cutOps.filter((o) => o.type === 'ok').length / cutOps.length).toBe(0.75);
    // Over time: writes succeeded in 1 of the 101 buckets the cut-off clients were waiting in.
    expect(f.cutOff.clients).toBe(2);
    expect(f.cutOff.demanded).toBe(101);
    expect(f.cutOff.available).toBe(1);
    expect(f.cutOff.availability).toBeLessThan(0.05);
    expect(f.cutOff.unavailableMs).toBeGreaterThan(9500);
    expect(f.others.availability).toBe(1);
    expect(f.others.clients).toBe(1);
    // Writes succeed again only after the heal: 10.05 s after the cut, not 12 ms.
    expect(f.cutOff.firstOkWriteMs).toBe(12);
    expect(f.cutOff.recoveredMs).toBe(10050);
    // The per-op figure of all clients during the fault (perf) calls this nearly fully available.
    expect(checkPerf(h).availability.faults[0]!.availability).toBeGreaterThan(0.99);
    expect(a.duringFaults.cutOff.availability).toBe(f.cutOff.availability);
    // The whole run: the cut-off key's buckets are not counted apart, but time, not ops, is.
    expect(a.overall.availability).toBe(1);
  });

  it('the gap that matters: from the cut until the cut-off clients write again, not the first ok write of anyone', () => {
    // The minority primary n1 acknowledges for 1 s, then refuses (fail) until the heal at 8 s.
    const ops: Spec[] = [
      ...steady(0, 'k0', 'n1', 0, 3),
      ...steady(0, 'k0', 'n1', 3, 4).map((s) => ({ ...s, at: s.at + 0.0005 })),
      ...steady(0, 'k0', 'n1', 4, 8.2).map((s) => ({ ...s, at: s.at + 0.0005, type: 'fail' as const })),
      ...steady(0, 'k0', 'n1', 8.2, 10).map((s) => ({ ...s, at: s.at + 0.0005 })),
      ...steady(1, 'k1', 'n2', 0, 10),
    ];
    const h = history(ops, [
      { at: 3, ...isolate('n1', ['n2', 'n3']) },
      { at: 8, f: 'stop-partition', value: { nodes: ['n1'] } },
    ]);
    const f = availabilityOverTime(h).faults[0]!;
    expect(f.cutOff.firstOkWriteMs).toBeLessThan(5);
    expect(f.cutOff.longestGapMs).toBeGreaterThan(4150);
    expect(f.cutOff.longestGapMs).toBeLessThan(4250);
    // Writes succeed again 5.2 s after the cut (at 8.2 s), not 1 ms after it.
    expect(f.cutOff.recoveredMs).toBeGreaterThan(5150);
    expect(f.cutOff.recoveredMs).toBeLessThan(5250);
    expect(f.cutOff.availability).toBeLessThan(0.25);
    expect(f.others.longestGapMs).toBeLessThan(20);
    expect(f.all.longestGapMs).toBeLessThan(20);
    expect(f.all.firstOkWriteMs).toBeLessThan(5);
  });

  it('a failover: the cut-off clients recover at the first write the promoted replica acknowledges', () => {
    // n1 is isolated (clients with the majority); p0's writes to k0 time out until n2 is promoted at
    // 4.5 s; p1 writes k1 on n3 throughout.
    const ops: Spec[] = [
      ...steady(0, 'k0', 'n1', 0, 2),
      { p: 0, key: 'k0', node: 'n1', at: 2.005, ms: 1000, type: 'info' },
      { p: 20, key: 'k0', node: 'n1', at: 3.01, ms: 1000, type: 'info' },
      { p: 30, key: 'k0', node: 'n1', at: 4.02, ms: 470, type: 'fail' },
      ...steady(30, 'k0', 'n2', 4.5, 7).map((s) => ({ ...s, at: s.at + 0.0005 })),
      ...steady(1, 'k1', 'n3', 0, 7),
    ];
    const h = history(ops, [
      { at: 2, ...isolate('n1', ['n2', 'n3'], 1) },
      { at: 6, f: 'stop-partition', value: { nodes: ['n1'] } },
    ]);
    const f = availabilityOverTime(h).faults[0]!;
    expect(f.cutOff.clients).toBe(3);
    expect(f.cutOff.firstOkWriteMs).toBeGreaterThan(2495);
    expect(f.cutOff.firstOkWriteMs).toBeLessThan(2505);
    expect(f.cutOff.recoveredMs).toBe(f.cutOff.firstOkWriteMs);
    expect(f.cutOff.longestGapMs).toBe(f.cutOff.firstOkWriteMs);
    // Of the 41 buckets of the window (the heal op's 1 ms opens the last), 25 could not write.
    expect(f.cutOff.demanded).toBe(41);
    expect(f.cutOff.available).toBe(16);
    expect(f.cutOff.unavailableMs).toBe(2500);
    expect(f.all.firstOkWriteMs).toBeLessThan(5);
  });

  it('places every client in the cut-off group when the clients are confined to the minority, or the fault names no node', () => {
    const ops = [...steady(0, 'k0', 'n1', 0, 3, 50), ...steady(1, 'k1', 'n2', 0, 3, 50)];
    const withClients = availabilityOverTime(history(ops, [{ at: 1, ...isolate('n1', ['n2', 'n3'], 0) }]));
    expect(withClients.faults[0]!.cutOff.clients).toBe(2);
    expect(withClients.faults[0]!.others.clients).toBe(0);
    expect(withClients.faults[0]!.others.availability).toBeNull();
    expect(withClients.faults[0]!.others.longestGapMs).toBeNull();
    const unnamed = availabilityOverTime(history(ops, [{ at: 1, f: 'start-partition', value: { kind: 'ring' } }]));
    expect(unnamed.faults[0]!.cutOff.clients).toBe(2);
    // A killed replica serves no client: nobody is cut off.
    const replica = availabilityOverTime(history(ops, [{ at: 1, f: 'kill', value: { nodes: ['n3'] } }]));
    expect(replica.faults[0]!.cutOff).toMatchObject({ clients: 0, demanded: 0, availability: null, firstOkWriteMs: null });
    expect(replica.faults[0]!.others.clients).toBe(2);
  });

  it("a gap still open when the clients stop writing ends with their last write, not with the harness's reads after the run", () => {
    const ops: Spec[] = [
      ...steady(0, 'k0', 'n1', 0, 2),
      { p: 0, key: 'k0', node: 'n1', at: 2.5, ms: 1000, type: 'info' },
      { p: 1, key: 'k0', node: 'n1', at: 3.6, ms: 1000, type: 'info' },
      // The harness reads every node's state a minute later.
      { p: 2000000, key: 'k0', node: 'n2', at: 60, ms: 5, f: 'node-state' },
    ];
    const f = availabilityOverTime(history(ops, [{ at: 2, f: 'kill', value: { nodes: ['n1'] } }])).faults[0]!;
    expect(f.cutOff.recoveredMs).toBeNull();
    expect(f.cutOff.longestGapMs).toBeGreaterThan(2590);
    expect(f.cutOff.longestGapMs).toBeLessThan(2610);
  });

  it('does not count idle buckets: a slow steady writer is fully available', () => {
    const h = history(steady(0, 'k', 'n1', 0, 5, 350, 2), []);
    const a = availabilityOverTime(h);
    expect(a.overall.demanded).toBe(15);
    expect(a.overall.availability).toBe(1);
    expect(a.faults).toEqual([]);
    expect(availabilityOverTime([]).overall).toMatchObject({ demanded: 0, availability: null });
  });
});
