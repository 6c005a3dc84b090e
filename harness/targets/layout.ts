import type { NodeHandle, TopologySpec } from './target.js';

/**
 * The nodes a local topology starts with, before any address is chosen: names n1…, roles,
 * shards and primaries. The target gives them addresses when it starts; the preflight picks a
 * schedule from them to refuse what cannot run before anything starts.
 */
export function plannedNodes(topology: TopologySpec): NodeHandle[] {
  const cluster = topology.kind === 'cluster';
  const count = topology.kind === 'single' ? 1 : topology.masters * (topology.replicas + 1);
  return Array.from({ length: count }, (_, i) => {
    const isPrimary = cluster ? i < topology.masters : i === 0;
    return {
      name: `n${i + 1}`,
      host: '127.0.0.1',
      port: 0,
      role: isPrimary ? 'primary' : 'replica',
      shard: cluster ? (i < topology.masters ? i : (i - topology.masters) % topology.masters) : 0,
      primary: !isPrimary && !cluster ? 'n1' : undefined,
    } satisfies NodeHandle;
  });
}
