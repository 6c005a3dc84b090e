import type { Client } from '../client.js';
import { call } from '../dispatch.js';
import { discardTransaction, unwatchAllKeys } from '../multi.js';
import type { Server } from '../server.js';
import type { Db } from '../store/db.js';
import { type CommandSpec, cmd } from './table.js';

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH (Redis's multi.c). Queueing itself happens in dispatch.ts
 * (commands are queued after all checks; a refused command marks the transaction dirty).
 */

function watchId(db: Db, key: string): string {
  return db.id + '\0' + key;
}

function multi(c: Client): void {
  if (c.multi) {
    c.addReplyError('MULTI calls can not be nested');
    return;
  }
  c.multi = { queue: [], dirty: false };
  c.addReplyOk();
}

function discard(c: Client): void {
  if (!c.multi) {
    c.addReplyError('DISCARD without MULTI');
    return;
  }
  discardTransaction(c);
  c.addReplyOk();
}

/** A watched key that was alive at WATCH time is now logically expired (Redis's isWatchedKeyExpired). */
function watchedKeyExpired(c: Client): boolean {
  const s = c.server;
  const skip = c.watchedExpired;
  for (const id of c.watched) {
    if (skip?.has(id)) continue;
    const sep = id.indexOf('\0');
    const db = s.dbs[Number(id.slice(0, sep))];
    const e = db?.peek(id.slice(sep + 1));
    if (e && db!.isExpired(e)) return true;
  }
  return false;
}

function exec(c: Client): void {
  const s = c.server;
  const m = c.multi;
  if (!m) {
    c.addReplyError('EXEC without MULTI');
    return;
  }
  if (watchedKeyExpired(c)) c.watchDirty = true;
  if (m.dirty) {
    c.addReplyError('-EXECABORT Transaction discarded because of previous errors.');
    discardTransaction(c);
    return;
  }
  if (c.watchDirty) {
    c.addReplyNullArray();
    discardTransaction(c);
    return;
  }
  unwatchAllKeys(c);
  c.addReplyArrayLen(m.queue.length);
  // c.multi stays set while the queued commands run: blocking commands see it and don't block.
  for (const q of m.queue) {
    const fullname = q.spec === s.commands.get(q.spec.name) ? q.spec.name : `${q.argv[0]!.toLowerCase()}|${q.spec.name}`;
    // The ACL rules may have changed since the command was queued.
    const denied = s.acl.checkQueued(c, q.spec, fullname, q.argv);
    if (denied !== null) c.addReplyError(denied);
    else call(s, c, q.spec, fullname, q.argv);
  }
  // The queued commands' ops are propagated together when EXEC's call ends: bare when there is
  // one, in MULTI ... EXEC when there are several (server.flushPropagation).
  discardTransaction(c);
}

function watch(c: Client, argv: string[]): void {
  if (c.multi) {
    c.addReplyError('WATCH inside MULTI is not allowed');
    return;
  }
  // No point in watching if the client is already dirty.
  if (c.watchDirty) {
    c.addReplyOk();
    return;
  }
  const s = c.server;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i]!;
    const id = watchId(c.db, key);
    if (c.watched.has(id)) continue;
    const e = c.db.peek(key);
    if (e && c.db.isExpired(e)) {
      if (!c.db.hooks.isReplica()) {
        // Delete it now (as any access would), before we watch: an already expired key
        // disappearing is no logical change for this client.
        c.db.lookup(key, true);
      } else {
        c.watchedExpired ??= new Set();
        c.watchedExpired.add(id);
      }
    }
    let set = s.watchedKeys.get(id);
    if (!set) s.watchedKeys.set(id, (set = new Set()));
    set.add(c);
    c.watched.add(id);
  }
  c.addReplyOk();
}

function unwatch(c: Client): void {
  unwatchAllKeys(c);
  c.watchDirty = false;
  c.addReplyOk();
}

/**
 * Invalidate WATCHes on a db that is emptied (FLUSHDB/FLUSHALL) or swapped (SWAPDB), as Redis's
 * touchAllWatchedKeysInDb: only watchers of keys that exist in `emptied` (or in `replacedWith`,
 * which takes its place) see a change. Call before the db content changes.
 */
export function touchWatchedKeysInDb(server: Server, emptied: Db, replacedWith: Db | null): void {
  if (server.watchedKeys.size === 0) return;
  const prefix = emptied.id + '\0';
  for (const [id, clients] of server.watchedKeys) {
    if (!id.startsWith(prefix)) continue;
    const key = id.slice(prefix.length);
    const a = emptied.peek(key);
    const b = replacedWith?.peek(key);
    const aLive = a !== undefined && !emptied.isExpired(a);
    const bLive = b !== undefined && !replacedWith!.isExpired(b);
    if (a === undefined && b === undefined) continue;
    // An expired key replaced by nothing (or by another expired key) is no logical change.
    if (!aLive && !bLive) continue;
    for (const c of clients) c.watchDirty = true;
  }
}

export const transactionCommands: CommandSpec[] = [
  cmd('multi', 1, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], [0, 0, 0], 'transactions', 'Mark the start of a transaction block', multi, {
    since: '1.2.0',
  }),
  cmd('exec', 1, ['noscript', 'loading', 'stale', 'skip_slowlog'], [0, 0, 0], 'transactions', 'Execute all commands issued after MULTI', exec, {
    since: '1.2.0',
  }),
  cmd('discard', 1, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], [0, 0, 0], 'transactions', 'Discard all commands issued after MULTI', discard, {
    since: '2.0.0',
  }),
  cmd(
    'watch',
    -2,
    ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    [1, -1, 1],
    'transactions',
    'Watch the given keys to determine execution of the MULTI/EXEC block',
    watch,
    {
      since: '2.2.0',
      hint: 'key [key ...]',
    },
  ),
  cmd('unwatch', 1, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], [0, 0, 0], 'transactions', 'Forget about all watched keys', unwatch, {
    since: '2.2.0',
  }),
];
