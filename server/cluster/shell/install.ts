import { unblockWith } from '../../blocking.js';
import { discardTransaction } from '../../multi.js';
import type { Server } from '../../server.js';
import { clientPort, preferredEndpoint } from '../data/render.js';
import { REDIRECT, type RoutingOptions, routable, routeCommand } from '../data/routing.js';
import { keyHashSlot } from '../data/slot.js';
import type { NodeView } from '../types.js';
import { ClusterNode } from './cluster-node.js';
import { registerCluster } from './registry.js';

/**
 * Cluster mode (cluster-enabled yes): the node shell, query routing in dispatch, bus propagation
 * of PUBLISH / SPUBLISH, and the redirection of clients blocked on keys we no longer serve.
 */
export async function installCluster(server: Server): Promise<void> {
  if (!server.config.clusterEnabled) return;
  const node = new ClusterNode(server);
  registerCluster(server, node);
  await node.start();
  const view = node.view;
  const db0 = server.dbs[0]!;
  const cfg = server.config;
  const opts: RoutingOptions = {
    get allowReadsWhenDown() {
      return cfg.clusterAllowReadsWhenDown;
    },
    get allowPubsubshardWhenDown() {
      return cfg.clusterAllowPubsubshardWhenDown;
    },
    redirectAddress: (n: NodeView, c) => `${preferredEndpoint(node, n)}:${clientPort(node, c, n)}`,
  };
  const exists = (key: string): boolean => {
    const e = db0.dict.get(key);
    return e !== undefined && !db0.isExpired(e);
  };

  const h = server.hooks;
  h.route.push((c, spec, argv) => {
    if (!routable(spec)) return null;
    const err = routeCommand(view, opts, c, spec, argv, exists);
    // A refused EXEC discards the transaction (a refused queued command only flags it).
    if (err !== null && spec.name === 'exec' && c.multi !== null) discardTransaction(c);
    return err;
  });
  h.clusterConnections.push(() => (view.nodes.size - 1) * 2);
  h.beforeFlush.push(() => node.beforeSleep());
  h.publish.push((channel, message, sharded) => node.publish(channel, message, sharded));

  // clientsCron's clusterRedirectBlockedClientIfNeeded, once per second.
  let lastRedirect = 0;
  h.cron.push((now) => {
    if (now - lastRedirect < 1000) return;
    lastRedirect = now;
    for (const c of server.clients.values()) {
      const st = c.blocked;
      if (st === null || st.kind !== 'keys') continue;
      if (view.state !== 'ok') {
        unblockWith(c, 'error', REDIRECT.DOWN);
        continue;
      }
      const first = st.keys[0];
      if (first === undefined) continue;
      const slot = keyHashSlot(first);
      const owner = view.slotOwner(slot);
      if (owner === view.myself || view.importingFrom(slot) !== null) continue;
      unblockWith(c, 'error', owner === null ? REDIRECT.UNBOUND : `-MOVED ${slot} ${opts.redirectAddress(owner, c)}`);
    }
  });
  h.beforeShutdown.push(() => node.stop());
}
