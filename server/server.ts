import net from 'node:net';
import { AclState } from './acl/acl.js';
import { unblock } from './blocking.js';
import { Client } from './client.js';
import { type CommandSpec, CommandTable } from './commands/table.js';
import type { Config } from './config/config.js';
import type { ConfigValues } from './config/definitions.js';
import { Hooks, processCommand } from './dispatch.js';
import { LatencyMonitor } from './latency.js';
import { Logger } from './log.js';
import { NOTIFY } from './notify.js';
import { ClientPause } from './pause.js';
import { PersistenceState } from './persistence/state.js';
import { PubSub } from './pubsub.js';
import { ReplState } from './replication/state.js';
import { ProtocolError } from './resp/parser.js';
import { ScriptEngine } from './scripting/engine.js';
import { FunctionsEngine } from './scripting/functions.js';
import type { ShutdownRequest } from './shutdown.js';
import { Slowlog } from './slowlog.js';
import { Stats } from './stats.js';
import { Db, type DbHooks } from './store/db.js';
import type { Entry } from './store/entry.js';
import { Evictor } from './store/evict.js';
import { activeExpireCycle } from './store/expire.js';
import { MemoryTracker } from './store/memory.js';
import { MemoryReclaimer } from './store/reclaim.js';
import { CursorTable } from './store/scan.js';
import { TlsState } from './tls/state.js';
import { TrackingTable } from './tracking.js';
import { isLoopback } from './util/address.js';
import { randomHex } from './util/random.js';

/** A write as it is fed to replicas and the AOF. */
export interface PropagatedOp {
  db: number;
  argv: string[];
  /** For replicas only, not the AOF (PUBLISH: Redis's PROPAGATE_REPL). */
  replOnly?: boolean;
}

const MULTI_ARGV = ['MULTI'];
const EXEC_ARGV = ['EXEC'];

/** Receivers of propagated writes (replication backlog/replicas, AOF). */
export interface PropagationSink {
  feed(ops: PropagatedOp[]): void;
}

/**
 * The server: configuration, databases, clients, the command table and the event-loop chores
 * (cron, pending writes). Commands live in commands/, the dispatch rules in dispatch.ts.
 */
export class Server implements DbHooks {
  /** The typed configuration, read directly (`config.maxmemory`, `config.appendonly` ...). */
  readonly config: ConfigValues;
  /** The configuration table's store: CONFIG GET/SET/REWRITE, apply functions. */
  readonly configStore: Config;
  readonly log: Logger;
  readonly stats = new Stats();
  readonly pubsub = new PubSub();
  readonly commands: CommandTable;
  dbs: Db[] = [];
  readonly clients = new Map<number, Client>();
  private listeners: net.Server[] = [];
  /** Clients with output to write this turn (Client.pendingWrite marks membership). */
  private pendingWrites: Client[] = [];
  /** The list flushed last turn, reused (flushPendingWrites swaps the two). */
  private spareWrites: Client[] = [];
  private flushScheduled = false;
  private readonly flushCb = (): void => this.flushPendingWrites();
  private cronTimer: NodeJS.Timeout | null = null;
  /** Cached unix ms time, refreshed per input chunk and per cron (Redis's mstime cache). */
  private cachedNow = Date.now();
  /** Incremented by every change to the dataset (Redis's server.dirty). */
  dirty = 0;
  /** Changes since the last successful save (for INFO rdb_changes_since_last_save). */
  dirtySinceSave = 0;
  lastSave = Math.floor(Date.now() / 1000);
  /** Ops the current top-level command propagates (see dispatch.ts). */
  pendingPropagate: PropagatedOp[] = [];
  /** Set by a handler that propagates explicitly (alsoPropagate/replaceArgv). */
  propagateOverride = false;
  /**
   * Where the next call() may start timing (performance.now ms), -1 to read the clock: set by
   * call() while processInput runs its loop, so back-to-back commands share one clock read.
   */
  callClock = -1;
  inInputLoop = false;
  /** Nesting depth of call(): EXEC calls its queued commands. */
  callDepth = 0;
  readonly sinks: PropagationSink[] = [];
  readonly hooks = new Hooks();
  /** Whether replies are sent to our master's link (only for REPLCONF GETACK answers). */
  replyToMaster = false;
  /** WATCHed keys: "dbid\0key" → clients. */
  readonly watchedKeys = new Map<string, Set<Client>>();
  /** Clients blocked on keys: "dbid\0key" → FIFO of clients. */
  readonly blockingKeys = new Map<string, Client[]>();
  /** Keys that became ready for blocked clients during the current command. */
  readyKeys = new Map<string, { db: Db; key: string }>();
  monitors = new Set<Client>();
  role: 'master' | 'slave' = 'master';
  /** Running as a sentinel (server/sentinel/): HELLO and INFO say so. */
  sentinelMode = false;
  readonly runId: string;
  shuttingDown = false;
  readonly startedAt = Date.now();
  boundPort = 0;
  /** The SHUTDOWN in progress (its SAVE/NOSAVE flags), if any. */
  shutdownRequest: ShutdownRequest | null = null;
  /** Unix ms until which a shutdown waits for lagging replicas; 0: none waiting (shutdown.ts). */
  shutdownMstime = 0;
  /** The cron check of that wait, while there is one. */
  shutdownTick: ((now: number) => void) | null = null;
  /** A SIGTERM/SIGINT asked for the shutdown (a second SIGINT then exits at once). */
  shutdownAsap = false;
  /**
   * INFO sections contributed by layers (replication, persistence, cluster): section name →
   * lines of `field:value`. The INFO command renders built-in sections and these.
   */
  readonly infoSections = new Map<string, () => string[]>();
  /** Active expiry can be disabled by DEBUG SET-ACTIVE-EXPIRE 0. */
  activeExpireEnabled = true;
  /**
   * DEBUG QUICKLIST-PACKED-THRESHOLD: from which element size Redis keeps a list element in a node
   * of its own (plain node). Kept and validated as Redis does; our lists are one array each, so it
   * changes no reply.
   */
  quicklistPackedThreshold = 1 << 30;
  /** Extra access bookkeeping on key lookup (LFU counters under an LFU policy, see store/evict.ts). */
  touchEntry?: (e: Entry) => void;

  // Subsystems (Redis keeps them in its server struct): state here, behaviour in their modules.
  /** CLIENT PAUSE and FAILOVER's write pause. */
  readonly pause: ClientPause;
  /** used_memory accounting (store/memory.ts). */
  readonly memory: MemoryTracker;
  /** maxmemory policies (store/evict.ts). */
  readonly evictor: Evictor;
  /** Gives freed memory back to the OS (store/reclaim.ts). */
  readonly reclaimer = new MemoryReclaimer(this);
  /** SCAN's live cursors (store/scan.ts). */
  readonly scanCursors = new CursorTable();
  readonly slowlog = new Slowlog();
  readonly latency = new LatencyMonitor();
  /** EVAL's scripts and runtime; FUNCTION libraries and theirs (scripting/). */
  readonly scripting: ScriptEngine;
  readonly functions: FunctionsEngine;
  /** Client side caching: the tracking table and broadcast prefixes (tracking.ts). */
  readonly tracking: TrackingTable;
  /** Set while a dataset is installed from RDB (no "new" keyspace events, as dbAddRDBLoad). */
  loadingKeys = false;
  /** The client whose command runs now (NOLOOP, scripts' caller), null outside commands. */
  currentClient: Client | null = null;
  /** Replication: ids, offsets, backlog, replicas, our master link (replication/). */
  readonly repl: ReplState;
  /** RDB and AOF (persistence/). */
  readonly persistence: PersistenceState;
  /** ACL users, permissions and log (acl/). */
  readonly acl: AclState;
  /** TLS contexts and listeners (tls/). */
  readonly tls: TlsState;

  constructor(store: Config, commands: CommandSpec[]) {
    this.configStore = store;
    this.config = store.values;
    this.log = new Logger(this.config);
    this.runId = randomHex(40);
    const n = this.config.databases;
    for (let i = 0; i < n; i++) this.dbs.push(new Db(i, this));
    this.commands = new CommandTable();
    this.commands.add(commands);
    this.acl = new AclState(this);
    this.tls = new TlsState(this);
    this.pause = new ClientPause(this);
    this.memory = new MemoryTracker(this);
    this.evictor = new Evictor(this);
    this.repl = new ReplState(this);
    this.tracking = new TrackingTable(this);
    this.scripting = new ScriptEngine(this);
    this.functions = new FunctionsEngine(this);
    this.persistence = new PersistenceState(this);
  }

  // ---- DbHooks ----
  now(): number {
    return this.cachedNow;
  }
  refreshNow(): number {
    return (this.cachedNow = Date.now());
  }
  isReplica(): boolean {
    return this.role === 'slave';
  }
  onExpired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    this.notifyKeyspaceEvent(NOTIFY.EXPIRED, 'expired', key, db.id);
    this.signalModifiedKey(db, key);
    this.propagate(db.id, ['DEL', key]);
  }
  onModified(db: Db, key: string): void {
    this.signalModifiedKey(db, key);
  }
  onNewKey(db: Db, key: string): void {
    if (this.config.notifyKeyspaceEvents & NOTIFY.NEW && !this.loadingKeys) this.notifyKeyspaceEvent(NOTIFY.NEW, 'new', key, db.id);
  }

  // ---- Propagation ----

  /** Queue a write for replicas/AOF; flushed after the current top-level command (or now, outside one). */
  propagate(db: number, argv: string[]): void {
    this.pendingPropagate.push({ db, argv });
    if (this.callDepth === 0) this.flushPropagation();
  }

  /**
   * Used by handlers whose effect must be replicated in another form (SPOP → SREM, EXPIRE →
   * PEXPIREAT); `replOnly` keeps it out of the AOF (PUBLISH).
   */
  alsoPropagate(db: number, argv: string[], replOnly = false): void {
    this.propagateOverride = true;
    this.pendingPropagate.push(replOnly ? { db, argv, replOnly } : { db, argv });
  }

  /** Suppress the default propagation of the current command (e.g. a no-op write). */
  preventPropagation(): void {
    this.propagateOverride = true;
  }

  /**
   * Hand the ops of the command that just ended to the sinks, as Redis 7.0's
   * propagatePendingCommands: one op goes bare (a transaction with a single write, a lazily
   * expired key); several are wrapped in MULTI ... EXEC (MULTI in the first op's db, EXEC in the
   * last's), unless `wrap` is false (commands that touch arbitrary keys: RANDOMKEY, SCAN).
   */
  flushPropagation(wrap = true): void {
    const pending = this.pendingPropagate;
    if (pending.length === 0) return;
    // Sinks get an exact-size copy (they may keep it); the queue keeps its capacity, so a
    // single write does not regrow a fresh array every time.
    let ops: PropagatedOp[];
    if (pending.length === 1) ops = [pending[0]!];
    else if (!wrap) ops = pending.slice();
    else ops = [{ db: pending[0]!.db, argv: MULTI_ARGV }, ...pending, { db: pending[pending.length - 1]!.db, argv: EXEC_ARGV }];
    pending.length = 0;
    for (const s of this.sinks) s.feed(ops);
  }

  // ---- WATCH and blocking support ----

  signalModifiedKey(db: Db, key: string): void {
    const listeners = this.hooks.keyModified;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(db, key);
    if (this.watchedKeys.size > 0) {
      const set = this.watchedKeys.get(db.id + '\0' + key);
      if (set) for (const c of set) c.watchDirty = true;
    }
    if (this.blockingKeys.size > 0) {
      const id = db.id + '\0' + key;
      if (this.blockingKeys.has(id)) this.readyKeys.set(id, { db, key });
    }
  }

  /** Invalidate all WATCHes (FLUSHALL, FLUSHDB of a db, SWAPDB). */
  touchAllWatched(dbId: number | null): void {
    for (const [k, set] of this.watchedKeys) {
      if (dbId === null || k.startsWith(dbId + '\0')) for (const c of set) c.watchDirty = true;
    }
  }

  notifyKeyspaceEvent(type: number, event: string, key: string, dbid: number): void {
    const flags = this.config.notifyKeyspaceEvents;
    if (!(flags & type)) return;
    if (flags & NOTIFY.KEYSPACE) this.pubsub.publish(`__keyspace@${dbid}__:${key}`, event);
    if (flags & NOTIFY.KEYEVENT) this.pubsub.publish(`__keyevent@${dbid}__:${event}`, key);
  }

  // ---- Networking ----

  async listen(): Promise<void> {
    const port = this.config.port;
    let first = true;
    for (const b of this.config.bind) {
      const optional = b.startsWith('-');
      const addr = optional ? b.slice(1) : b;
      const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
      const srv = net.createServer({ noDelay: true }, (sock) => this.accept(sock));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ host, port: first ? port : this.boundPort, backlog: this.config.tcpBacklog, ipv6Only: host === '::' }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        if (optional) continue;
        throw new Error(`Failed listening on port ${port} (tcp), aborting. (${(err as Error).message})`);
      }
      const a = srv.address();
      if (a && typeof a === 'object') this.boundPort = a.port;
      first = false;
      this.listeners.push(srv);
    }
    if (this.listeners.length === 0) throw new Error(`Failed listening on port ${port} (tcp), aborting.`);
    this.reclaimer.start();
    this.startCron();
  }

  /** A new connection (a TCP socket, or a TLS socket after its handshake, see tls/). */
  accept(sock: net.Socket): void {
    if (this.shuttingDown) {
      sock.destroy();
      return;
    }
    this.stats.totalConnections++;
    sock.setNoDelay(true);
    const c = new Client(this, sock);
    if (this.clients.size >= this.config.maxclients) {
      this.stats.rejectedConnections++;
      sock.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (this.config.protectedMode && this.acl.defaultUser.nopass && !isLoopback(sock.remoteAddress)) {
      sock.end(
        '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
          'In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: ' +
          "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
          "2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
          "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
          '4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n',
      );
      return;
    }
    this.clients.set(c.id, c);
    sock.on('data', (chunk: Buffer) => {
      this.stats.netInputBytes += chunk.length;
      c.parser.feed(chunk);
      this.processInput(c);
    });
    sock.on('error', () => this.closeClient(c));
    sock.on('close', () => this.closeClient(c));
  }

  /** Run as many complete commands as the client's input holds (stops while blocked). */
  processInput(c: Client): void {
    this.refreshNow();
    this.inInputLoop = true;
    this.callClock = -1;
    try {
      this.processInputLoop(c);
    } finally {
      this.inInputLoop = false;
      this.callClock = -1;
    }
    // Replies are written once per event-loop turn, after every readable client was served
    // (Redis's beforeSleep/handleClientsWithPendingWrites): one write per client per turn, and
    // the peers woken by those writes find all their replies at once. (addReplyRaw queued us.)
  }

  private processInputLoop(c: Client): void {
    const limit = this.config.clientQueryBufferLimit;
    for (;;) {
      if (c.closed || c.blocked || c.closeAfterReply) break;
      let argv: string[] | null;
      try {
        argv = c.parser.next();
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        this.log.verbose(`Protocol error (${err.message}) from client: id=${c.id} addr=${c.addr}`);
        c.addReplyError(err.message);
        c.closeAfterReply = true;
        break;
      }
      if (argv === null) {
        if (c.parser.buffered > limit && !c.isMaster) {
          this.log.warning(`Closing client that reached max query buffer length: id=${c.id} addr=${c.addr} qbuf=${c.parser.buffered}`);
          this.closeClient(c);
          return;
        }
        break;
      }
      c.lastInteraction = this.cachedNow;
      this.currentClient = c;
      processCommand(this, c, argv);
      this.currentClient = null;
      if (this.tracking.pending.length > 0) this.tracking.handlePending(c);
      if (c.muted || c.replySkipNext || c.tracking !== null) c.afterCommandProcessed();
    }
  }

  markPendingWrite(c: Client): void {
    if (c.pendingWrite) return;
    c.pendingWrite = true;
    this.pendingWrites.push(c);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushCb);
    }
  }

  private flushPendingWrites(): void {
    this.flushScheduled = false;
    for (const f of this.hooks.beforeFlush) f();
    // Swap lists: output produced while flushing for a client already flushed (close hooks
    // replying to others) lands in the fresh list and gets its own turn.
    const list = this.pendingWrites;
    this.pendingWrites = this.spareWrites;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      c.pendingWrite = false;
      c.flush();
    }
    list.length = 0;
    this.spareWrites = list;
  }

  closeClient(c: Client): void {
    if (c.closed) return;
    if (c.out.length > 0 && c.socket && !c.socket.destroyed) {
      const data = c.out;
      c.out = '';
      c.socket.end(data, 'latin1');
    } else {
      c.socket?.destroy();
    }
    c.closed = true;
    this.clients.delete(c.id);
    this.pubsub.removeClient(c);
    this.monitors.delete(c);
    unblock(c);
    for (const l of this.hooks.clientClosed) l(c);
  }

  /** Look up a command spec, resolving subcommands ("config get" → the GET subcommand). */
  lookupCommand(argv: string[]): { spec: CommandSpec; fullname: string } | { error: string } {
    const name = argv[0]!.toLowerCase();
    const spec = this.commands.get(name);
    if (!spec) return { error: 'unknown' };
    if (spec.subcommands && argv.length >= 2) {
      const sub = argv[1]!.toLowerCase();
      const s = spec.subcommands.find((x) => x.name === sub);
      if (s) return { spec: s, fullname: `${name}|${sub}` };
      return { error: 'subcommand' };
    }
    return { spec, fullname: name };
  }

  // ---- Cron ----

  private startCron(): void {
    const hz = Math.max(1, Math.min(500, this.config.hz));
    let tick = 0;
    const cron = (): void => {
      if (this.shuttingDown) return;
      const now = this.refreshNow();
      tick++;
      if (this.activeExpireEnabled && this.role === 'master') activeExpireCycle(this, 1000 / hz);
      this.stats.sampleOps(now);
      for (const f of this.hooks.cron) f(now, tick);
      this.clientsCron(now);
      this.reclaimer.cron(now);
    };
    // As Redis, the first run is right away (1 ms), before the first clients: once-per-second
    // work (replication's PING every repl-ping-replica-period runs) starts counting then.
    setTimeout(cron, 1).unref?.();
    this.cronTimer = setInterval(cron, 1000 / hz);
    this.cronTimer.unref?.();
  }

  private clientsCron(now: number): void {
    const timeout = this.config.timeout;
    if (timeout <= 0) return;
    for (const c of this.clients.values()) {
      if (c.isMaster || c.isReplica || c.blocked || c.inPubSub) continue;
      if (now - c.lastInteraction > timeout * 1000) {
        this.log.verbose('Closing idle client');
        this.closeClient(c);
      }
    }
  }

  /** Close listeners and clients. */
  async close(): Promise<void> {
    this.shuttingDown = true;
    if (this.cronTimer) clearInterval(this.cronTimer);
    for (const f of this.hooks.beforeShutdown) await f();
    for (const c of [...this.clients.values()]) this.closeClient(c);
    await Promise.all(this.listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
  }
}
