import { fnv1a } from '../../checkers/util/hash.js';
import type { NodeHandle, TopologySpec } from './target.js';

/**
 * The nodes a local topology starts with, before any address is chosen: names n1…, roles,
 * shards and primaries. The target gives them addresses when it starts; the preflight picks a
 * schedule from them to refuse what cannot run before anything starts.
 */
/** Sentinels of a sentinel topology when --sentinels is not given (quorum: a majority). */
export const DEFAULT_SENTINELS = 3;

export function plannedNodes(topology: TopologySpec): NodeHandle[] {
  if (topology.kind === 'sentinel') {
    // A primary, its replicas, then the sentinels s1…sS (as targets/sentinel.ts starts them).
    const data = 1 + topology.replicas;
    const sentinels = topology.sentinels ?? DEFAULT_SENTINELS;
    return Array.from({ length: data + sentinels }, (_, i) => {
      const sentinel = i >= data;
      return {
        name: sentinel ? `s${i - data + 1}` : `n${i + 1}`,
        host: '127.0.0.1',
        port: 0,
        role: sentinel ? 'sentinel' : i === 0 ? 'primary' : 'replica',
        shard: 0,
        primary: !sentinel && i > 0 ? 'n1' : undefined,
      } satisfies NodeHandle;
    });
  }
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

/**
 * The address of the i-th node of a run: with per-node addresses (iptables) each run gets its own
 * 127.a.b.0/24 block, because rules match addresses, not ports — two runs sharing addresses would
 * cut each other's links; otherwise every node is on 127.0.0.1.
 */
export function runHosts(runId: string, perNodeAddr: boolean): (i: number) => string {
  if (!perNodeAddr) return () => '127.0.0.1';
  const block = fnv1a(`${runId}/${process.pid}`) >>> 0;
  const a = 1 + (block % 254);
  const b = (block >>> 8) % 256;
  return (i) => `127.${a}.${b}.${10 + i}`;
}
