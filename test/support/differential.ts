import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { client } from './redis.js';
import { type RunningServer, type ServerKind, startServer } from './servers.js';

/** The server and client a describe block shares; read them inside hooks and tests only. */
export interface SharedServer {
  readonly srv: RunningServer;
  readonly r: Redis;
}

/**
 * Register hooks that start one server of `kind` (with `extra` options) and a client for the
 * whole describe block, and stop both after it. Hooks registered later run inside these: their
 * beforeAll sees the server up, their afterAll runs before it goes down.
 */
export function useServer(kind: ServerKind, extra: string[] = []): SharedServer {
  let srv: RunningServer | undefined;
  let r: Redis | undefined;
  beforeAll(async () => {
    srv = await startServer(kind, extra);
    r = client(srv.port);
  });
  afterAll(async () => {
    r?.disconnect();
    await srv?.stop();
  });
  return {
    get srv(): RunningServer {
      if (!srv) throw new Error('the server is not started yet: use it inside a hook or test');
      return srv;
    },
    get r(): Redis {
      if (!r) throw new Error('the client is not connected yet: use it inside a hook or test');
      return r;
    },
  };
}

/**
 * Register a beforeEach that gives every test an empty database without FLUSHALL: it cycles
 * through databases 1..`count`, deletes their keys, and also empties the databases in `alsoEmpty`
 * (targets for MOVE/COPY). The database selected when the test starts is `t.db`.
 */
export function freshDb(t: SharedServer, count = 15, alsoEmpty: number[] = []): { readonly db: number } {
  let db = 0;
  beforeEach(async () => {
    db = (db % count) + 1;
    // The test's own database last, so it stays selected.
    for (const d of [...alsoEmpty, db]) {
      await t.r.select(d);
      const keys = (await t.r.call('keys', '*')) as string[];
      if (keys.length) await t.r.call('del', ...keys);
    }
  });
  return {
    get db(): number {
      return db;
    },
  };
}

/** Run a command; errors come back as 'ERR:' + their message so they can be asserted like replies. */
export async function ex(r: Redis, ...args: (string | number)[]): Promise<unknown> {
  try {
    return await r.call(String(args[0]), ...args.slice(1).map(String));
  } catch (e) {
    return 'ERR:' + (e as Error).message;
  }
}

/** The error message of a rejected call, or null when it succeeded. */
export async function errorOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
