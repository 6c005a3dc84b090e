/**
 * splitbrain gate on runs judged by the real checkers: equivalent runs pass (exit 0); lost writes
 * or a slower failover regress (exit 1); gate.json validates; the JUnit validates.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGate } from '../../harness/cli/commands/gate.js';
import { writeReport } from '../../reports/report.js';
import { validate } from '../../reports/schema.js';
import { SET_SPECS, setHistory, storeRun } from '../../reports/testing/fixtures.js';
import { check, parseJUnit, tempStore } from './helpers.js';

const store = tempStore('gate');
const dirs: Record<string, string> = {};
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
  const make = async (name: string, ts: string, o: Parameters<typeof setHistory>[0]) => {
    dirs[name] = await storeRun(setHistory(o).history, SET_SPECS, check, { storeRoot: store.root, ts });
    await writeReport(dirs[name]!);
  };
  await make('baseline', '20260301T000000Z', { ops: 3000, seed: 21, failoverMs: 1200 });
  await make('same', '20260302T000000Z', { ops: 3000, seed: 22, failoverMs: 1200 });
  await make('lossy', '20260303T000000Z', { ops: 3000, seed: 21, failoverMs: 1200, lose: 2 });
  await make('slow', '20260304T000000Z', { ops: 3000, seed: 21, failoverMs: 3800 });
});
afterAll(() => store.cleanup());

const opts = (current: string, extra: Partial<Parameters<typeof runGate>[0]> = {}) => ({
  baseline: [dirs.baseline!],
  current: [current],
  tolerance: 0,
  timeTolerance: 1000,
  out: join(store.root, 'gate-out'),
  ...extra,
});

describe('splitbrain gate', () => {
  it('two equivalent runs: exit 0, nothing regressed', async () => {
    const r = await runGate(opts(dirs.same!), io);
    expect(r.result!.rows.filter((x) => x.status === 'regressed')).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.result!.rows.map((x) => x.check)).toEqual(
      expect.arrayContaining(['verdict', 'checker:lost-writes', 'lost:plain', 'failover-p50', 'failover-p95', 'unavailability']),
    );
    expect(validate('gate', JSON.parse(readFileSync(r.files!.json, 'utf8')))).toEqual([]);
    expect(parseJUnit(readFileSync(r.files!.junit, 'utf8'))[0]!['@_failures']).toBe('0');
  });

  it('lost acknowledged writes against a valid baseline: exit 1, newly invalid, more plain losses', async () => {
    const r = await runGate(opts(join(dirs.lossy!, 'results.json')), io);
    expect(r.exitCode).toBe(1);
    const bad = r.result!.rows.filter((x) => x.status === 'regressed').map((x) => x.check);
    expect(bad).toEqual(expect.arrayContaining(['verdict', 'checker:lost-writes', 'checker:set-full', 'lost:plain', 'set-lost']));
    expect(r.result!.rows.find((x) => x.check === 'lost:plain')).toMatchObject({ baseline: 0, current: 2 });
    const suites = parseJUnit(readFileSync(r.files!.junit, 'utf8'));
    expect(suites[0]!.testcase.find((c) => c['@_name'] === 'lost:plain')!.failure!['@_message']).toContain('2 plain acknowledged writes lost, baseline 0');
    expect(io.lines.join('\n')).toContain('REGRESSED');
  });

  it('--tolerance lets that many extra losses through (verdicts still regress)', async () => {
    const r = await runGate(opts(dirs.lossy!, { tolerance: 2 }), io);
    expect(r.result!.rows.find((x) => x.check === 'lost:plain')!.status).toBe('ok');
    expect(r.exitCode).toBe(1);
  });

  it('slower failover: exit 1 on failover p50/p95 and unavailability, while every checker stays valid', async () => {
    const r = await runGate(opts(dirs.slow!), io);
    expect(r.exitCode).toBe(1);
    const bad = r
      .result!.rows.filter((x) => x.status === 'regressed')
      .map((x) => x.check)
      .sort();
    expect(bad).toEqual(expect.arrayContaining(['failover-p50', 'failover-p95']));
    expect(bad.some((c) => c.startsWith('checker:') || c === 'verdict')).toBe(false);
    const p50 = r.result!.rows.find((x) => x.check === 'failover-p50')!;
    expect(Number(p50.current) - Number(p50.baseline)).toBeGreaterThan(2000);
  });

  it('a wide time tolerance accepts the slower failover', async () => {
    const r = await runGate(opts(dirs.slow!, { timeTolerance: 10_000 }), io);
    expect(r.exitCode).toBe(0);
  });

  it('an unreadable input is a refusal (exit 3), not a pass', async () => {
    const r = await runGate(opts(join(store.root, 'nope')), io);
    expect(r.exitCode).toBe(3);
  });
});
