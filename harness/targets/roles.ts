import type { Network } from '../net/network.js';
import { adminClient } from '../run/clients.js';
import type { NodeHandle, NodeRole } from './target.js';

/** Each node's role now, from ROLE over its client link; null when it does not answer. */
export async function queryRoles(nodes: readonly NodeHandle[], net: Network, timeoutMs = 5000): Promise<Map<string, NodeRole | null>> {
  const out = new Map<string, NodeRole | null>();
  await Promise.all(
    nodes.map(async (n) => {
      const r = adminClient(n, net, timeoutMs);
      try {
        const role = (await r.call('ROLE')) as unknown[];
        out.set(n.name, role[0] === 'master' ? 'primary' : role[0] === 'slave' ? 'replica' : null);
      } catch {
        out.set(n.name, null);
      } finally {
        r.disconnect();
      }
    }),
  );
  return out;
}
