import type { Redis, RedisOptions } from 'ioredis';
import { afterEach } from 'vitest';
import { client } from './redis.js';
import { type RunningServer, type ServerKind, startServer } from './servers.js';

export interface Tracked {
  /** Servers to stop after the test (push the ones you start). */
  readonly servers: RunningServer[];
  /** Run first after the test (proxies, sockets). */
  readonly cleanups: (() => void)[];
  /** A client that is disconnected after the test. */
  conn(port: number, opts?: RedisOptions): Redis;
  /** Start a server (in `dir` when given) with a client, both cleaned up after the test. */
  start(kind: ServerKind, extra?: string[], dir?: string): Promise<{ s: RunningServer; c: Redis }>;
}

/**
 * Register an afterEach that cleans up what each test started: cleanups first, then clients,
 * then servers, each woken with SIGCONT first in case the test left it stopped.
 */
export function trackPerTest(): Tracked {
  const servers: RunningServer[] = [];
  const conns: Redis[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const f of cleanups) f();
    cleanups.length = 0;
    for (const r of conns) r.disconnect();
    conns.length = 0;
    for (const s of servers) {
      try {
        process.kill(s.pid, 'SIGCONT');
      } catch {
        /* gone */
      }
      await s.stop();
    }
    servers.length = 0;
  });
  const conn = (port: number, opts: RedisOptions = {}): Redis => {
    const r = client(port, opts);
    conns.push(r);
    return r;
  };
  return {
    servers,
    cleanups,
    conn,
    async start(kind, extra = [], dir) {
      const s = await startServer(kind, extra, dir ? { dir } : {});
      servers.push(s);
      return { s, c: conn(s.port) };
    },
  };
}
