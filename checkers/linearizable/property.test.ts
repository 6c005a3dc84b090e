/**
 * Properties over seeded random histories: an execution observed with overlapping ops is always
 * linearizable; one read changed to a never-written value never is; renaming keys and processes
 * does not change any verdict.
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../history/types.js';
import { Prng } from '../util/prng.js';
import { checkLinearizableSync } from './checker.js';
import { corruptOneRead, type GenModel, generateHistory } from './generate.js';

const MODELS: GenModel[] = ['register', 'kv', 'set', 'list-append', 'counter'];
const SEEDS = 25;
/**
 * Each order of concurrent list appends is a distinct state until a read rules it out, so a WGL
 * search (Porcupine's too) of a list history grows with the permutations of appends in flight;
 * fewer processes there keep the suite quick.
 */
const procs = (model: GenModel, n: number): number => (model === 'list-append' ? n - 2 : n);
const infoRate = (model: GenModel): number => (model === 'list-append' ? 0.02 : 0.05);

function shuffleNames(history: Op[], seed: number): Op[] {
  const rnd = new Prng(seed);
  const keys = [...new Set(history.map((o) => o.key).filter((k): k is string => k !== undefined))];
  const procs = [...new Set(history.map((o) => o.process).filter((p): p is number => p !== 'nemesis'))];
  const perm = <T>(xs: T[]): T[] => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = rnd.int(i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  const pkeys = perm(keys);
  const keyMap = new Map(keys.map((k, i) => [k, `renamed-${pkeys[i]}`]));
  const pk = perm(procs);
  const procMap = new Map(procs.map((p, i) => [p, pk[i]! + 1000]));
  return history.map((o) => ({
    ...o,
    process: o.process === 'nemesis' ? o.process : procMap.get(o.process)!,
    ...(o.key === undefined ? {} : { key: keyMap.get(o.key)! }),
  }));
}

describe.each(MODELS)('%s histories', (model) => {
  it('from a sequential execution with overlap are linearizable', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const h = generateHistory({ seed, model, processes: procs(model, 5), ops: 120, keys: 1 + (seed % 3), infoRate: infoRate(model), failRate: 0.05 });
      const r = checkLinearizableSync(h, { model });
      expect(r.valid, `seed ${seed}`).toBe(true);
      for (const p of r.partitions) expect(p.longestLinearizable[0]).toHaveLength(p.opCount);
    }
  });

  it('with one read of a never-written value are not linearizable', () => {
    let checked = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const h = generateHistory({ seed, model, processes: procs(model, 5), ops: 120, keys: 1 + (seed % 3), infoRate: infoRate(model), failRate: 0.05 });
      const bad = corruptOneRead(h, model, seed * 7);
      if (bad === undefined) continue;
      checked++;
      const r = checkLinearizableSync(bad, { model });
      expect(r.valid, `seed ${seed}`).toBe(false);
      expect(r.invalidKeys).toHaveLength(1);
    }
    expect(checked).toBeGreaterThan(SEEDS / 2);
  });

  it('keep their verdicts when keys and process ids are renamed', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const h = generateHistory({ seed, model, processes: procs(model, 4), ops: 80, keys: 3, infoRate: infoRate(model) });
      for (const hist of [h, corruptOneRead(h, model, seed) ?? h]) {
        const a = checkLinearizableSync(hist, { model });
        const b = checkLinearizableSync(shuffleNames(hist, seed), { model });
        expect(b.valid).toBe(a.valid);
        expect(b.invalidKeys.length).toBe(a.invalidKeys.length);
        expect(b.opCount).toBe(a.opCount);
      }
    }
  });
});
