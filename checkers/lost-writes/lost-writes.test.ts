import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
import { checkLostWrites } from './index.js';

const opts = { nodeTimeoutMs: 5000, minReplicasMaxLagS: 2, ackPeriodMs: 1000, slackMs: 500, replicationLagMs: 500 };

/** Plain writes to a set on n3, a final read of n5 with `finalValues`. */
function plain(finalValues: number[], ackAtS = 10): { h: HistoryBuilder; w: [number, number]; r: [number, number] } {
  const h = new HistoryBuilder();
  h.at(1);
  h.add(0, 'k7', 1, { node: 'n3' });
  h.at(ackAtS);
  const w = h.add(0, 'k7', 1834, { node: 'n3' });
  h.at(31.2);
  const r = h.finalRead(1, 'k7', 'n5', finalValues);
  return { h, w, r };
}

describe('lost-writes', () => {
  it('flags an acknowledged write lost with no fault, with its op indices and a sentence', () => {
    const { h, w, r } = plain([1]);
    const res = checkLostWrites(h.build(), opts);
    expect(res.valid).toBe(false);
    expect(res.byAck.plain).toEqual({ acknowledged: 2, present: 1, lost: 1, lostExpected: 0, lostByConfiguration: 0, lostAnomalous: 1, unchecked: 0 });
    expect(res.lostWrites).toHaveLength(1);
    const lw = res.lostWrites[0]!;
    expect(lw.ops).toEqual([w[0], w[1], r[1]]);
    expect(lw.invokeIndex).toBe(w[0]);
    expect(lw.ackIndex).toBe(w[1]);
    expect(lw.finalReadIndex).toBe(r[1]);
    expect(lw.message).toContain('write of 1834 to key k7 acknowledged by n3 at 10.00 s');
    expect(lw.message).toContain('absent from the final read of n5 at 31.20 s');
    expect(res.anomalies.map((a) => a.kind)).toEqual(['lost-write']);
  });

  it('is valid without the loss', () => {
    const res = checkLostWrites(plain([1, 1834]).h.build(), opts);
    expect(res.valid).toBe(true);
    expect(res.lost).toBe(0);
    expect(res.anomalies).toEqual([]);
  });

  it('reports a loss inside the node-timeout window as expected by design, linked to the fault', () => {
    const h = new HistoryBuilder();
    h.at(11.6);
    const p = h.isolate(['n3']); // invoke 11.6 s, effective 11.601 s
    h.at(12.4);
    const w = h.add(0, 'k7', 1834, { node: 'n3' });
    h.at(20);
    h.heal();
    h.at(31.2);
    const r = h.finalRead(1, 'k7', 'n5', []);
    const res = checkLostWrites(h.build(), opts);
    expect(res.valid).toBe(true);
    expect(res.lostExpected).toBe(1);
    const lw = res.lostWrites[0]!;
    expect(lw.expected).toBe(true);
    expect(lw.fault?.startIndex).toBe(p[0]);
    expect(lw.relativeToFaultS).toBe(0.801); // ack = completion, 1 ms after the invoke
    expect(lw.ops).toEqual([w[0], w[1], p[0], r[1]]);
    expect(lw.message).toContain('at 12.40 s, 0.80 s after n3 was isolated (op 0)');
  });

  it('allows a minority master 1.5 × node-timeout (Redis pings a silent peer after node-timeout / 2, PFAIL node-timeout later)', () => {
    const h = new HistoryBuilder();
    h.at(1);
    h.isolate(['n3']);
    h.at(7.5); // 6.5 s: past the 5 s node timeout, inside 7.5 s + 0.5 s slack
    h.add(0, 'k7', 5, { node: 'n3' });
    h.at(10);
    h.heal();
    h.at(13);
    h.finalRead(1, 'k7', 'n5', []);
    const res = checkLostWrites(h.build(), opts);
    expect(res.lostExpected).toBe(1);
    expect(res.lostWrites[0]!.window?.rule).toMatch(/1\.5 × node-timeout/);
  });

  it("flags a loss acknowledged after the minority master's window as an anomaly", () => {
    const h = new HistoryBuilder();
    h.at(1);
    h.isolate(['n3']);
    h.at(9.5); // 8.5 s > 1.5 × 5 s node timeout + 0.5 s slack
    const w = h.add(0, 'k7', 5, { node: 'n3' });
    h.at(10);
    h.heal();
    h.at(13);
    const r = h.finalRead(1, 'k7', 'n5', []);
    const res = checkLostWrites(h.build(), opts);
    expect(res.valid).toBe(false);
    expect(res.lostAnomalous).toBe(1);
    expect(res.anomalies[0]!.ops).toEqual([w[0], w[1], 0, r[1]]);
    expect(res.lostWrites[0]!.reason).toMatch(/outside every allowed window/);
  });

  it('holds min-replicas writes to max-lag + 2 s (whole seconds, once-a-second recount), tighter than node-timeout', () => {
    const build = (ack: 'plain' | 'min-replicas'): ReturnType<typeof checkLostWrites> => {
      const h = new HistoryBuilder();
      h.at(1);
      h.isolate(['n3']);
      h.at(6); // 5 s after: inside 1.5 × 5 s + 0.5 node timeout, outside 2 + 1 + 1 + 0.5 min-replicas window
      h.add(0, 'k', 5, { node: 'n3', ack });
      h.at(9);
      h.heal();
      h.finalRead(1, 'k', 'n1', []);
      return checkLostWrites(h.build(), opts);
    };
    const mr = build('min-replicas');
    expect(mr.valid).toBe(false);
    expect(mr.byAck['min-replicas'].lostAnomalous).toBe(1);
    expect(mr.lostWrites[0]!.window?.rule).toMatch(/max-lag 2 s \+ 1 s whole-second lag arithmetic \+ 1 s recount period/);
    const pl = build('plain');
    expect(pl.valid).toBe(true);
    expect(pl.byAck.plain.lostExpected).toBe(1);
  });

  it('flags values never written (unexpected) with the final read index', () => {
    const h = new HistoryBuilder();
    h.add(0, 'k', 1);
    const r = h.finalRead(1, 'k', 'n1', [1, 99]);
    const res = checkLostWrites(h.build(), opts);
    expect(res.valid).toBe(false);
    expect(res.unexpectedValues).toEqual([{ key: 'k', value: 99, readIndex: r[1], node: 'n1' }]);
    expect(res.anomalies[0]!.ops).toEqual([r[1]]);
    const clean = new HistoryBuilder();
    clean.add(0, 'k', 1);
    clean.finalRead(1, 'k', 'n1', [1]);
    expect(checkLostWrites(clean.build(), opts).valid).toBe(true);
  });

  it('counts info writes that survived as recovered, with their indices', () => {
    const build = (survived: boolean): { res: ReturnType<typeof checkLostWrites>; w: [number, number] } => {
      const h = new HistoryBuilder();
      h.add(0, 'k', 1);
      const w = h.add(1, 'k', 2, { type: 'info', error: 'timeout' });
      h.finalRead(2, 'k', 'n1', survived ? [1, 2] : [1]);
      return { res: checkLostWrites(h.build(), opts), w };
    };
    const { res, w } = build(true);
    expect(res.valid).toBe(true);
    expect(res.recovered).toBe(1);
    expect(res.recoveredWrites).toEqual([{ key: 'k', value: 2, invokeIndex: w[0], completionIndex: w[1] }]);
    const none = build(false).res;
    expect(none.valid).toBe(true);
    expect(none.recovered).toBe(0);
  });

  it('flags failed writes present in the final state', () => {
    const h = new HistoryBuilder();
    h.add(0, 'k', 1);
    const w = h.add(0, 'k', 2, { type: 'fail', error: 'CLUSTERDOWN' });
    h.finalRead(1, 'k', 'n1', [1, 2]);
    const res = checkLostWrites(h.build(), opts);
    expect(res.valid).toBe(false);
    expect(res.failedPresentWrites[0]).toMatchObject({ invokeIndex: w[0], completionIndex: w[1], error: 'CLUSTERDOWN' });
  });

  it('judges a WAIT-acknowledged loss by the WAIT policy: anomaly after a single-node fault', () => {
    const build = (isolated: string[]): ReturnType<typeof checkLostWrites> => {
      const h = new HistoryBuilder();
      h.at(1);
      h.add(0, 'k', 1, { node: 'n1', ack: 'wait', replicas: 1, waitFor: 1 });
      h.at(2);
      h.isolate(isolated);
      h.at(10);
      h.heal();
      h.finalRead(1, 'k', 'n2', []);
      return checkLostWrites(h.build(), opts);
    };
    const single = build(['n1']);
    expect(single.valid).toBe(false);
    expect(single.byAck.wait.lostAnomalous).toBe(1);
    expect(single.lostWrites[0]!.message).toContain('with WAIT 1 → 1 replica(s)');
    const multi = build(['n1', 'n4']);
    expect(multi.valid).toBe(true);
    expect(multi.byAck.wait.lostExpected).toBe(1);
  });

  it('treats registers by real-time order: an older value winning loses the newer write', () => {
    const build = (final: number): ReturnType<typeof checkLostWrites> => {
      const h = new HistoryBuilder();
      h.write(0, 'r', 1);
      h.write(0, 'r', 2);
      h.finalRead(1, 'r', 'n1', final);
      return checkLostWrites(h.build(), opts);
    };
    expect(build(2).valid).toBe(true);
    const bad = build(1);
    expect(bad.valid).toBe(false);
    expect(bad.lostWrites.map((l) => l.value)).toEqual([2]);
  });

  it('matches values read back as strings (Redis replies are strings) with numeric writes', () => {
    const h = new HistoryBuilder();
    h.add(0, 'k', 1834);
    h.add(0, 'k', 'a');
    h.finalRead(1, 'k', 'n1', ['1834', 'a']);
    const res = checkLostWrites(h.build(), opts);
    expect(res.valid).toBe(true);
    expect(res.byAck.plain.present).toBe(2);
  });

  it('is unknown without final reads', () => {
    const h = new HistoryBuilder();
    h.add(0, 'k', 1);
    expect(checkLostWrites(h.build(), opts).valid).toBe('unknown');
  });

  it('produces byte-identical JSON for the same history', () => {
    const { h } = plain([1]);
    const a = JSON.stringify(checkLostWrites(h.build(), opts));
    const b = JSON.stringify(checkLostWrites(JSON.parse(JSON.stringify(h.build())), opts));
    expect(a).toBe(b);
  });
});
