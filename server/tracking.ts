import type { Client } from './client.js';
import { type CommandSpec, commandKeyPositions } from './commands/table.js';
import type { Server } from './server.js';

/**
 * Server-assisted client side caching (Redis's tracking.c): in default mode the keys a tracking
 * client read are remembered (key → client ids, whatever the db, as Redis) and the first change
 * of such a key sends an invalidation; in BCAST mode every change of a key under one of the
 * client's prefixes is batched and broadcast once per event-loop turn. RESP3 clients get push
 * messages; with REDIRECT the messages go to another connection (a RESP2 one subscribed to
 * __redis__:invalidate gets them as pub/sub messages).
 */

/** A client's tracking mode (CLIENT TRACKING ON ...). */
export interface ClientTracking {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES/NO given for the next command (OPTIN/OPTOUT). */
  caching: boolean;
  /** Client id to redirect to, 0 for none. */
  redirect: number;
  brokenRedirect: boolean;
  prefixes: Set<string>;
}

interface BcastState {
  /** Keys changed this turn → the client that changed them (for NOLOOP). */
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

const CHANNEL = '__redis__:invalidate';

export class TrackingTable {
  /** key → ids of the clients that may have it cached. */
  readonly keys = new Map<string, Set<number>>();
  readonly prefixes = new Map<string, BcastState>();
  clients = 0;
  private broadcastScheduled = false;
  /**
   * Invalidations for the client whose command caused them, held until its reply is out
   * (Redis's tracking_pending_keys): key arrays, null for a flush.
   */
  readonly pending: (string | null)[] = [];

  constructor(private readonly server: Server) {}

  enable(c: Client, redirect: number, opts: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean }, prefixes: string[]): void {
    if (c.tracking === null) {
      this.clients++;
      c.tracking = { bcast: false, optin: false, optout: false, noloop: false, caching: false, redirect: 0, brokenRedirect: false, prefixes: new Set() };
    }
    const t = c.tracking;
    t.brokenRedirect = false;
    t.redirect = redirect;
    t.bcast = opts.bcast;
    t.optin = opts.optin;
    t.optout = opts.optout;
    t.noloop = opts.noloop;
    if (opts.bcast) {
      const list = prefixes.length === 0 ? [''] : prefixes;
      for (const p of list) {
        let bs = this.prefixes.get(p);
        if (bs === undefined) this.prefixes.set(p, (bs = { keys: new Map(), clients: new Set() }));
        bs.clients.add(c);
        t.prefixes.add(p);
      }
    }
  }

  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    for (const p of t.prefixes) {
      const bs = this.prefixes.get(p);
      if (bs === undefined) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) this.prefixes.delete(p);
    }
    c.tracking = null;
    this.clients--;
  }

  /** trackingRememberKeys: after a read-only command of a tracking client. */
  remember(c: Client, spec: CommandSpec, argv: string[]): void {
    const t = c.tracking!;
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    if (spec.flags.includes('pubsub')) return;
    for (const pos of commandKeyPositions(spec, argv)) {
      const key = argv[pos]!;
      let ids = this.keys.get(key);
      if (ids === undefined) this.keys.set(key, (ids = new Set()));
      ids.add(c.id);
    }
  }

  /** trackingInvalidateKey: `by` is the client whose command changed the key (NOLOOP). */
  invalidate(key: string, by: Client | null): void {
    if (this.prefixes.size > 0) this.rememberForBroadcast(key, by);
    const ids = this.keys.get(key);
    if (ids === undefined) return;
    this.keys.delete(key);
    for (const id of ids) {
      const target = this.server.clients.get(id);
      if (target === undefined || target.tracking === null || target.tracking.bcast) continue;
      if (target === by) {
        if (!target.tracking.noloop) this.pending.push(bulkArray([key]));
        continue;
      }
      this.send(target, bulkArray([key]));
    }
  }

  /** trackingInvalidateKeysOnFlush: every tracking client gets an invalidation with a null. */
  flushed(): void {
    if (this.clients > 0) {
      const cur = this.server.currentClient;
      for (const c of this.server.clients.values()) {
        if (c.tracking === null) continue;
        if (c === cur) this.pending.push(null);
        else this.send(c, null);
      }
    }
    this.keys.clear();
  }

  /** trackingHandlePendingKeyInvalidations: after the current client's command. */
  handlePending(c: Client): void {
    for (const keys of this.pending.splice(0)) if (c.tracking !== null) this.send(c, keys);
  }

  private rememberForBroadcast(key: string, by: Client | null): void {
    for (const [p, bs] of this.prefixes) {
      if (p.length > key.length || !key.startsWith(p)) continue;
      bs.keys.set(key, by);
    }
    if (!this.broadcastScheduled) {
      this.broadcastScheduled = true;
      setImmediate(() => this.broadcast());
    }
  }

  /** trackingBroadcastInvalidationMessages: once per event-loop turn. */
  broadcast(): void {
    this.broadcastScheduled = false;
    // Prefixes in byte order (a rax in Redis).
    for (const p of [...this.prefixes.keys()].sort()) {
      const bs = this.prefixes.get(p)!;
      if (bs.keys.size === 0) continue;
      const all = [...bs.keys.keys()].sort();
      for (const c of bs.clients) {
        if (c.tracking?.noloop) {
          const mine = all.filter((k) => bs.keys.get(k) !== c);
          if (mine.length > 0) this.send(c, bulkArray(mine));
        } else {
          this.send(c, bulkArray(all));
        }
      }
      bs.keys = new Map();
    }
  }

  /** sendTrackingMessage: `keys` is the RESP of the key array, or null for a flush. */
  private send(c0: Client, keys: string | null): void {
    let c = c0;
    const t = c.tracking!;
    let redirected = false;
    if (t.redirect) {
      const redir = this.server.clients.get(t.redirect);
      if (redir === undefined) {
        t.brokenRedirect = true;
        if (c.resp > 2) c.push(`>2\r\n$21\r\ntracking-redir-broken\r\n:${t.redirect}\r\n`);
        return;
      }
      c = redir;
      redirected = true;
    }
    const payload = keys ?? (c.resp > 2 ? '_\r\n' : '*-1\r\n');
    if (c.resp > 2) c.push(`>2\r\n$10\r\ninvalidate\r\n${payload}`);
    else if (redirected && c.inPubSub) c.push(`*3\r\n$7\r\nmessage\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n${payload}`);
  }

  /** tracking-table-max-keys: invalidate keys (oldest first) until the table is within the limit. */
  limit(max: number): void {
    if (max === 0) return;
    for (const key of this.keys.keys()) {
      if (this.keys.size <= max) return;
      this.invalidate(key, null);
    }
  }

  totalItems(): number {
    let n = 0;
    for (const ids of this.keys.values()) n += ids.size;
    return n;
  }
}

function bulkArray(keys: string[]): string {
  let s = '*' + keys.length + '\r\n';
  for (const k of keys) s += '$' + k.length + '\r\n' + k + '\r\n';
  return s;
}

/** Wire tracking into the server: remember reads, invalidate changes and flushes, forget closed clients. */
export function installTracking(server: Server): void {
  const t = server.tracking;
  server.hooks.afterCall.push((c, spec, argv) => {
    // Keys read by a script are remembered for the script's caller (Redis's server.script_caller).
    const caller = server.currentClient ?? c;
    if (caller.tracking !== null && !caller.tracking.bcast && spec.flags.includes('readonly')) t.remember(caller, spec, argv);
  });
  server.hooks.keyModified.push((_db, key) => {
    if (t.clients > 0) t.invalidate(key, server.currentClient);
  });
  server.hooks.flushed.push(() => t.flushed());
  server.hooks.clientClosed.push((c) => t.disable(c));
  server.hooks.cron.push(() => t.limit(server.config.trackingTableMaxKeys));
}
