import net from 'node:net';
import { parentPort } from 'node:worker_threads';
import { ACK_OFFSET, ERR_MAX, ERR_OFFSET, type MigrateRequest, OUTCOME } from './migrate-protocol.js';

/** MIGRATE's network side (see migrate-protocol.ts): runs in a worker thread. */

interface Cached {
  sock: net.Socket;
  lastDbid: number;
  lastUse: number;
  input: Buffer;
  wake: (() => void) | null;
  closed: boolean;
}

const CACHE_ITEMS = 64;
const CACHE_TTL_MS = 10_000;
const cache = new Map<string, Cached>();

class Timeout extends Error {}
class SocketError extends Error {}

function closeCached(name: string): void {
  const cs = cache.get(name);
  if (!cs) return;
  cache.delete(name);
  cs.closed = true;
  cs.sock.destroy();
}

function connect(req: MigrateRequest): Promise<Cached> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: req.host, port: req.port, localAddress: req.localAddress, noDelay: true });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Timeout());
    }, req.timeout);
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      const cs: Cached = { sock, lastDbid: -1, lastUse: Date.now(), input: Buffer.alloc(0), wake: null, closed: false };
      sock.on('data', (d: Buffer) => {
        cs.input = cs.input.length === 0 ? d : Buffer.concat([cs.input, d]);
        cs.wake?.();
      });
      const gone = (): void => {
        cs.closed = true;
        cs.wake?.();
      };
      sock.on('error', gone);
      sock.on('close', gone);
      resolve(cs);
    });
  });
}

function write(cs: Cached, data: Buffer, timeout: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (cs.closed) {
      reject(new SocketError());
      return;
    }
    const timer = setTimeout(() => reject(new Timeout()), timeout);
    cs.sock.write(data, (err) => {
      clearTimeout(timer);
      if (err) reject(new SocketError());
      else resolve();
    });
  });
}

/** One reply line without its CRLF (Redis's connSyncReadLine), truncated as Redis's 1024-byte buffer. */
function readLine(cs: Cached, timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cs.wake = null;
      reject(new Timeout());
    }, timeout);
    const check = (): void => {
      const nl = cs.input.indexOf(10);
      if (nl >= 0) {
        clearTimeout(timer);
        cs.wake = null;
        let end = nl;
        if (end > 0 && cs.input[end - 1] === 13) end--;
        const line = cs.input.toString('latin1', 0, Math.min(end, ERR_MAX - 1));
        cs.input = cs.input.subarray(nl + 1);
        resolve(line);
      } else if (cs.closed) {
        clearTimeout(timer);
        cs.wake = null;
        reject(new SocketError());
      }
    };
    cs.wake = check;
    check();
  });
}

function encode(argv: string[]): string {
  let s = '*' + argv.length + '\r\n';
  for (const a of argv) s += '$' + a.length + '\r\n' + a + '\r\n';
  return s;
}

async function getSocket(req: MigrateRequest): Promise<Cached | null> {
  const cs = cache.get(req.name);
  if (cs && !cs.closed) {
    cs.lastUse = Date.now();
    return cs;
  }
  if (cs) closeCached(req.name);
  if (cache.size >= CACHE_ITEMS) {
    const names = [...cache.keys()];
    closeCached(names[Math.floor(Math.random() * names.length)]!);
  }
  try {
    const fresh = await connect(req);
    cache.set(req.name, fresh);
    return fresh;
  } catch {
    return null;
  }
}

async function migrate(req: MigrateRequest): Promise<void> {
  const words = new Int32Array(req.sab, 0, 4);
  const bytes = new Uint8Array(req.sab);
  const finish = (outcome: number, read: number, err: string | null): void => {
    words[1] = outcome;
    words[2] = read;
    if (err !== null) {
      const b = Buffer.from(err, 'latin1').subarray(0, ERR_MAX);
      bytes.set(b, ERR_OFFSET);
      words[3] = b.length;
    }
    Atomics.store(words, 0, 1);
    Atomics.notify(words, 0);
  };
  let mayRetry = true;
  for (;;) {
    const cs = await getSocket(req);
    if (cs === null) {
      finish(OUTCOME.CONNECT, 0, null);
      return;
    }
    const select = cs.lastDbid !== req.dbid;
    let out = '';
    if (req.auth) out += encode(req.auth);
    if (select) out += encode(['SELECT', String(req.dbid)]);
    out += req.body;
    let phase: 'write' | 'read' = 'write';
    let timedOut = false;
    let read = 0;
    let errorFromTarget: string | null = null;
    let socketError = false;
    try {
      const buf = Buffer.from(out, 'latin1');
      for (let pos = 0; pos < buf.length; pos += 64 * 1024) await write(cs, buf.subarray(pos, pos + 64 * 1024), req.timeout);
      phase = 'read';
      const authLine = req.auth ? await readLine(cs, req.timeout) : '';
      const selectLine = select ? await readLine(cs, req.timeout) : '';
      for (; read < req.keys; read++) {
        let line: string;
        try {
          line = await readLine(cs, req.timeout);
        } catch (e) {
          socketError = true;
          timedOut = e instanceof Timeout;
          break;
        }
        const failed = authLine.startsWith('-') ? authLine : selectLine.startsWith('-') ? selectLine : line.startsWith('-') ? line : null;
        if (failed !== null) {
          if (errorFromTarget === null) {
            errorFromTarget = failed.slice(1);
            cs.lastDbid = -1;
          }
        } else {
          bytes[ACK_OFFSET + read] = 1;
        }
      }
      if (errorFromTarget === null && socketError && read === 0 && mayRetry && !timedOut) {
        closeCached(req.name);
        mayRetry = false;
        continue;
      }
      if (socketError) closeCached(req.name);
      else if (errorFromTarget === null) cs.lastDbid = req.dbid;
      finish(socketError && errorFromTarget === null ? OUTCOME.DONE_SOCKET_ERROR : OUTCOME.DONE, read, errorFromTarget);
      return;
    } catch (e) {
      // A write, or reading the AUTH / SELECT reply, failed.
      timedOut = e instanceof Timeout;
      closeCached(req.name);
      if (!timedOut && mayRetry) {
        mayRetry = false;
        continue;
      }
      finish(phase === 'write' ? OUTCOME.WRITE : OUTCOME.READ, 0, null);
      return;
    }
  }
}

// Redis closes cached sockets unused for more than 10 seconds (from serverCron).
setInterval(() => {
  const now = Date.now();
  for (const [name, cs] of cache) if (now - cs.lastUse > CACHE_TTL_MS) closeCached(name);
}, 1000).unref();

parentPort?.on('message', (req: MigrateRequest) => {
  void migrate(req);
});
