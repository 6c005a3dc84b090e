import type { PropagatedOp } from '../server.js';
import type { ReplicaLink, ReplState } from './state.js';

/**
 * The master's outgoing replication stream: RESP of the propagated ops with SELECT on db changes
 * and MULTI/EXEC around multi-op commands, into the backlog and every streaming replica
 * (Redis's replicationFeedSlaves), with the replica output buffer limits.
 */

/** RESP encoding of a command as it appears in the replication stream. */
export function encodeCommand(argv: readonly string[]): string {
  let s = '*' + argv.length + '\r\n';
  for (const a of argv) s += '$' + a.length + '\r\n' + a + '\r\n';
  return s;
}

const SELECT_CACHE: string[] = [];
function selectCmd(db: number): string {
  return (SELECT_CACHE[db] ??= encodeCommand(['SELECT', String(db)]));
}

/** Add bytes to the replication stream: backlog, offset, and every replica that streams. */
export function feedStream(rs: ReplState, s: string): void {
  if (s.length === 0) return;
  if (rs.backlog) {
    rs.backlog.appendString(s);
    rs.masterReplOffset += s.length;
  }
  const holdMs = rs.server.config.debugWaitLieMs;
  s = debugCorrupt(rs, s);
  for (const link of rs.replicas) {
    if (link.state === 'online' && !link.startOnAck) {
      if (holdMs > 0) holdBack(link, s, holdMs);
      else link.client.addReplyRaw(s);
    } else if (link.fullResyncSent) {
      link.pending.push(s);
      link.pendingBytes += s.length;
    }
  }
  checkOutputLimits(rs);
}

const fedCommands = new WeakMap<ReplState, number>();

/**
 * debug-repl-corrupt-every N (hidden, 0 = off): every Nth command chunk goes to the replicas with a
 * bad first byte (same length, so offsets agree; the backlog already holds the good bytes) — a
 * corrupted stream for the harness's log-pattern check to catch.
 */
function debugCorrupt(rs: ReplState, s: string): string {
  const every = rs.server.config.debugReplCorruptEvery;
  if (every <= 0 || s[0] !== '*') return s;
  const n = (fedCommands.get(rs) ?? 0) + 1;
  fedCommands.set(rs, n);
  return n % every === 0 ? `?${s.slice(1)}` : s;
}

/** debug-wait-lie-ms: the stream reaches the replica late (in order: every chunk waits as long). */
function holdBack(link: ReplicaLink, s: string, ms: number): void {
  setTimeout(() => {
    if (!link.client.closed) link.client.addReplyRaw(s);
  }, ms);
}

/** Bytes queued for a replica and not yet handed to the kernel. */
function queuedBytes(l: ReplicaLink): number {
  return l.client.out.length + (l.client.socket?.writableLength ?? 0) + l.pendingBytes;
}

/**
 * Redis closes a replica whose output buffer passes the hard limit, or stays above the soft one
 * for the soft seconds (a stopped or partitioned replica must not eat the master's memory).
 */
export function checkOutputLimits(rs: ReplState): void {
  if (rs.replicas.length === 0) return;
  const limits = rs.server.config.clientOutputBufferLimit.replica;
  const now = rs.unixtime();
  for (const l of rs.replicas) {
    const q = queuedBytes(l);
    if (q < 1024 * 1024 && l.softSince === 0) continue; // cheap common case
    const { hardBytes: hard, softBytes: soft, softSeconds: softSecs } = limits;
    let over = hard > 0 && q >= hard;
    if (!over && soft > 0 && q >= soft) {
      if (l.softSince === 0) l.softSince = now;
      else if (now - l.softSince >= softSecs) over = true;
    } else if (!over) {
      l.softSince = 0;
    }
    if (over && !l.client.closed) {
      const c = l.client;
      rs.server.log.warning(
        `Client id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} flags=S omem=${q} scheduled to be closed ASAP for overcoming of output buffer limits.`,
      );
      setImmediate(() => rs.server.closeClient(c));
    }
  }
}

/** Encode ops for the stream, emitting SELECT when the db changes (Redis's replicationFeedSlaves). */
function encodeOp(rs: ReplState, dbid: number, argv: readonly string[]): string {
  let s = '';
  if (dbid >= 0 && rs.seldb !== dbid) {
    s = selectCmd(dbid);
    rs.seldb = dbid;
  }
  return s + encodeCommand(argv);
}

/** Feed one command from the master itself (PING, REPLCONF GETACK): no SELECT unless db given. */
export function feedCommand(rs: ReplState, dbid: number, argv: readonly string[]): void {
  if (rs.isReplica) return;
  if (!rs.backlog && rs.replicas.length === 0) return;
  feedStream(rs, encodeOp(rs, dbid, argv));
}

/**
 * The propagation sink: the ops of one top-level command (already wrapped in MULTI/EXEC by the
 * server when there are several). A replica never feeds its own writes: it proxies its
 * master's stream verbatim.
 */
export function feedOps(rs: ReplState, ops: PropagatedOp[]): void {
  if (rs.isReplica) return;
  if (!rs.backlog && rs.replicas.length === 0) return;
  let s = '';
  for (const op of ops) s += encodeOp(rs, op.db, op.argv);
  feedStream(rs, s);
}

/** Close every replica link (they reconnect and PSYNC: after a replid change or a full sync). */
export function disconnectReplicas(rs: ReplState): void {
  for (const l of [...rs.replicas]) rs.server.closeClient(l.client);
}
