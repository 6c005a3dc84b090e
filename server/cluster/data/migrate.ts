import { Worker } from 'node:worker_threads';
import type { Client } from '../../client.js';
import { ERR, modified } from '../../commands/util.js';
import { NOTIFY } from '../../notify.js';
import { dumpValue, encodeParams } from '../../persistence/rdb-writer.js';
import { resolveRoute } from '../../replication/routes.js';
import { parseLL } from '../../util/numbers.js';
import { ACK_OFFSET, ERR_OFFSET, type MigrateRequest, OUTCOME } from './migrate-protocol.js';

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
 * [AUTH2 username password] [KEYS key ...] — Redis's migrateCommand. The transfer is
 * synchronous as in Redis (see migrate-protocol.ts); the connection goes through the route table
 * and bind-source-addr like every node-to-node link, so the harness can cut it too.
 */

let worker: Worker | null = null;

/** The worker's file beside this module's, or — in the bundled executable (dist/server/main.js) — where tsc emitted it. */
const WORKER_URL = /\/server\/main\.js$/.test(import.meta.url)
  ? new URL('./cluster/data/migrate-worker.js', import.meta.url)
  : new URL('./migrate-worker.js', import.meta.url);

function getWorker(): Worker {
  if (worker === null) {
    const w = new Worker(WORKER_URL);
    w.unref();
    w.on('error', () => {
      if (worker === w) worker = null;
    });
    w.on('exit', () => {
      if (worker === w) worker = null;
    });
    worker = w;
  }
  return worker;
}

interface Exchange {
  outcome: number;
  read: number;
  error: string | null;
  acked: Uint8Array;
}

/** Hand the transfer to the worker and wait for it (the server thread blocks, as Redis's does). */
function exchange(req: Omit<MigrateRequest, 'sab'>): Exchange {
  const sab = new SharedArrayBuffer(ACK_OFFSET + req.keys);
  const words = new Int32Array(sab, 0, 4);
  getWorker().postMessage({ ...req, sab } satisfies MigrateRequest);
  // Every step has its own timeout in the worker; this bound only guards against a lost worker.
  const bound = req.timeout * (req.keys + 4) * 2 + 5000;
  if (Atomics.wait(words, 0, 0, bound) === 'timed-out') {
    void worker?.terminate();
    worker = null;
    return { outcome: OUTCOME.READ, read: 0, error: null, acked: new Uint8Array(0) };
  }
  const bytes = new Uint8Array(sab);
  const errLen = words[3]!;
  return {
    outcome: words[1]!,
    read: words[2]!,
    error: errLen > 0 ? Buffer.from(bytes.subarray(ERR_OFFSET, ERR_OFFSET + errLen)).toString('latin1') : null,
    acked: bytes.subarray(ACK_OFFSET, ACK_OFFSET + req.keys),
  };
}

function encode(argv: string[]): string {
  let s = '*' + argv.length + '\r\n';
  for (const a of argv) s += '$' + a.length + '\r\n' + a + '\r\n';
  return s;
}

export function migrateCommand(c: Client, argv: string[]): void {
  const s = c.server;
  let copy = false;
  let replace = false;
  let auth: string[] | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'copy') copy = true;
    else if (opt === 'replace') replace = true;
    else if (opt === 'auth') {
      if (more < 1) return c.addReplyError(ERR.SYNTAX);
      auth = ['AUTH', argv[++j]!];
    } else if (opt === 'auth2') {
      if (more < 2) return c.addReplyError(ERR.SYNTAX);
      auth = ['AUTH', argv[j + 1]!, argv[j + 2]!];
      j += 2;
    } else if (opt === 'keys') {
      if (argv[3]!.length !== 0) return c.addReplyError('When using MIGRATE KEYS option, the key argument must be set to the empty string');
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else {
      return c.addReplyError(ERR.SYNTAX);
    }
  }
  let timeout = parseLL(argv[5]!);
  const dbid = parseLL(argv[4]!);
  if (timeout === null || dbid === null) return c.addReplyError(ERR.NOT_INT);
  if (timeout <= 0) timeout = 1000;

  // Keys missing here are skipped; none at all is NOKEY (often a key that just expired).
  const keys: string[] = [];
  for (let j = 0; j < numKeys; j++) {
    const key = argv[firstKey + j]!;
    if (c.db.lookup(key) !== undefined) {
      s.stats.keyspaceHits++;
      keys.push(key);
    } else {
      s.stats.keyspaceMisses++;
    }
  }
  if (keys.length === 0) return c.addReplyRaw('+NOKEY\r\n');

  const restore = s.config.clusterEnabled ? 'RESTORE-ASKING' : 'RESTORE';
  const params = encodeParams(s);
  const now = Date.now();
  const sent: string[] = [];
  let body = '';
  for (const key of keys) {
    const e = c.db.peek(key);
    if (e === undefined) continue;
    let ttl = 0;
    if (e.expireAt >= 0) {
      ttl = e.expireAt - now;
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    const payload = dumpValue(e, params);
    const cmd = [restore, key, String(ttl), payload.toString('latin1', 0, payload.length)];
    if (replace) cmd.push('REPLACE');
    body += encode(cmd);
    sent.push(key);
  }

  const host = argv[1]!;
  const port = parseLL(argv[2]!) ?? 0;
  const to = resolveRoute(s, host, port);
  const r = exchange({
    name: `${host}:${argv[2]}`,
    host: to.host,
    port: to.port,
    localAddress: s.config.bindSourceAddr || undefined,
    timeout,
    dbid,
    auth,
    body,
    keys: sent.length,
  });
  if (r.outcome === OUTCOME.CONNECT) return c.addReplyError('-IOERR error or timeout connecting to the client');
  if (r.outcome === OUTCOME.WRITE) return c.addReplyError('-IOERR error or timeout writing to target instance');
  if (r.outcome === OUTCOME.READ) return c.addReplyError('-IOERR error or timeout reading to target instance');

  // Keys the target acknowledged are deleted here (unless COPY), propagated as one DEL.
  if (!copy) {
    const deleted: string[] = [];
    for (let j = 0; j < r.read; j++) {
      if (r.acked[j] !== 1) continue;
      const key = sent[j]!;
      if (!c.db.delete(key)) continue;
      modified(c, key, NOTIFY.GENERIC, 'del');
      deleted.push(key);
    }
    if (deleted.length > 0) s.alsoPropagate(c.db.id, ['DEL', ...deleted]);
    else s.preventPropagation();
  }
  if (r.error !== null) return c.addReplyError(`Target instance replied with error: ${r.error}`);
  if (r.outcome === OUTCOME.DONE_SOCKET_ERROR) return c.addReplyError('-IOERR error or timeout reading to target instance');
  c.addReplyOk();
}

/** MIGRATE's key positions (Redis's migrateGetKeys): argv[3], or everything after KEYS. */
export function migrateGetKeys(argv: string[]): number[] {
  if (argv.length > 6) {
    for (let i = 6; i < argv.length; i++) {
      const a = argv[i]!.toLowerCase();
      if (a === 'keys') {
        if (argv[3]!.length > 0) return [];
        const out: number[] = [];
        for (let k = i + 1; k < argv.length; k++) out.push(k);
        return out;
      }
      if (a === 'auth') i += 1;
      else if (a === 'auth2') i += 2;
    }
  }
  return [3];
}
