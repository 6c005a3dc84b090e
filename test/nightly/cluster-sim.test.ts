import { describe, expect, it } from 'vitest';
import { runSeed } from '../../server/cluster/sim/simulator.js';

/**
 * The cluster simulator's long runs (opt-in: SPLITBRAIN_NIGHTLY=1): 30 s fault phases on a seed range
 * that moves every day, every node count, and the codec on the path. `npm test` runs the short seeds.
 */
const NIGHTLY = process.env.SPLITBRAIN_NIGHTLY === '1';
const DAY = Math.floor(Date.now() / 86_400_000);

describe.skipIf(!NIGHTLY)('cluster simulator, long seeds', () => {
  for (const nodes of [6, 7, 8, 9]) {
    it(`holds every invariant on 250 seeds of ${nodes} nodes`, { timeout: 1_800_000 }, () => {
      const first = (DAY * 1000 + nodes * 100_000) % 2_000_000_000;
      for (let seed = first; seed < first + 250; seed++) {
        const r = runSeed({ seed, nodes });
        if (!r.ok) expect.fail(`seed ${seed}: ${r.violation}\n${r.trace}\nreplay: npm run sim:cluster -- --seed ${seed} --nodes ${nodes}`);
      }
    });
  }

  it('holds every invariant with every message through the codec', { timeout: 1_800_000 }, () => {
    const first = (DAY * 1000 + 900_000) % 2_000_000_000;
    for (let seed = first; seed < first + 100; seed++) {
      const r = runSeed({ seed, wire: true });
      if (!r.ok) expect.fail(`seed ${seed}: ${r.violation}\n${r.trace}\nreplay: npm run sim:cluster -- --seed ${seed} --wire`);
    }
  });
});
