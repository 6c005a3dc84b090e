import type { Cluster } from 'ioredis';
import type { Network } from '../net/network.js';
import type { NodeHandle } from '../targets/target.js';
import { keySlot } from '../util/slot.js';

/**
 * The node a cluster worker's op goes to (at its invoke) or was served by (at its completion): the
 * master the client's slot map names for the key's slot now. The map follows MOVED redirections
 * and slot refreshes, so attribution follows slot migrations and failovers instead of the slot map
 * at the start. (An ASK redirection is one-shot and not in the map: an op served by the importing
 * node mid-migration is attributed to the migrating one.)
 */
export function clusterAttribution(nodes: readonly NodeHandle[], net: Network): (c: Cluster, key: string) => string | undefined {
  // ioredis keys its slot map by the natMap'd (client proxy) address after a refresh, and by the
  // address in the MOVED reply (the node's own) after a redirection: know both.
  const byAddr = new Map<string, string>();
  for (const n of nodes) {
    byAddr.set(`${n.host}:${n.port}`, n.name);
    const a = net.clientAddress(n);
    byAddr.set(`${a.host}:${a.port}`, n.name);
  }
  const atStart = (key: string): string | undefined => {
    const slot = keySlot(key);
    return nodes.find((n) => n.slots?.some(([a, b]) => slot >= a && slot <= b))?.name;
  };
  return (c, key) => {
    const master = c.slots[keySlot(key)]?.[0];
    return (master !== undefined ? byAddr.get(master) : undefined) ?? atStart(key);
  };
}
