import net from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';

/** An ioredis client with no retries or offline queue, so tests see errors as they happen. */
export function client(port: number, opts: RedisOptions = {}): Redis {
  return new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: false,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    retryStrategy: () => null,
    ...opts,
  });
}

/**
 * Send raw bytes and collect the reply bytes until `until` matches or the connection closes:
 * for protocol-level assertions ioredis would hide.
 */
export async function rawExchange(
  port: number,
  data: string | Buffer,
  until?: (s: string) => boolean,
  timeoutMs = 3000,
): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let reply = '';
    let closed = false;
    const done = () => {
      clearTimeout(t);
      sock.destroy();
      resolve({ reply, closed });
    };
    const t = setTimeout(done, timeoutMs);
    sock.on('connect', () => sock.write(data));
    sock.on('data', (d) => {
      reply += d.toString('latin1');
      if (until?.(reply)) done();
    });
    sock.on('close', () => {
      closed = true;
      done();
    });
    sock.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}
