import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
import { checkWait, REPLICA_WAIT_ERROR } from './index.js';

/** One WAIT op: invoke at `atS`, reply after `tookMs`. */
function waitOp(
  h: HistoryBuilder,
  p: number,
  args: { numreplicas: number; timeoutMs: number; role?: string; connectedReplicas?: number },
  reply: { type: 'ok' | 'fail'; value?: unknown; error?: string },
  tookMs: number,
): [number, number] {
  const inv = h.invoke(p, 'wait', args, { node: 'n1' });
  h.sleep(tookMs - 1);
  const c = reply.type === 'ok' ? h.ok(p, reply.value) : h.fail(p, args, reply.error !== undefined ? { error: reply.error } : {});
  return [inv, c];
}

describe('wait', () => {
  it('flags a reply above the replicas connected at the time', () => {
    const build = (reply: number): ReturnType<typeof checkWait> => {
      const h = new HistoryBuilder();
      waitOp(h, 0, { numreplicas: 1, timeoutMs: 100, connectedReplicas: 2 }, { type: 'ok', value: reply }, 5);
      return checkWait(h.build());
    };
    const bad = build(3);
    expect(bad.valid).toBe(false);
    expect(bad.violations).toEqual([expect.objectContaining({ kind: 'reply-out-of-range', ops: [0, 1] })]);
    expect(build(2).valid).toBe(true);
  });

  it('flags a WAIT that returned long after its timeout', () => {
    const build = (tookMs: number): ReturnType<typeof checkWait> => {
      const h = new HistoryBuilder();
      waitOp(h, 0, { numreplicas: 2, timeoutMs: 100 }, { type: 'ok', value: 1 }, tookMs);
      return checkWait(h.build(), { waitSlackMs: 500 });
    };
    const late = build(3000);
    expect(late.valid).toBe(false);
    expect(late.violations[0]).toMatchObject({ kind: 'late', ops: [0, 1] });
    expect(build(150).valid).toBe(true);
  });

  it('flags a short WAIT that returned before its timeout', () => {
    const h = new HistoryBuilder();
    waitOp(h, 0, { numreplicas: 2, timeoutMs: 1000 }, { type: 'ok', value: 1 }, 10);
    const res = checkWait(h.build());
    expect(res.valid).toBe(false);
    expect(res.violations[0]!.kind).toBe('early');
  });

  it("requires Redis's exact error for WAIT on a replica", () => {
    const build = (reply: { type: 'ok' | 'fail'; value?: unknown; error?: string }): ReturnType<typeof checkWait> => {
      const h = new HistoryBuilder();
      waitOp(h, 0, { numreplicas: 1, timeoutMs: 100, role: 'replica' }, reply, 2);
      return checkWait(h.build());
    };
    const right = build({ type: 'fail', error: REPLICA_WAIT_ERROR });
    expect(right.valid).toBe(true);
    expect(right.replicaErrors).toBe(1);
    expect(build({ type: 'fail', error: 'ERR unknown command' }).violations[0]!.kind).toBe('replica-wrong-error');
    expect(build({ type: 'ok', value: 0 }).violations[0]!.kind).toBe('replica-accepted');
  });

  it('reports WAIT-acknowledged losses separately, with the fault and op indices', () => {
    const build = (lost: boolean): { res: ReturnType<typeof checkWait>; w: [number, number]; p: [number, number]; r: [number, number] } => {
      const h = new HistoryBuilder();
      h.at(1);
      const w = h.add(0, 'k', 7, { node: 'n1', ack: 'wait', replicas: 1, waitFor: 1, waitTimeoutMs: 100 });
      h.at(3);
      const p = h.isolate(['n1']);
      h.at(20);
      h.heal();
      h.at(25);
      const r = h.finalRead(1, 'k', 'n2', lost ? [] : [7]);
      return { res: checkWait(h.build(), { maxReplicas: 2 }), w, p, r };
    };
    const { res, w, p, r } = build(true);
    expect(res.valid).toBe(false);
    expect(res.waitAckedLost).toBe(1);
    expect(res.waitAckedLostAnomalous).toBe(1);
    const l = res.waitAckedLosses[0]!;
    expect(l.ops).toEqual([w[0], w[1], p[0], r[1]]);
    expect(l.relativeToFaultS).toBeLessThan(0); // acknowledged before the isolation
    expect(l.message).toContain('at 1.00 s, 2.00 s before n1 was isolated (op 2)');
    expect(l.reason).toMatch(/promoted a replica that had not acknowledged/);
    expect(l.faultsDuring).toEqual([0]);
    expect(l.faultedNodes).toEqual(['n1']);
    const ok = build(false).res;
    expect(ok.valid).toBe(true);
    expect(ok.waitAckedWrites).toBe(1);
    expect(ok.replies).toEqual({ '1': 1 });
  });

  it('is unknown when the run used no WAIT', () => {
    const h = new HistoryBuilder();
    h.add(0, 'k', 1);
    expect(checkWait(h.build()).valid).toBe('unknown');
  });
});

describe('wait: direct checks of WAIT replies', () => {
  const probed = (present: string[], absent: string[], fault = false) => {
    const h = new HistoryBuilder();
    h.at(1);
    if (fault) h.nemesis('start-partition', { nodes: ['n3'], kind: 'isolate' });
    h.add(0, 'w', 7, { node: 'n1', ack: 'wait', replicas: 2, waitFor: 1, waitTimeoutMs: 500 });
    h.invoke(0, 'wait-probe', { key: 'w', element: 7, replicas: 2 });
    h.ok(0, { key: 'w', element: 7, replicas: 2, present, absent, unreachable: [] });
    h.at(5);
    h.finalRead(1, 'w', 'n1', [7]);
    return h.build();
  };

  it('WAIT said 2 replicas, but right after it only one held the write: a violation naming the replica', () => {
    const r = checkWait(probed(['n2'], ['n3']), { maxReplicas: 2 });
    expect(r.valid).toBe(false);
    expect(r.violations.map((v) => v.kind)).toEqual(['wait-unconfirmed']);
    expect(r.violations[0]!.message).toContain('only 1 replica(s) held it (n2; missing on n3)');
    expect(r).toMatchObject({ probes: 1, probesJudged: 1 });
  });

  it('both replicas held it: valid; during a fault the probe is not judged', () => {
    expect(checkWait(probed(['n2', 'n3'], []), { maxReplicas: 2 }).valid).toBe(true);
    const during = checkWait(probed(['n2'], ['n3'], true), { maxReplicas: 2 });
    expect(during.violations).toEqual([]);
    expect(during).toMatchObject({ probes: 1, probesJudged: 0 });
  });

  it('every WAIT reply is range-checked against the replicas the harness passes (maxReplicas)', () => {
    const h = new HistoryBuilder();
    h.add(0, 'w', 8, { node: 'n1', ack: 'wait', replicas: 3, waitFor: 1, waitTimeoutMs: 500 });
    h.finalRead(1, 'w', 'n1', [8]);
    expect(checkWait(h.build(), { maxReplicas: 2 }).violations.map((v) => v.kind)).toEqual(['reply-out-of-range']);
  });
});
