import type { ToxiproxyNetwork } from '../net/toxiproxy-net.js';
import type { NodeHandle } from './target.js';

/** Cluster nodes listen for the bus on their port + 10000 (no `cluster-port` is set by the harness). */
export const BUS_PORT_OFFSET = 10000;

/**
 * One proxy per directed node→node link, and each node's route table (`--route` of our server)
 * pointing at them: A's links to B (replication, MIGRATE — B's client port) go through proxy
 * `A-B`; in a cluster A's bus link to B (B's bus port) goes through its own proxy `A-B-bus`. So a
 * fault can cut A→B and leave B→A, or cut the bus and leave replication.
 */
export async function routeNodeLinks(tn: ToxiproxyNetwork, nodes: readonly NodeHandle[], cluster: boolean): Promise<Map<string, string[]>> {
  const routes = new Map<string, string[]>();
  for (const a of nodes) {
    const r: string[] = [];
    for (const b of nodes) {
      if (a === b) continue;
      const data = await tn.addLink({ from: a.name, to: b.name }, b);
      r.push(`${b.host}:${b.port}=${data.host}:${data.port}`);
      if (cluster) {
        const busPort = b.port + BUS_PORT_OFFSET;
        const bus = await tn.addLink({ from: a.name, to: b.name, channel: 'bus' }, { host: b.host, port: busPort });
        r.push(`${b.host}:${busPort}=${bus.host}:${bus.port}`);
      }
    }
    routes.set(a.name, r);
  }
  return routes;
}
