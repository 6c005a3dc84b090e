import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../checkers/util/prng.js';
import { type BandwidthSpec, bandwidth } from '../../harness/nemesis/faults/bandwidth.js';
import { NEMESES } from '../../harness/nemesis/faults/index.js';
import { type PartitionSpec, partition } from '../../harness/nemesis/faults/partition.js';
import { type ResetPeerSpec, resetPeer } from '../../harness/nemesis/faults/reset-peer.js';
import { RunStore } from '../../harness/store/store.js';
import { LocalTarget } from '../../harness/targets/local.js';
import type { NodeHandle } from '../../harness/targets/target.js';
import { startToxiproxyServer } from '../../harness/toxiproxy/server.js';
import { cleanupAll } from '../../harness/util/cleanup.js';
import { sleep } from '../../harness/util/sleep.js';
import { livePids, NO_SYNC_DELAY, type RunFlags, readHistory, runDirs, runScenario, splitbrain, tempStore } from '../support/cli.js';
import { NIGHTLY } from '../support/nightly.js';

/** One command on a node's own address (not through a proxy). */
async function direct(n: { host: string; port: number }, ...argv: string[]): Promise<string> {
  const r = new Redis({
    host: n.host,
    port: n.port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
    commandTimeout: 2000,
  });
  try {
    await r.connect();
    return String(await r.call(argv[0]!, ...argv.slice(1)));
  } finally {
    r.disconnect();
  }
}

async function until(what: string, cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      /* a node busy or reconnecting: poll again */
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The link column of `of`'s CLUSTER NODES line for each other node, by address. */
async function linkStates(of: NodeHandle): Promise<Map<string, string>> {
  const text = await direct(of, 'CLUSTER', 'NODES');
  const out = new Map<string, string>();
  for (const l of text.trim().split('\n')) {
    const f = l.split(' ');
    if (f[2]?.includes('myself')) continue;
    out.set(f[1]!.split('@')[0]!, f[7]!);
  }
  return out;
}

/** The ts cluster every real run here uses: three masters with a replica each. */
const CLUSTER_3x1: RunFlags = { target: 'ts', topology: 'cluster', masters: 3, replicas: 1, 'server-arg': NO_SYNC_DELAY };

describe('--target ts --topology cluster (every directed link through its own proxy)', () => {
  it.skipIf(!NIGHTLY)(
    'a short run without faults: cluster created, ops through the client proxies, final reads from every master, a valid verdict',
    async () => {
      const r = await runScenario({ ...CLUSTER_3x1, workload: 'set', nemesis: 'none', 'time-limit': 3 }, { timeout: 180_000 });
      expect(r.exitCode, r.all).toBe(0);
      const dir = r.dir;
      expect(r.results.valid).toBe(true);
      const history = readHistory(dir!);
      expect(history.filter((o) => o.f === 'add' && o.type === 'ok').length).toBeGreaterThan(0);
      // Final reads come from every node that is a primary now: the three masters.
      const finals = new Set(history.filter((o) => o.f === 'final-read' && o.type === 'ok').map((o) => o.node));
      expect(finals.size).toBe(3);
      expect(livePids(dir!)).toEqual([]);
    },
    180_000,
  );

  it("a one-way cut of the bus alone: the links the primary opens on the bus go down, its peers' bus links to it, its replication and its clients stay", async () => {
    const store = new RunStore(tempStore(), 'ts-cluster-bus-cut');
    const t = new LocalTarget({
      kind: 'ts',
      topology: { kind: 'cluster', masters: 3, replicas: 1 },
      net: 'toxiproxy',
      store,
      seed: 5,
      serverArgs: NO_SYNC_DELAY.split(' '),
      // Long enough that nothing fails over during the test: the cut is what we observe.
      nodeTimeoutMs: 60_000,
      runId: `tc${process.pid}`,
    });
    try {
      await t.start();
      const p = t.nodes.find((n) => n.role === 'primary')!;
      const replica = t.nodes.find((n) => n.primary === p.name)!;
      const others = t.nodes.filter((n) => n !== p);
      const addr = (n: NodeHandle) => `${n.host}:${n.port}`;
      const fault: PartitionSpec = {
        f: 'start-partition',
        value: { kind: 'bus-one-way', nodes: [p.name], groups: [[p.name], others.map((n) => n.name)], oneWay: true, channel: 'bus', mode: 'reset' },
      };
      const ctx = { nodes: t.nodes, net: t.network, processes: t.processes };
      partition.check(fault, ctx);
      await partition.start(fault, ctx);
      // p's own bus links are refused: it shows every peer disconnected …
      await until('the primary sees every bus link it opens down', async () => [...(await linkStates(p)).values()].every((s) => s === 'disconnected'));
      // … while each peer's link to p (through the peer's own proxy) is up.
      for (const o of others) expect((await linkStates(o)).get(addr(p)), o.name).toBe('connected');
      // Replication (the replica's link to p's client port) and the client link are not the bus.
      expect(await direct(replica, 'INFO', 'replication')).toMatch(/master_link_status:up/);
      const c = new Redis({ ...t.network.clientAddress(p), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await c.connect();
        expect(await c.call('CLUSTER', 'MYID')).toMatch(/^[0-9a-f]{40}$/);
      } finally {
        c.disconnect();
      }
      await partition.stop(fault, ctx);
      await until('every bus link back', async () => [...(await linkStates(p)).values()].every((s) => s === 'connected'));
    } finally {
      await t.stop();
      await cleanupAll();
    }
  }, 180_000);

  it("bus-bandwidth and bus-reset-peer: toxics on the primary's bus links alone, both ways; reset bus links fail it over while its clients still reach it", async () => {
    const proxy = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 9 });
    const store = new RunStore(tempStore(), 'ts-cluster-bus-degrade');
    const t = new LocalTarget({
      kind: 'ts',
      topology: { kind: 'cluster', masters: 3, replicas: 1 },
      net: 'toxiproxy',
      toxiproxyUrl: proxy.url,
      store,
      seed: 6,
      serverArgs: NO_SYNC_DELAY.split(' '),
      nodeTimeoutMs: 3000,
      runId: `tb${process.pid}`,
    });
    /** Proxy name (without the run's prefix) → the toxic types on it. */
    const toxics = async (): Promise<Map<string, string[]>> => {
      const all = (await (await fetch(`${proxy.url}/proxies`)).json()) as Record<string, { toxics: { type: string }[] }>;
      return new Map(Object.entries(all).map(([name, p]) => [name.replace(`sbtb${process.pid}-`, ''), p.toxics.map((x) => x.type)]));
    };
    try {
      await t.start();
      const ctx = { nodes: t.nodes, net: t.network, processes: t.processes };
      const pick = { nodes: t.nodes, topology: 'cluster' as const };
      const bw = NEMESES.get('bus-bandwidth')!(new Prng(1), pick) as BandwidthSpec;
      const p = bw.value.nodes[0]!;
      const busOfP = (name: string) => name.endsWith('-bus') && name.split('-').slice(0, 2).includes(p);
      bandwidth.check(bw, ctx);
      await bandwidth.start(bw, ctx);
      const withBw = await toxics();
      // Every bus link of p, both ways (two toxics each: upstream, downstream) — and nothing else: not its replication, not a client link.
      expect(
        [...withBw]
          .filter(([, ts]) => ts.length > 0)
          .map(([n]) => n)
          .sort(),
      ).toEqual([...withBw.keys()].filter(busOfP).sort());
      expect([...withBw].filter(([n]) => busOfP(n)).every(([, ts]) => ts.join() === 'bandwidth,bandwidth')).toBe(true);
      expect([...withBw.keys()].filter(busOfP)).toHaveLength(2 * (t.nodes.length - 1));
      await bandwidth.stop(bw, ctx);
      expect([...(await toxics()).values()].flat()).toEqual([]);

      const rp = NEMESES.get('bus-reset-peer')!(new Prng(1), pick) as ResetPeerSpec;
      expect(rp.value.nodes).toEqual([p]);
      resetPeer.check(rp, ctx);
      await resetPeer.start(rp, ctx);
      expect([...(await toxics())].filter(([, ts]) => ts.length > 0).every(([n, ts]) => busOfP(n) && ts.join() === 'reset_peer,reset_peer')).toBe(true);
      // Every bus message to or from p is answered with a reset: the others stop hearing it and mark it failed …
      const victim = t.nodes.find((n) => n.name === p)!;
      const addr = `${victim.host}:${victim.port}`;
      await until('the others flag the primary fail', async () => {
        for (const o of t.nodes.filter((n) => n !== victim)) {
          const line = (await direct(o, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes(addr)) ?? '';
          if (!/\bfail\b/.test(line.split(' ')[2] ?? '')) return false;
        }
        return true;
      });
      // … while its clients still reach it (their proxy carries no toxic).
      const c = new Redis({ ...t.network.clientAddress(victim), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await c.connect();
        expect(await c.call('CLUSTER', 'MYID')).toMatch(/^[0-9a-f]{40}$/);
      } finally {
        c.disconnect();
      }
      await resetPeer.stop(rp, ctx);
      expect([...(await toxics()).values()].flat()).toEqual([]);
    } finally {
      await t.stop();
      await proxy.close();
      await cleanupAll();
    }
  }, 180_000);

  it.skipIf(!NIGHTLY)(
    'partition-primary-with-clients: the minority master acknowledges writes until node-timeout, the majority fails it over, the losses are expected by design',
    async () => {
      const r = await runScenario(
        {
          ...CLUSTER_3x1,
          workload: 'lost-writes',
          nemesis: 'partition-primary-with-clients',
          'node-timeout': 3000,
          interval: 3,
          'fault-duration': 10,
          'time-limit': 16,
        },
        { timeout: 180_000 },
      );
      expect(r.exitCode, r.all).toBe(0);
      const dir = r.dir;
      const lw = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8')).checkers['lost-writes'] as {
        lost: number;
        lostAnomalous: number;
        lostWrites: { node: string; expected: boolean; reason: string; fault?: { nodes: string[] } }[];
      };
      const start = readHistory(dir!).find((o) => o.f === 'start-partition' && o.type === 'info')!;
      const isolated = (start.value as { nodes: string[] }).nodes[0]!;
      // The minority master's acknowledged writes after the cut are gone once its replica took over …
      expect(lw.lost).toBeGreaterThan(0);
      // … and every one is the documented window's, on the isolated master.
      expect(lw.lostAnomalous).toBe(0);
      for (const w of lw.lostWrites) {
        expect(w.node).toBe(isolated);
        expect(w.expected).toBe(true);
        expect(w.reason).toMatch(/expected by design/);
      }
      // The fault shows in the report's data (fault bands).
      const metrics = JSON.parse(readFileSync(join(dir!, 'metrics.json'), 'utf8')) as { faults: { f: string; nodes: string[] }[] };
      expect(metrics.faults).toEqual([expect.objectContaining({ f: 'start-partition', nodes: [isolated] })]);
    },
    240_000,
  );

  /** A lost-writes run on the ts cluster under one partition shape; the history, results and the fault's start value. */
  async function shapeRun(nemesis: string) {
    const r = await runScenario(
      {
        ...CLUSTER_3x1,
        workload: 'lost-writes',
        nemesis,
        'node-timeout': 3000,
        interval: 2,
        'fault-duration': 6,
        'time-limit': 10,
      },
      { timeout: 180_000 },
    );
    const dir = r.dir;
    const history = readHistory(dir!);
    const results = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8')) as {
      valid: unknown;
      checkers: { 'lost-writes': { acknowledged: number; lostAnomalous: number }; convergence: { valid: unknown } };
    };
    const start = history.find((o) => o.f === 'start-partition' && o.type === 'info')!.value as {
      kind: string;
      nodes: string[];
      groups?: string[][];
      cut?: string[][];
    };
    const finals = new Set(history.filter((o) => o.f === 'final-read' && o.type === 'ok').map((o) => o.node));
    expect(livePids(dir!)).toEqual([]);
    return { r, results, start, finals, history };
  }

  /** The shape ran through the proxies, the cluster came back whole, and no loss fell outside the fault model. */
  function expectRecovered(run: Awaited<ReturnType<typeof shapeRun>>): void {
    expect(run.r.exitCode, run.r.all).toBe(0);
    expect(run.history.some((o) => o.f === 'stop-partition' && o.type === 'info')).toBe(true);
    expect(run.results.checkers['lost-writes'].acknowledged).toBeGreaterThan(0);
    expect(run.results.checkers['lost-writes'].lostAnomalous).toBe(0);
    expect(run.results.checkers.convergence.valid).toBe(true);
    // Final reads from three masters: every slot served again after the heal.
    expect(run.finals.size).toBe(3);
  }

  it.skipIf(!NIGHTLY)(
    "partition-ring (Jepsen's majorities ring) through the proxies: each node keeps its two ring neighbours; the cluster recovers",
    async () => {
      const run = await shapeRun('partition-ring');
      expect(run.start.kind).toBe('majorities-ring');
      // 6 nodes: 15 pairs, the 6 ring edges kept, 9 cut; every node keeps exactly two peers.
      expect(run.start.cut).toHaveLength(9);
      for (const n of ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']) expect(run.start.cut!.filter((p) => p.includes(n))).toHaveLength(3);
      expectRecovered(run);
    },
    240_000,
  );

  it.skipIf(!NIGHTLY)(
    'partition-bridge through the proxies: two sides that only talk through one node; the cluster recovers',
    async () => {
      const run = await shapeRun('partition-bridge');
      expect(run.start.kind).toBe('bridge');
      const [a, b] = run.start.groups!;
      const bridge = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].filter((n) => !a!.includes(n) && !b!.includes(n));
      expect(bridge).toHaveLength(1);
      expect(a!.length + b!.length).toBe(5);
      expectRecovered(run);
    },
    240_000,
  );

  it('`splitbrain start` (npm start): the ts cluster, 3 masters × 1 replica, under a minority-master partition and a master kill, ending with the run directory', async () => {
    const store = tempStore();
    // The demo's defaults, shortened: two faults of 4 s.
    const r = await splitbrain(['start', '--time-limit', '14', '--interval', '2', '--fault-duration', '4', '--store', store]);
    expect(r.exitCode, r.all).toBe(0);
    const [dir] = runDirs(store);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`run directory: ${dir}`);
    const s = JSON.parse(readFileSync(join(dir!, 'scenario.json'), 'utf8')) as { target: string; topology: unknown; workload: string; nemesis: string };
    expect(s).toMatchObject({
      target: 'ts',
      topology: { kind: 'cluster', masters: 3, replicas: 1 },
      workload: 'lost-writes',
      nemesis: 'partition-primary-with-clients,kill-primary',
    });
    const fs = readHistory(dir!)
      .filter((o) => o.process === 'nemesis' && o.type === 'info')
      .map((o) => o.f);
    expect(fs).toEqual(expect.arrayContaining(['start-partition', 'stop-partition', 'kill', 'start']));
    expect(livePids(dir!)).toEqual([]);
  }, 240_000);

  it.skipIf(!NIGHTLY)(
    "op → node attribution follows the slot map: after a CLUSTER FAILOVER the shard's ops are the new master's; no acknowledged write lost",
    async () => {
      const r = await runScenario(
        {
          ...CLUSTER_3x1,
          workload: 'lost-writes',
          nemesis: 'failover',
          keys: 24,
          seed: 3,
          interval: 3,
          'fault-duration': 1,
          'time-limit': 12,
        },
        { timeout: 180_000 },
      );
      expect(r.exitCode, r.all).toBe(0);
      const dir = r.dir;
      const h = readHistory(dir!);
      const fo = h
        .filter((o) => o.f === 'failover' && o.type === 'info')
        .map((o) => o.value as { nodes: string[]; to?: string; failoverMode: string; reply?: string });
      expect(fo.length).toBeGreaterThan(0);
      const last = h.filter((o) => o.f === 'failover' && o.type === 'info').at(-1)!;
      // Who serves each key at the end (the final reads ask the slot map after the failovers).
      const owner = new Map(h.filter((o) => o.f === 'final-read' && o.type === 'ok').map((o) => [o.key as string, o.node as string]));
      const promoted = new Set(fo.filter((f) => f.reply === 'OK').map((f) => f.to!));
      expect(promoted.size).toBeGreaterThan(0);
      // Writes acknowledged well after the last failover are attributed to the master that owns the key now.
      const late = h.filter((o) => o.f === 'add' && o.type === 'ok' && (o.time as number) > (last.time as number) + 3e9);
      expect(late.length).toBeGreaterThan(0);
      for (const o of late) expect(o.node, `op ${o.index} on ${o.key}`).toBe(owner.get(o.key as string));
      expect(late.some((o) => promoted.has(o.node as string))).toBe(true);
      // `failover` is the default mode: the replica catches up first, nothing acknowledged is lost.
      expect(fo.every((f) => f.failoverMode === 'default')).toBe(true);
      const lw = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8')).checkers['lost-writes'] as { lost: number };
      expect(lw.lost).toBe(0);
    },
    240_000,
  );
});
