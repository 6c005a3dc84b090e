import type { BlockedState, Client } from './client.js';
import type { Server } from './server.js';
import type { Db } from './store/db.js';

/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN ...): FIFO per key, served in arrival order
 * when a key becomes ready, timed out by a per-client timer. Redis's blocked.c.
 */
export function blockForKeys(c: Client, db: Db, keys: string[], timeoutMs: number, tryServe: (key: string) => boolean, onTimeout: () => void): void {
  const server = c.server;
  const deadline = timeoutMs > 0 ? server.now() + timeoutMs : 0;
  const state: BlockedState = { kind: 'keys', keys: [...new Set(keys)], db, deadline, tryServe, onTimeout };
  c.blocked = state;
  for (const k of state.keys) {
    const id = db.id + '\0' + k;
    let q = server.blockingKeys.get(id);
    if (!q) server.blockingKeys.set(id, (q = []));
    q.push(c);
  }
  armTimeout(c, state, timeoutMs);
}

/** With a timeout: when it passes and `c` is still blocked by `state`, unblock, time out, resume. */
function armTimeout(c: Client, state: BlockedState, timeoutMs: number): void {
  if (timeoutMs <= 0) return;
  state.timer = setTimeout(() => {
    if (c.blocked !== state) return;
    unblock(c);
    state.onTimeout();
    resume(c);
  }, timeoutMs);
}

/** Block a client on something other than keys (WAIT, CLIENT PAUSE, DEBUG SLEEP). */
export function blockGeneric(c: Client, kind: BlockedState['kind'], timeoutMs: number, onTimeout: () => void): BlockedState {
  const state: BlockedState = { kind, keys: [], db: c.db, deadline: timeoutMs > 0 ? c.server.now() + timeoutMs : 0, onTimeout };
  c.blocked = state;
  armTimeout(c, state, timeoutMs);
  return state;
}

/** Remove a client from every blocking structure (no reply). */
export function unblock(c: Client): void {
  const st = c.blocked;
  if (!st) return;
  c.blocked = null;
  if (st.timer !== undefined) clearTimeout(st.timer);
  for (const k of st.keys) {
    const id = st.db.id + '\0' + k;
    const q = c.server.blockingKeys.get(id);
    if (!q) continue;
    const i = q.indexOf(c);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) c.server.blockingKeys.delete(id);
  }
}

/** Continue with the client's pipelined input after it was unblocked. */
export function resume(c: Client): void {
  if (c.closed) return;
  c.flush();
  if (c.parser.buffered > 0) setImmediate(() => c.server.processInput(c));
}

/**
 * Serve blocked clients for every key that became ready. Serving may make other keys ready
 * (BLMOVE pushes to its destination), so loop until nothing is ready, as Redis does.
 */
export function handleClientsBlockedOnKeys(server: Server): void {
  while (server.readyKeys.size > 0) {
    const ready = [...server.readyKeys.values()];
    server.readyKeys = new Map();
    for (const { db, key } of ready) {
      const id = db.id + '\0' + key;
      const q = server.blockingKeys.get(id);
      if (!q) continue;
      // Iterate over a snapshot: served clients leave the queue.
      for (const c of [...q]) {
        const st = c.blocked;
        if (!st?.tryServe) continue;
        server.refreshNow();
        server.callDepth++;
        let served: boolean;
        try {
          served = st.tryServe(key);
        } finally {
          server.callDepth--;
        }
        if (served) {
          unblock(c);
          server.flushPropagation();
          resume(c);
        } else if (!db.dict.has(key)) {
          break;
        }
      }
    }
  }
}

/** Unblock a client with an error or the timeout answer (CLIENT UNBLOCK, CLIENT KILL). */
export function unblockWith(c: Client, how: 'timeout' | 'error', msg?: string): void {
  const st = c.blocked;
  if (!st) return;
  unblock(c);
  if (how === 'timeout') st.onTimeout();
  else c.addReplyError(msg ?? '-UNBLOCKED client unblocked via CLIENT UNBLOCK');
  resume(c);
}
