/** The lock checker on hand-built cycles: each violation with a clean twin. */
import { describe, expect, it } from 'vitest';
import type { Op } from '../history/types.js';
import { checkLock } from './index.js';

const MS = 1e6;
/** Absolute clock = history time + this (the checker recovers the offset). */
const BASE = 5e12;

interface C {
  p: number;
  token: string;
  /** History ms of the invocation; the cycle's steps are ms after it. */
  at: number;
  acquiredAfter?: number;
  fence?: number;
  writeAfter?: number;
  wroteAfter?: number;
  releaseAfter?: number;
  released?: number;
  endAfter: number;
  acquired?: boolean | null;
  ttlMs?: number;
  type?: 'ok' | 'info' | 'fail';
}

/** Lock ops from cycle descriptions; `finalLog` adds a final read of the log. */
function history(cs: C[], finalLog?: string[]): Op[] {
  const events: { t: number; op: Omit<Op, 'index'> }[] = [];
  for (const c of cs) {
    const t0 = BASE + c.at * MS;
    const abs = (after: number | undefined) => (after === undefined ? undefined : t0 + after * MS);
    const value = {
      token: c.token,
      ttlMs: c.ttlMs ?? 1000,
      t0,
      acquired: c.acquired === undefined ? true : c.acquired,
      acquiredAt: abs(c.acquiredAfter ?? 1),
      fence: c.fence,
      writeAt: abs(c.writeAfter),
      wroteAt: abs(c.wroteAfter),
      releaseAt: abs(c.releaseAfter),
      released: c.released,
      endAt: abs(c.endAfter),
    };
    events.push({ t: c.at * MS, op: { time: c.at * MS, process: c.p, type: 'invoke', f: 'lock', value: { token: c.token, ttlMs: c.ttlMs ?? 1000 } } });
    events.push({ t: (c.at + c.endAfter) * MS + 1, op: { time: (c.at + c.endAfter) * MS + 1, process: c.p, type: c.type ?? 'ok', f: 'lock', value } });
  }
  events.sort((a, b) => a.t - b.t);
  const ops = events.map((e, index) => ({ ...e.op, index }) as Op);
  if (finalLog !== undefined) {
    const t = ops[ops.length - 1]!.time + MS;
    ops.push({ index: ops.length, time: t, process: 1_000_000, type: 'invoke', f: 'final-read', value: null, key: 'lock:{l}:log' });
    ops.push({ index: ops.length, time: t + MS, process: 1_000_000, type: 'ok', f: 'final-read', value: finalLog, key: 'lock:{l}:log' });
  }
  return ops;
}

const cycle = (p: number, at: number, fence: number, extra: Partial<C> = {}): C => ({
  p,
  token: `${p}-${at}`,
  at,
  acquiredAfter: 1,
  fence,
  writeAfter: 2,
  wroteAfter: 3,
  releaseAfter: 5,
  released: 1,
  endAfter: 6,
  ...extra,
});

describe('lock checker', () => {
  it('serial critical sections are valid; an empty history is unknown', () => {
    const r = checkLock(history([cycle(0, 0, 1), cycle(1, 10, 2), cycle(0, 20, 3)], ['1:0-0', '2:1-10', '3:0-20']));
    expect(r.valid).toBe(true);
    expect([r.attempts, r.acquired, r.lostLogWrites, r.finalLogLength]).toEqual([3, 3, 0, 3]);
    expect(checkLock([]).valid).toBe('unknown');
  });

  it('overlap: a second client acquires while the first still holds its lease', () => {
    // p0 holds [1, 5) ms; p1 acquires at 4 ms.
    const r = checkLock(history([cycle(0, 0, 1), cycle(1, 3, 2)]));
    expect(r.valid).toBe(false);
    expect(r.counts.overlap).toBe(1);
    expect(r.violations[0]!.message).toMatch(/process 0 \(token 0-0, fence 1\) and process 1 \(token 1-3, fence 2\) both held the lock/);
    // Twin: the same cycles, the second acquiring after the first's release was sent.
    expect(checkLock(history([cycle(0, 0, 1), cycle(1, 5, 2)])).valid).toBe(true);
  });

  it('a holder past its lease no longer holds: acquiring after the expiry is no overlap', () => {
    // p0 acquires at 1 ms with a 10 ms lease and releases at 50 ms (paused); p1 acquires at 30 ms.
    const slow = cycle(0, 0, 1, { ttlMs: 10, releaseAfter: 50, released: 0, endAfter: 51 });
    const r = checkLock(history([slow, cycle(1, 29, 2)]));
    expect(r.counts.overlap).toBe(0);
    expect(r.valid).toBe(true);
  });

  it('foreign release: deleting the lock after one’s own lease expired', () => {
    const naive = cycle(0, 0, 1, { ttlMs: 10, releaseAfter: 50, released: 1, endAfter: 51 });
    const r = checkLock(history([naive]));
    expect(r.valid).toBe(false);
    expect(r.counts['foreign-release']).toBe(1);
    expect(r.violations[0]!.message).toMatch(/deleted the lock .* after its own lease had expired/);
    // Twin: the compare-and-delete found someone else's token and deleted nothing.
    expect(checkLock(history([{ ...naive, released: 0 }])).valid).toBe(true);
  });

  it('stale fencing token: a lower token written after a higher one was acknowledged', () => {
    // p0 took fence 5 but writes late (at 40 ms, lease 10 ms: it no longer holds); p1 took fence 6 at 20 ms.
    const late = cycle(0, 0, 5, { ttlMs: 10, writeAfter: 40, wroteAfter: 41, releaseAfter: 42, released: 0, endAfter: 43 });
    const r = checkLock(history([late, cycle(1, 20, 6)], ['6:1-20', '5:0-0']));
    expect(r.valid).toBe(false);
    expect(r.counts['stale-fence']).toBe(2); // seen in the history and in the final log
    expect(r.counts.overlap).toBe(0);
    // Twin: the late writer had the higher token.
    const ok = checkLock(history([cycle(0, 0, 5, { ttlMs: 10, releaseAfter: 8, endAfter: 9 }), cycle(1, 20, 6)], ['5:0-0', '6:1-20']));
    expect(ok.valid).toBe(true);
  });

  it('duplicate fencing token: the counter went backwards', () => {
    const r = checkLock(history([cycle(0, 0, 7), cycle(1, 10, 7)]));
    expect(r.valid).toBe(false);
    expect(r.counts['duplicate-fence']).toBe(1);
    expect(r.violations[0]!.message).toMatch(/2 holders got fencing token 7/);
  });

  it('unknown acquisitions are not holders; lost log writes are counted, not judged', () => {
    const timedOut = { ...cycle(0, 0, 1), acquired: null, type: 'info' as const, endAfter: 3 };
    const r = checkLock(history([timedOut, cycle(1, 1, 2), cycle(2, 10, 3)], ['3:2-10']));
    expect(r.unknownAcquisitions).toBe(1);
    expect(r.acquired).toBe(2);
    expect(r.lostLogWrites).toBe(1);
    expect(r.valid).toBe(true);
  });
});
