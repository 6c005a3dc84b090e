/**
 * The reductions never change a verdict: on small random histories the zone decision of
 * unique-write registers (after dropping and bounding info writes) and the pruned search of
 * growing states agree with the plain WGL search, for linearizable histories and for ones with a
 * read changed to another written value (the hard kind: the value exists, only the order is wrong).
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../history/types.js';
import { getModel } from '../models/index.js';
import { Prng } from '../util/prng.js';
import { checkLinearizableSync } from './checker.js';
import { type GenModel, generateHistory } from './generate.js';
import { prepare } from './prepare.js';
import { quiescentCuts, Search } from './search.js';

/** Plain WGL search (no reduction, no pruning) over every partition. */
function plainVerdict(h: Op[], model: string): boolean {
  const m = getModel(model);
  return prepare(h, m).partitions.every((p) => new Search(m, p, { prune: false }).run(Infinity)!.valid === true);
}

/** A read answering some other plausible value: another write's (or nil), another read's, or one element short. */
function misread(h: Op[], seed: number): Op[] {
  const r = new Prng(seed);
  const rnd = (): number => r.next();
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const reads = h.filter((o) => o.type === 'ok' && (o.f === 'read' || o.f === 'get'));
  if (reads.length === 0) return h;
  const target = pick(reads);
  let v: unknown;
  if (Array.isArray(target.value)) {
    const other = pick(reads).value as unknown[];
    const short = target.value.filter((_, i) => i !== Math.floor(rnd() * (target.value as unknown[]).length));
    v = rnd() < 0.5 ? other : short;
  } else if (typeof target.value === 'number' && h.some((o) => o.f === 'incr')) {
    v = rnd() < 0.5 ? pick(reads).value : target.value + 1;
  } else {
    const written = h.filter((o) => o.type === 'invoke' && (o.f === 'write' || o.f === 'put' || o.f === 'append')).map((o) => o.value);
    v = rnd() < 0.2 || written.length === 0 ? null : pick(written);
  }
  return h.map((o) => (o === target ? { ...o, value: v } : o));
}

describe('reductions agree with the plain search', () => {
  it('unique-write registers: zones (with info writes dropped or bounded) = WGL, 800 histories, ties included', () => {
    let invalid = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const h = generateHistory({
        seed,
        model: 'register',
        uniqueWrites: true,
        processes: 2 + (seed % 5),
        ops: 16 + (seed % 24),
        infoRate: 0.15,
        failRate: 0.05,
      });
      // A coarse clock: many calls and returns at the same instant (closed intervals).
      const coarse = h.map((o) => ({ ...o, time: Math.floor(o.time / 6000) * 6000 }));
      for (const hist of [h, misread(h, seed), coarse, misread(coarse, seed + 1)]) {
        const want = plainVerdict(hist, 'register');
        const r = checkLinearizableSync(hist, { model: 'register' });
        expect(r.valid, `seed ${seed}`).toBe(want);
        expect(r.reductions.zonePartitions).toBe(1);
        if (!want) invalid++;
        else for (const p of r.partitions) expect(p.longestLinearizable[0]).toHaveLength(p.opCount);
      }
    }
    expect(invalid).toBeGreaterThan(100);
  });

  it.each(['kv', 'list-append', 'counter'] as GenModel[])('%s: the pruned search = the plain one, 150 histories', (model) => {
    let invalid = 0;
    for (let seed = 1; seed <= 75; seed++) {
      const h = generateHistory({ seed, model, processes: 2 + (seed % 4), ops: 16 + (seed % 20), keys: 1 + (seed % 2), infoRate: 0.05, failRate: 0.05 });
      for (const hist of [h, misread(h, seed)]) {
        const want = plainVerdict(hist, model);
        expect(checkLinearizableSync(hist, { model }).valid, `seed ${seed}`).toBe(want);
        if (!want) invalid++;
      }
    }
    expect(invalid).toBeGreaterThan(20);
  });

  it.each(['register', 'counter'] as GenModel[])(
    '%s: segments at quiescent points = the plain search, 40 long low-concurrency histories (2,200 events)',
    (model) => {
      let segmented = 0;
      for (let seed = 1; seed <= 40; seed++) {
        const h = generateHistory({ seed, model, processes: 2, ops: 1100, keys: 1, leavePending: false });
        for (const hist of [h, misread(h, seed)]) {
          const p = prepare(hist, getModel(model)).partitions[0]!;
          if (quiescentCuts(p).length > 0) segmented++;
          expect(checkLinearizableSync(hist, { model }).valid, `seed ${seed}`).toBe(plainVerdict(hist, model));
        }
      }
      expect(segmented).toBeGreaterThan(20);
    },
  );

  it('a segment whose first linearization ends in the wrong state: the whole partition decides', () => {
    // 1100 sequential write/read pairs, then concurrent writes of 1 and 2, a quiescent point, a read of 1.
    const ops: Op[] = [];
    let t = 0;
    const op = (process: number, type: Op['type'], f: string, value: unknown): void => {
      ops.push({ index: ops.length, time: (t += 10), process, type, f, value });
    };
    // Values repeat (no read-mapping: no zones), so the segmented search decides.
    for (let i = 0; i < 1100; i++) {
      op(0, 'invoke', 'write', 100 + (i % 3));
      op(0, 'ok', 'write', 100 + (i % 3));
      op(1, 'invoke', 'read', null);
      op(1, 'ok', 'read', 100 + (i % 3));
    }
    op(0, 'invoke', 'write', 1);
    op(1, 'invoke', 'write', 2);
    op(0, 'ok', 'write', 1);
    op(1, 'ok', 'write', 2);
    op(2, 'invoke', 'read', null);
    op(2, 'ok', 'read', 1);
    const r = checkLinearizableSync(ops, { model: 'register' });
    expect(r.reductions.zonePartitions).toBe(0);
    expect(r.reductions.quiescentSegments).toBeGreaterThan(40);
    expect(r.valid).toBe(true);
    expect(r.partitions[0]!.longestLinearizable[0]).toHaveLength(r.partitions[0]!.opCount);
    expect(plainVerdict(ops, 'register')).toBe(true);
    // Whichever order the first search of that segment picked, one of the two reads needs the other.
    const other = ops.map((o, i) => (i === ops.length - 1 ? { ...o, value: 2 } : o));
    expect(checkLinearizableSync(other, { model: 'register' }).valid).toBe(true);
    const bad = ops.map((o, i) => (i === ops.length - 1 ? { ...o, value: 100 } : o));
    expect(checkLinearizableSync(bad, { model: 'register' }).valid).toBe(false);
  });

  it('records what it did', () => {
    const h = generateHistory({ seed: 3, model: 'register', uniqueWrites: true, processes: 10, ops: 400, keys: 3, infoRate: 0.2, leavePending: false });
    const r = checkLinearizableSync(h, { model: 'register' });
    expect(r.valid).toBe(true);
    expect(r.reductions.droppedInfoWrites).toBeGreaterThan(0);
    expect(r.reductions.tightenedInfoWrites).toBeGreaterThan(0);
    expect(r.reductions.applied.join('\n')).toMatch(
      /per-key partitions.*\n.*unobserved info writes dropped.*\n.*bounded by their first reader.*\n.*read-mapping zones/,
    );
  });
});
