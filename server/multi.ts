import type { Client } from './client.js';

/**
 * A client's MULTI/WATCH state, the parts that processCommand's gates need as well as the
 * transaction commands (commands/transactions.ts): Redis's unwatchAllKeys, discardTransaction
 * and execCommandAbort.
 */

export function unwatchAllKeys(c: Client): void {
  const s = c.server;
  for (const k of c.watched) {
    const set = s.watchedKeys.get(k);
    set?.delete(c);
    if (set && set.size === 0) s.watchedKeys.delete(k);
  }
  c.watched.clear();
  c.watchedExpired = null;
}

export function discardTransaction(c: Client): void {
  c.multi = null;
  c.watchDirty = false;
  unwatchAllKeys(c);
}

/** A gate refused EXEC: the transaction is discarded and EXEC answers EXECABORT with the reason. */
export function execAbort(c: Client, err: string): string {
  discardTransaction(c);
  return `-EXECABORT Transaction discarded because of: ${err.startsWith('-') ? err.slice(1) : err}`;
}
