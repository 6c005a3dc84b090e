import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import type { Redis } from 'ioredis';
import { IptablesNetwork } from '../net/iptables-net.js';
import { ToxiproxyNetwork } from '../net/toxiproxy-net.js';
import { redisClient } from '../run/clients.js';
import type { RunStore } from '../store/store.js';
import { startToxiproxyServer } from '../toxiproxy/server.js';
import { onCleanup } from '../util/cleanup.js';
import { sleep } from '../util/sleep.js';
import { REDIS_CLI, REDIS_SERVER, SPLITBRAIN_SERVER } from './binaries.js';
import { plannedNodes, runHosts } from './layout.js';
import { LazyMount } from './lazyfs.js';
import { LocalProcessTarget } from './local-processes.js';
import { NodeProcess } from './node-process.js';
import { routeNodeLinks } from './node-routes.js';
import { queryRoles } from './roles.js';
import type { NodeHandle, NodeRole, Target, TargetFacts, TopologySpec } from './target.js';

export type NetKind = 'toxiproxy' | 'iptables' | 'none';

export interface LocalTargetOptions {
  kind: 'ts' | 'redis';
  topology: TopologySpec;
  net: NetKind;
  /** Use an installed toxiproxy-server instead of our in-process one. */
  toxiproxyUrl?: string;
  store: RunStore;
  seed: number;
  /** Extra server options for every node, e.g. ['--min-replicas-to-write', '1']. */
  serverArgs: string[];
  /** Cluster node timeout (ms). */
  nodeTimeoutMs: number;
  /** Short id, used to name proxies and the iptables chain. */
  runId: string;
  /** Each node's data directory on the lazyfs FUSE layer (the kill-unsynced faults drop its unsynced writes). */
  lazyfs?: boolean;
}

/**
 * A system under test made of local processes: our splitbrain-server (`ts`) or the Debian
 * redis-server (`redis`), in the single, replicated or cluster topology, wired to a network
 * fault backend.
 */
export class LocalTarget extends LocalProcessTarget implements Target {
  get canDropUnsynced(): boolean {
    return this.o.lazyfs === true;
  }
  /** Each node's data directory on the lazyfs layer (option lazyfs). */
  private readonly mounts = new Map<string, LazyMount>();

  constructor(private readonly o: LocalTargetOptions) {
    super();
  }

  get kind(): 'ts' | 'redis' {
    return this.o.kind;
  }

  get topology(): TopologySpec {
    return this.o.topology;
  }

  static check(kind: 'ts' | 'redis', topology: TopologySpec): void {
    if (kind === 'redis' && !existsSync(REDIS_SERVER)) {
      throw new Error(`--target redis needs the Debian redis-server at ${REDIS_SERVER}: apt-get install -y redis-server redis-tools`);
    }
    if (kind === 'ts' && !existsSync(SPLITBRAIN_SERVER)) throw new Error(`${SPLITBRAIN_SERVER} is missing: run npm run build`);
    if (topology.kind === 'cluster' && !existsSync(REDIS_CLI))
      throw new Error(`the cluster topology is created with ${REDIS_CLI}: apt-get install -y redis-tools`);
  }

  facts(): TargetFacts {
    const versions = { target: this.o.kind, server: this.o.kind === 'ts' ? 'splitbrain-server (Redis 7.0.15 compatible)' : 'redis-server (Debian)' };
    return this.network instanceof IptablesNetwork ? { versions, iptablesChain: this.network.chainName } : { versions };
  }

  roles(): Promise<Map<string, NodeRole | null>> {
    return queryRoles(this.nodes, this.network);
  }

  async start(): Promise<void> {
    const { topology, kind, net } = this.o;
    LocalTarget.check(kind, topology);
    const planned = plannedNodes(topology);
    // Each run gets its own 127.a.b.0/24 block under iptables (layout.ts: runHosts).
    const hostOf = runHosts(this.o.runId, net === 'iptables');
    const cluster = topology.kind === 'cluster';
    // Cluster nodes lease their bus port too.
    const ports = await this.leasePorts(
      planned.map((_, i) => hostOf(i)),
      cluster,
    );
    this.nodes = planned.map((n, i) => ({ ...n, host: hostOf(i), port: ports[i]! }));

    // Network backend first: for our server the node→node proxies must exist before the nodes
    // start, because their route tables point at them.
    const routes = new Map<string, string[]>();
    if (net === 'toxiproxy') {
      let url = this.o.toxiproxyUrl;
      if (!url) {
        this.toxiproxy = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: this.o.seed });
        const tp = this.toxiproxy;
        onCleanup('toxiproxy server', () => tp.close());
        url = tp.url;
      }
      const routed = kind === 'ts';
      const tn = new ToxiproxyNetwork(url, `sb${this.o.runId}-`, routed);
      this.network = tn;
      onCleanup('toxiproxy proxies', () => tn.close());
      for (const n of this.nodes) await tn.addLink({ from: 'client', to: n.name }, n);
      if (routed) for (const [n, r] of await routeNodeLinks(tn, this.nodes, cluster)) routes.set(n, r);
    } else if (net === 'iptables') {
      const byName = new Map(this.nodes.map((n) => [n.name, n.host]));
      const ipn = new IptablesNetwork(`SB-${this.o.runId}`.slice(0, 28), (n) => byName.get(n)!);
      await ipn.setup();
      this.network = ipn;
    }

    await Promise.all(this.nodes.map((n) => this.startNode(n, routes.get(n.name) ?? [])));
    if (cluster) await this.createCluster();
    else if (topology.kind === 'replicated') await this.awaitReplicas();
  }

  private nodeArgs(n: NodeHandle, routes: string[]): string[] {
    const { kind, topology } = this.o;
    const dir = this.dataDir(n);
    const args = [
      '--port',
      String(n.port),
      '--bind',
      n.host,
      '--dir',
      dir,
      '--protected-mode',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'notice',
    ];
    if (this.o.net === 'iptables') args.push('--bind-source-addr', n.host);
    if (routes.length > 0) args.push('--route', ...routes);
    if (topology.kind === 'replicated' && n.role === 'replica') {
      const p = this.nodes.find((x) => x.name === n.primary)!;
      args.push('--replicaof', p.host, String(p.port));
    }
    if (topology.kind === 'cluster') {
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(this.o.nodeTimeoutMs));
    }
    args.push(...this.o.serverArgs);
    return kind === 'redis' ? args : [SPLITBRAIN_SERVER, ...args];
  }

  /** Where a node keeps its files: its store directory, or its lazyfs mount there. */
  private dataDir(n: NodeHandle): string {
    const dir = this.o.store.nodeDir(n.name);
    return this.o.lazyfs ? resolve(dir, 'data') : dir;
  }

  private async startNode(n: NodeHandle, routes: string[]): Promise<void> {
    const dir = this.o.store.nodeDir(n.name);
    if (this.o.lazyfs) {
      const m = await LazyMount.mount(resolve(dir, 'data.synced'), this.dataDir(n), this.o.store.path(`nodes/${n.name}/lazyfs.log`));
      this.mounts.set(n.name, m);
      onCleanup(`lazyfs ${n.name}`, () => m.unmount());
    }
    n.process = new NodeProcess({
      name: n.name,
      file: this.o.kind === 'redis' ? REDIS_SERVER : process.execPath,
      args: this.nodeArgs(n, routes),
      cwd: dir,
      logPath: this.o.store.path(`nodes/${n.name}/server.log`),
      pidFile: this.o.store.path(`nodes/${n.name}/pids`),
    });
    await n.process.start();
  }

  /** Wait until every replica (by default: by role at the start) reports its link up, so the run starts from a synced state. */
  private async awaitReplicas(timeoutMs = 20000, replicas = this.nodes.filter((x) => x.role === 'replica')): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const n of replicas) {
      const r = await probe(n);
      try {
        for (;;) {
          const info = await r.info('replication');
          if (/master_link_status:up/.test(info)) break;
          if (Date.now() > deadline) throw new Error(`replica ${n.name} did not sync with its primary within ${timeoutMs} ms:\n${info}`);
          await sleep(100);
        }
      } finally {
        r.disconnect();
      }
    }
  }

  private async createCluster(): Promise<void> {
    const { topology } = this.o;
    const addrs = this.nodes.map((n) => `${n.host}:${n.port}`);
    const r = await execa(REDIS_CLI, ['--cluster', 'create', ...addrs, '--cluster-replicas', String(topology.replicas), '--cluster-yes'], { reject: false });
    if (r.exitCode !== 0) throw new Error(`redis-cli --cluster create failed:\n${r.stdout}\n${r.stderr}`);
    await this.awaitClusterOk();
    await this.readClusterRoles();
    // A replica that has not finished its first sync cannot be promoted: start only when all are linked.
    await this.awaitReplicas(30_000);
  }

  async awaitClusterOk(timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const n of this.nodes) {
      const r = await probe(n);
      try {
        for (;;) {
          const info = String(await r.call('CLUSTER', 'INFO'));
          // ok, and every node known (a node still being met is not in the failure reports yet).
          if (/cluster_state:ok/.test(info) && Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1]) >= this.nodes.length) break;
          if (Date.now() > deadline)
            throw new Error(`cluster did not reach cluster_state:ok with every node known on ${n.name} within ${timeoutMs} ms:\n${info}`);
          await sleep(200);
        }
      } finally {
        r.disconnect();
      }
    }
  }

  /** Map nodes to their actual roles and shards after redis-cli assigned replicas. */
  private async readClusterRoles(): Promise<void> {
    const n1 = this.nodes[0]!;
    const r = await probe(n1);
    try {
      // redis-cli sets the replicas with CLUSTER REPLICATE; n1 learns it through gossip, so wait
      // until it sees every replica before reading the roles.
      const want = this.o.topology.masters * this.o.topology.replicas;
      let text = '';
      for (let i = 0; i < 200; i++) {
        text = String(await r.call('CLUSTER', 'NODES'));
        const slaves = text.split('\n').filter((l) => l.split(' ')[2]?.includes('slave')).length;
        if (slaves >= want) break;
        await sleep(100);
      }
      const byAddr = new Map(this.nodes.map((n) => [`${n.host}:${n.port}`, n]));
      const idToNode = new Map<string, NodeHandle>();
      const lines = text
        .trim()
        .split('\n')
        .map((l) => l.split(' '));
      for (const f of lines) {
        const addr = f[1]!.split('@')[0]!;
        const node = byAddr.get(addr);
        if (node) idToNode.set(f[0]!, node);
      }
      let shard = 0;
      const shardOf = new Map<string, number>();
      for (const f of lines) {
        const node = idToNode.get(f[0]!);
        if (!node) continue;
        if (f[2]!.includes('master')) {
          node.role = 'primary';
          node.primary = undefined;
          node.slots = f
            .slice(8)
            .filter((x) => /^\d+(-\d+)?$/.test(x))
            .map((r) => {
              const [a, b] = r.split('-').map(Number);
              return [a!, b ?? a!] as [number, number];
            });
          shardOf.set(f[0]!, shard);
          node.shard = shard++;
        }
      }
      for (const f of lines) {
        const node = idToNode.get(f[0]!);
        if (!node || !f[2]!.includes('slave')) continue;
        node.role = 'replica';
        const p = idToNode.get(f[3]!);
        node.primary = p?.name;
        node.shard = shardOf.get(f[3]!) ?? 0;
      }
    } finally {
      r.disconnect();
    }
  }

  /** After the final heal: wait (bounded) until the system looks whole again; never throws. */
  async settle(): Promise<void> {
    try {
      if (this.o.topology.kind === 'cluster') await this.awaitClusterOk(30_000);
      else if (this.o.topology.kind === 'replicated') {
        // By the roles of now: failovers made other nodes replicas than at the start.
        const roles = await this.roles();
        await this.awaitReplicas(
          15_000,
          this.nodes.filter((n) => roles.get(n.name) === 'replica'),
        );
      }
    } catch {
      /* the final reads will show what is still broken */
    }
  }

  // ---- Process faults beyond LocalProcessTarget's ----

  async dropUnsynced(n: NodeHandle): Promise<void> {
    if (n.process?.running) throw new Error(`${n.name} is running: kill it before dropping its unsynced writes`);
    const m = this.mounts.get(n.name);
    if (!m) throw new Error(`${n.name} has no lazyfs layer (the scenario has no -unsynced fault)`);
    m.crash();
  }
  protected override async afterStop(): Promise<void> {
    for (const m of this.mounts.values()) await m.unmount();
    this.mounts.clear();
  }
}

/** A probe connection to a node's own address (readiness polls: no retry, no reconnection). */
async function probe(n: NodeHandle): Promise<Redis> {
  const r = redisClient(n, 'probe', 5000);
  try {
    await r.connect();
  } catch (err) {
    r.disconnect();
    throw err;
  }
  return r;
}
