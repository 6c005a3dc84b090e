import type { Client } from '../client.js';
import { parseLL } from '../util/numbers.js';
import { randomHex } from '../util/random.js';
import { scheduleFailoverCheck } from './failover.js';
import { refreshGoodReplicas } from './min-replicas.js';
import { rdbSaveStream } from './persist.js';
import { unsetMaster } from './replica.js';
import { type ReplicaLink, type ReplState, replicaIp, replicaPort } from './state.js';
import { checkOutputLimits, feedCommand } from './stream.js';
import { processWaitingClients } from './wait.js';

export function replicaName(rs: ReplState, c: Client): string {
  const port = replicaPort(rs, c);
  return port ? `${replicaIp(rs, c)}:${port}` : `client id #${c.id}`;
}

/** SYNC and PSYNC (Redis's syncCommand), master side; also the target side of PSYNC ... FAILOVER. */
export function syncCommand(c: Client, argv: string[]): void {
  const server = c.server;
  const rs = server.repl;
  if (rs.linkOf.has(c)) return; // already a replica: ignore
  const isPsync = argv[0]!.toLowerCase() === 'psync';
  if (isPsync && argv.length > 3 && argv[3]!.toLowerCase() === 'failover') {
    server.log.warning(`Failover request received for replid ${argv[1]}.`);
    if (!rs.isReplica) {
      c.addReplyError("PSYNC FAILOVER can't be sent to a master.");
      return;
    }
    if (argv[1]!.toLowerCase() === rs.replid) {
      unsetMaster(rs);
      server.log.notice(`MASTER MODE enabled (failover request from 'id=${c.id} addr=${c.addr}')`);
    } else {
      c.addReplyError('PSYNC FAILOVER replid must match my replid.');
      return;
    }
  }
  if (rs.failover.state !== 'no-failover') {
    c.addReplyError("-NOMASTERLINK Can't SYNC while failing over");
    return;
  }
  if (rs.isReplica && rs.linkState !== 'connected') {
    c.addReplyError("-NOMASTERLINK Can't SYNC while not connected with my master");
    return;
  }
  if (c.out.length > 0) {
    c.addReplyError('SYNC and PSYNC are invalid with pending output');
    return;
  }
  server.log.notice(`Replica ${replicaName(rs, c)} asks for synchronization`);
  if (isPsync) {
    const off = parseLL(argv[2]!);
    if (off === null) {
      c.addReplyError('value is not an integer or out of range');
      server.log.warning(`Replica ${replicaName(rs, c)} asks for synchronization but with a wrong offset`);
      return;
    }
    if (tryPartialResync(rs, c, argv[1]!, off)) {
      server.stats.syncPartialOk++;
      return;
    }
    if (argv[1]![0] !== '?') server.stats.syncPartialErr++;
  }
  server.stats.syncFull++;
  const link: ReplicaLink = {
    client: c,
    state: 'wait_bgsave',
    fullResyncSent: false,
    ackOff: 0,
    ackTime: 0,
    startOnAck: false,
    pending: [],
    pendingBytes: 0,
    softSince: 0,
    diskless: false,
    prePsync: !isPsync,
    waitingSince: rs.unixtime(),
  };
  attach(rs, link);
  if (rs.replicas.length === 1 && rs.backlog === null) {
    // A backlog created from scratch starts a new history: nothing before it can be continued.
    rs.changeReplicationId();
    rs.clearReplicationId2();
    rs.createBacklog();
    server.log.notice(`Replication backlog created, my new replication IDs are '${rs.replid}' and '${rs.replid2}'`);
  }
  const conf = rs.replicaConf.get(c);
  if (server.config.replDisklessSync && conf?.capaEof && server.config.replDisklessSyncDelay > 0) {
    server.log.notice('Delay next BGSAVE for diskless SYNC');
  } else {
    startSyncs(rs);
  }
}

function attach(rs: ReplState, link: ReplicaLink): void {
  link.client.isReplica = true;
  rs.replicas.push(link);
  rs.linkOf.set(link.client, link);
}

/** Redis's masterTryPartialResynchronization: +CONTINUE and the backlog tail, or false. */
function tryPartialResync(rs: ReplState, c: Client, replidArg: string, off: number): boolean {
  const log = rs.server.log;
  const replid = replidArg.toLowerCase();
  if (replid !== rs.replid && (replid !== rs.replid2 || off > rs.secondReplOffset)) {
    if (replid[0] !== '?') {
      if (replid !== rs.replid && replid !== rs.replid2) {
        log.notice(
          `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replidArg}', my replication IDs are '${rs.replid}' and '${rs.replid2}')`,
        );
      } else {
        log.notice(`Partial resynchronization not accepted: Requested offset for second ID was ${off}, but I can reply up to ${rs.secondReplOffset}`);
      }
    } else {
      log.notice(`Full resync requested by replica ${replicaName(rs, c)}`);
    }
    return false;
  }
  const bl = rs.backlog;
  if (!bl || off < bl.offset || off > bl.offset + bl.histlen) {
    log.notice(`Unable to partial resync with replica ${replicaName(rs, c)} for lack of backlog (Replica request was: ${off}).`);
    if (off > rs.masterReplOffset) {
      log.warning(`Warning: replica ${replicaName(rs, c)} tried to PSYNC with an offset that is greater than the master replication offset.`);
    }
    return false;
  }
  const link: ReplicaLink = {
    client: c,
    state: 'online',
    fullResyncSent: true,
    ackOff: 0,
    ackTime: rs.unixtime(),
    startOnAck: false,
    pending: [],
    pendingBytes: 0,
    softSince: 0,
    diskless: false,
    prePsync: false,
    waitingSince: rs.unixtime(),
  };
  attach(rs, link);
  c.addReplyRaw(rs.replicaConf.get(c)?.capaPsync2 ? `+CONTINUE ${rs.replid}\r\n` : '+CONTINUE\r\n');
  const data = bl.readFrom(off);
  if (data.length) c.addReplyRaw(data);
  log.notice(`Partial resynchronization request from ${replicaName(rs, c)} accepted. Sending ${data.length} bytes of backlog starting from offset ${off}.`);
  refreshGoodReplicas(rs);
  return true;
}

/**
 * Produce one RDB for every replica waiting for a full sync and send it (Redis's
 * startBgsaveForReplication + the transfer). The snapshot is taken synchronously when the save
 * starts and written in slices; the stream from that offset on accumulates in each replica's
 * pending buffer (Redis's WAIT_BGSAVE_END) and follows the payload.
 */
export function startSyncs(rs: ReplState): void {
  const server = rs.server;
  if (rs.syncInProgress) return; // the next save starts when this one ends
  const waiting = rs.replicas.filter((l) => l.state === 'wait_bgsave' && !l.fullResyncSent);
  if (waiting.length === 0) return;
  // Diskless only when every waiting replica understands the EOF-marked payload.
  const diskless = server.config.replDisklessSync && waiting.every((l) => rs.replicaConf.get(l.client)?.capaEof);
  server.log.notice(`Starting BGSAVE for SYNC with target: ${diskless ? 'replicas sockets' : 'disk'}`);
  const offset = rs.masterReplOffset;
  // The stream after a full sync must start with SELECT.
  rs.seldb = -1;
  const streamDb = rs.isReplica ? (rs.link?.client?.db.id ?? 0) : 0;
  const mark = randomHex(40);
  for (const l of waiting) {
    const c = l.client;
    c.flush();
    if (!l.prePsync) c.socket?.write(`+FULLRESYNC ${rs.replid} ${offset}\r\n`, 'latin1');
    l.fullResyncSent = true;
    l.diskless = diskless;
    if (diskless) c.socket?.write(`$EOF:${mark}\r\n`, 'latin1');
  }
  const live = () => waiting.filter((l) => !l.client.closed && l.client.socket && !l.client.socket.destroyed);
  const chunks: Buffer[] = [];
  const write = async (chunk: Buffer): Promise<void> => {
    if (!diskless) {
      chunks.push(chunk);
      return;
    }
    const drains: Promise<void>[] = [];
    for (const l of live()) {
      const sock = l.client.socket!;
      if (!sock.write(chunk))
        drains.push(
          new Promise((r) => {
            sock.once('drain', r);
            sock.once('close', r);
          }),
        );
    }
    if (drains.length) await Promise.all(drains);
  };
  rs.syncInProgress = true;
  server.log.notice(`Background RDB transfer started by pid ${process.pid}`);
  rdbSaveStream(server, write, { replId: rs.replid, replOffset: offset, replStreamDb: streamDb })
    .then(() => {
      server.log.notice('Background RDB transfer terminated with success');
      const rdb = diskless ? null : Buffer.concat(chunks);
      for (const l of live()) {
        const sock = l.client.socket!;
        if (diskless) {
          sock.write(mark, 'latin1');
          l.startOnAck = true;
        } else {
          sock.write(`$${rdb!.length}\r\n`, 'latin1');
          sock.write(rdb!);
        }
        putOnline(rs, l);
      }
    })
    .catch((err: unknown) => {
      server.log.warning(`SYNC failed. BGSAVE child returned an error (${(err as Error).message})`);
      for (const l of live()) server.closeClient(l.client);
    })
    .finally(() => {
      rs.syncInProgress = false;
      startPendingSyncs(rs);
    });
}

function putOnline(rs: ReplState, l: ReplicaLink): void {
  l.state = 'online';
  l.ackTime = rs.unixtime();
  rs.server.log.notice(`Synchronization with replica ${replicaName(rs, l.client)} succeeded`);
  if (!l.startOnAck) startCommandStream(l);
  refreshGoodReplicas(rs);
}

/** Send what accumulated while the replica was syncing; from now on it streams directly. */
function startCommandStream(l: ReplicaLink): void {
  l.startOnAck = false;
  const data = l.pending.join('');
  l.pending = [];
  l.pendingBytes = 0;
  if (data.length) l.client.addReplyRaw(data);
}

/** REPLCONF ACK <offset> from a replica (no reply). */
export function ackReceived(rs: ReplState, c: Client, off: number): void {
  const l = rs.linkOf.get(c);
  if (!l) return;
  if (off > l.ackOff) l.ackOff = off;
  l.ackTime = rs.unixtime();
  if (l.startOnAck && l.state === 'online') startCommandStream(l);
  if (rs.waiting.length) processWaitingClients(rs);
  if (rs.failover.state === 'waiting-for-sync') scheduleFailoverCheck(rs);
}

/** A replica's connection closed (CLIENT KILL, timeout, EOF). */
export function replicaClosed(rs: ReplState, c: Client): void {
  const l = rs.linkOf.get(c);
  if (!l) return;
  rs.linkOf.delete(c);
  const i = rs.replicas.indexOf(l);
  if (i >= 0) rs.replicas.splice(i, 1);
  rs.server.log.notice(`Connection with replica ${replicaName(rs, c)} lost.`);
  if (rs.replicas.length === 0) rs.noReplicasSince = rs.unixtime();
  refreshGoodReplicas(rs);
}

/** Master-side part of Redis's replicationCron (called once per second). */
export function masterCron(rs: ReplState, loops: number): void {
  const server = rs.server;
  const now = rs.unixtime();
  const period = server.config.replPingReplicaPeriod;
  if (loops % period === 0 && rs.replicas.length > 0) {
    // No PING during a timed FAILOVER pause: it would move the offset the target must reach.
    const paused = rs.failover.endTime > 0 && rs.failover.state !== 'no-failover';
    if (!paused) feedCommand(rs, rs.seldb, ['PING']);
  }
  // Replicas waiting for the RDB get a newline each second so they do not time out.
  for (const l of rs.replicas) {
    // (also while a disk-target RDB is produced; a diskless payload is already on the wire)
    if (l.state === 'wait_bgsave' && (!l.fullResyncSent || !l.diskless) && l.client.socket && !l.client.closed) l.client.socket.write('\n');
  }
  const timeout = server.config.replTimeout;
  for (const l of [...rs.replicas]) {
    if (l.state === 'online' && !l.prePsync && now - l.ackTime > timeout) {
      server.log.warning(`Disconnecting timedout replica (streaming sync): ${replicaName(rs, l.client)}`);
      server.closeClient(l.client);
    }
  }
  checkOutputLimits(rs);
  const ttl = server.config.replBacklogTtl;
  if (rs.replicas.length === 0 && ttl > 0 && rs.backlog && !rs.isReplica && now - rs.noReplicasSince > ttl) {
    rs.changeReplicationId();
    rs.clearReplicationId2();
    rs.freeBacklog();
    server.log.notice(`Replication backlog freed after ${ttl} seconds without connected replicas.`);
  }
  startPendingSyncs(rs);
}

/** Redis's shouldStartChildReplication: start when disk-based, enough replicas, or the delay passed. */
export function startPendingSyncs(rs: ReplState): void {
  const server = rs.server;
  const waiting = rs.replicas.filter((l) => l.state === 'wait_bgsave' && !l.fullResyncSent);
  if (waiting.length === 0) return;
  const now = rs.unixtime();
  let maxIdle = 0;
  for (const l of waiting) maxIdle = Math.max(maxIdle, now - Math.floor(l.client.lastInteraction / 1000));
  const maxReplicas = server.config.replDisklessSyncMaxReplicas;
  if (!server.config.replDisklessSync || (maxReplicas > 0 && waiting.length >= maxReplicas) || maxIdle >= server.config.replDisklessSyncDelay) {
    startSyncs(rs);
  }
}
