import type { Client } from '../client.js';
import type { CommandSpec } from '../commands/table.js';
import { execAbort } from '../multi.js';
import type { ReplState } from './state.js';

/**
 * min-replicas-to-write / min-replicas-max-lag: a replica is good when online and its last ACK
 * is at most max-lag seconds old (whole seconds, as Redis's unixtime arithmetic). The count is
 * refreshed every second, when replicas come and go, and on CONFIG SET; writes check the cache.
 */
export function refreshGoodReplicas(rs: ReplState): void {
  const cfg = rs.server.config;
  if (!cfg.minReplicasToWrite || !cfg.minReplicasMaxLag) return;
  const now = rs.unixtime();
  let good = 0;
  // debug-min-replicas-extra-lag deliberately weakens the check (a regression to gate on).
  const lag = cfg.minReplicasMaxLag + cfg.debugMinReplicasExtraLag;
  for (const l of rs.replicas) if (l.state === 'online' && now - l.ackTime <= lag) good++;
  rs.goodReplicas = good;
}

export function goodReplicasOk(rs: ReplState): boolean {
  const cfg = rs.server.config;
  return rs.isReplica || !cfg.minReplicasMaxLag || !cfg.minReplicasToWrite || rs.goodReplicas >= cfg.minReplicasToWrite;
}

export const NOREPLICAS = '-NOREPLICAS Not enough good replicas to write.';
export const READONLY = "-READONLY You can't write against a read only replica.";
export const MASTERDOWN = "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

/**
 * The replication part of Redis's processCommand checks, in Redis's order: NOREPLICAS,
 * READONLY, MASTERDOWN, and replicas touching the keyspace. EXEC counts as the commands it queued.
 */
export function checkCommand(rs: ReplState, c: Client, spec: CommandSpec, _argv: string[]): string | null {
  if (c.isMaster) return null;
  // Fast path: a master without min-replicas and a normal client has nothing to check.
  const cfg = rs.server.config;
  if (!rs.isReplica && !c.isReplica && !(cfg.minReplicasToWrite && cfg.minReplicasMaxLag)) return null;
  const flags = spec.flags;
  let isWrite = flags.includes('write');
  let isRead = flags.includes('readonly');
  let mayReplicate = isWrite || flags.includes('may_replicate');
  let denyStale = !flags.includes('stale');
  const isExec = spec.name === 'exec' && c.multi !== null;
  if (isExec) {
    for (const q of c.multi!.queue) {
      const f = q.spec.flags;
      if (f.includes('write')) isWrite = mayReplicate = true;
      if (f.includes('readonly')) isRead = true;
      if (f.includes('may_replicate')) mayReplicate = true;
      if (!f.includes('stale')) denyStale = true;
    }
  }
  let err: string | null = null;
  if (isWrite && !goodReplicasOk(rs)) err = NOREPLICAS;
  else if (rs.isReplica && isWrite && rs.server.config.replicaReadOnly) err = READONLY;
  else if (rs.isReplica && rs.linkState !== 'connected' && !rs.server.config.replicaServeStaleData && denyStale) err = MASTERDOWN;
  else if (c.isReplica && (mayReplicate || isWrite || isRead)) err = "Replica can't interact with the keyspace";
  if (err !== null && isExec) {
    return execAbort(c, err);
  }
  return err;
}
