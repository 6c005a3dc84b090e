/** The rw-register checker: a failing and a clean history for each anomaly class. */
import { describe, expect, it } from 'vitest';
import { type CycleAnomaly, checkElle, type ElleOptions } from './checker.js';
import { TxnHistory } from './testing.js';

function seq(...txns: string[]): [TxnHistory, number[]] {
  const h = new TxnHistory(true);
  return [h, txns.map((t, i) => h.txn(i, t))];
}

function check(h: TxnHistory, opts: ElleOptions = {}) {
  return checkElle(h.ops, { workload: 'rw-register', wfrKeys: true, ...opts });
}

function rels(r: ReturnType<typeof checkElle>, type: string): string[] {
  return (r.anomalies[type]![0] as CycleAnomaly).steps.map((s) => s.rel).sort();
}

describe('rw-register anomalies, each with a clean twin', () => {
  it('G0: a write cycle inferred from writes following reads', () => {
    const [h] = seq('wx1wy1', 'wx2wy2', 'rx1wx3', 'ry2wy4');
    // Without reads linking the versions, nothing orders the writes.
    expect(check(h).valid).toBe(true);
    const [bad] = seq('ry2wx1wy1', 'rx1wx2wy2');
    const r = check(bad, { consistencyModels: ['read-uncommitted'] });
    expect([r.valid, r.anomalyTypes, r.not]).toEqual([false, ['G0'], ['read-uncommitted']]);
    expect(rels(r, 'G0')).toEqual(['ww', 'ww']);
  });

  it('G1a: reading a failed write', () => {
    const h = new TxnHistory(true);
    h.txn(0, 'wx1', 'fail');
    h.txn(1, 'rx1');
    const r = check(h, { consistencyModels: ['read-committed'] });
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toContain('G1a');
    const clean = new TxnHistory(true);
    clean.txn(0, 'wx1', 'fail');
    clean.txn(1, 'rx');
    expect(check(clean, { consistencyModels: ['read-committed'] }).anomalyTypes).not.toContain('G1a');
  });

  it('G1b: reading an overwritten intermediate value', () => {
    const [h, [t1, t2]] = seq('wx1wx2', 'rx1');
    const r = check(h, { consistencyModels: ['read-committed'] });
    // Only the intermediate value was read: no dependency edge at all, as in Elle.
    expect([r.valid, r.anomalyTypes]).toEqual([false, ['G1b', 'empty-transaction-graph']]);
    expect(r.anomalies.G1b![0]).toMatchObject({ ops: [t1, t2], value: 1 });
    const [clean] = seq('wx1wx2', 'rx2');
    expect(check(clean, { consistencyModels: ['read-committed'] }).valid).toBe(true);
  });

  it('G1c: circular information flow', () => {
    const [h] = seq('wx1ry1', 'wy1rx1');
    const r = check(h, { consistencyModels: ['read-committed'] });
    expect([r.valid, r.anomalyTypes, r.not]).toEqual([false, ['G1c'], ['read-committed']]);
    expect(rels(r, 'G1c')).toEqual(['wr', 'wr']);
    const [clean] = seq('wx1ry1', 'wy1rx');
    expect(check(clean, { consistencyModels: ['serializable'] }).valid).toBe(true);
  });

  it('G2-item: write skew', () => {
    const [h] = seq('rxwy1', 'rywx1');
    const r = check(h, { consistencyModels: ['serializable'] });
    expect([r.valid, r.anomalyTypes, r.not]).toEqual([false, ['G2-item'], ['repeatable-read']]);
    expect(rels(r, 'G2-item')).toEqual(['rw', 'rw']);
    expect(check(h, { consistencyModels: ['read-committed'] }).valid).toBe(true);
    const [clean] = seq('rxwy1', 'ry1wx1');
    expect(check(clean, { consistencyModels: ['serializable'] }).valid).toBe(true);
  });

  it('G-single-item: one anti-dependency', () => {
    const [h] = seq('wx1wy1', 'rx1ry');
    const r = check(h, { consistencyModels: ['serializable'] });
    expect([r.valid, r.anomalyTypes]).toEqual([false, ['G-single-item']]);
    expect(rels(r, 'G-single-item')).toEqual(['rw', 'wr']);
    const [clean] = seq('wx1wy1', 'rx1ry1');
    expect(check(clean).valid).toBe(true);
  });

  it('G-single-item-realtime: a stale read after an acknowledged write', () => {
    const [h] = seq('wx1', 'rx');
    expect(check(h, { consistencyModels: ['serializable'] }).valid).toBe(true);
    const r = check(h);
    expect([r.valid, r.anomalyTypes, r.not]).toEqual([false, ['G-single-item-realtime'], ['strong-snapshot-isolation']]);
    const steps = (r.anomalies['G-single-item-realtime']![0] as CycleAnomaly).steps.map((s) => s.text).join('\n');
    expect(steps).toMatch(/read x = nil \(the initial state\) and T\d set it to 1/);
    const [clean] = seq('wx1', 'rx1');
    expect(check(clean).valid).toBe(true);
  });

  it('internal inconsistency', () => {
    const [h, [t1]] = seq('wx1rx2');
    const r = check(h, { ...{ consistencyModels: [] }, anomalies: ['internal'] });
    expect([r.valid, r.anomalyTypes]).toEqual([false, ['empty-transaction-graph', 'internal']]);
    expect(r.anomalies.internal![0]).toMatchObject({ ops: [t1], expected: 1 });
    const [clean] = seq('wx1rx1');
    expect(check(clean, { consistencyModels: [], anomalies: ['internal'] }).anomalyTypes).not.toContain('internal');
  });

  it('lost update: two committed read-then-writes of the same version', () => {
    const [h, [t1, t2]] = seq('rxwx1', 'rxwx2');
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toContain('lost-update');
    expect(r.anomalies['lost-update']![0]).toMatchObject({ key: 'x', value: null, ops: [t1, t2] });
    const [clean] = seq('rxwx1', 'rx1wx2');
    expect(check(clean).valid).toBe(true);
  });

  it('cyclic versions: the source that would make them cyclic is left out and reported', () => {
    const h = new TxnHistory(true);
    h.invoke(0, 'rx1wx2');
    h.invoke(1, 'rx2wx1');
    h.complete(0);
    h.complete(1);
    const r = check(h, { consistencyModels: ['read-uncommitted'] });
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toContain('cyclic-versions');
    expect(r.anomalies['cyclic-versions']![0]).toMatchObject({ key: 'x', sources: ['initial-state', 'wfr-keys'] });
  });

  it('a value written twice is refused with a clear error', () => {
    const [h] = seq('wx1', 'wx1');
    const r = check(h);
    expect(r.valid).toBe('unknown');
    expect(r.error).toMatch(/key x had value 1 written by more than one transaction/);
  });
});
