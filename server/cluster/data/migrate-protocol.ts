/**
 * MIGRATE's network side, run in a worker thread while the server's thread waits on a shared
 * buffer: Redis's MIGRATE is synchronous (the server does nothing else until the target
 * answered), which is what keeps a key from being written between its DUMP and its DEL. The
 * worker keeps Redis's socket cache (64 entries, closed after 10 s unused, one remembered
 * SELECTed db per socket) and its retry rule (one retry after a socket error that is not a
 * timeout, when no RESTORE reply was read yet).
 *
 * Result layout in the SharedArrayBuffer (Int32 words, then bytes):
 *   [0] done flag (set last, notified)   [1] outcome (OUTCOME)
 *   [2] restore replies read              [3] error-text length
 *   bytes 16..16+1024: the target's error text (Redis reports the first one)
 *   bytes 1040..1040+n: per key 1 = the target acknowledged it (the key may be deleted)
 */

export interface MigrateRequest {
  sab: SharedArrayBuffer;
  /** Cache key (host:port as the client wrote them) and where to connect (after the route table). */
  name: string;
  host: string;
  port: number;
  localAddress: string | undefined;
  timeout: number;
  dbid: number;
  /** AUTH [user] password, or null. */
  auth: string[] | null;
  /** The RESTORE commands (latin1). */
  body: string;
  keys: number;
}

/**
 * DONE: every reply read (or the target's error); DONE_SOCKET_ERROR: the replies were cut by a
 * socket error after some keys; CONNECT / WRITE / READ: nothing was transferred.
 */
export const OUTCOME = { DONE: 0, CONNECT: 1, WRITE: 2, READ: 3, DONE_SOCKET_ERROR: 4 } as const;
export const ERR_OFFSET = 16;
export const ERR_MAX = 1024;
export const ACK_OFFSET = ERR_OFFSET + ERR_MAX;
