import { performance } from 'node:perf_hooks';
import { redactSecrets } from './acl/redact.js';
import { handleClientsBlockedOnKeys } from './blocking.js';
import type { Client } from './client.js';
import { CF, type CommandSpec, specFlags } from './commands/table.js';
import { discardTransaction } from './multi.js';
import { allowProtectedAction } from './protected.js';
import type { Server } from './server.js';
import type { Db } from './store/db.js';
import { quoteRepr } from './util/repr.js';

/** A check of processCommand: an error reply to refuse the command, or null to let it through. */
export type CommandGate = (c: Client, spec: CommandSpec, argv: string[]) => string | null;

/**
 * What the layers above the single node (cluster, eviction, replication, persistence, admin)
 * attach to processCommand and to the event loop. Each is a list: layers add to it and never
 * wrap one another. processCommand runs the gates in Redis's order whatever order the layers
 * were installed in: cluster redirection, then maxmemory, then replication (NOREPLICAS,
 * READONLY, MASTERDOWN). The listeners of one event are independent of each other.
 */
export class Hooks {
  /** Cluster redirection (MOVED/ASK/CROSSSLOT/CLUSTERDOWN); not applied to our master's stream. */
  readonly route: CommandGate[] = [];
  /** maxmemory: evict, then refuse with OOM; not applied to our master's stream. */
  readonly memory: CommandGate[] = [];
  /** Replication: NOREPLICAS, READONLY, MASTERDOWN, replicas touching the keyspace. */
  readonly replication: CommandGate[] = [];
  /** After every top-level command (WAIT's reference offset ...). */
  readonly afterCommand: ((c: Client, spec: CommandSpec, argv: string[]) => void)[] = [];
  /** After every call(), nested ones included (slowlog, latency); argv with secrets redacted (AUTH ...). */
  readonly afterCall: ((c: Client, spec: CommandSpec, argv: string[], usec: number) => void)[] = [];
  /** Cluster: PUBLISH / SPUBLISH executed here go to the other nodes over the bus. */
  readonly publish: ((channel: string, message: string, sharded: boolean) => void)[] = [];
  /** INFO clients' cluster_connections (the cluster counts two links per known node). */
  readonly clusterConnections: (() => number)[] = [];
  /** Every key change signalled through server.signalModifiedKey (memory accounting). */
  readonly keyModified: ((db: Db, key: string) => void)[] = [];
  /** A client connection closed (after it was unblocked). */
  readonly clientClosed: ((c: Client) => void)[] = [];
  /** Each turn's pending replies are about to be written (Redis's beforeSleep runs clusterBeforeSleep first: a reply follows the save it depends on). */
  readonly beforeFlush: (() => void)[] = [];
  /** Every server cron tick (hz times a second). */
  readonly cron: ((now: number, tick: number) => void)[] = [];
  /** Databases were emptied (FLUSHALL/FLUSHDB, a full resync): tracking invalidates everything. */
  readonly flushed: ((dbId: number | null) => void)[] = [];
  /** The final save of a shutdown (AOF fsync, RDB); false: it failed and the shutdown must not go on (`force`: go on anyway). */
  readonly finalSave: ((force: boolean) => boolean)[] = [];
  /** Before the server closes (AOF close, cluster, sentinel); run one after the other. */
  readonly beforeShutdown: (() => Promise<void> | void)[] = [];
}

/** The first refusal of a list of gates, or null. */
function runGates(gates: readonly CommandGate[], c: Client, spec: CommandSpec, argv: string[]): string | null {
  for (let i = 0; i < gates.length; i++) {
    const err = gates[i]!(c, spec, argv);
    if (err !== null) return err;
  }
  return null;
}

/** Commands allowed while a RESP2 client is in subscribed mode. */
const PUBSUB_ALLOWED = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'ping', 'quit', 'reset']);
/** Redis's CMD_TOUCHES_ARBITRARY_KEYS: the keys they expire lazily are not one transaction. */
const TOUCHES_ARBITRARY_KEYS = new Set(['randomkey', 'scan']);
/** Commands that run immediately inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Redis's rejectCommand: inside MULTI a refused command also poisons the transaction. */
function reject(c: Client, msg: string, lower = ''): void {
  if (c.multi) c.multi.dirty = true;
  if (lower === 'exec' && c.multi !== null) {
    // Redis's execCommandAbort: a refused EXEC ends the transaction with the reason.
    discardTransaction(c);
    c.addReplyError(`-EXECABORT Transaction discarded because of: ${msg.startsWith('-') ? msg.slice(1) : `ERR ${msg}`}`);
    return;
  }
  c.addReplyError(msg);
}

/** Sanitised first 128 bytes of each argument, as in Redis's unknown-command error. */
function argsPreview(argv: string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${argv[i]!.slice(0, 128 - args.length)}' `;
  }
  return args;
}

/** Redis's processCommand: lookup, arity, auth, ACL, routing, memory, replication checks, MULTI queue, call. */
export function processCommand(server: Server, c: Client, argv: string[]): void {
  const asking = c.asking;
  dispatchCommand(server, c, argv);
  // Redis's resetClient: ASKING covers the next command (or transaction) only, unless that was ASKING again.
  if (asking !== 0 && c.asking === asking && c.multi === null) c.asking = 0;
}

function dispatchCommand(server: Server, c: Client, argv: string[]): void {
  const name = argv[0]!;
  const ref = server.commands.resolve(name);
  if (ref === undefined || ref.name === 'quit') {
    if ((ref !== undefined ? ref.name : name.toLowerCase()) === 'quit') {
      c.addReplyOk();
      c.closeAfterReply = true;
      return;
    }
    c.lastCmd = 'NULL'; // Redis's lastcmd is the looked-up command: none
    reject(c, `unknown command '${name.slice(0, 128)}', with args beginning with: ${argsPreview(argv)}`);
    return;
  }
  const lower = ref.name;
  let spec = ref.spec;
  let fullname = lower;
  let flags = ref.flags;
  if (spec.subcommands !== undefined && argv.length >= 2) {
    const sub = argv[1]!.toLowerCase();
    const s = spec.subcommands.find((x) => x.name === sub);
    if (s === undefined) {
      c.lastCmd = 'NULL';
      reject(c, `unknown subcommand '${argv[1]!.slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`);
      return;
    }
    spec = s;
    fullname = `${lower}|${sub}`;
    flags = specFlags(s);
  }
  if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
    server.stats.command(fullname).rejected++;
    reject(c, `wrong number of arguments for '${fullname}' command`);
    return;
  }
  // Redis's CMD_PROTECTED: DEBUG only where enable-debug-command allows it.
  if (lower === 'debug' && !allowProtectedAction(server.config.enableDebugCommand, c)) {
    reject(
      c,
      'DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
    return;
  }
  if (!c.authenticated && !(flags & CF.NO_AUTH) && !server.acl.defaultOpen) {
    reject(c, '-NOAUTH Authentication required.');
    return;
  }
  if (c.multi !== null && flags & CF.NO_MULTI) {
    reject(c, 'Command not allowed inside a transaction');
    return;
  }
  const user = c.user;
  if (user !== null && !user.unrestricted) {
    const denied = server.acl.checkCommand(c, spec, fullname, argv);
    if (denied !== null) {
      reject(c, denied);
      return;
    }
  }
  const h = server.hooks;
  if (!c.isMaster) {
    const err = runGates(h.route, c, spec, argv) ?? runGates(h.memory, c, spec, argv);
    if (err !== null) {
      reject(c, err, lower);
      return;
    }
  }
  const err = runGates(h.replication, c, spec, argv);
  if (err !== null) {
    reject(c, err, lower);
    return;
  }
  if (c.resp === 2 && c.inPubSub && !PUBSUB_ALLOWED.has(lower)) {
    reject(c, `Can't execute '${fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
    return;
  }
  if (server.pause.active && server.pause.postpone(c, spec, argv)) return;
  if (c.multi !== null && !MULTI_IMMEDIATE.has(lower)) {
    c.multi.queue.push({ spec, argv });
    c.addReplyRaw('+QUEUED\r\n');
    return;
  }
  call(server, c, spec, fullname, argv);
  if (server.readyKeys.size > 0) handleClientsBlockedOnKeys(server);
  const after = h.afterCommand;
  for (let i = 0; i < after.length; i++) after[i]!(c, spec, argv);
}

/**
 * Execute a command and propagate its effect. A command that changed the dataset (server.dirty
 * grew) is propagated as-is unless its handler propagated explicitly (alsoPropagate).
 */
export function call(server: Server, c: Client, spec: CommandSpec, fullname: string, argv: string[]): void {
  const flags = specFlags(spec);
  const dirtyBefore = server.dirty;
  const overrideBefore = server.propagateOverride;
  server.propagateOverride = false;
  // Redis sets lastcmd at lookup: a script's caller shows EVAL/FCALL while the script runs.
  if (server.callDepth === 0) c.lastCmd = fullname;
  server.callDepth++;
  // What MONITOR and SLOWLOG may show: passwords and secret values redacted.
  const shown = redactSecrets(fullname, argv) as string[];
  if (server.monitors.size > 0 && !(flags & (CF.SKIP_MONITOR | CF.ADMIN))) feedMonitors(server, c, shown);
  // One clock read per call: inside processInput's loop a call starts timing where the previous
  // one ended (parsing the next command is charged to it: well under a microsecond). The
  // imported performance.now, not the global (a lazy getter): monotonic, no BigInts.
  let start = server.callClock;
  if (start < 0) start = performance.now();
  server.callClock = start; // nested calls (EXEC) start here too
  try {
    spec.handler!(c, argv);
  } finally {
    server.callDepth--;
  }
  const end = performance.now();
  server.callClock = server.inInputLoop ? end : -1;
  const usec = (end - start) * 1000;
  const st = server.stats.command(fullname);
  st.calls++;
  st.usec += usec;
  server.stats.totalCommands++;
  c.lastCmd = fullname;
  const dirty = server.dirty - dirtyBefore;
  if (dirty > 0) {
    server.dirtySinceSave += dirty;
    if (!server.propagateOverride && flags & (CF.WRITE | CF.MAY_REPLICATE)) server.pendingPropagate.push({ db: c.db.id, argv });
  }
  server.propagateOverride = overrideBefore;
  if (server.callDepth === 0) server.flushPropagation(!TOUCHES_ARBITRARY_KEYS.has(spec.name));
  const after = server.hooks.afterCall;
  for (let i = 0; i < after.length; i++) after[i]!(c, spec, shown, usec);
}

function feedMonitors(server: Server, c: Client, argv: string[]): void {
  const now = Date.now();
  const ts = `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`;
  const src = c.isMaster ? 'lua' : c.addr;
  let line = `+${ts} [${c.db.id} ${src}]`;
  for (const a of argv) line += ' ' + quoteRepr(a);
  line += '\r\n';
  for (const m of server.monitors) if (m !== c) m.addReplyRaw(line);
}
