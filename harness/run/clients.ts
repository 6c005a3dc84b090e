/**
 * Every ioredis client of the harness comes from here, in one of three profiles (ARCHITECTURE.md,
 * "Clients"):
 * - `worker`: the ops of the history. No hidden retries: a command issued while disconnected fails
 *   at once (never sent → fail), a command in flight when the connection drops is never re-sent
 *   (it may have been applied → info), the op timeout is the command timeout (→ info); the client
 *   reconnects in the background so later ops can succeed.
 * - `admin`: the harness's own reads (final reads, roles). Queues until connected and retries a
 *   little: these are not history ops whose outcome a retry could falsify.
 * - `probe`: one connection, no reconnection, no retry (readiness polls, REPLICAOF, FAILOVER,
 *   CLUSTER …) — `nodeCommand` sends one command that way.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Network } from '../net/network.js';
import type { NodeHandle } from '../targets/target.js';
import { sleep } from '../util/sleep.js';

export type ClientProfile = 'worker' | 'admin' | 'probe';

interface Address {
  host: string;
  port: number;
}

/**
 * The ready check (INFO) matters: without it ioredis can mark a connection the proxy closed right
 * after accepting (upstream down) as ready and then never reconnect.
 */
const READY_CHECK = { enableReadyCheck: true } as const;

function options(profile: ClientProfile, timeoutMs: number): RedisOptions {
  switch (profile) {
    case 'worker':
      return {
        ...READY_CHECK,
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 0,
        commandTimeout: timeoutMs,
        connectTimeout: Math.max(500, timeoutMs),
        retryStrategy: (times) => Math.min(50 * times, 500),
        reconnectOnError: () => false,
      };
    case 'admin':
      return {
        ...READY_CHECK,
        enableOfflineQueue: true,
        maxRetriesPerRequest: 2,
        commandTimeout: timeoutMs,
        connectTimeout: timeoutMs,
        retryStrategy: (times) => (times > 5 ? null : 200),
      };
    case 'probe':
      return { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: Math.min(2000, timeoutMs), commandTimeout: timeoutMs };
  }
}

/** A client of one node at `addr` (a node's own address, or its client address through the network backend). */
export function redisClient(addr: Address, profile: ClientProfile, timeoutMs: number): Redis {
  const r = new Redis({ host: addr.host, port: addr.port, ...options(profile, timeoutMs) });
  // Errors surface on the commands; a worker client keeps reconnecting.
  r.on('error', () => undefined);
  return r;
}

/** A worker's client of one node, through the network backend's client link. */
export function nodeClient(node: NodeHandle, net: Network, opTimeoutMs: number): Redis {
  return redisClient(net.clientAddress(node), 'worker', opTimeoutMs);
}

/** The harness's own client of a node, through the client link (what a client would see). */
export function adminClient(node: NodeHandle, net: Network, timeoutMs: number): Redis {
  return redisClient(net.clientAddress(node), 'admin', timeoutMs);
}

/**
 * A worker's cluster client. MOVED/ASK redirections are followed (the command was not executed where
 * it was refused, so following them is not a retry); natMap sends every node address through its
 * client link. A command whose connection dropped is not retried on another node: it may have been applied.
 */
export function clusterClient(nodes: readonly NodeHandle[], net: Network, opTimeoutMs: number): Cluster {
  const natMap: Record<string, Address> = {};
  for (const n of nodes) natMap[`${n.host}:${n.port}`] = net.clientAddress(n);
  const { enableOfflineQueue, retryStrategy, reconnectOnError, ...perNode } = options('worker', opTimeoutMs);
  const c = new Cluster(
    nodes.map((n) => net.clientAddress(n)),
    {
      natMap,
      enableOfflineQueue,
      maxRedirections: 16,
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 0,
      retryDelayOnTryAgain: 100,
      clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
      redisOptions: perNode,
      slotsRefreshTimeout: Math.max(1000, opTimeoutMs),
    },
  );
  c.on('error', () => undefined);
  return c;
}

/**
 * A worker's client in Sentinel mode: it asks the sentinels (their client links) for the master
 * `name` and connects to it through its client link (natMap); it re-asks on every reconnection and
 * follows +switch-master (failoverDetector). The worker settings hold: no offline queue, nothing re-sent.
 * The sentinels it discovers are not added (their real addresses would bypass the client links).
 */
export function sentinelWorkerClient(sentinels: Address[], name: string, natMap: Record<string, Address>, opTimeoutMs: number): Redis {
  const r = new Redis({
    ...options('worker', opTimeoutMs),
    sentinels,
    name,
    natMap,
    updateSentinels: false,
    failoverDetector: true,
    sentinelCommandTimeout: Math.max(500, opTimeoutMs),
    sentinelRetryStrategy: (times) => Math.min(100 * times, 1000),
  });
  r.on('error', () => undefined);
  return r;
}

/** One command on a node over a fresh direct connection (not through the client links), then closed. */
export async function nodeCommand(node: Address, argv: readonly string[], timeoutMs = 5000): Promise<unknown> {
  const r = redisClient(node, 'probe', timeoutMs);
  try {
    await r.connect();
    return await r.call(argv[0]!, ...argv.slice(1));
  } finally {
    r.disconnect();
  }
}

/** Wait until a client is connected (or give up after `ms`; ops then fail and are recorded so). */
export async function awaitReady(c: { status: string; once(ev: string, fn: () => void): unknown }, ms: number): Promise<void> {
  if (c.status === 'ready' || c.status === 'connect') return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    c.once('ready', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

const CLUSTER_SLOTS = 16384;

/** How many slots the client's slot map assigns to some node. */
function slotsCovered(c: Cluster): number {
  let n = 0;
  for (let i = 0; i < CLUSTER_SLOTS; i++) if ((c.slots[i]?.length ?? 0) > 0) n++;
  return n;
}

/**
 * Waits until a cluster client is ready with a slot map covering every slot: before that ioredis
 * fails every command ("Cluster isn't ready") without sending it. Its status `connect` is not enough
 * (a node connected, slots not fetched yet); on two loaded cores fetching them through the client
 * proxies took more than 5 s. Returns null when ready, else (after `ms`) what is missing.
 */
export async function awaitClusterReady(c: Cluster, ms: number): Promise<string | null> {
  const end = Date.now() + ms;
  let nextRefresh = 0;
  while (c.status !== 'ready' || slotsCovered(c) < CLUSTER_SLOTS) {
    if (Date.now() > end)
      return `the cluster client has no full slot map after ${ms} ms (status ${c.status}, ${slotsCovered(c)} of ${CLUSTER_SLOTS} slots mapped)`;
    // Ready on a partial map (it read CLUSTER SLOTS while the slots were still being assigned):
    // ioredis refreshes only on a redirection or a reconnect (no slotsRefreshInterval by default),
    // so ask it again, once a second.
    if (c.status === 'ready' && Date.now() >= nextRefresh) {
      nextRefresh = Date.now() + 1000;
      c.refreshSlotsCache();
    }
    await sleep(100);
  }
  return null;
}
