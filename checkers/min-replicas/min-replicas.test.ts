import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
import { checkMinReplicas } from './index.js';

const opts = { minReplicasMaxLagS: 2, ackPeriodMs: 1000, slackMs: 500 };

describe('min-replicas', () => {
  it('flags a write accepted by an isolated master past max-lag + 2 s + slack (Redis: whole-second lag, once-a-second recount)', () => {
    const build = (lastAtS: number): { res: ReturnType<typeof checkMinReplicas>; w: [number, number] } => {
      const h = new HistoryBuilder();
      h.at(10);
      h.isolate(['n1']); // effective at 10.001 s
      h.at(11);
      h.add(0, 'k', 1, { node: 'n1', ack: 'min-replicas' });
      h.at(lastAtS);
      const w = h.add(0, 'k', 2, { node: 'n1', ack: 'min-replicas' });
      h.add(0, 'k', 3, { node: 'n1', type: 'fail', error: 'NOREPLICAS Not enough good replicas to write.' });
      h.at(20);
      h.heal();
      h.finalRead(1, 'k', 'n1', [1, 2]);
      return { res: checkMinReplicas(h.build(), opts), w };
    };
    const { res, w } = build(15); // 4.999 s after isolation > 2 + 1 + 1 + 0.5 s
    expect(res.valid).toBe(false);
    expect(res.violations).toHaveLength(1);
    expect(res.violations[0]).toMatchObject({ kind: 'accepted-past-window', ops: [w[0], w[1], 0] });
    expect(res.windows).toHaveLength(1);
    expect(res.windows[0]).toMatchObject({ node: 'n1', allowedS: 4.5, lastOkIndex: w[1], violations: 1, okWrites: 2, noreplicasWrites: 1 });
    expect(res.windows[0]!.lastOkAfterS).toBe(5.001);
    // 4 s after the cut: what Redis's arithmetic allows (an ACK just before the cut stays good while
    // floor(now) - floor(ack) <= 2, and the count is only recomputed once a second).
    expect(build(14).res.valid).toBe(true);
    const fine = build(12.5);
    expect(fine.res.valid).toBe(true);
    expect(fine.res.windows[0]!.lastOkAfterS).toBe(2.501);
    expect(fine.res.windows[0]!.firstNoreplicasAfterS).toBe(2.503);
  });

  it('ignores masters isolated together with their replicas', () => {
    const h = new HistoryBuilder();
    h.isolate(['n1', 'n4']);
    h.at(30);
    h.add(0, 'k', 1, { node: 'n1', ack: 'min-replicas' });
    h.heal();
    h.finalRead(1, 'k', 'n1', [1]);
    const res = checkMinReplicas(h.build(), { ...opts, replicasOf: { n1: ['n4'] } });
    expect(res.violations).toEqual([]);
    expect(res.windows.map((w) => w.node)).toEqual(['n4']);
  });

  it('flags a NOREPLICAS-failed write present in the final state', () => {
    const build = (present: boolean): { res: ReturnType<typeof checkMinReplicas>; w: [number, number] } => {
      const h = new HistoryBuilder();
      h.add(0, 'k', 1, { node: 'n1', ack: 'min-replicas' });
      const w = h.add(0, 'k', 2, { node: 'n1', type: 'fail', error: 'NOREPLICAS Not enough good replicas to write.' });
      h.finalRead(1, 'k', 'n1', present ? [1, 2] : [1]);
      return { res: checkMinReplicas(h.build(), opts), w };
    };
    const { res, w } = build(true);
    expect(res.valid).toBe(false);
    expect(res.violations).toEqual([expect.objectContaining({ kind: 'noreplicas-write-present', ops: [w[0], w[1]] })]);
    const clean = build(false).res;
    expect(clean.valid).toBe(true);
    expect(clean.noreplicasCount).toBe(1);
  });
});
