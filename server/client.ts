import type { Socket } from 'node:net';
import type { User } from './acl/user.js';
import type { CommandSpec } from './commands/table.js';
import { afterPeerErrorReply } from './error-replies.js';
import { RespParser } from './resp/parser.js';
import type { Server } from './server.js';
import type { Db } from './store/db.js';
import type { ClientTracking } from './tracking.js';
import { isLoopback } from './util/address.js';
import { fmt17g, fmtHumanDouble } from './util/numbers.js';

export interface MultiState {
  queue: { spec: CommandSpec; argv: string[] }[];
  /** A queued command was refused (unknown, arity, OOM ...): EXEC answers EXECABORT. */
  dirty: boolean;
}

/** A client blocked on keys (BLPOP & co.) or on replication (WAIT), see blocking.ts. */
export interface BlockedState {
  kind: 'keys' | 'wait' | 'pause' | 'sleep' | 'shutdown';
  keys: string[];
  db: Db;
  /** Absolute ms deadline, or 0 for forever. */
  deadline: number;
  /** Try to serve the client now that `key` is ready; true when it was served (unblocks). */
  tryServe?: (key: string) => boolean;
  /** Called at the deadline: reply the timeout answer. */
  onTimeout: () => void;
  /** The command that blocked, re-run on unblock by CLIENT PAUSE. */
  argv?: string[];
  spec?: CommandSpec;
  /** WAIT: the offset the replicas must acknowledge, and how many of them. */
  waitOffset?: number;
  waitReplicas?: number;
  /** The timeout timer, when there is one. */
  timer?: NodeJS.Timeout;
}

let nextId = 1;

/**
 * One connection. Replies are accumulated as latin1 text and written once per input chunk
 * (or once per event-loop turn for replies produced outside the client's own command).
 */
export class Client {
  readonly id = nextId++;
  readonly parser: RespParser;
  db: Db;
  name = '';
  libName = '';
  libVer = '';
  resp: 2 | 3 = 2;
  /** Authenticated (AUTH/HELLO, or the default user needs no password); see AclState.authRequired. */
  authenticated: boolean;
  /** The ACL user; null for the server's own clients (our master's link, AOF loading), which may do anything. */
  user: User | null;
  multi: MultiState | null = null;
  /** WATCHed keys as "dbid\0key", and whether one of them was touched. */
  watched = new Set<string>();
  watchDirty = false;
  /** WATCHed keys that were already logically expired when watched (on a replica, where they stay). */
  watchedExpired: Set<string> | null = null;
  channels = new Set<string>();
  patterns = new Set<string>();
  /** Shard channels (SSUBSCRIBE). */
  shardChannels = new Set<string>();
  blocked: BlockedState | null = null;
  closed = false;
  closeAfterReply = false;
  /** Set when this connection is the link from our master (replica side). */
  isMaster = false;
  /** Set when this connection is a replica of ours (master side). */
  isReplica = false;
  /** The fake client replaying the AOF at startup (Redis's CLIENT_ID_AOF). */
  aofLoader = false;
  monitor = false;
  noEvict = false;
  /**
   * Cluster: nonzero after ASKING (a token: dispatch clears it after the next command or
   * transaction, unless that command was ASKING itself), and READONLY (replica reads).
   */
  asking = 0;
  readonlyReads = false;
  /** CLIENT REPLY OFF, SKIP (this command), SKIP given (the next one); `muted` = replies dropped now. */
  replyOff = false;
  replySkip = false;
  replySkipNext = false;
  muted = false;
  /** CLIENT TRACKING state, null when off (tracking.ts). */
  tracking: ClientTracking | null = null;
  readonly createdAt: number;
  lastInteraction: number;
  lastCmd = 'NULL';
  /** Replication offset after this client's last write, for WAIT. */
  woff = 0;
  /** Output not yet written. */
  out = '';
  /** Queued in the server's pending-writes list for this turn. */
  pendingWrite = false;
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;

  constructor(
    public readonly server: Server,
    public readonly socket: Socket | null,
  ) {
    this.db = server.dbs[0]!;
    this.user = server.acl.defaultUser;
    this.authenticated = server.acl.defaultOpen;
    this.parser = new RespParser({ config: server.config, authenticated: this.authenticated });
    this.createdAt = this.lastInteraction = Date.now();
    this.addr = socket ? `${fmtAddr(socket.remoteAddress)}:${socket.remotePort}` : '';
    this.laddr = socket ? `${fmtAddr(socket.localAddress)}:${socket.localPort}` : '';
    this.fd = this.id + 7;
  }

  /** Redis's islocalClient: connected over the loopback interface (or internal). */
  isLocal(): boolean {
    return isLoopback(this.socket?.remoteAddress);
  }

  get inPubSub(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  /**
   * A push message (pub/sub, invalidations): delivered even under CLIENT REPLY OFF/SKIP, as
   * Redis's CLIENT_PUSHING.
   */
  push(s: string): void {
    const m = this.muted;
    this.muted = false;
    this.addReplyRaw(s);
    this.muted = m;
  }

  /** CLIENT REPLY SKIP/OFF bookkeeping after each command (part of Redis's resetClient). */
  afterCommandProcessed(): void {
    this.replySkip = false;
    if (this.replySkipNext) {
      this.replySkip = true;
      this.replySkipNext = false;
    }
    this.muted = this.replyOff || this.replySkip;
    if (this.tracking !== null && this.multi === null && !this.lastCmd.startsWith('client|')) this.tracking.caching = false;
  }

  // ---- Reply encoding (Redis's addReply* family) ----

  addReplyRaw(s: string): void {
    if (this.closed || (this.isMaster && !this.server.replyToMaster) || this.muted) return;
    if (this.out.length === 0) this.server.markPendingWrite(this);
    this.out += s;
  }

  addReplyStatus(s: string): void {
    this.addReplyRaw('+' + s + '\r\n');
  }

  addReplyOk(): void {
    this.addReplyRaw('+OK\r\n');
  }

  /** Error reply. A message starting with '-' carries its own code; otherwise "-ERR " is added. */
  addReplyError(msg: string): void {
    // Redis replaces newlines so the protocol stays intact.
    const clean = msg.replace(/[\r\n]/g, ' ');
    const full = clean.startsWith('-') ? clean : '-ERR ' + clean;
    this.server.stats.countError(full.slice(1, full.indexOf(' ') > 0 ? full.indexOf(' ') : undefined));
    this.addReplyRaw(full + '\r\n');
    if (this.isMaster || this.isReplica || this.aofLoader) afterPeerErrorReply(this, clean);
  }

  addReplyInt(n: number | bigint): void {
    this.addReplyRaw(':' + n + '\r\n');
  }

  addReplyBulk(s: string): void {
    this.addReplyRaw('$' + s.length + '\r\n' + s + '\r\n');
  }

  /** A bulk or null. */
  addReplyBulkOrNull(s: string | undefined | null): void {
    if (s === undefined || s === null) this.addReplyNull();
    else this.addReplyBulk(s);
  }

  addReplyNull(): void {
    this.addReplyRaw(this.resp === 3 ? '_\r\n' : '$-1\r\n');
  }

  addReplyNullArray(): void {
    this.addReplyRaw(this.resp === 3 ? '_\r\n' : '*-1\r\n');
  }

  addReplyArrayLen(n: number): void {
    this.addReplyRaw('*' + n + '\r\n');
  }

  addReplyMapLen(n: number): void {
    this.addReplyRaw(this.resp === 3 ? '%' + n + '\r\n' : '*' + n * 2 + '\r\n');
  }

  addReplySetLen(n: number): void {
    this.addReplyRaw(this.resp === 3 ? '~' + n + '\r\n' : '*' + n + '\r\n');
  }

  addReplyPushLen(n: number): void {
    this.addReplyRaw(this.resp === 3 ? '>' + n + '\r\n' : '*' + n + '\r\n');
  }

  /** Array of bulk strings. */
  addReplyBulks(items: readonly string[]): void {
    let s = '*' + items.length + '\r\n';
    for (const it of items) s += '$' + it.length + '\r\n' + it + '\r\n';
    this.addReplyRaw(s);
  }

  /** A double: RESP3 double type, or a bulk formatted with %.17g as Redis 7.0. */
  addReplyDouble(d: number): void {
    if (this.resp === 3) {
      this.addReplyRaw(',' + (d === Infinity ? 'inf' : d === -Infinity ? '-inf' : fmt17g(d)) + '\r\n');
    } else {
      this.addReplyBulk(fmt17g(d));
    }
  }

  /** INCRBYFLOAT-style human friendly number, always a bulk string. */
  addReplyHumanDouble(d: number): void {
    this.addReplyBulk(fmtHumanDouble(d));
  }

  addReplyBool(b: boolean): void {
    this.addReplyRaw(this.resp === 3 ? (b ? '#t\r\n' : '#f\r\n') : b ? ':1\r\n' : ':0\r\n');
  }

  /** Verbatim string (RESP3) or bulk (RESP2): INFO, CLIENT LIST, LATENCY DOCTOR. */
  addReplyVerbatim(s: string, format = 'txt'): void {
    if (this.resp === 3) this.addReplyRaw('=' + (s.length + 4) + '\r\n' + format + ':' + s + '\r\n');
    else this.addReplyBulk(s);
  }

  addReplyHelp(cmdName: string, lines: string[]): void {
    const all = [`${cmdName.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.'];
    this.addReplyArrayLen(all.length);
    for (const l of all) this.addReplyStatus(l);
  }

  /** Redis's addReplySubcommandSyntaxError. */
  addReplySubcommandSyntaxError(argv: string[]): void {
    this.addReplyError(`unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`);
  }

  /** Write pending output now. */
  flush(): void {
    if (this.out.length === 0 || this.socket === null) {
      this.out = '';
      return;
    }
    const data = this.out;
    this.out = '';
    if (!this.closed) this.socket.write(data, 'latin1');
    if (this.closeAfterReply) this.server.closeClient(this);
  }
}

function fmtAddr(a: string | undefined): string {
  if (!a) return '?';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
