import type { Client } from '../client.js';
import type { Entry, RType } from '../store/entry.js';
import { parseDouble, parseLL } from '../util/numbers.js';

/** Shared error replies (Redis's shared.* objects). */
export const ERR = {
  WRONGTYPE: '-WRONGTYPE Operation against a key holding the wrong kind of value',
  SYNTAX: 'syntax error',
  NOKEY: 'no such key',
  OUTOFRANGE: 'index out of range',
  NOT_INT: 'value is not an integer or out of range',
  NOT_FLOAT: 'value is not a valid float',
  OVERFLOW: 'increment or decrement would overflow',
  DB_RANGE: 'DB index is out of range',
  BUSYKEY: '-BUSYKEY Target key name already exists.',
  TIMEOUT_NOT_FLOAT: 'timeout is not a float or out of range',
  TIMEOUT_NEGATIVE: 'timeout is negative',
} as const;

/**
 * Look up a key for reading and check its type. Returns the entry, null when missing, or
 * undefined after replying WRONGTYPE (the caller just returns).
 */
export function lookupRead<T extends RType>(c: Client, key: string, type: T): Entry<T> | null | undefined {
  const e = c.db.lookup(key);
  if (e === undefined) {
    c.server.stats.keyspaceMisses++;
    return null;
  }
  c.server.stats.keyspaceHits++;
  if (e.type !== type) {
    c.addReplyError(ERR.WRONGTYPE);
    return undefined;
  }
  return e as Entry<T>;
}

/** Like lookupRead, for writes: no hit/miss accounting. */
export function lookupWrite<T extends RType>(c: Client, key: string, type: T): Entry<T> | null | undefined {
  const e = c.db.lookup(key);
  if (e === undefined) return null;
  if (e.type !== type) {
    c.addReplyError(ERR.WRONGTYPE);
    return undefined;
  }
  return e as Entry<T>;
}

/** Parse an integer argument, replying the error on failure (returns null then). */
export function getInt(c: Client, s: string, err: string = ERR.NOT_INT): number | null {
  const v = parseLL(s);
  if (v === null) {
    c.addReplyError(err);
    return null;
  }
  return v;
}

/**
 * Blocking-command timeout in seconds (float allowed) → ms; 0 = forever. Replies the error and
 * returns null when invalid, as Redis's getTimeoutFromObjectOrReply.
 */
export function getTimeoutMs(c: Client, s: string): number | null {
  const v = parseDouble(s);
  if (v === null || !Number.isFinite(v)) {
    c.addReplyError(ERR.TIMEOUT_NOT_FLOAT);
    return null;
  }
  if (v < 0) {
    c.addReplyError(ERR.TIMEOUT_NEGATIVE);
    return null;
  }
  const ms = Math.ceil(v * 1000);
  if (ms > 0 && ms < 1) return 1;
  return ms;
}

/** Record a change: dirty counter, WATCH/blocking signals and the keyspace event. */
export function modified(c: Client, key: string, notifyType: number, event: string, dirty = 1): void {
  const s = c.server;
  s.dirty += dirty;
  s.signalModifiedKey(c.db, key);
  if (notifyType) s.notifyKeyspaceEvent(notifyType, event, key, c.db.id);
}

/** Redis's checkAlreadyExpired: a past absolute time deletes the key, except on replicas. */
export function alreadyExpired(c: Client, when: number): boolean {
  return when <= Date.now() && !c.server.isReplica();
}
