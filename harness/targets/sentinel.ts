import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { IptablesNetwork } from '../net/iptables-net.js';
import { ToxiproxyNetwork } from '../net/toxiproxy-net.js';
import { redisClient, sentinelWorkerClient } from '../run/clients.js';
import { startToxiproxyServer } from '../toxiproxy/server.js';
import { onCleanup } from '../util/cleanup.js';
import { sleep } from '../util/sleep.js';
import { REDIS_SENTINEL, REDIS_SERVER, SPLITBRAIN_SERVER } from './binaries.js';
import { DEFAULT_SENTINELS, plannedNodes, runHosts } from './layout.js';
import type { LocalTargetOptions } from './local.js';
import { LocalProcessTarget } from './local-processes.js';
import { NodeProcess } from './node-process.js';
import { queryRoles } from './roles.js';
import type { NodeHandle, NodeRole, Target, TargetFacts, TopologySpec, WorkerClient } from './target.js';

/** The name the sentinels monitor the primary under (what Sentinel clients ask for). */
export const SENTINEL_MASTER_NAME = 'splitbrain';

/**
 * The sentinel topology on local processes: a primary, R replicas and S sentinels (quorum: a
 * majority of S), all ours (`ts`: splitbrain-server and splitbrain-sentinel) or all Redis's
 * (`redis`: redis-server and redis-sentinel). Sentinels are nodes of the run (role `sentinel`), so
 * partitions and kills can hit them; clients discover the primary through the sentinels' client
 * links, as applications do. With `--net toxiproxy` and our processes every directed link
 * (node→node, sentinel→node, sentinel→sentinel) has its own proxy (route tables); with
 * `--net iptables` every process has its own loopback address and opens its links from it
 * (bind-source-addr, which redis-sentinel honours too).
 * `down-after-milliseconds` is the scenario's node timeout.
 */
export class SentinelTarget extends LocalProcessTarget implements Target {
  constructor(private readonly o: LocalTargetOptions) {
    super();
  }

  get kind(): 'ts' | 'redis' {
    return this.o.kind;
  }

  get topology(): TopologySpec {
    return this.o.topology;
  }

  private get sentinelCount(): number {
    return this.o.topology.sentinels ?? DEFAULT_SENTINELS;
  }

  /** A majority of the sentinels: the failover needs one anyway (leader election). */
  get quorum(): number {
    return Math.floor(this.sentinelCount / 2) + 1;
  }

  static check(kind: 'ts' | 'redis'): void {
    if (kind === 'redis' && !existsSync(REDIS_SERVER)) throw new Error(`--target redis needs ${REDIS_SERVER}: apt-get install -y redis-server`);
    if (kind === 'redis' && !existsSync(REDIS_SENTINEL))
      throw new Error(`--target redis --topology sentinel needs ${REDIS_SENTINEL}: apt-get install -y redis-sentinel`);
    if (kind === 'ts' && !existsSync(SPLITBRAIN_SERVER)) throw new Error(`${SPLITBRAIN_SERVER} is missing: run npm run build`);
  }

  facts(): TargetFacts {
    const versions = {
      target: this.o.kind,
      server: this.o.kind === 'ts' ? 'splitbrain-server (Redis 7.0.15 compatible)' : 'redis-server (Debian)',
      sentinel: this.o.kind === 'ts' ? 'splitbrain-sentinel' : 'redis-sentinel (Debian)',
    };
    return this.network instanceof IptablesNetwork ? { versions, iptablesChain: this.network.chainName } : { versions };
  }

  private get dataNodes(): NodeHandle[] {
    return this.nodes.filter((n) => n.role !== 'sentinel');
  }

  private get sentinels(): NodeHandle[] {
    return this.nodes.filter((n) => n.role === 'sentinel');
  }

  async start(): Promise<void> {
    const { kind, net, topology } = this.o;
    SentinelTarget.check(kind);
    const hostOf = runHosts(this.o.runId, net === 'iptables');
    const planned = plannedNodes(topology);
    const hosts = planned.map((_, i) => hostOf(i));
    const ports = await this.leasePorts(hosts);
    this.nodes = planned.map((n, i) => ({ ...n, host: hosts[i]!, port: ports[i]! }));

    // Proxies before processes: our processes' route tables point at them.
    const routes = new Map<string, string[]>();
    if (net === 'toxiproxy') {
      let url = this.o.toxiproxyUrl;
      if (!url) {
        const tp = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: this.o.seed });
        this.toxiproxy = tp;
        onCleanup('toxiproxy server', () => tp.close());
        url = tp.url;
      }
      const routed = kind === 'ts';
      const tn = new ToxiproxyNetwork(url, `sb${this.o.runId}-`, routed);
      this.network = tn;
      onCleanup('toxiproxy proxies', () => tn.close());
      for (const n of this.nodes) await tn.addLink({ from: 'client', to: n.name }, n);
      if (routed) {
        // Every directed pair, n→s included (nobody uses it, but a partition cuts every pair across its groups).
        for (const from of this.nodes) {
          const r: string[] = [];
          for (const to of this.nodes) {
            if (from === to) continue;
            const addr = await tn.addLink({ from: from.name, to: to.name }, to);
            r.push(`${to.host}:${to.port}=${addr.host}:${addr.port}`);
          }
          routes.set(from.name, r);
        }
      }
    } else if (net === 'iptables') {
      const byName = new Map(this.nodes.map((n) => [n.name, n.host]));
      const ipn = new IptablesNetwork(`SB-${this.o.runId}`.slice(0, 28), (n) => byName.get(n)!);
      await ipn.setup();
      this.network = ipn;
    }

    await Promise.all(this.dataNodes.map((n) => this.startProcess(n, this.dataArgs(n, routes.get(n.name) ?? []))));
    await this.awaitReplicas(20_000);
    await Promise.all(this.sentinels.map((s) => this.startProcess(s, this.sentinelArgs(s, routes.get(s.name) ?? []))));
    await this.awaitSentinels(60_000);
  }

  private dataArgs(n: NodeHandle, routes: string[]): string[] {
    const dir = this.o.store.nodeDir(n.name);
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
    if (n.role === 'replica') {
      const p = this.nodes[0]!;
      args.push('--replicaof', p.host, String(p.port));
    }
    args.push(...this.o.serverArgs);
    return this.o.kind === 'redis' ? args : [SPLITBRAIN_SERVER, ...args];
  }

  /** A fresh sentinel.conf in the sentinel's directory (both sentinels rewrite it with what they learn). */
  private sentinelArgs(s: NodeHandle, routes: string[]): string[] {
    const dir = this.o.store.nodeDir(s.name);
    const p = this.nodes[0]!;
    const m = SENTINEL_MASTER_NAME;
    const lines = [
      `port ${s.port}`,
      `bind ${s.host}`,
      'protected-mode no',
      `dir ${dir}`,
      `sentinel announce-ip ${s.host}`,
      `sentinel monitor ${m} ${p.host} ${p.port} ${this.quorum}`,
      `sentinel down-after-milliseconds ${m} ${this.o.nodeTimeoutMs}`,
      `sentinel failover-timeout ${m} ${this.o.topology.failoverTimeoutMs ?? Math.max(10_000, 3 * this.o.nodeTimeoutMs)}`,
      `sentinel parallel-syncs ${m} 1`,
    ];
    // Links opened from the sentinel's own address, so iptables rules per address pair see them
    // (redis-sentinel 7.0 binds its outgoing links to bind-source-addr as redis-server does; ours too).
    if (this.o.net === 'iptables') lines.push(`bind-source-addr ${s.host}`);
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(conf, lines.join('\n') + '\n');
    if (this.o.kind === 'redis') return [conf];
    return [SPLITBRAIN_SERVER, conf, '--sentinel', ...(routes.length > 0 ? ['--route', ...routes] : [])];
  }

  private async startProcess(n: NodeHandle, args: string[]): Promise<void> {
    const sentinel = n.role === 'sentinel';
    n.process = new NodeProcess({
      name: n.name,
      file: this.o.kind === 'ts' ? process.execPath : sentinel ? REDIS_SENTINEL : REDIS_SERVER,
      args,
      cwd: this.o.store.nodeDir(n.name),
      logPath: this.o.store.path(`nodes/${n.name}/server.log`),
      pidFile: this.o.store.path(`nodes/${n.name}/pids`),
      // A sentinel is useful once it monitors the primary.
      ...(sentinel ? { readyLine: '+monitor master' } : {}),
    });
    await n.process.start();
  }

  /** Every replica's link to the primary up. */
  private async awaitReplicas(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const n of this.dataNodes.filter((x) => x.role === 'replica')) {
      await poll(`replica ${n.name} to sync with its primary`, deadline, async () => /master_link_status:up/.test(await command(n, ['INFO', 'replication'])));
    }
  }

  /** Ready: every sentinel names n1 as the master and knows every replica and every other sentinel. */
  private async awaitSentinels(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const p = this.nodes[0]!;
    const replicas = this.dataNodes.length - 1;
    for (const s of this.sentinels) {
      await poll(`sentinel ${s.name} to know the primary, ${replicas} replica(s) and ${this.sentinelCount - 1} other sentinel(s)`, deadline, async () => {
        const addr = await command<string[] | null>(s, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME]);
        if (!addr || addr[0] !== p.host || Number(addr[1]) !== p.port) return false;
        const info = pairs(await command<string[]>(s, ['SENTINEL', 'MASTER', SENTINEL_MASTER_NAME]));
        return Number(info.get('num-slaves')) === replicas && Number(info.get('num-other-sentinels')) === this.sentinelCount - 1;
      });
    }
  }

  /** The master the sentinels name (the most named among those answering), or null when none answers. */
  async sentinelsMaster(): Promise<NodeHandle | null> {
    const votes = new Map<string, number>();
    await Promise.all(
      this.sentinels.map(async (s) => {
        try {
          const addr = await command<string[] | null>(s, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME], 2000);
          if (addr) votes.set(`${addr[0]}:${addr[1]}`, (votes.get(`${addr[0]}:${addr[1]}`) ?? 0) + 1);
        } catch {
          /* not answering */
        }
      }),
    );
    const best = [...votes].sort((x, y) => y[1] - x[1])[0];
    if (!best) return null;
    return this.dataNodes.find((n) => `${n.host}:${n.port}` === best[0]) ?? null;
  }

  /** Roles from the sentinels' view: the master they name is the primary, the other answering data nodes replicas. */
  async roles(): Promise<Map<string, NodeRole | null>> {
    const [master, live] = await Promise.all([this.sentinelsMaster(), queryRoles(this.dataNodes, this.network)]);
    const out = new Map<string, NodeRole | null>();
    for (const n of this.dataNodes) {
      const seen = live.get(n.name) ?? null;
      // No sentinel answering: the nodes' own word.
      out.set(n.name, seen === null ? null : master === null ? seen : n === master ? 'primary' : 'replica');
    }
    for (const s of this.sentinels) out.set(s.name, (await command(s, ['PING'], 2000).catch(() => null)) === 'PONG' ? 'sentinel' : null);
    return out;
  }

  /** Worker clients in Sentinel mode: the primary is asked from the sentinels (through their client links) and re-asked after a failover. */
  workerClient(opTimeoutMs: number): WorkerClient {
    const natMap: Record<string, { host: string; port: number }> = {};
    const byClientPort = new Map<string, string>();
    for (const n of this.dataNodes) {
      const c = this.network.clientAddress(n);
      natMap[`${n.host}:${n.port}`] = c;
      byClientPort.set(`${c.host}:${c.port}`, n.name);
    }
    const conn = sentinelWorkerClient(
      this.sentinels.map((s) => this.network.clientAddress(s)),
      SENTINEL_MASTER_NAME,
      natMap,
      opTimeoutMs,
    );
    return {
      conn,
      node: () => {
        const st = (conn as Redis & { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
        return st?.remotePort ? byClientPort.get(`${st.remoteAddress?.replace(/^::ffff:/, '')}:${st.remotePort}`) : undefined;
      },
    };
  }

  /**
   * After the final heal, bounded: the sentinels agree on a master, which says it is one, and
   * every other data node replicates from it with its link up (the old master converted back).
   */
  async settle(): Promise<void> {
    const deadline = Date.now() + 45_000;
    try {
      await poll('the sentinel group to settle', deadline, async () => {
        const addrs = await Promise.all(
          this.sentinels.map((s) => command<string[] | null>(s, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME], 2000).catch(() => null)),
        );
        const first = addrs[0];
        if (!first || addrs.some((x) => !x || x[0] !== first[0] || x[1] !== first[1])) return false;
        const master = this.dataNodes.find((n) => n.host === first[0] && n.port === Number(first[1]));
        if (!master) return false;
        for (const n of this.dataNodes) {
          const info = await command(n, ['INFO', 'replication'], 2000);
          if (n === master ? !/role:master/.test(info) : !(info.includes(`master_port:${master.port}`) && /master_link_status:up/.test(info))) return false;
        }
        return true;
      });
    } catch {
      /* the final reads will show what is still broken */
    }
  }
}

/** One command over a fresh direct connection (no retry); the reply as ioredis gives it. */
async function command<T = string>(n: NodeHandle, argv: string[], timeoutMs = 5000): Promise<T> {
  const r = redisClient(n, 'probe', timeoutMs);
  try {
    await r.connect();
    return (await r.call(argv[0]!, ...argv.slice(1))) as T;
  } finally {
    r.disconnect();
  }
}

/** Poll until `ok` holds (errors count as not yet), or throw after the deadline. */
async function poll(what: string, deadline: number, ok: () => Promise<boolean>): Promise<void> {
  let last = '';
  for (;;) {
    try {
      if (await ok()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await sleep(200);
  }
}

/** A flat [k1, v1, k2, v2 …] reply as a map. */
function pairs(flat: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i]!, flat[i + 1]!);
  return m;
}
