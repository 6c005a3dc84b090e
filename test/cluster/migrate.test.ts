import net from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ex } from '../support/differential.js';
import { client } from '../support/redis.js';
import { type RunningServer, SERVER_KINDS, type ServerKind, startServer } from '../support/servers.js';

/**
 * MIGRATE (standalone mode: RESTORE on the target), ours and redis-server as the source of the
 * same script against the same kind of target, replies and resulting data compared.
 */

interface Node {
  srv: RunningServer;
  r: Redis;
}
const sources = new Map<ServerKind, Node>();
const targets = new Map<ServerKind, Node>();
let authTarget: Node;

beforeAll(async () => {
  for (const kind of SERVER_KINDS) {
    const s = await startServer(kind);
    sources.set(kind, { srv: s, r: client(s.port) });
    const t = await startServer('redis');
    targets.set(kind, { srv: t, r: client(t.port) });
  }
  const a = await startServer('splitbrain', ['--requirepass', 'secret']);
  authTarget = { srv: a, r: client(a.port, { password: 'secret' }) };
});

afterAll(async () => {
  for (const n of [...sources.values(), ...targets.values(), authTarget]) {
    n.r.disconnect();
    await n.srv.stop();
  }
});

async function script(src: Node, dst: Node): Promise<unknown[]> {
  const p = String(dst.srv.port);
  const out: unknown[] = [];
  const run = async (...a: (string | number)[]) => out.push(await ex(src.r, ...a));
  await run('SET', 'k1', 'v1');
  await run('RPUSH', 'list', 'a', 'b', 'c');
  await run('HSET', 'h', 'f', 'v');
  await run('SET', 'ttl', 'x', 'PX', '100000');
  await run('MIGRATE', '127.0.0.1', p, 'k1', '0', '1000');
  await run('MIGRATE', '127.0.0.1', p, 'k1', '0', '1000');
  await run('MIGRATE', '127.0.0.1', p, '', '3', '1000', 'KEYS', 'list', 'ttl', 'missing');
  await run('MIGRATE', '127.0.0.1', p, '', '3', '1000', 'COPY', 'KEYS', 'h');
  await run('MIGRATE', '127.0.0.1', p, 'h', '3', '1000', 'COPY');
  await run('MIGRATE', '127.0.0.1', p, 'h', '3', '1000', 'COPY', 'REPLACE');
  await run('EXISTS', 'h', 'k1', 'list', 'ttl');
  // Argument errors, in Redis's order.
  await run('MIGRATE', '127.0.0.1', p, 'h', '0', '1000', 'KEYS', 'h');
  await run('MIGRATE', '127.0.0.1', p, 'h', '0', 'abc');
  await run('MIGRATE', '127.0.0.1', p, 'h', 'x', '1000');
  await run('MIGRATE', '127.0.0.1', p, 'h', '0', '1000', 'BOGUS');
  await run('MIGRATE', '127.0.0.1', p, 'h', '0', '1000', 'AUTH');
  await run('MIGRATE', '127.0.0.1', p, 'h', '0', '1000', 'AUTH2', 'u');
  await run('MIGRATE', '127.0.0.1', p, 'h');
  // The target refuses: AUTH without a password configured.
  await run('MIGRATE', '127.0.0.1', p, 'h', '0', '1000', 'AUTH', 'nope');
  await run('MIGRATE', '127.0.0.1', p, 'h', '99', '1000');
  // Data on the target.
  out.push(await ex(dst.r, 'GET', 'k1'), await ex(dst.r, 'SELECT', '3'));
  out.push(await ex(dst.r, 'LRANGE', 'list', '0', '-1'), await ex(dst.r, 'HGETALL', 'h'));
  const pttl = Number(await ex(dst.r, 'PTTL', 'ttl'));
  out.push(pttl > 90_000 && pttl <= 100_000);
  await ex(dst.r, 'SELECT', '0');
  return out;
}

describe('MIGRATE, ours vs redis-server as the source', () => {
  it('replies and transfers the same', async () => {
    const got: Record<string, unknown[]> = {};
    for (const kind of SERVER_KINDS) got[kind] = await script(sources.get(kind)!, targets.get(kind)!);
    expect(got['splitbrain']).toEqual(got['redis']);
    expect(got['redis']).toContain('OK');
  });

  it('authenticates with AUTH and AUTH2, and propagates a DEL to its replica', async () => {
    const src = sources.get('splitbrain')!;
    const replica = await startServer('splitbrain', ['--replicaof', '127.0.0.1', String(src.srv.port)]);
    const rr = client(replica.port);
    try {
      await src.r.set('a1', '1');
      await src.r.set('a2', '2');
      const p = String(authTarget.srv.port);
      expect(await ex(src.r, 'MIGRATE', '127.0.0.1', p, 'a1', '0', '1000', 'AUTH', 'secret')).toBe('OK');
      expect(await ex(src.r, 'MIGRATE', '127.0.0.1', p, 'a2', '0', '1000', 'AUTH2', 'default', 'secret')).toBe('OK');
      expect(await authTarget.r.mget('a1', 'a2')).toEqual(['1', '2']);
      // The replica saw the keys go (MIGRATE is propagated as DEL of the moved keys).
      for (let i = 0; i < 100 && Number(await rr.exists('a1', 'a2')) !== 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await rr.exists('a1', 'a2')).toBe(0);
    } finally {
      rr.disconnect();
      await replica.stop();
    }
  });

  it('a target that does not answer: IOERR after the timeout, the key stays', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const src = sources.get('splitbrain')!;
    await src.r.set('stay', 'here');
    try {
      expect(await ex(src.r, 'MIGRATE', '127.0.0.1', String(port), 'stay', '0', '200')).toBe('ERR:IOERR error or timeout reading to target instance');
      expect(await ex(src.r, 'MIGRATE', '127.0.0.1', '1', 'stay', '0', '200')).toBe('ERR:IOERR error or timeout connecting to the client');
      expect(await src.r.get('stay')).toBe('here');
    } finally {
      silent.close();
    }
  });
});
