import { describe, expect, it } from 'vitest';
import type { History } from '../history/types.js';
import { HistoryBuilder } from '../testing/builder.js';
import { generateSetHistory } from '../testing/generate.js';
import { Prng } from '../util/prng.js';
import { checkSetFull } from './index.js';

describe('set-full', () => {
  it('is valid when every element is stable right away', () => {
    const h = new HistoryBuilder();
    h.add(0, 's', 1);
    h.add(0, 's', 2);
    h.read(1, 's', [1, 2]);
    const res = checkSetFull(h.build());
    expect(res.valid).toBe(true);
    expect(res.stableCount).toBe(2);
    expect(res.staleCount).toBe(0);
    expect(res.stableLatencies).toEqual({ '0': 0, '0.5': 0, '0.95': 0, '0.99': 0, '1': 0 });
  });

  it('finds a lost element: present, then absent from a later read', () => {
    const build = (lose: boolean): { res: ReturnType<typeof checkSetFull>; a: [number, number]; r1: [number, number]; r2: [number, number] } => {
      const h = new HistoryBuilder();
      const a = h.add(0, 's', 1);
      h.add(0, 's', 2);
      h.at(1);
      const r1 = h.read(1, 's', [1, 2]);
      h.at(2);
      const r2 = h.read(1, 's', lose ? [2] : [1, 2]);
      return { res: checkSetFull(h.build()), a, r1, r2 };
    };
    const { res, a, r1, r2 } = build(true);
    expect(res.valid).toBe(false);
    expect(res.lostCount).toBe(1);
    expect(res.lost[0]).toEqual({
      key: 's',
      element: 1,
      addIndex: a[0],
      knownIndex: a[1],
      lastPresentIndex: r1[0],
      lastAbsentIndex: r2[0],
      lostLatencyMs: 999, // known at 0.001 s (add ok), last seen by the read invoked at 1 s
      class: 'anomalous',
      fault: null,
      window: null,
      reason: 'lost with no fault in the run',
    });
    expect(res.lostAnomalousCount).toBe(1);
    expect(res.lostLatencies?.['1']).toBe(999);
    expect(build(false).res.valid).toBe(true);
  });

  it('finds a stale element: absent from a read begun after its add completed, present later', () => {
    const build = (stale: boolean, linearizable: boolean): ReturnType<typeof checkSetFull> => {
      const h = new HistoryBuilder();
      h.add(0, 's', 1); // ok at 0.001 s
      h.at(0.5);
      h.read(1, 's', stale ? [] : [1]);
      h.at(1);
      h.read(1, 's', [1]);
      return checkSetFull(h.build(), { linearizable });
    };
    const res = build(true, false);
    expect(res.valid).toBe(true);
    expect(res.staleCount).toBe(1);
    expect(res.stale[0]).toMatchObject({ element: 1, knownIndex: 1, lastAbsentIndex: 2, stableLatencyMs: 499 });
    expect(res.worstStale).toHaveLength(1);
    expect(build(true, true).valid).toBe(false);
    const clean = build(false, true);
    expect(clean.valid).toBe(true);
    expect(clean.staleCount).toBe(0);
  });

  it('calls an element never-read when no read began after it was known', () => {
    const h = new HistoryBuilder();
    h.add(0, 's', 1);
    h.read(1, 's', [1]);
    const a = h.add(0, 's', 2);
    const res = checkSetFull(h.build());
    expect(res.valid).toBe(true);
    expect(res.neverReadCount).toBe(1);
    expect(res.neverRead[0]).toMatchObject({ element: 2, addIndex: a[0], knownIndex: a[1], lastPresentIndex: null, lastAbsentIndex: null });
    const h2 = new HistoryBuilder();
    h2.add(0, 's', 1);
    h2.add(0, 's', 2);
    h2.read(1, 's', [1, 2]);
    expect(checkSetFull(h2.build()).neverReadCount).toBe(0);
  });

  it('does not call lost an element missed by a read concurrent with its add (Jepsen asymmetry)', () => {
    const h = new HistoryBuilder();
    h.invoke(1, 'read', null, { key: 's' });
    h.invoke(0, 'add', 1, { key: 's' });
    h.ok(0);
    h.ok(1, []);
    const res = checkSetFull(h.build());
    expect(res.lostCount).toBe(0);
    expect(res.neverReadCount).toBe(1);
  });

  it('flags unexpected and duplicated elements', () => {
    const h = new HistoryBuilder();
    h.add(0, 's', 1);
    const r = h.read(1, 's', [1, 1, 7]);
    const res = checkSetFull(h.build());
    expect(res.valid).toBe(false);
    expect(res.unexpected).toEqual([{ key: 's', element: 7, readIndex: r[1] }]);
    expect(res.duplicated).toEqual([{ key: 's', element: 1, count: 2, readIndex: r[1] }]);
  });

  it('is unknown when nothing is stable', () => {
    const h = new HistoryBuilder();
    h.add(0, 's', 1, { type: 'info' });
    expect(checkSetFull(h.build()).valid).toBe('unknown');
  });

  it('keeps sets apart by key', () => {
    const h = new HistoryBuilder();
    h.add(0, 'a', 1);
    h.add(0, 'b', 1);
    h.read(1, 'a', [1]);
    h.read(1, 'b', []);
    const res = checkSetFull(h.build());
    expect(res.lost.map((e) => e.key)).toEqual(['b']);
  });

  it('agrees with a direct transcription of Jepsen on random histories', () => {
    const totals = { lost: 0, never: 0, stale: 0 };
    for (let seed = 1; seed <= 20; seed++) {
      const h = generateSetHistory({ ops: 3000, keys: 3, processes: 6, readRatio: 0.15, faultEveryS: 0.02, lossRate: 0.5, seed });
      scramble(h, seed);
      const got = checkSetFull(h);
      const want = jepsenSetFull(h);
      expect({ lost: got.lost.map(id), never: got.neverRead.map(id), stale: got.stale.map(id) }).toEqual(want);
      totals.lost += want.lost.length;
      totals.never += want.never.length;
      totals.stale += want.stale.length;
    }
    // The comparison means something only if every outcome occurred.
    expect(totals.lost).toBeGreaterThan(0);
    expect(totals.never).toBeGreaterThan(0);
    expect(totals.stale).toBeGreaterThan(0);
  });

  it('produces byte-identical JSON for the same history', () => {
    const h = generateSetHistory({ ops: 5000, keys: 4, seed: 3, readRatio: 0.1, faultEveryS: 0.05, lossRate: 0.5 });
    expect(JSON.stringify(checkSetFull(h))).toBe(JSON.stringify(checkSetFull(structuredClone(h))));
  });
});

const id = (e: { key: string; element: unknown }): string => `${e.key}/${String(e.element)}`;

/** Drops elements from some reads and adds long-delayed ones, so lost / stale / never-read all occur. */
function scramble(h: History, seed: number): void {
  const rnd = new Prng(seed * 7919);
  for (const op of h) {
    if (op.type === 'ok' && op.f === 'read' && Array.isArray(op.value)) {
      op.value = (op.value as number[]).filter(() => rnd.next() > 0.1);
    }
  }
}

/** Jepsen's set-full, transcribed literally: every read updates every tracked element. */
function jepsenSetFull(h: History): { lost: string[]; never: string[]; stale: string[] } {
  interface S {
    key: string;
    el: number;
    known: number;
    lp: number;
    la: number;
  }
  const els = new Map<string, S>();
  const inv = new Map<unknown, number>();
  for (let i = 0; i < h.length; i++) {
    const op = h[i]!;
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') inv.set(op.process, i);
    const k = `${op.key}/${String(op.value)}`;
    if (op.f === 'add') {
      if (op.type === 'invoke') els.set(k, { key: op.key!, el: op.value as number, known: -1, lp: -1, la: -1 });
      else if (op.type === 'ok') {
        const s = els.get(k)!;
        if (s.known < 0) s.known = i;
      }
    } else if ((op.f === 'read' || op.f === 'final-read') && op.type === 'ok') {
      const iv = inv.get(op.process)!;
      const seen = new Set((op.value as number[]).map(String));
      for (const s of els.values()) {
        if (s.key !== op.key) continue;
        if (seen.has(String(s.el))) {
          if (s.known < 0) s.known = i;
          if (s.lp < iv) s.lp = iv;
        } else if (s.la < iv) s.la = iv;
      }
    }
  }
  const out = { lost: [] as S[], never: [] as S[], stale: [] as S[] };
  for (const s of els.values()) {
    const stable = s.lp >= 0 && s.la < s.lp;
    const lost = s.known >= 0 && s.la >= 0 && s.lp < s.la && s.known < s.la;
    if (stable) {
      const st = s.la >= 0 ? h[s.la]!.time + 1 : 0;
      if (Math.trunc(Math.max(0, st - h[s.known]!.time) / 1e6) > 0) out.stale.push(s);
    } else if (lost) out.lost.push(s);
    else out.never.push(s);
  }
  const sort = (xs: S[]): string[] => xs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.el - b.el)).map((s) => `${s.key}/${s.el}`);
  return { lost: sort(out.lost), never: sort(out.never), stale: sort(out.stale) };
}
