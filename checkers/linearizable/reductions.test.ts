/**
 * The reductions never change a verdict: on small random histories the zone decision of
 * unique-write registers (after dropping and bounding info writes) and the pruned search of
 * growing states agree with the plain WGL search, for linearizable histories and for ones with a
 * read changed to another written value (the hard kind: the value exists, only the order is wrong).
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../history/types.js';
import { getModel } from '../models/index.js';
import { checkLinearizableSync } from './checker.js';
import { type GenModel, generateHistory, prng } from './generate.js';
import { prepare } from './prepare.js';
import { search } from './search.js';

/** Plain WGL search (no reduction, no pruning) over every partition. */
function plainVerdict(h: Op[], model: string): boolean {
  const m = getModel(model);
  return prepare(h, m).partitions.every((p) => search(m, p, { prune: false }).valid === true);
}

/** A read answering some other plausible value: another write's (or nil), another read's, or one element short. */
function misread(h: Op[], seed: number): Op[] {
  const rnd = prng(seed);
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
