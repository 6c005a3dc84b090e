/**
 * splitbrain suite with real runs (Debian redis-server, single node, no nemesis, 2 s) and a scenario
 * that crashes deterministically (an external target whose topology file lists no nodes): shards
 * 1/2 and 2/2 together run every scenario exactly once, the crash is reported crashed and the suite
 * carries on, the summaries validate, the store index lists every run, and serve serves it.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGate } from '../../harness/cli/commands/gate.js';
import { startServer } from '../../harness/cli/commands/serve.js';
import {
  expandMatrix,
  loadSuiteFile,
  matrices,
  parseOnly,
  parseSeeds,
  parseShard,
  runSuiteFile,
  type SuiteFile,
  type SuiteRunResult,
  selectEntries,
  shardEntries,
} from '../../harness/cli/commands/suite.js';
import { validate } from '../../reports/schema.js';
import { launchChromium } from '../../reports/testing/browser.js';
import { parseJUnit, tempStore } from './helpers.js';

const store = tempStore('suite');
const suitePath = join(store.root, 'tiny.json');
const quiet = {
  lines: [] as string[],
  out(s: string) {
    this.lines.push(s);
  },
  err(s: string) {
    this.lines.push(s);
  },
};
let shards: SuiteRunResult[] = [];

const tiny: SuiteFile = {
  name: 'tiny',
  timeBudgetS: 300,
  matrix: {
    targets: ['external', 'redis'],
    topologies: [{ kind: 'single', topologyFile: 'empty-topology.json' }],
    workloads: ['set'],
    nemeses: ['none'],
    seeds: [1, 2],
  },
  scenario: { timeLimitS: 2, quiesceS: 0.5, rate: 100, concurrency: 3 },
};

beforeAll(async () => {
  writeFileSync(join(store.root, 'empty-topology.json'), JSON.stringify({ nodes: [] }));
  writeFileSync(suitePath, JSON.stringify(tiny, null, 2));
  const storeRoot = join(store.root, 'store');
  shards = [];
  for (const shard of ['1/2', '2/2']) shards.push(await runSuiteFile(suitePath, { storeRoot, shard: parseShard(shard) }));
}, 120_000);
afterAll(() => store.cleanup());

describe('suite files', () => {
  it('expands targets × topologies × workloads × nemeses × seeds × repeats; shards cover it exactly once', () => {
    const f: SuiteFile = {
      name: 'm',
      matrix: {
        targets: ['ts', 'redis'],
        topologies: ['single', 'replicated', 'cluster'],
        workloads: ['set', 'register'],
        nemeses: ['none', 'kill-primary'],
        seeds: [1, 2, 3],
        repeats: 2,
      },
    };
    const all = expandMatrix(f);
    expect(all).toHaveLength(2 * 3 * 2 * 2 * 3 * 2);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    for (const n of [1, 2, 3, 5]) {
      const seen = Array.from({ length: n }, (_, i) => shardEntries(all, { index: i + 1, count: n }))
        .flat()
        .map((e) => e.ordinal)
        .sort((a, b) => a - b);
      expect(seen).toEqual(all.map((e) => e.ordinal));
      // Twins (one scenario, seed and repeat on ts and on redis) share a shard: it writes their compare page.
      for (let i = 1; i <= n; i++) {
        const ids = new Set(shardEntries(all, { index: i, count: n }).map((e) => e.id));
        for (const id of ids) if (id.startsWith('ts-')) expect(ids.has(`redis-${id.slice(3)}`), id).toBe(true);
      }
    }
    // --only: the entries whose id matches, then the shard's.
    const only = selectEntries(all, null, parseOnly('cluster-register-kill-primary#seed2#r1'));
    expect(only.map((e) => e.id)).toEqual(['ts-cluster-register-kill-primary#seed2#r1', 'redis-cluster-register-kill-primary#seed2#r1']);
    expect(selectEntries(all, { index: 1, count: 2 }, parseOnly('cluster-register-kill-primary#seed2#r1'))).toEqual(only);
    expect(selectEntries(all, { index: 2, count: 2 }, parseOnly('cluster-register-kill-primary#seed2#r1'))).toEqual([]);
    expect(() => parseOnly('cluster(')).toThrow(/not a regular expression/);
    expect(all.find((e) => e.scenario.topology.kind === 'cluster')!.scenario.topology).toEqual({ kind: 'cluster', masters: 3, replicas: 1 });
    expect(() => parseShard('3/2')).toThrow();
  });

  it('reads YAML and refuses files that do not match the schema', () => {
    const y = join(store.root, 'y.yaml');
    writeFileSync(y, 'name: y\nmatrix:\n  targets: [redis]\n  topologies: [single]\n  workloads: [set]\n  nemeses: [none]\n');
    expect(matrices(loadSuiteFile(y))[0]!.targets).toEqual(['redis']);
    const bad = join(store.root, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nmatrix:\n  targets: [mongodb]\n  topologies: [single]\n  workloads: [set]\n');
    expect(() => loadSuiteFile(bad)).toThrow(/suite.schema.json[\s\S]*targets/);
    writeFileSync(bad, 'name: bad\nmatrix:\n  targets: [redis]\n  topologies: [single]\n  workloads: [nope]\n  nemeses: [none]\n');
    expect(() => loadSuiteFile(bad)).toThrow(/unknown workload 'nope'/);
  });

  it('the nightly suite is valid', () => {
    const f = loadSuiteFile('harness/suites/nightly.json');
    const all = expandMatrix(f, 'harness/suites/nightly.json');
    // A list of matrices expands one after the other: 3 × 2 × 2 + 2 + 2 + 2 × 2 for ts, 2 × 2 + 2 + 2 × 2 + 1 for
    // redis, then issue 15's: txn-append and lock under faults on both targets (4), txn-append on one redis
    // node over 20 seeds, lock on one node of each target (2); then 2 × (4 + 1) sentinel groups; then the
    // redis cluster ones again on ts (2 × 2 + 1) and the ts-only bus faults (2).
    expect(all).toHaveLength(74);
    // --seeds replaces every matrix's seeds: 5 seeds of every scenario.
    expect(expandMatrix(f, 'harness/suites/nightly.json', parseSeeds('6-10'))).toHaveLength(37 * 5);
    // Real redis-server's node links can only be partitioned by address pair (iptables).
    expect(all.filter((e) => e.scenario.target === 'redis' && e.scenario.nemesis.includes('partition')).every((e) => e.scenario.net === 'iptables')).toBe(true);
    // Per-matrix scenario fields apply to their matrix only.
    expect(all.filter((e) => e.scenario.topology.kind === 'cluster').every((e) => e.scenario.keys === 24 && e.scenario.nodeTimeoutMs === 2000)).toBe(true);
    const issue15 = new Set(['txn-append', 'lock']);
    const ts = all.filter((e) => e.scenario.target === 'ts');
    expect(
      ts
        .filter((e) => !issue15.has(e.scenario.workload))
        .every((e) => e.scenario.net === 'toxiproxy' && ['replicated', 'sentinel', 'cluster'].includes(e.scenario.topology.kind)),
    ).toBe(true);
    expect(ts.filter((e) => issue15.has(e.scenario.workload) && e.scenario.nemesis !== 'none').every((e) => e.scenario.net === 'iptables')).toBe(true);
    expect(all.filter((e) => e.scenario.serverArgs.includes('--min-replicas-to-write'))).toHaveLength(4);
    // Sentinel scenarios: the same nemeses and seeds on both targets.
    const sentinel = (t: string) =>
      all
        .filter((e) => e.scenario.topology.kind === 'sentinel' && e.scenario.target === t)
        .map((e) => `${e.scenario.nemesis}/${e.scenario.seed}/${e.scenario.serverArgs.join(' ')}`);
    expect(sentinel('ts')).toHaveLength(5);
    expect(sentinel('redis')).toEqual(sentinel('ts'));
    // Every redis cluster scenario has its ts twin (same workload, nemeses, seed and options but the network backend).
    const twin = (e: (typeof all)[number]) => JSON.stringify({ ...e.scenario, target: undefined, net: undefined, name: undefined });
    const tsCluster = new Set(ts.filter((e) => e.scenario.topology.kind === 'cluster').map(twin));
    const redisCluster = all.filter((e) => e.scenario.target === 'redis' && e.scenario.topology.kind === 'cluster');
    expect(redisCluster.length).toBeGreaterThan(0);
    for (const e of redisCluster) expect(tsCluster.has(twin(e)), e.scenario.name).toBe(true);
  });
});

describe('splitbrain suite --shard 1/2 and 2/2 with real runs', () => {
  it('runs every scenario exactly once across the two shards', () => {
    const ran = shards.flatMap((s) => s.summary.entries.map((e) => e.id)).sort();
    expect(ran).toEqual(
      expandMatrix(tiny, suitePath)
        .map((e) => e.id)
        .sort(),
    );
    expect(new Set(ran).size).toBe(4);
  });

  it('reports the crashing scenario crashed and carries on with the next one', () => {
    for (const s of shards) {
      expect(s.summary.entries.map((e) => [e.target, e.status])).toEqual([
        ['external', 'crashed'],
        ['redis', 'valid'],
      ]);
      expect(s.summary.exitCode).toBe(3);
      const crashed = s.summary.entries[0]!;
      expect(readFileSync(join(crashed.dir!, 'error.txt'), 'utf8')).toContain('"nodes" must be a non-empty array');
      expect(readFileSync(join(crashed.dir!, 'report.html'), 'utf8')).toContain('data-verdict="crashed"');
      expect(existsSync(join(s.summary.entries[1]!.dir!, 'report.html'))).toBe(true);
    }
  });

  it('writes summary.json (schema-valid), summary.html and a valid JUnit per shard', () => {
    for (const s of shards) {
      expect(validate('suite-summary', JSON.parse(readFileSync(s.files.json, 'utf8')))).toEqual([]);
      const suites = parseJUnit(readFileSync(s.files.junit, 'utf8'));
      expect(suites[0]!.testcase).toHaveLength(2);
      expect(suites[0]!.testcase[0]!.error).toBeDefined();
      expect(suites.length).toBe(3);
      const html = readFileSync(s.files.html, 'utf8');
      expect(html).toContain('CRASHED');
      expect(html).toContain('report.html');
      for (const e of s.summary.entries) {
        expect(validate('metrics', JSON.parse(readFileSync(join(e.dir!, 'metrics.json'), 'utf8')))).toEqual([]);
        // A crashed run has no results.json at all: nothing there can be mistaken for a pass.
        if (e.status === 'crashed') expect(existsSync(join(e.dir!, 'results.json'))).toBe(false);
        else expect(validate('results', JSON.parse(readFileSync(join(e.dir!, 'results.json'), 'utf8')))).toEqual([]);
      }
    }
  });

  it('the store index lists every run and suite, and renders in Chromium', async () => {
    const index = shards[1]!.index;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(index).href);
      expect(errors).toEqual([]);
      expect(await page.locator('#runs tr.run-row').count()).toBe(4);
      expect(await page.locator('#suites tr').count()).toBe(3);
      expect(await page.locator('#trends tr[data-scenario]').count()).toBe(2);
      await page.fill('#run-filter', 'external');
      expect(await page.locator('#runs tr.run-row').count()).toBe(2);
      await page.selectOption('#verdict-filter', 'valid');
      expect(await page.locator('#runs tr.run-row').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });

  it('gating the suite against itself passes; crashed stays crashed, not a regression', async () => {
    const dirs = shards.map((s) => s.dir);
    const r = await runGate({ baseline: dirs, current: dirs, tolerance: 0, timeTolerance: 1000, out: join(store.root, 'gate') }, quiet);
    // Two scenarios (external, redis), each judged over its two seeds together.
    expect(r.result!.scenarios).toHaveLength(2);
    expect(r.result!.scenarios.map((x) => x.current.length)).toEqual([2, 2]);
    expect(r.exitCode).toBe(0);
  });

  it('serve: the index, reports and files under the store, nothing outside it', async () => {
    const server = await startServer({ port: 0, store: join(store.root, 'store') });
    const port = (server.address() as AddressInfo).port;
    const get = (path: string) =>
      new Promise<{ status: number; body: string; type: string }>((ok, fail) => {
        request({ host: '127.0.0.1', port, path }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => ok({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
        })
          .on('error', fail)
          .end();
      });
    try {
      const idx = await get('/');
      expect(idx.status).toBe(200);
      expect(idx.body).toContain('splitbrain store');
      const run = shards[0]!.summary.entries[1]!;
      const rel = run.dir!.slice(join(store.root, 'store').length);
      const rep = await get(`${rel}/report.html`);
      expect(rep.status).toBe(200);
      expect(rep.type).toContain('text/html');
      expect((await get(`${rel}/results.json`)).type).toContain('application/json');
      expect((await get(`${rel}/`)).body).toContain('report-data');
      expect((await get('/latest/scenario.json')).status).toBe(200);
      expect([403, 404]).toContain((await get('/%2e%2e/%2e%2e/%2e%2e/etc/passwd')).status);
      expect((await get('/no-such-run/')).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
