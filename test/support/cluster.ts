import net from 'node:net';
import { execa } from 'execa';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import { freePortPair } from './ports.js';
import { type RunningServer, type ServerKind, startServer } from './servers.js';

/** Cluster nodes for tests: our server or redis-server, started the same way, formed by redis-cli. */

export const REDIS_CLI = '/usr/bin/redis-cli';

export interface ClusterNodeProc extends RunningServer {
  /** Restart on the same port and directory (nodes.conf is kept), with the same options. */
  restart(): Promise<ClusterNodeProc>;
}

/**
 * Start one cluster-enabled node of `kind` on a port whose bus port (+10000) is free too (or on
 * `at.port`, in `at.dir` when restarting with the same nodes.conf).
 */
export async function startClusterNode(kind: ServerKind, extra: string[] = [], at: { port?: number; dir?: string } = {}): Promise<ClusterNodeProc> {
  const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', ...extra];
  for (let attempt = 0; ; attempt++) {
    const port = at.port ?? (await freePortPair());
    try {
      // Six nodes start at once on a loaded machine: give them time.
      const srv = await startServer(kind, args, at.dir ? { port, dir: at.dir, readyTimeoutMs: 60_000 } : { port, readyTimeoutMs: 60_000 });
      return Object.assign(srv, { restart: () => startClusterNode(kind, extra, { port: srv.port, dir: srv.dir }) });
    } catch (e) {
      // A port chosen by us may be taken by another process before the node binds it.
      if (at.port !== undefined || attempt >= 3 || !/Failed listening|Address already in use|EADDRINUSE/.test((e as Error).message)) throw e;
    }
  }
}

/** `n` port pairs (p, p + 10000), all free and none overlapping another pair of the set. */
export async function portPairs(n: number, host = '127.0.0.1'): Promise<number[]> {
  const out: number[] = [];
  const taken = new Set<number>();
  while (out.length < n) {
    const p = await freePortPair(host);
    if (taken.has(p) || taken.has(p + 10000)) continue;
    taken.add(p).add(p + 10000);
    out.push(p);
  }
  return out;
}

/**
 * Start cluster nodes of these kinds, in parallel, on port pairs that do not overlap each other.
 * A node that loses its port to another process before binding it is retried on a new pair.
 */
export async function startClusterNodes(kinds: ServerKind[], extra: string[] = []): Promise<ClusterNodeProc[]> {
  const taken = new Set<number>();
  const pair = async (): Promise<number> => {
    for (;;) {
      const p = await freePortPair();
      if (taken.has(p) || taken.has(p + 10000)) continue;
      taken.add(p).add(p + 10000);
      return p;
    }
  };
  const started: ClusterNodeProc[] = [];
  try {
    return await Promise.all(
      kinds.map(async (kind) => {
        for (let attempt = 0; ; attempt++) {
          try {
            const n = await startClusterNode(kind, extra, { port: await pair() });
            started.push(n);
            return n;
          } catch (e) {
            if (attempt >= 3 || !/Failed listening|Address already in use|EADDRINUSE/.test((e as Error).message)) throw e;
          }
        }
      }),
    );
  } catch (e) {
    await Promise.all(started.map((n) => n.stop()));
    throw e;
  }
}

export { freePortPair };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

/** One short-lived connection for a command (no retries, errors thrown). */
export async function nodeCall(port: number, ...args: (string | number)[]): Promise<unknown> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  try {
    await r.connect();
    return await r.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    r.disconnect();
  }
}

export async function clusterInfo(port: number): Promise<Record<string, string>> {
  const text = String(await nodeCall(port, 'CLUSTER', 'INFO'));
  const out: Record<string, string> = {};
  for (const l of text.split('\r\n')) {
    const i = l.indexOf(':');
    if (i > 0) out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

export interface NodeLine {
  id: string;
  addr: string;
  port: number;
  flags: string[];
  master: string;
  configEpoch: number;
  link: string;
  slots: string[];
}

/** CLUSTER NODES of one node, parsed. */
export async function clusterNodes(port: number): Promise<NodeLine[]> {
  const text = String(await nodeCall(port, 'CLUSTER', 'NODES'));
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const f = l.split(' ');
      const addr = f[1]!.split(',')[0]!.split('@')[0]!;
      return {
        id: f[0]!,
        addr,
        port: Number(addr.slice(addr.lastIndexOf(':') + 1)),
        flags: f[2]!.split(','),
        master: f[3]!,
        configEpoch: Number(f[6]),
        link: f[7]!,
        slots: f.slice(8),
      };
    });
}

export async function myId(port: number): Promise<string> {
  return String(await nodeCall(port, 'CLUSTER', 'MYID'));
}

/** `redis-cli --cluster <args>`; returns exit code and output. */
export async function redisCliCluster(args: string[], timeoutMs = 120_000): Promise<{ code: number; out: string }> {
  const r = await execa(REDIS_CLI, ['--cluster', ...args], { reject: false, all: true, timeout: timeoutMs });
  return { code: r.exitCode ?? -1, out: r.all ?? '' };
}

/** `redis-cli --cluster create` of these nodes with `replicas` replicas per master. */
export async function createCluster(nodes: RunningServer[], replicas: number): Promise<void> {
  const r = await redisCliCluster(['create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes']);
  if (r.code !== 0) throw new Error(`redis-cli --cluster create failed (${r.code}):\n${r.out}`);
}

/** Every node reports cluster_state:ok and knows `known` nodes. */
export async function waitClusterOk(nodes: RunningServer[], known = nodes.length, timeoutMs = 60_000): Promise<void> {
  for (const n of nodes) {
    await waitFor(
      `cluster_state:ok on ${n.kind}:${n.port}`,
      async () => {
        const i = await clusterInfo(n.port);
        return i['cluster_state'] === 'ok' && Number(i['cluster_known_nodes']) >= known;
      },
      timeoutMs,
    );
  }
}

/** Every replica has finished its first sync (a replica that never synced cannot be promoted). */
export async function waitReplicasSynced(nodes: RunningServer[], timeoutMs = 60_000): Promise<void> {
  for (const n of nodes) {
    await waitFor(
      `replica sync on ${n.kind}:${n.port}`,
      async () => {
        const info = String(await nodeCall(n.port, 'INFO', 'replication'));
        return !info.includes('role:slave') || info.includes('master_link_status:up');
      },
      timeoutMs,
    );
  }
}

/** The masters and, for each, its replicas, as `port` numbers, seen from `port`. */
export async function topology(port: number): Promise<{ master: number; id: string; replicas: number[] }[]> {
  const lines = await clusterNodes(port);
  const masters = lines.filter((l) => l.flags.includes('master') && !l.flags.includes('fail') && l.slots.length > 0);
  return masters.map((m) => ({ master: m.port, id: m.id, replicas: lines.filter((l) => l.master === m.id).map((l) => l.port) }));
}

/**
 * The topology once every node in `ports` reports the same one and each master has `replicas`
 * replicas. A replica's role reaches the other nodes by gossip, which a replica's sync can beat
 * (always with repl-diskless-sync-delay 0): one node's view right after waitReplicasSynced may
 * still show a synced replica as a master without slots.
 */
export async function settledTopology(ports: number[], replicas: number, timeoutMs = 60_000): Promise<{ master: number; id: string; replicas: number[] }[]> {
  return waitFor(
    `every node to see the same masters, each with ${replicas} replica(s)`,
    async () => {
      const views = await Promise.all(ports.map((p) => topology(p)));
      const shape = (t: { master: number; replicas: number[] }[]): string =>
        JSON.stringify(t.map((m) => [m.master, [...m.replicas].sort((a, b) => a - b)]).sort((a, b) => Number(a[0]) - Number(b[0])));
      const first = views[0]!;
      const agreed = views.every((v) => shape(v) === shape(first)) && first.every((m) => m.replicas.length === replicas);
      return agreed ? first : null;
    },
    timeoutMs,
  );
}

/** An ioredis Cluster client that follows MOVED/ASK but does not hide failures behind long retries. */
export function clusterClient(ports: number[], opts: ClusterOptions = {}): Cluster {
  return new Cluster(
    ports.map((port) => ({ host: '127.0.0.1', port })),
    {
      enableOfflineQueue: true,
      scaleReads: 'master',
      maxRedirections: 16,
      retryDelayOnMoved: 0,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 50,
      slotsRefreshTimeout: 2000,
      ...opts,
      redisOptions: { maxRetriesPerRequest: 0, ...(opts.redisOptions ?? {}) },
    },
  );
}

/**
 * A TCP relay for one directed node-to-node link (the route table sends the link through it).
 * `cut()` resets its connections and black-holes new ones (accepted, never relayed) until
 * `heal()`: a partition as the harness makes it with a proxy per directed link.
 */
export class Relay {
  private readonly sockets = new Set<net.Socket>();
  private cutNow = false;
  /** Where accepted connections go (set before the first one arrives). */
  target = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<Relay> {
    const server = net.createServer({ noDelay: true });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const relay = new Relay(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (s) => relay.accept(s));
    return relay;
  }

  private accept(inbound: net.Socket): void {
    this.sockets.add(inbound);
    inbound.on('error', () => {});
    inbound.on('close', () => this.sockets.delete(inbound));
    if (this.cutNow) return; // black hole: accepted, never answered
    const out = net.connect({ port: this.target, host: '127.0.0.1', noDelay: true });
    this.sockets.add(out);
    out.on('error', () => {});
    out.on('close', () => {
      this.sockets.delete(out);
      inbound.destroy();
    });
    inbound.on('close', () => out.destroy());
    inbound.pipe(out);
    out.pipe(inbound);
  }

  cut(): void {
    this.cutNow = true;
    for (const s of this.sockets) s.resetAndDestroy();
  }

  heal(): void {
    this.cutNow = false;
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
