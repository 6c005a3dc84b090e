/**
 * The gate's false-alarm rate, measured: runs of the unmodified server over many seeds (one or more
 * suite directories), split at random into two disjoint seed sets per scenario, gated against each
 * other. Every REGRESSED here is a false alarm. Prints the share of gates with any regression and
 * the checks that fired.
 *
 *   node dist/bench/gate-null.js --splits 200 --per-side 5 <suite dir>...
 */

import { Prng } from '../checkers/util/prng.js';
import { type GateEntry, gateEntries, loadGateInput } from '../reports/gate.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, d: number): number => {
    const i = args.indexOf(name);
    if (i < 0) return d;
    const v = Number(args[i + 1]);
    args.splice(i, 2);
    return v;
  };
  const splits = opt('--splits', 200);
  const perSide = opt('--per-side', 5);
  const entries = (await Promise.all(args.map(loadGateInput))).flat();
  const byScenario = new Map<string, GateEntry[]>();
  for (const e of entries) byScenario.set(e.scenario, [...(byScenario.get(e.scenario) ?? []), e]);
  const usable = [...byScenario].filter(([, es]) => es.length >= 2 * perSide);
  const rng = new Prng('gate-null');
  let regressedGates = 0;
  const fired = new Map<string, number>();
  let tests = 0;
  for (let k = 0; k < splits; k++) {
    const b: GateEntry[] = [];
    const c: GateEntry[] = [];
    for (const [, es] of usable) {
      const s = rng.shuffle(es);
      b.push(...s.slice(0, perSide));
      c.push(...s.slice(perSide, 2 * perSide));
    }
    const g = gateEntries(b, c, { tolerance: 0, timeToleranceMs: 1000, confidence: 0.95, baseline: 'a', current: 'b' });
    tests = g.tests;
    if (g.regressed) regressedGates++;
    for (const r of g.rows) if (r.status === 'regressed') fired.set(`${r.scenario} ${r.check}`, (fired.get(`${r.scenario} ${r.check}`) ?? 0) + 1);
  }
  process.stdout.write(
    `${usable.length} scenarios with ≥ ${2 * perSide} runs, ${splits} random ${perSide}-vs-${perSide} seed splits, ~${tests} tests per gate (Holm, 95%)\n` +
      `gates with any REGRESSED: ${regressedGates} of ${splits} (${((100 * regressedGates) / splits).toFixed(1)}%)\n` +
      [...fired]
        .sort((x, y) => y[1] - x[1])
        .map(([k, n]) => `  ${n}× ${k}\n`)
        .join(''),
  );
}

await main();
