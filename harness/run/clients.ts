import { Cluster, Redis } from 'ioredis';
import type { Network } from '../net/network.js';
import type { NodeHandle } from '../targets/target.js';

/**
 * ioredis clients with no hidden retries (design map, "Generators and clients"):
 * - enableOfflineQueue false: a command issued while disconnected fails at once (never sent → fail);
 * - autoResendUnfulfilledCommands false and maxRetriesPerRequest 0: a command in flight when the
 *   connection drops is not re-sent after reconnecting (it may have been applied → info);
 * - commandTimeout: the per-op timeout (→ info);
 * - reconnects in the background so later ops can succeed.
 */
export function nodeClient(node: NodeHandle, net: Network, opTimeoutMs: number): Redis {
  const a = net.clientAddress(node);
  const r = new Redis({
    host: a.host,
    port: a.port,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // The ready check (INFO) matters: without it ioredis can mark a connection the proxy closed
    // right after accepting (upstream down) as ready and then never reconnect.
    enableReadyCheck: true,
    commandTimeout: opTimeoutMs,
    connectTimeout: Math.max(500, opTimeoutMs),
    retryStrategy: (times) => Math.min(50 * times, 500),
    reconnectOnError: () => false,
  });
  r.on('error', () => {
    /* errors surface on the commands; the client keeps reconnecting */
  });
  return r;
}

/**
 * A cluster client. MOVED/ASK redirections are followed (the command was not executed where it was
 * refused, so following them is not a retry); natMap sends every node address through its client proxy.
 */
export function clusterClient(nodes: NodeHandle[], net: Network, opTimeoutMs: number): Cluster {
  const natMap: Record<string, { host: string; port: number }> = {};
  for (const n of nodes) natMap[`${n.host}:${n.port}`] = net.clientAddress(n);
  const c = new Cluster(
    nodes.map((n) => net.clientAddress(n)),
    {
      natMap,
      enableOfflineQueue: false,
      maxRedirections: 16,
      // A command whose connection dropped is not retried on another node: it may have been applied.
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 0,
      retryDelayOnTryAgain: 100,
      clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
      redisOptions: {
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 0,
        commandTimeout: opTimeoutMs,
        connectTimeout: Math.max(500, opTimeoutMs),
        // The ready check (INFO) matters: without it ioredis can mark a connection the proxy closed
        // right after accepting (upstream down) as ready and then never reconnect.
        enableReadyCheck: true,
      },
      slotsRefreshTimeout: Math.max(1000, opTimeoutMs),
    },
  );
  c.on('error', () => {
    /* surfaced per command */
  });
  return c;
}

/** A client for the harness's own reads (roles, final reads): queues until connected, retries reads. */
export function adminClient(node: NodeHandle, net: Network, timeoutMs: number): Redis {
  const a = net.clientAddress(node);
  const r = new Redis({
    host: a.host,
    port: a.port,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    // The ready check (INFO) matters: without it ioredis can mark a connection the proxy closed
    // right after accepting (upstream down) as ready and then never reconnect.
    enableReadyCheck: true,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: (times) => (times > 5 ? null : 200),
  });
  r.on('error', () => undefined);
  return r;
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
