import type { Server } from '../../server.js';
import type { ClusterNode } from './cluster-node.js';

/** The cluster node of a server started with cluster-enabled yes (commands look it up here). */
const nodes = new WeakMap<Server, ClusterNode>();

export function clusterOf(server: Server): ClusterNode | null {
  return nodes.get(server) ?? null;
}

export function registerCluster(server: Server, node: ClusterNode): void {
  nodes.set(server, node);
}
