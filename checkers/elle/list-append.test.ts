/**
 * The list-append checker on the cases of Elle's own list-append tests (same histories, same
 * expected anomaly types, model boundaries and cycles), and a failing + clean history per anomaly.
 */
import { describe, expect, it } from 'vitest';
import { type CycleAnomaly, checkElle, type ElleOptions } from './checker.js';
import { TxnHistory } from './testing.js';

const NONE: ElleOptions = { consistencyModels: [] };

function c(h: TxnHistory, opts: ElleOptions) {
  const r = checkElle(h.ops, { workload: 'list-append', ...opts });
  return { valid: r.valid, types: r.anomalyTypes, not: r.not, r };
}

/** The cycle of the first anomaly of a type: completion indices and edge relations. */
function cycleOf(r: ReturnType<typeof checkElle>, type: string): { ops: number[]; rels: string[] } {
  const a = r.anomalies[type]![0] as CycleAnomaly;
  return { ops: a.cycle.map((t) => t.index), rels: a.steps.map((s) => s.rel) };
}

/** Rotates a cycle so that it starts at its smallest op (cycles have no canonical start). */
function canon({ ops, rels }: { ops: number[]; rels: string[] }): { ops: number[]; rels: string[] } {
  const i = ops.indexOf(Math.min(...ops));
  return { ops: [...ops.slice(i), ...ops.slice(0, i)], rels: [...rels.slice(i), ...rels.slice(0, i)] };
}

/** Sequential transactions by one process, as Elle's `pair`. */
function seq(...txns: string[]): [TxnHistory, number[]] {
  const h = new TxnHistory();
  return [h, txns.map((t) => h.txn(0, t))];
}

describe('list-append: Elle checker-test cases', () => {
  it('G0: a pure write cycle', () => {
    const [h, [t1, t2]] = seq('ax1ay1', 'ax2ay2', 'rx12ry21');
    for (const anomalies of [['G0'], ['G1']]) {
      const r = c(h, { ...NONE, anomalies });
      expect([r.valid, r.types, r.not]).toEqual([false, ['G0'], ['read-uncommitted']]);
      expect(canon(cycleOf(r.r, 'G0'))).toEqual({ ops: [t1, t2], rels: ['ww', 'ww'] });
      const steps = (r.r.anomalies.G0![0] as CycleAnomaly).steps;
      expect(steps.map((s) => [s.key, s.value, s.value2])).toEqual([
        ['x', 1, 2],
        ['y', 2, 1],
      ]);
    }
    // G2 does not include G0.
    expect(c(h, { ...NONE, anomalies: ['G2'] }).valid).toBe(true);
  });

  it('G1a: reading a failed append', () => {
    const h = new TxnHistory();
    const t1 = h.txn(0, 'ax1', 'fail');
    const t2 = h.txn(1, 'rx1');
    expect(c(h, { consistencyModels: ['read-uncommitted'] })).toMatchObject({ valid: 'unknown', types: ['empty-transaction-graph'], not: ['read-committed'] });
    for (const m of ['read-committed', 'repeatable-read']) {
      const r = c(h, { consistencyModels: [m] });
      expect([r.valid, r.types, r.not]).toEqual([false, ['G1a', 'empty-transaction-graph'], ['read-committed']]);
      expect(r.r.anomalies.G1a![0]).toMatchObject({ element: 1, ops: [t1, t2] });
    }
    expect(c(h, { ...NONE, anomalies: ['G2'] })).toMatchObject({ valid: 'unknown', types: ['empty-transaction-graph'] });
  });

  it('G1b: reading an intermediate append (and G-single-item)', () => {
    const [h, [t1, t2]] = seq('ax1ax2', 'rx1');
    expect(c(h, { ...NONE, anomalies: ['G0'] }).valid).toBe(true);
    const g1 = c(h, { ...NONE, anomalies: ['G1'] });
    expect([g1.valid, g1.types, g1.not]).toEqual([false, ['G1b'], ['read-committed']]);
    expect(g1.r.anomalies.G1b![0]).toMatchObject({ element: 1, ops: [t1, t2] });
    const g2 = c(h, { ...NONE, anomalies: ['G2'] });
    expect([g2.valid, g2.types, g2.not]).toEqual([false, ['G-single-item'], ['read-committed']]);
    const ss = c(h, { consistencyModels: ['strict-serializable'] });
    expect([ss.valid, ss.types]).toEqual([false, ['G-single-item', 'G1b']]);
    expect(canon(cycleOf(ss.r, 'G-single-item'))).toEqual({ ops: [t1, t2], rels: ['wr', 'rw'] });
  });

  it('G1c: circular information flow', () => {
    const [h, [t1, t2]] = seq('ax1ry1', 'ax2ay1', 'rx12ry1');
    expect(c(h, { ...NONE, anomalies: ['G0'] }).valid).toBe(true);
    const r = c(h, { ...NONE, anomalies: ['G1'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G1c'], ['read-committed']]);
    expect(canon(cycleOf(r.r, 'G1c'))).toEqual({ ops: [t1, t2], rels: ['ww', 'wr'] });
    expect(c(h, { ...NONE, anomalies: ['G2'] }).valid).toBe(true);
  });

  it('G-single-item: one anti-dependency', () => {
    const [h, [t1, t2]] = seq('ax1ay1', 'ax2ry', 'rx12');
    expect(c(h, { ...NONE, anomalies: ['G0'] }).valid).toBe(true);
    expect(c(h, { ...NONE, anomalies: ['G1'] }).valid).toBe(true);
    for (const anomalies of [['G-single'], ['G2']]) {
      const r = c(h, { ...NONE, anomalies });
      expect([r.valid, r.types, r.not]).toEqual([false, ['G-single-item'], ['consistent-view', 'repeatable-read']]);
      expect(canon(cycleOf(r.r, 'G-single-item'))).toEqual({ ops: [t1, t2], rels: ['ww', 'rw'] });
    }
  });

  it('G2-item: a pure anti-dependency cycle', () => {
    const [h, [t1, t2]] = seq('ax1ry', 'ay1rx');
    expect(c(h, { ...NONE, anomalies: ['G0'] }).valid).toBe(true);
    expect(c(h, { ...NONE, anomalies: ['G1'] }).valid).toBe(true);
    expect(c(h, { consistencyModels: ['read-committed'] }).valid).toBe(true);
    for (const opts of [{ ...NONE, anomalies: ['G2'] }, { consistencyModels: ['serializable'] }, { consistencyModels: ['repeatable-read'] }]) {
      const r = c(h, opts);
      expect([r.valid, r.types, r.not]).toEqual([false, ['G2-item'], ['repeatable-read']]);
      expect(canon(cycleOf(r.r, 'G2-item'))).toEqual({ ops: [t1, t2], rels: ['rw', 'rw'] });
    }
  });

  it('strong SI violation: a stale read after a completed append (G-single-item-realtime)', () => {
    const h = new TxnHistory();
    h.txn(0, 'ax1');
    const t1 = h.txn(1, 'ax2');
    const t2 = h.txn(2, 'rx1');
    h.txn(3, 'rx12');
    expect(c(h, { ...NONE, anomalies: ['G2'] }).valid).toBe(true);
    expect(c(h, { consistencyModels: ['serializable'] }).valid).toBe(true);
    const r = c(h, { consistencyModels: ['strict-serializable'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G-single-item-realtime'], ['strong-snapshot-isolation']]);
    expect(canon(cycleOf(r.r, 'G-single-item-realtime'))).toEqual({ ops: [t1, t2], rels: ['realtime', 'rw'] });
    // A stale read, not a loss: a read after it shows 2.
    expect(c(h, { consistencyModels: ['strict-serializable'], lostAppends: true }).types).toEqual(['G-single-item-realtime']);
  });

  it('lost append (ours): acknowledged, then absent from every later read; clean twin', () => {
    const [h, [, t1, t2]] = seq('ax1', 'ax2', 'rx1');
    const l = c(h, { lostAppends: true });
    expect([l.valid, l.types, l.not]).toEqual([false, ['G-single-item-realtime', 'lost-append'], ['strong-snapshot-isolation']]);
    expect(l.r.anomalies['lost-append']![0]).toMatchObject({ key: 'x', element: 2, ops: [t1, t2] });
    // Serializability allows it (the read is serialised first); lost appends are a real-time notion.
    expect(c(h, { lostAppends: true, consistencyModels: ['serializable'] }).valid).toBe(true);
    const [clean] = seq('ax1', 'ax2', 'rx12');
    expect(c(clean, { lostAppends: true }).valid).toBe(true);
    // Seen, then gone from a later read: lost too (as set-full's lost).
    const [vanished, [, , , gone]] = seq('ax1', 'ax2', 'rx12', 'rx1');
    const v = c(vanished, { lostAppends: true });
    expect(v.types).toContain('lost-append');
    expect(v.r.anomalies['lost-append']![0]).toMatchObject({ element: 2, everRead: true, ops: [3, gone] });
  });

  it('strong session SI violation (G-single-item-process)', () => {
    const h = new TxnHistory();
    h.txn(0, 'ax1');
    const t1 = h.txn(1, 'ax2');
    const t2 = h.txn(1, 'rx1');
    h.txn(2, 'rx12');
    expect(c(h, { consistencyModels: ['serializable'] }).valid).toBe(true);
    const r = c(h, { consistencyModels: ['strong-session-snapshot-isolation'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G-single-item-process'], ['strong-session-snapshot-isolation']]);
    expect(canon(cycleOf(r.r, 'G-single-item-process'))).toEqual({ ops: [t1, t2], rels: ['process', 'rw'] });
  });

  it('G-nonadjacent-item-process', () => {
    const h = new TxnHistory();
    const t0 = h.txn(0, 'rxrz1');
    const t1 = h.txn(1, 'ax1');
    const t2 = h.txn(1, 'rz');
    const t3 = h.txn(2, 'az1');
    expect(c(h, { consistencyModels: ['serializable'] }).valid).toBe(true);
    const r = c(h, { consistencyModels: ['strong-session-snapshot-isolation'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G-nonadjacent-item-process'], ['strong-session-snapshot-isolation']]);
    expect(canon(cycleOf(r.r, 'G-nonadjacent-item-process'))).toEqual({ ops: [t0, t1, t2, t3], rels: ['rw', 'process', 'rw', 'wr'] });
  });

  it('contradictory read orders: incompatible-order and G1c', () => {
    const [h, [t1, t2, t3, t4, t5]] = seq('ax1ry1', 'ax2', 'ax3ay1', 'rx13', 'rx123');
    const r = c(h, { ...NONE, anomalies: ['G1'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G1c', 'incompatible-order'], ['read-committed']]);
    expect(r.r.anomalies['incompatible-order']![0]).toMatchObject({
      key: 'x',
      values: [
        [1, 3],
        [1, 2, 3],
      ],
      ops: [t4, t5],
    });
    expect(canon(cycleOf(r.r, 'G1c'))).toEqual({ ops: [t1, t2, t3], rels: ['ww', 'ww', 'wr'] });
  });

  it('dirty update: none, direct, through an info append', () => {
    const none = new TxnHistory();
    none.txn(0, 'ax1', 'fail');
    expect(c(none, { ...NONE, anomalies: ['dirty-update'] })).toMatchObject({ valid: 'unknown', types: ['empty-transaction-graph'], not: [] });
    const direct = new TxnHistory();
    const d1 = direct.txn(0, 'ax1', 'fail');
    const d2 = direct.txn(1, 'ax2');
    direct.txn(2, 'rx12');
    const rd = c(direct, { ...NONE, anomalies: ['dirty-update'] });
    expect([rd.valid, rd.types, rd.not]).toEqual([false, ['dirty-update'], ['read-committed']]);
    expect(rd.r.anomalies['dirty-update']![0]).toMatchObject({ key: 'x', values: [1, 2], ops: [d1, d2] });
    const indirect = new TxnHistory();
    const i1 = indirect.txn(0, 'ax1', 'fail');
    indirect.txn(1, 'ax2', 'info');
    const i3 = indirect.txn(2, 'ax3');
    indirect.txn(3, 'rx123');
    const ri = c(indirect, { ...NONE, anomalies: ['dirty-update'] });
    expect([ri.valid, ri.types]).toEqual([false, ['dirty-update']]);
    expect(ri.r.anomalies['dirty-update']![0]).toMatchObject({ values: [1, 2, 3], ops: [i1, i3] });
  });

  it('duplicated elements', () => {
    const [h, [t1, t2, t3]] = seq('ax1ry1', 'ax2ay1', 'rx121');
    const r = c(h, { consistencyModels: ['read-committed'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G1c', 'duplicate-elements'], ['read-uncommitted']]);
    expect(r.r.anomalies['duplicate-elements']![0]).toMatchObject({ ops: [t3], duplicates: { '1': 2 } });
    expect(canon(cycleOf(r.r, 'G1c'))).toEqual({ ops: [t1, t2], rels: ['ww', 'wr'] });
  });

  it('internal consistency violation', () => {
    const [h, [, t2]] = seq('ax1ax2ax4', 'ax3rx1234');
    const r = c(h, { ...NONE, anomalies: ['internal'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['internal'], ['read-uncommitted']]);
    expect(r.r.anomalies.internal![0]).toMatchObject({ ops: [t2], expected: '[… 3]' });
  });

  it('unobserved writes still order: G0 and G-single-item', () => {
    const h = new TxnHistory();
    for (const [p, t] of ['ax1ay1', 'ax2ay2', 'ax3ay3', 'rx12', 'ry2'].entries()) h.invoke(p, t);
    const [w1, w2, , , ry] = [0, 1, 2, 3, 4].map((p) => h.complete(p));
    const r = c(h, { consistencyModels: ['serializable'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G-single-item', 'G0'].sort(), ['read-uncommitted']]);
    expect(canon(cycleOf(r.r, 'G0'))).toEqual({ ops: [w1, w2], rels: ['ww', 'ww'] });
    expect(canon(cycleOf(r.r, 'G-single-item'))).toEqual({ ops: [w1!, w2!, ry!], rels: ['ww', 'wr', 'rw'] });
  });

  it('repeatable read forbids G2-item, read committed does not', () => {
    const [h, [t1, t2]] = seq('rxay1', 'ryax1');
    expect(c(h, { consistencyModels: ['read-committed'] }).valid).toBe(true);
    const r = c(h, { consistencyModels: ['repeatable-read'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G2-item'], ['repeatable-read']]);
    expect(canon(cycleOf(r.r, 'G2-item'))).toEqual({ ops: [t1, t2], rels: ['rw', 'rw'] });
  });

  it('G-nonadjacent-item: two rw edges apart; rw rw wr rw wr is not', () => {
    const [h, [t1, t2, t3, t4]] = seq('ax1', 'rx1ry', 'ay1', 'ry1rx');
    const r = c(h, {});
    expect([r.valid, r.types, r.not]).toEqual([false, ['G-nonadjacent-item'], ['repeatable-read', 'snapshot-isolation']]);
    expect(canon(cycleOf(r.r, 'G-nonadjacent-item'))).toEqual({ ops: [t1, t2, t3, t4], rels: ['wr', 'rw', 'wr', 'rw'] });
    const [adj] = seq('rx5ay1', 'ryaz2', 'rzat3', 'rt3au4', 'ruax5');
    expect(c(adj, { consistencyModels: ['snapshot-isolation'] }).valid).toBe(true);
  });

  it('lost update: two transactions read [0] and append', () => {
    const [h, [, t1, t2]] = seq('ax0', 'rx0ax1', 'rx0ax2');
    const r = c(h, {});
    expect([r.valid, r.types, r.not]).toEqual([false, ['G2-item', 'lost-update'], ['cursor-stability', 'update-atomic']]);
    expect(r.r.anomalies['lost-update']![0]).toMatchObject({ key: 'x', value: [0], ops: [t1, t2] });
    expect(canon(cycleOf(r.r, 'G2-item'))).toEqual({ ops: [t1, t2], rels: ['rw', 'rw'] });
    // One transaction appending twice after its read is fine.
    const [ok] = seq('rxax1ax2', 'rx12');
    expect(c(ok, {}).valid).toBe(true);
  });

  it('wr-process (Elle issue 21): G1c-process under strong session SI', () => {
    const h = new TxnHistory();
    h.invoke(1, [
      ['r', 'x', null],
      ['append', 'y', 1],
    ]);
    const t0 = h.complete(1, 'ok', [
      ['r', 'x', [1]],
      ['append', 'y', 1],
    ]);
    const t1 = h.txn(2, 'ry1');
    const t2 = h.txn(2, 'ax1');
    const r = c(h, { consistencyModels: ['strong-session-snapshot-isolation'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['G1c-process'], ['strong-session-read-committed']]);
    expect(canon(cycleOf(r.r, 'G1c-process'))).toEqual({ ops: [t0, t1, t2], rels: ['wr', 'process', 'wr'] });
  });

  it('rr G-single-item and G-nonadjacent-item', () => {
    const [h1, [a1, a2]] = seq('ax1ay1', 'rx1ry');
    const r1 = c(h1, { consistencyModels: ['repeatable-read'] });
    expect([r1.valid, r1.types, r1.not]).toEqual([false, ['G-single-item'], ['consistent-view', 'repeatable-read']]);
    expect(canon(cycleOf(r1.r, 'G-single-item'))).toEqual({ ops: [a1, a2], rels: ['wr', 'rw'] });
    const [h2, [b1, b2, b3, b4]] = seq('ax1at1', 'rx1ry', 'ay1az2', 'rz2rt');
    const r2 = c(h2, { consistencyModels: ['repeatable-read'] });
    expect([r2.valid, r2.types, r2.not]).toEqual([false, ['G-nonadjacent-item'], ['repeatable-read', 'snapshot-isolation']]);
    expect(canon(cycleOf(r2.r, 'G-nonadjacent-item'))).toEqual({ ops: [b1, b2, b3, b4], rels: ['wr', 'rw', 'wr', 'rw'] });
  });

  it('future read', () => {
    const h = new TxnHistory();
    h.invoke(0, [
      ['r', 'x', [1]],
      ['append', 'x', 1],
    ]);
    const t0 = h.complete(0, 'ok');
    const r = c(h, { consistencyModels: ['read-committed'] });
    expect([r.valid, r.types, r.not]).toEqual([false, ['empty-transaction-graph', 'future-read'], ['read-committed']]);
    expect(r.r.anomalies['future-read']![0]).toMatchObject({ ops: [t0], element: 1 });
  });
});

describe('list-append: explanations', () => {
  it('explains every edge of a cycle in words, naming the transactions', () => {
    const h = new TxnHistory();
    h.txn(0, 'ax1');
    h.txn(1, 'ax2');
    h.txn(2, 'rx1');
    const r = checkElle(h.ops, { workload: 'list-append' });
    const a = r.anomalies['G-single-item-realtime']![0] as CycleAnomaly;
    expect(a.steps.map((s) => s.text).join('\n')).toMatch(/appended 2 to x and T\d read x without it \(ending in 1\), so T\d precedes T\d \(rw\)/);
    expect(a.steps.map((s) => s.text).join('\n')).toMatch(/completed .* before T\d began .*\(realtime\)/);
    expect(a.explanation).toMatch(/^Let:\n {2}T1 = op \d+/);
    expect(a.explanation).toMatch(/a contradiction!$/);
    expect(r.ruledOutBy).toEqual({ 'strict-serializable': ['G-single-item-realtime'] });
  });
});

describe('list-append: malformed histories', () => {
  it('a value appended twice to one key makes the result unknown with a clear error', () => {
    const [h] = seq('ax1', 'ax1', 'rx11');
    const r = checkElle(h.ops, { workload: 'list-append' });
    expect(r.valid).toBe('unknown');
    expect(r.error).toMatch(/value 1 appended to key x more than once/);
  });
  it('a write micro-op in a list-append history is refused', () => {
    const [h] = seq('ax1', 'wx2');
    expect(checkElle(h.ops, { workload: 'list-append' }).error).toMatch(/only appends and reads/);
  });
  it('an unknown consistency model is an error', () => {
    const [h] = seq('ax1');
    expect(() => checkElle(h.ops, { consistencyModels: ['serialisable'] })).toThrow(/unknown consistency model "serialisable"/);
  });
});

describe('list-append: every anomaly class, failing and clean', () => {
  /** [class, failing history, clean twin (one read or one step changed), options]. */
  const fail = (t: string): [number, string, 'fail'] => [0, t, 'fail'];
  type Step = string | [number, string, 'ok' | 'fail' | 'info'];
  const cases: [string, Step[], Step[], ElleOptions][] = [
    ['G0', ['ax1ay1', 'ax2ay2', 'rx12ry21'], ['ax1ay1', 'ax2ay2', 'rx12ry12'], {}],
    ['G1a', [fail('ax1'), 'rx1'], [fail('ax1'), 'rx'], {}],
    ['G1b', ['ax1ax2', 'rx1'], ['ax1ax2', 'rx12'], {}],
    ['G1c', ['ax1ry1', 'ax2ay1', 'rx12ry1'], ['ax1ry', 'ax2ay1', 'rx12ry1'], {}],
    ['G-single-item', ['ax1ay1', 'ax2ry', 'rx12'], ['ax1ay1', 'ax2ry1', 'rx12'], { consistencyModels: ['serializable'] }],
    ['G-nonadjacent-item', ['ax1', 'rx1ry', 'ay1', 'ry1rx'], ['ax1', 'rx1ry', 'ay1', 'ry1rx1'], { consistencyModels: ['serializable'] }],
    ['G2-item', ['ax1ry', 'ay1rx'], ['ax1ry', 'ay1rx1'], {}],
    ['G-single-item-realtime', ['ax1', 'ax2', 'rx1', 'rx12'], ['ax1', 'ax2', 'rx12', 'rx12'], {}],
    ['internal', ['ax1ax2ax4', 'ax3rx1234'], ['ax1ax2ax4', 'ax3rx1243'], {}],
    ['future-read', ['rx1ax1'], ['ax1rx1'], {}],
    ['duplicate-elements', ['ax1', 'rx11'], ['ax1', 'rx1'], {}],
    ['incompatible-order', ['ax1', 'ax2', 'ax3', 'rx13', 'rx123'], ['ax1', 'ax2', 'ax3', 'rx123', 'rx123'], {}],
    ['dirty-update', [fail('ax1'), 'ax2', 'rx12'], [fail('ax1'), 'ax2', 'rx2'], {}],
    ['lost-update', ['ax0', 'rx0ax1', 'rx0ax2'], ['ax0', 'rx0ax1', 'rx01ax2'], {}],
    ['lost-append', ['ax1', 'ax2', 'rx1'], ['ax1', 'ax2', 'rx12'], { lostAppends: true }],
  ];
  function build(steps: Step[]): TxnHistory {
    const h = new TxnHistory();
    for (const [i, s] of steps.entries()) {
      if (typeof s === 'string') h.txn(i, s);
      else h.txn(s[0] + 100 + i, s[1], s[2]);
    }
    return h;
  }
  it.each(cases)('%s', (type, failing, clean, opts) => {
    const bad = checkElle(build(failing).ops, { workload: 'list-append', ...opts });
    expect(bad.valid).toBe(false);
    expect(bad.anomalyTypes).toContain(type);
    const good = checkElle(build(clean).ops, { workload: 'list-append', ...opts });
    expect(good.anomalyTypes.filter((t) => t !== 'empty-transaction-graph')).toEqual([]);
    expect(good.valid).not.toBe(false);
  });
});
