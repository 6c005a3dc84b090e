import type { Client } from './client.js';
import { clientInfoString } from './commands/clientcmd.js';
import type { Server } from './server.js';
import { clientMemory } from './store/memory.js';

/** Redis's getClientEvictionLimit: maxmemory-clients in bytes (a percentage of maxmemory), at least 128 KB; 0: off. */
export function clientEvictionLimit(maxmemoryClients: number, maxmemory: number): number {
  let limit: number;
  if (maxmemoryClients < 0 && maxmemory > 0) limit = Math.floor((maxmemory * -maxmemoryClients) / 100);
  else if (maxmemoryClients > 0) limit = maxmemoryClients;
  else return 0;
  return Math.max(limit, 128 * 1024);
}

/** Normal and pub/sub clients count (Redis's CLIENT_TYPE_NORMAL / PUBSUB); replicas, our master and internal clients do not. */
function counted(c: Client): boolean {
  return c.socket !== null && !c.isMaster && (!c.isReplica || c.monitor);
}

/**
 * Redis's evictClients: while the memory of normal and pub/sub clients (each approximated by
 * store/memory.ts's clientMemory: a fixed overhead plus query buffer and pending output) reaches
 * maxmemory-clients, close the evictable client (not CLIENT NO-EVICT) using the most. Redis picks
 * from power-of-two size buckets; we take the exact largest. Returns whether `current` was evicted.
 */
export function evictClients(server: Server, current: Client | null = null): boolean {
  const limit = clientEvictionLimit(server.config.maxmemoryClients, server.config.maxmemory);
  if (limit === 0) return false;
  let total = 0;
  const evictable: { c: Client; mem: number }[] = [];
  for (const c of server.clients.values()) {
    if (!counted(c) || c.closed) continue;
    const mem = clientMemory(c);
    total += mem;
    if (!c.noEvict) evictable.push({ c, mem });
  }
  if (total < limit) return false;
  evictable.sort((a, b) => b.mem - a.mem);
  let evictedCurrent = false;
  for (const { c, mem } of evictable) {
    if (total < limit) return evictedCurrent;
    server.log.notice(`Evicting client: ${clientInfoString(c)}`);
    server.closeClient(c);
    server.stats.evictedClients++;
    total -= mem;
    if (c === current) evictedCurrent = true;
  }
  if (total >= limit) server.log.warning('Over client maxmemory after evicting all evictable clients');
  return evictedCurrent;
}
