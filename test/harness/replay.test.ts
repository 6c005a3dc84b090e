/**
 * Replay of runs stored BEFORE the harness refactor (issue 13): their scenario.json and the first
 * 120 invocations of every worker, as the old code produced them (test/harness/fixtures/replay/,
 * runs of every workload and most nemeses on ts and redis targets through Toxiproxy). The new
 * nemesis registry must pick the same schedule from the seed, and the new generators must give
 * every worker the same op sequence; one fixture is replayed end to end through the CLI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../checkers/util/prng.js';
import { buildSchedule } from '../../harness/nemesis/nemesis.js';
import { clientOps, clientRng } from '../../harness/run/run.js';
import type { Scenario } from '../../harness/run/scenario.js';
import { readScenarioFile } from '../../harness/run/scenario-file.js';
import type { NodeHandle } from '../../harness/targets/target.js';
import type { Ctx } from '../../workloads/generator.js';
import { getWorkload } from '../../workloads/index.js';
import type { WorkloadOptions } from '../../workloads/workload.js';
import { readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';

const ROOT = join(import.meta.dirname, 'fixtures', 'replay');
const FIXTURES = readdirSync(ROOT).sort();

interface StoredOp {
  f: string;
  key?: string;
  value: unknown;
  waitFor?: number;
  waitTimeoutMs?: number;
  node?: string;
}

interface Fixture {
  scenario: Scenario & { nodes: NodeHandle[] };
  workers: StoredOp[][];
}

function load(name: string): Fixture {
  const scenario = readScenarioFile(join(ROOT, name, 'scenario.json')) as Fixture['scenario'];
  const { workers } = JSON.parse(readFileSync(join(ROOT, name, 'ops.json'), 'utf8')) as { workers: StoredOp[][] };
  return { scenario, workers };
}

/** A worker's op sequence as the run's generator gives it, on a virtual clock (each op completes at once). */
function generate(s: Scenario, slot: number, count: number): StoredOp[] {
  const workload = getWorkload(s.workload);
  const wopts: WorkloadOptions = { keys: s.keys, waitFor: s.waitFor, waitTimeoutMs: s.waitTimeoutMs, cluster: false, minReplicas: false };
  const gen = clientOps(s, workload, wopts);
  const rng = clientRng(new Prng(s.seed), slot);
  const threads = Array.from({ length: s.concurrency }, (_, i) => i);
  const out: StoredOp[] = [];
  let now = 0;
  while (out.length < count) {
    const ctx: Ctx = { now, thread: slot, threads, rng, n: out.length };
    const next = gen.next(ctx);
    if (next === null || next === 'pending') throw new Error(`the generator stopped after ${out.length} ops`);
    now = Math.max(now, next.at);
    const { f, key, value, waitFor, waitTimeoutMs } = next.op;
    out.push({ f, key, value, ...(waitFor !== undefined ? { waitFor, waitTimeoutMs } : {}) });
    gen.update?.({ ...ctx, now }, 'ok');
  }
  return out;
}

describe('replay of runs stored before the refactor', () => {
  it('covers every workload', () => {
    const workloads = new Set(FIXTURES.map((f) => load(f).scenario.workload));
    expect([...workloads].sort()).toEqual(['counter', 'list-append', 'lost-writes', 'min-replicas', 'register', 'set', 'wait']);
  });

  for (const name of FIXTURES) {
    it(`${name}: the same fault schedule from the seed`, () => {
      const { scenario: s } = load(name);
      expect(s.schedule!.length).toBeGreaterThan(1);
      const schedule = buildSchedule(
        new Prng(s.seed).fork('nemesis'),
        { nodes: s.nodes, topology: s.topology.kind },
        { nemesis: s.nemesis, timeLimitS: s.timeLimitS, intervalS: s.intervalS, faultS: s.faultS },
      );
      expect(schedule).toEqual(s.schedule);
    });

    it(`${name}: the same op sequence per worker`, () => {
      const { scenario: s, workers } = load(name);
      expect(workers).toHaveLength(s.concurrency);
      const primaries = s.nodes.filter((n) => n.role === 'primary');
      for (let slot = 0; slot < s.concurrency; slot++) {
        const stored = workers[slot]!;
        expect(stored.length).toBeGreaterThan(50);
        // Workers are bound to the primaries round-robin.
        for (const op of stored) expect(op.node).toBe(primaries[slot % primaries.length]!.name);
        expect(generate(s, slot, stored.length)).toEqual(stored.map(({ node: _node, ...op }) => op));
      }
    });
  }
});

describe('--replay of a stored run', () => {
  it('runs the stored schedule and reproduces every worker’s op sequence', async () => {
    const name = 'ts-set-primary-kill';
    const { scenario: s, workers } = load(name);
    const store = tempStore();
    const r = await splitbrain(['run', '--replay', join(ROOT, name), '--store', store]);
    expect([0, 1, 2], r.all).toContain(r.exitCode);
    const [dir] = runDirs(store);
    const replayed = JSON.parse(readFileSync(join(dir!, 'scenario.json'), 'utf8')) as Scenario;
    expect(replayed.schedule).toEqual(s.schedule);
    const history = readHistory(dir!);
    const nemesis = history.filter((o) => o.process === 'nemesis' && o.type === 'invoke').map((o) => o.f);
    expect(nemesis).toEqual(['start-partition', 'stop-partition', 'kill', 'start', 'start-partition', 'stop-partition', 'kill', 'start', 'stop-partition']);
    for (let slot = 0; slot < s.concurrency; slot++) {
      const ops = history
        .filter((o) => typeof o.process === 'number' && o.process < 1_000_000 && o.process % s.concurrency === slot && o.type === 'invoke')
        .map((o) => ({ f: o.f, key: o.key, value: o.value, node: o.node }));
      const n = Math.min(ops.length, workers[slot]!.length);
      // Timing decides how many ops fit in the time limit, never which ones.
      expect(n).toBeGreaterThan(50);
      expect(ops.slice(0, n)).toEqual(workers[slot]!.slice(0, n));
    }
  }, 120_000);
});
