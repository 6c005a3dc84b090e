import type net from 'node:net';
import { resume, unblock } from '../blocking.js';
import { Client } from '../client.js';
import { processCommand } from '../dispatch.js';
import type { DbHooks } from '../store/db.js';
import { rdbLoad } from './persist.js';
import { connectOut } from './routes.js';
import type { ReplState } from './state.js';
import { checkOutputLimits, disconnectReplicas, encodeCommand } from './stream.js';

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };
const EMPTY = Buffer.alloc(0);

type Phase = 'connecting' | 'handshake' | 'psync' | 'bulk-header' | 'bulk' | 'stream' | 'closed';
type Expect = 'ping' | 'auth' | 'port' | 'ip' | 'capa';

/**
 * The link to our master (Redis's repl_transfer_s + server.master): the handshake, the RDB
 * transfer (`$<len>` or diskless `$EOF:<mark>`), then the command stream applied through the
 * normal dispatch by a client flagged isMaster, with exact offsets (only whole commands count).
 */
export class MasterLink {
  readonly sock: net.Socket;
  phase: Phase = 'connecting';
  private buf: Latin1Buffer = EMPTY as Latin1Buffer;
  private expect: Expect[] = [];
  /** The client applying the stream, once connected. */
  client: Client | null = null;
  /** Offset of the last byte applied / read (Redis's reploff, read_reploff). */
  reploff = 0;
  readReploff = 0;
  /** SYNC fallback: an old master without offsets (no ACKs). */
  prePsync = false;
  /** Unix ms of the last byte received during the handshake and transfer. */
  lastio: number;
  initialReplid = '';
  initialOffset = -1;
  // Transfer state.
  transferSize = -1;
  transferRead = 0;
  private mark: Buffer | null = null;
  private chunks: Buffer[] = [];
  private tail: Buffer = EMPTY;
  /** Stream bytes of a transaction in progress (MULTI ... not yet EXEC), applied but not counted. */
  private pendingTx: Buffer[] = [];

  constructor(public readonly rs: ReplState) {
    const server = rs.server;
    this.lastio = Date.now();
    this.sock = connectOut(server, rs.masterHost!, rs.masterPort, server.config.tlsReplication);
    this.sock.setKeepAlive(true, 1000 * Math.max(1, server.config.tcpKeepalive));
    this.sock.on('connect', () => this.onConnect());
    this.sock.on('data', (d: Buffer) => this.onData(d));
    this.sock.on('error', (err) => {
      if (this.phase === 'connecting') server.log.warning(`Error condition on socket for SYNC: ${err.message}`);
    });
    this.sock.on('close', () => this.onCloseNow());
  }

  private send(argv: string[]): void {
    this.sock.write(encodeCommand(argv), 'latin1');
  }

  private onConnect(): void {
    const server = this.rs.server;
    server.log.notice('Non blocking connect for SYNC fired the event.');
    this.phase = 'handshake';
    this.rs.linkState = 'handshake';
    this.lastio = Date.now();
    this.expect = ['ping'];
    this.send(['PING']);
  }

  private onData(d: Buffer): void {
    const server = this.rs.server;
    server.stats.netInputBytes += d.length;
    server.refreshNow();
    this.lastio = Date.now();
    if (this.phase === 'bulk') {
      this.onBulkData(d);
      return;
    }
    this.buf = (this.buf.length ? Buffer.concat([this.buf, d]) : d) as Latin1Buffer;
    if (this.phase === 'stream') {
      this.readReploff += d.length;
      this.client!.lastInteraction = this.lastio;
    }
    this.process();
  }

  /** Drive the state machine over the buffered bytes. */
  private process(): void {
    while (this.buf.length > 0 && this.phase !== 'closed') {
      if (this.phase === 'stream') {
        this.applyStream();
        return;
      }
      if (this.phase === 'bulk') {
        const rest = this.buf;
        this.buf = EMPTY as Latin1Buffer;
        this.onBulkData(rest);
        return;
      }
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const line = this.buf.latin1Slice(0, nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl);
      this.buf = this.buf.subarray(nl + 1) as Latin1Buffer;
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const rs = this.rs;
    const server = rs.server;
    const log = server.log;
    if (this.phase === 'handshake') {
      const what = this.expect.shift();
      if (what === 'ping') {
        if (line.startsWith('-') && !line.startsWith('-NOAUTH') && !line.startsWith('-NOPERM') && !line.startsWith('-ERR operation not permitted')) {
          log.warning(`Error reply to PING from master: '${line}'`);
          this.fail();
          return;
        }
        log.notice('Master replied to PING, replication can continue...');
        this.sendHandshake();
      } else if (what === 'auth') {
        if (line.startsWith('-')) {
          log.warning(`Unable to AUTH to MASTER: ${line}`);
          this.fail();
          return;
        }
      } else if (what === 'port') {
        if (line.startsWith('-')) log.notice(`(Non critical) Master does not understand REPLCONF listening-port: ${line}`);
      } else if (what === 'ip') {
        if (line.startsWith('-')) log.notice(`(Non critical) Master does not understand REPLCONF ip-address: ${line}`);
      } else if (what === 'capa') {
        if (line.startsWith('-')) log.notice(`(Non critical) Master does not understand REPLCONF capa: ${line}`);
      }
      if (this.expect.length === 0 && what !== 'ping') this.sendPsync();
      return;
    }
    if (this.phase === 'psync') {
      this.onPsyncReply(line);
      return;
    }
    if (this.phase === 'bulk-header') {
      // Newlines keep the link alive while the master produces the RDB.
      if (line === '') return;
      if (line[0] === '-') {
        log.warning(`MASTER aborted replication with an error: ${line.slice(1)}`);
        this.fail();
        return;
      }
      if (line[0] !== '$') {
        log.warning(`Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`);
        this.fail();
        return;
      }
      if (line.startsWith('$EOF:') && line.length >= 45) {
        this.mark = Buffer.from(line.slice(5, 45), 'latin1');
        this.transferSize = -1;
        log.notice('MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk');
      } else {
        this.mark = null;
        this.transferSize = Number(line.slice(1));
        log.notice(`MASTER <-> REPLICA sync: receiving ${this.transferSize} bytes from master to disk`);
      }
      this.transferRead = 0;
      this.chunks = [];
      this.tail = EMPTY;
      this.phase = 'bulk';
      rs.linkState = 'transfer';
    }
  }

  private sendHandshake(): void {
    const rs = this.rs;
    const cfg = rs.server.config;
    const pass = cfg.masterauth;
    this.expect = [];
    if (pass !== '') {
      const user = cfg.masteruser;
      this.send(user !== '' ? ['AUTH', user, pass] : ['AUTH', pass]);
      this.expect.push('auth');
    }
    const port = cfg.replicaAnnouncePort || rs.server.boundPort;
    this.send(['REPLCONF', 'listening-port', String(port)]);
    this.expect.push('port');
    const ip = cfg.replicaAnnounceIp;
    if (ip !== '') {
      this.send(['REPLCONF', 'ip-address', ip]);
      this.expect.push('ip');
    }
    this.send(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    this.expect.push('capa');
  }

  private sendPsync(): void {
    const rs = this.rs;
    const log = rs.server.log;
    let id = '?';
    let off = '-1';
    if (rs.cachedMaster) {
      id = rs.cachedMaster.replid;
      off = String(rs.cachedMaster.reploff + 1);
      log.notice(`Trying a partial resynchronization (request ${id}:${off}).`);
    } else {
      log.notice('Partial resynchronization not possible (no cached master)');
    }
    this.phase = 'psync';
    if (rs.failover.state === 'failover-in-progress') this.send(['PSYNC', id, off, 'FAILOVER']);
    else this.send(['PSYNC', id, off]);
  }

  private onPsyncReply(line: string): void {
    const rs = this.rs;
    const server = rs.server;
    const log = server.log;
    if (line === '') return; // keepalive newline before the reply
    const inFailover = rs.failover.state === 'failover-in-progress';
    if (line.startsWith('+FULLRESYNC')) {
      const parts = line.split(' ');
      this.initialReplid = parts[1] ?? '';
      this.initialOffset = Number(parts[2] ?? -1);
      log.notice(`Full resync from master: ${this.initialReplid}:${this.initialOffset}`);
      // The cached history is useless now.
      discardCachedMaster(rs);
      if (inFailover) clearFailoverState(rs);
      this.phase = 'bulk-header';
      rs.linkState = 'transfer';
      return;
    }
    if (line.startsWith('+CONTINUE')) {
      const newId = line.slice(9).trim();
      log.notice('Successful partial resynchronization with master.');
      const cm = rs.cachedMaster!;
      if (newId !== '' && newId !== cm.replid) {
        // The master switched history (a promotion): ours continues as the secondary id.
        rs.replid2 = cm.replid;
        rs.secondReplOffset = rs.masterReplOffset + 1;
        rs.replid = newId;
        cm.replid = newId;
        log.warning(`Master replication ID changed to ${newId}`);
        disconnectReplicas(rs);
      }
      log.notice('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
      if (inFailover) clearFailoverState(rs);
      this.reploff = cm.reploff;
      this.readReploff = cm.reploff;
      this.becomeConnected(cm.db);
      rs.cachedMaster = null;
      return;
    }
    if (line.startsWith('-NOMASTERLINK') || line.startsWith('-LOADING')) {
      log.notice(`Master is currently unable to PSYNC but should be in the future: ${line}`);
      if (inFailover) abortFailover(rs, 'Failover target rejected psync request');
      this.fail();
      return;
    }
    if (inFailover) {
      abortFailover(rs, 'Failover target rejected psync request');
      this.fail();
      return;
    }
    log.warning(`Unexpected reply to PSYNC from master: ${line}`);
    log.notice('Retrying with SYNC...');
    this.prePsync = true;
    this.initialReplid = '?';
    this.initialOffset = -1;
    this.send(['SYNC']);
    this.phase = 'bulk-header';
    rs.linkState = 'transfer';
  }

  private onBulkData(d: Buffer): void {
    this.transferRead += d.length;
    if (this.mark === null) {
      const need = this.transferSize - (this.transferRead - d.length);
      if (d.length < need) {
        this.chunks.push(d);
        return;
      }
      this.chunks.push(d.subarray(0, need));
      this.transferRead = this.transferSize;
      this.finishTransfer(Buffer.concat(this.chunks), d.subarray(need));
      return;
    }
    // EOF-marked payload: look for the 40-byte mark across the chunk boundary.
    const prevTail = this.tail;
    const window = prevTail.length ? Buffer.concat([prevTail, d]) : d;
    const at = window.indexOf(this.mark);
    if (at < 0) {
      this.chunks.push(d);
      this.tail = window.subarray(Math.max(0, window.length - 39));
      return;
    }
    // Bytes of `window` before the mark that belong to the payload and are not yet in chunks.
    const fromD = at - prevTail.length;
    let payload: Buffer;
    if (fromD >= 0) {
      this.chunks.push(d.subarray(0, fromD));
      payload = Buffer.concat(this.chunks);
    } else {
      // The mark started inside the previous tail: trim what we already kept.
      payload = Buffer.concat(this.chunks);
      payload = payload.subarray(0, payload.length + fromD);
    }
    const after = d.subarray(fromD + this.mark.length);
    this.transferRead -= after.length;
    this.finishTransfer(payload, after);
  }

  /** The RDB is here: replace the dataset and start streaming (Redis's readSyncBulkPayload tail). */
  private finishTransfer(payload: Buffer, rest: Buffer): void {
    const rs = this.rs;
    const server = rs.server;
    const log = server.log;
    const usemark = this.mark !== null;
    this.chunks = [];
    this.tail = EMPTY;
    // From now on our history is the master's: sub-replicas must resync, the backlog restarts.
    discardCachedMaster(rs);
    disconnectReplicas(rs);
    rs.freeBacklog();
    log.notice('MASTER <-> REPLICA sync: Flushing old data');
    log.notice('MASTER <-> REPLICA sync: Loading DB in memory');
    let streamDb = 0;
    try {
      const info = rdbLoad(server, payload);
      if (typeof info?.replStreamDb === 'number' && info.replStreamDb >= 0 && info.replStreamDb < server.dbs.length) streamDb = info.replStreamDb;
    } catch (err) {
      log.warning(`Failed trying to load the MASTER synchronization DB from socket, check server logs. (${(err as Error).message})`);
      this.fail();
      return;
    }
    this.reploff = this.initialOffset;
    this.readReploff = this.initialOffset;
    rs.replid = this.initialReplid === '?' ? rs.replid : this.initialReplid;
    rs.masterReplOffset = Math.max(0, this.initialOffset);
    rs.clearReplicationId2();
    rs.createBacklog();
    this.becomeConnected(streamDb);
    log.notice('MASTER <-> REPLICA sync: Finished with success');
    if (usemark) this.sendAck();
    if (rest.length) {
      this.buf = rest as Latin1Buffer;
      this.readReploff += rest.length;
      this.process();
    }
  }

  private becomeConnected(db: number): void {
    const rs = this.rs;
    const server = rs.server;
    const c = new Client(server, this.sock);
    c.isMaster = true;
    c.user = null; // our master's stream is never refused by ACL
    c.authenticated = true;
    c.parser.limits.authenticated = true;
    c.db = server.dbs[db] ?? server.dbs[0]!;
    c.lastInteraction = Date.now();
    server.clients.set(c.id, c);
    this.client = c;
    this.phase = 'stream';
    rs.linkState = 'connected';
    rs.downSince = 0;
  }

  /**
   * Apply every complete command of the stream. Offsets advance per applied command (REPLCONF
   * GETACK answers the offset before itself, as Redis), and the applied bytes are forwarded
   * verbatim to our backlog and sub-replicas so chained offsets stay identical. A transaction
   * counts only once its EXEC ran (Redis's commandProcessed skips clients in MULTI): a link lost
   * in the middle resumes from before its MULTI.
   */
  private applyStream(): void {
    const rs = this.rs;
    const server = rs.server;
    const c = this.client!;
    const buf = this.buf;
    let pos = 0;
    // Start of the bytes processed but not yet committed to the offset.
    let seg = 0;
    const commit = (): void => {
      let n = pos - seg;
      if (this.pendingTx.length) {
        this.pendingTx.push(buf.subarray(seg, pos));
        const all = Buffer.concat(this.pendingTx);
        this.pendingTx = [];
        n = all.length;
        forward(rs, all);
      } else {
        forward(rs, buf.subarray(seg, pos));
      }
      this.reploff += n;
      seg = pos;
    };
    while (pos < buf.length && !c.closed && this.phase === 'stream') {
      const b0 = buf[pos];
      if (b0 === 10 || (b0 === 13 && buf[pos + 1] === 10)) {
        // Out-of-band keepalive newline: not part of the offsets, not forwarded.
        if (pos > seg) this.pendingTx.push(buf.subarray(seg, pos));
        pos += b0 === 10 ? 1 : 2;
        seg = pos;
        continue;
      }
      if (b0 === 13 && pos + 1 >= buf.length) break;
      if (b0 !== 42) {
        server.log.warning(`Protocol error from MASTER: unexpected byte '${String.fromCharCode(b0!)}' in the replication stream`);
        server.closeClient(c);
        return;
      }
      const r = parseMultibulk(buf, pos);
      if (r === null) break;
      // The master's commands see keys as they are: expiry is the master's decision.
      const hooks: DbHooks = server;
      hooks.applyingMasterStream = true;
      try {
        processCommand(server, c, r.argv);
      } finally {
        hooks.applyingMasterStream = false;
      }
      pos = r.end;
      if (c.multi === null) commit();
    }
    if (pos > seg) this.pendingTx.push(buf.subarray(seg, pos));
    this.buf = (pos >= buf.length ? EMPTY : buf.subarray(pos)) as Latin1Buffer;
    c.out = '';
  }

  /** REPLCONF ACK <offset>: every second, on GETACK, and after a diskless load. */
  sendAck(): void {
    if (!this.client || this.prePsync || this.sock.destroyed) return;
    this.sock.write(encodeCommand(['REPLCONF', 'ACK', String(this.reploff)]), 'latin1');
  }

  /** Give up this attempt; the cron reconnects (the cached master is kept for PSYNC). */
  fail(): void {
    if (!this.sock.destroyed) this.sock.destroy();
  }

  /** Link teardown (idempotent): called by the socket's close event, or directly when we drop the link. */
  onCloseNow(): void {
    if (this.phase === 'closed') return;
    const rs = this.rs;
    const server = rs.server;
    const wasPhase = this.phase;
    this.phase = 'closed';
    if (rs.link !== this) return;
    rs.link = null;
    if (this.client) {
      const c = this.client;
      if (!c.closed) server.closeClient(c);
      if (wasPhase === 'stream') {
        server.log.notice('Connection with master lost.');
        server.log.notice('Caching the disconnected master state.');
        rs.cachedMaster = { replid: rs.replid, reploff: this.reploff, readReploff: this.reploff, db: c.db.id };
        rs.downSince = rs.unixtime();
      }
    }
    if (rs.isReplica) rs.linkState = 'connect';
  }
}

/** Forward applied stream bytes: our backlog, our offset, our sub-replicas (verbatim). */
function forward(rs: ReplState, b: Buffer): void {
  if (b.length === 0) return;
  if (rs.backlog) rs.backlog.appendBuffer(b);
  rs.masterReplOffset += b.length;
  if (rs.replicas.length === 0) return;
  const s = (b as Latin1Buffer).latin1Slice(0, b.length);
  for (const l of rs.replicas) {
    if (l.state === 'online' && !l.startOnAck) l.client.addReplyRaw(s);
    else if (l.fullResyncSent) {
      l.pending.push(s);
      l.pendingBytes += s.length;
    }
  }
  checkOutputLimits(rs);
}

/** Parse one `*N\r\n$len\r\n...` command at `pos`; null when incomplete. */
function parseMultibulk(buf: Latin1Buffer, pos: number): { argv: string[]; end: number } | null {
  let nl = buf.indexOf(10, pos);
  if (nl < 0) return null;
  const n = Number(buf.latin1Slice(pos + 1, nl - 1));
  let p = nl + 1;
  const argv: string[] = [];
  for (let i = 0; i < n; i++) {
    if (p >= buf.length) return null;
    nl = buf.indexOf(10, p);
    if (nl < 0) return null;
    const len = Number(buf.latin1Slice(p + 1, nl - 1));
    const start = nl + 1;
    if (start + len + 2 > buf.length) return null;
    argv.push(buf.latin1Slice(start, start + len));
    p = start + len + 2;
  }
  return { argv, end: p };
}

export function discardCachedMaster(rs: ReplState): void {
  if (!rs.cachedMaster) return;
  rs.server.log.notice('Discarding previously cached master state.');
  rs.cachedMaster = null;
}

function cancelHandshake(rs: ReplState): void {
  const l = rs.link;
  if (l && l.phase !== 'stream') {
    rs.link = null;
    l.fail();
  }
}

/** Clients blocked on keys or WAIT are released with an error when we turn into a replica. */
function disconnectAllBlockedClients(rs: ReplState): void {
  for (const c of rs.server.clients.values()) {
    const st = c.blocked;
    if (!st || (st.kind !== 'keys' && st.kind !== 'wait')) continue;
    c.addReplyError('-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');
    unblock(c);
    c.closeAfterReply = true;
    resume(c);
  }
}

/** REPLICAOF host port (Redis's replicationSetMaster). */
export function setMaster(rs: ReplState, host: string, port: number): void {
  const server = rs.server;
  const wasMaster = !rs.isReplica;
  rs.masterHost = null;
  // A connected master is cached, so we may PSYNC to the new one with the old history (PSYNC2).
  const link = rs.link;
  if (link && link.phase === 'stream') {
    link.fail();
    link.onCloseNow();
  }
  disconnectAllBlockedClients(rs);
  rs.masterHost = host;
  rs.masterPort = port;
  cancelHandshake(rs);
  if (wasMaster) {
    discardCachedMaster(rs);
    server.log.notice(
      'Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.',
    );
    rs.cachedMaster = { replid: rs.replid, reploff: rs.masterReplOffset, readReploff: rs.masterReplOffset, db: 0 };
  }
  server.role = 'slave';
  server.log.role = 'S';
  rs.linkState = 'connect';
  server.log.notice(`Connecting to MASTER ${host}:${port}`);
  connectWithMaster(rs);
}

export function connectWithMaster(rs: ReplState): void {
  rs.linkState = 'connecting';
  rs.link = new MasterLink(rs);
  rs.server.log.notice('MASTER <-> REPLICA sync started');
}

/** REPLICAOF NO ONE (Redis's replicationUnsetMaster). */
export function unsetMaster(rs: ReplState): void {
  if (!rs.isReplica) return;
  const server = rs.server;
  rs.masterHost = null;
  const link = rs.link;
  if (link) {
    link.fail();
    link.onCloseNow();
  }
  discardCachedMaster(rs);
  rs.link = null;
  // The inherited history stays valid as the secondary id; writes from now on are a new history.
  rs.shiftReplicationId();
  disconnectReplicas(rs);
  rs.linkState = 'none';
  rs.seldb = -1;
  rs.noReplicasSince = rs.unixtime();
  rs.downSince = 0;
  server.role = 'master';
  server.log.role = 'M';
}

/** Replica-side part of Redis's replicationCron (once per second). */
export function replicaCron(rs: ReplState): void {
  if (!rs.isReplica) return;
  const server = rs.server;
  const now = Date.now();
  const timeoutMs = server.config.replTimeout * 1000;
  const l = rs.link;
  if (l && (l.phase === 'connecting' || l.phase === 'handshake' || l.phase === 'psync') && now - l.lastio > timeoutMs) {
    server.log.warning('Timeout connecting to the MASTER...');
    l.fail();
  } else if (l && (l.phase === 'bulk-header' || l.phase === 'bulk') && now - l.lastio > timeoutMs) {
    server.log.warning(
      "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.",
    );
    l.fail();
  } else if (l && l.phase === 'stream' && l.client && now - l.client.lastInteraction > timeoutMs) {
    server.log.warning('MASTER timeout: no data nor PING received...');
    server.closeClient(l.client);
  }
  if (rs.linkState === 'connect' && !rs.link) {
    server.log.notice(`Connecting to MASTER ${rs.masterHost}:${rs.masterPort}`);
    connectWithMaster(rs);
  }
  if (rs.link && rs.link.phase === 'stream') rs.link.sendAck();
}

/** The master link's client was closed by someone else (CLIENT KILL TYPE master). */
export function masterClientClosed(rs: ReplState, c: Client): void {
  const l = rs.link;
  if (l && l.client === c && !l.sock.destroyed) l.fail();
}

// ---- the end of a FAILOVER (here: it makes us a replica, or gives up) ----

/** Lift our pause (not a CLIENT PAUSE given meanwhile) and re-run the postponed commands. */
function unpause(rs: ReplState): void {
  if (rs.server.pause.untilUnpaused) rs.server.pause.unpause();
}

export function clearFailoverState(rs: ReplState): void {
  rs.failover = { state: 'no-failover', targetHost: null, targetPort: 0, endTime: 0, force: false };
  unpause(rs);
}

export function abortFailover(rs: ReplState, err: string): void {
  const f = rs.failover;
  if (f.state === 'no-failover') return;
  if (f.targetHost) rs.server.log.notice(`FAILOVER to ${f.targetHost}:${f.targetPort} aborted: ${err}`);
  else rs.server.log.notice(`FAILOVER to any replica aborted: ${err}`);
  if (f.state === 'failover-in-progress') unsetMaster(rs);
  clearFailoverState(rs);
}
