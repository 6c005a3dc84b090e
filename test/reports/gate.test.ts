/**
 * splitbrain gate on runs judged by the real checkers, several seeds per side: equivalent runs pass
 * (exit 0); new anomalies regress however few runs show them; a slower failover regresses only when
 * it is significantly slower across seeds (one run against one run never is); gate.json and the
 * JUnit validate.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGate } from '../../harness/cli/commands/gate.js';
import { validate } from '../../reports/schema.js';
import { SET_SPECS, setHistory, storeRun } from '../../reports/testing/fixtures.js';
import { check, parseJUnit, tempStore } from './helpers.js';

const store = tempStore('gate');
const runs: Record<string, string[]> = {};
const io = {
  lines: [] as string[],
  out(s: string) {
    this.lines.push(s);
  },
  err(s: string) {
    this.lines.push(s);
  },
};

beforeAll(async () => {
  // Six seeds per side: the per-scenario exact test can then reach p = 1/924.
  const make = async (name: string, seeds: number[], o: Omit<Parameters<typeof setHistory>[0], 'seed' | 'ops'>) => {
    runs[name] = [];
    for (const [i, seed] of seeds.entries()) {
      const ts = `2026030${Object.keys(runs).length}T00000${i}Z`;
      runs[name]!.push(await storeRun(setHistory({ ops: 3000, seed, ...o }).history, SET_SPECS, check, { storeRoot: join(store.root, name), ts, seed }));
    }
  };
  await make('baseline', [21, 22, 23, 24, 25, 26], { failoverMs: 1200 });
  await make('same', [31, 32, 33, 34, 35, 36], { failoverMs: 1200 });
  await make('lossy', [31, 32, 33, 34, 35, 36], { failoverMs: 1200, lose: 2 });
  await make('slow', [31, 32, 33, 34, 35, 36], { failoverMs: 3800 });
}, 120_000);
afterAll(() => store.cleanup());

const opts = (current: string[], extra: Partial<Parameters<typeof runGate>[0]> = {}) => ({
  baseline: runs.baseline!,
  current,
  tolerance: 0,
  timeTolerance: 1000,
  out: join(store.root, 'gate-out'),
  ...extra,
});

describe('splitbrain gate', () => {
  it('the same system on other seeds: exit 0, every rate tested, nothing regressed', async () => {
    const r = await runGate(opts(runs.same!), io);
    expect(r.result!.rows.filter((x) => x.status === 'regressed')).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.result!.scenarios).toHaveLength(1);
    expect(r.result!.scenarios[0]!.current).toHaveLength(6);
    const rates = r.result!.rows.filter((x) => x.test);
    expect(rates.map((x) => x.check).sort()).toEqual(['failover-ms', 'loss-rate', 'unavailability-ms']);
    for (const x of rates) expect(x.test).toMatchObject({ test: 'mann-whitney', baselineN: 6, currentN: 6 });
    expect(validate('gate', JSON.parse(readFileSync(r.files!.json, 'utf8')))).toEqual([]);
    expect(parseJUnit(readFileSync(r.files!.junit, 'utf8'))[0]!['@_failures']).toBe('0');
  });

  it('anomalous losses in the current runs: a new anomaly kind regresses, named by checker', async () => {
    const r = await runGate(opts(runs.lossy!), io);
    expect(r.exitCode).toBe(1);
    const bad = r.result!.rows.filter((x) => x.status === 'regressed').map((x) => x.check);
    expect(bad).toEqual(expect.arrayContaining(['anomaly:lost-writes:anomalous-loss', 'anomaly:set-full:anomalous-loss']));
    expect(r.result!.rows.find((x) => x.check === 'anomaly:lost-writes:anomalous-loss')).toMatchObject({ baseline: '0/6', current: '6/6' });
    // A single lossy run is enough: anomalies need no statistics.
    const one = await runGate(opts(runs.lossy!.slice(0, 1)), io);
    expect(one.exitCode).toBe(1);
    const suites = parseJUnit(readFileSync(one.files!.junit, 'utf8'));
    expect(suites[0]!.testcase.find((c) => c['@_name'] === 'anomaly:lost-writes:anomalous-loss')!.failure!['@_message']).toContain('new anomaly');
    expect(io.lines.join('\n')).toContain('REGRESSED');
  });

  it('a slower failover across six seeds regresses, with p-value and effect size; one run against one never does', async () => {
    const r = await runGate(opts(runs.slow!), io);
    expect(r.exitCode).toBe(1);
    const row = r.result!.rows.find((x) => x.check === 'failover-ms')!;
    expect(row.status).toBe('regressed');
    expect(row.test!.significant).toBe(true);
    expect(row.test!.p).toBeCloseTo(1 / 924, 6);
    expect(row.test!.shift!).toBeGreaterThan(2000);
    expect(row.test!.cliffsDelta).toBe(1);
    expect(row.message).toMatch(/worse at 95% confidence \(Holm over 3 tests\)/);
    expect(r.result!.rows.some((x) => x.status === 'regressed' && x.check.startsWith('anomaly:'))).toBe(false);
    const single = await runGate(opts(runs.slow!.slice(0, 1), { baseline: runs.baseline!.slice(0, 1) }), io);
    expect(single.exitCode).toBe(0);
    expect(single.result!.rows.find((x) => x.check === 'failover-ms')!.message).toMatch(/not significant/);
  });

  it('the tolerance is a floor on the significant shift', async () => {
    const r = await runGate(opts(runs.slow!, { timeTolerance: 10_000 }), io);
    expect(r.exitCode).toBe(0);
    expect(r.result!.rows.find((x) => x.check === 'failover-ms')!.message).toMatch(/significant but within the tolerance/);
  });

  it('an unreadable input is a refusal (exit 3), not a pass', async () => {
    const r = await runGate(opts([join(store.root, 'nope')]), io);
    expect(r.exitCode).toBe(3);
  });
});
