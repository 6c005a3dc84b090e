import type { Client } from '../client.js';
import { parseLL } from '../util/numbers.js';
import { abortFailover, setMaster } from './replica.js';
import { type ReplicaLink, type ReplState, replicaIp, replicaPort } from './state.js';

/**
 * Coordinated failover (Redis 6.2's FAILOVER): pause writes, wait until a replica acknowledged
 * our whole stream, then turn into its replica with PSYNC ... FAILOVER, which promotes it.
 */

function findReplica(rs: ReplState, host: string, port: number): ReplicaLink | null {
  for (const l of rs.replicas) {
    if (replicaIp(rs, l.client).toLowerCase() === host.toLowerCase() && replicaPort(rs, l.client) === port) return l;
  }
  return null;
}

/** Writes are paused for the whole failover (Redis's PAUSE_DURING_FAILOVER). */
function pauseWrites(rs: ReplState): void {
  rs.server.pause.pause('write');
}

export function failoverCommand(c: Client, argv: string[]): void {
  const server = c.server;
  const rs = server.repl;
  if (server.config.clusterEnabled) {
    c.addReplyError('FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.');
    return;
  }
  if (argv.length === 2 && argv[1]!.toLowerCase() === 'abort') {
    if (rs.failover.state === 'no-failover') {
      c.addReplyError('No failover in progress.');
      return;
    }
    abortFailover(rs, 'Failover manually aborted');
    c.addReplyOk();
    return;
  }
  let timeout = 0;
  let force = false;
  let port = 0;
  let host: string | null = null;
  for (let j = 1; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'timeout' && j + 1 < argv.length && timeout === 0) {
      const v = parseLL(argv[j + 1]!);
      if (v === null) {
        c.addReplyError('value is not an integer or out of range');
        return;
      }
      if (v <= 0) {
        c.addReplyError('FAILOVER timeout must be greater than 0');
        return;
      }
      timeout = v;
      j++;
    } else if (opt === 'to' && j + 2 < argv.length && host === null) {
      const v = parseLL(argv[j + 2]!);
      if (v === null) {
        c.addReplyError('value is not an integer or out of range');
        return;
      }
      host = argv[j + 1]!;
      port = v;
      j += 2;
    } else if (opt === 'force' && !force) {
      force = true;
    } else {
      c.addReplyError('syntax error');
      return;
    }
  }
  if (rs.failover.state !== 'no-failover') {
    c.addReplyError('FAILOVER already in progress.');
    return;
  }
  if (rs.isReplica) {
    c.addReplyError('FAILOVER is not valid when server is a replica.');
    return;
  }
  if (rs.replicas.length === 0) {
    c.addReplyError('FAILOVER requires connected replicas.');
    return;
  }
  if (force && (!timeout || host === null)) {
    c.addReplyError('FAILOVER with force option requires both a timeout and target HOST and IP.');
    return;
  }
  if (host !== null) {
    const l = findReplica(rs, host, port);
    if (!l) {
      c.addReplyError('FAILOVER target HOST and PORT is not a replica.');
      return;
    }
    if (l.state !== 'online') {
      c.addReplyError('FAILOVER target replica is not online.');
      return;
    }
    server.log.notice(`FAILOVER requested to ${host}:${port}.`);
  } else {
    server.log.notice('FAILOVER requested to any replica.');
  }
  rs.failover = {
    state: 'waiting-for-sync',
    targetHost: host,
    targetPort: host !== null ? port : 0,
    endTime: timeout ? Date.now() + timeout : 0,
    force,
  };
  pauseWrites(rs);
  c.addReplyOk();
}

/** Re-check after ACKs arrive (Redis does it in beforeSleep). */
export function scheduleFailoverCheck(rs: ReplState): void {
  if (rs.failoverCheckScheduled) return;
  rs.failoverCheckScheduled = true;
  setImmediate(() => {
    rs.failoverCheckScheduled = false;
    updateFailoverStatus(rs);
  });
}

/** Redis's updateFailoverStatus: time out, or fail over to a replica that caught up. */
export function updateFailoverStatus(rs: ReplState): void {
  const f = rs.failover;
  if (f.state !== 'waiting-for-sync') return;
  const log = rs.server.log;
  if (f.endTime && f.endTime <= Date.now()) {
    if (f.force) {
      log.notice(`FAILOVER to ${f.targetHost}:${f.targetPort} time out exceeded, failing over.`);
      f.state = 'failover-in-progress';
      setMaster(rs, f.targetHost!, f.targetPort);
    } else {
      abortFailover(rs, 'Replica never caught up before timeout');
    }
    return;
  }
  let target: ReplicaLink | null = null;
  if (f.targetHost !== null) {
    target = findReplica(rs, f.targetHost, f.targetPort);
  } else {
    for (const l of rs.replicas) {
      if (l.ackOff === rs.masterReplOffset) {
        f.targetHost = replicaIp(rs, l.client);
        f.targetPort = replicaPort(rs, l.client);
        target = l;
        break;
      }
    }
  }
  if (target && target.ackOff === rs.masterReplOffset) {
    f.state = 'failover-in-progress';
    log.notice(`Failover target ${f.targetHost}:${f.targetPort} is synced, failing over.`);
    setMaster(rs, f.targetHost!, f.targetPort);
  }
}
