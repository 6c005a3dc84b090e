import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import type { Redis } from 'ioredis';
import { SERVER_KINDS, startServer, type RunningServer } from '../support/servers.js';
import { client } from '../support/redis.js';

async function err(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(SERVER_KINDS)('expiry on %s', (kind) => {
  let srv: RunningServer;
  let r: Redis;
  let db = 0;
  beforeAll(async () => {
    srv = await startServer(kind);
    r = client(srv.port);
  });
  afterAll(async () => {
    r.disconnect();
    await srv.stop();
  });
  beforeEach(async () => {
    db = (db % 15) + 1;
    await r.select(db);
    const keys = (await r.call('keys', '*')) as string[];
    if (keys.length) await r.call('del', ...keys);
  });

  it('TTL / PTTL / EXPIRETIME / PEXPIRETIME: -2 missing, -1 persistent', async () => {
    expect(await r.ttl('nokey')).toBe(-2);
    expect(await r.pttl('nokey')).toBe(-2);
    expect(await r.call('expiretime', 'nokey')).toBe(-2);
    expect(await r.call('pexpiretime', 'nokey')).toBe(-2);
    await r.set('k', 'v');
    expect(await r.ttl('k')).toBe(-1);
    expect(await r.pttl('k')).toBe(-1);
    expect(await r.call('expiretime', 'k')).toBe(-1);
    expect(await r.call('pexpiretime', 'k')).toBe(-1);
    expect(await r.expire('k', 100)).toBe(1);
    expect(await r.ttl('k')).toBe(100);
    const p = await r.pttl('k');
    expect(p).toBeGreaterThan(95000);
    expect(p).toBeLessThanOrEqual(100000);
    const now = Math.floor(Date.now() / 1000);
    const et = (await r.call('expiretime', 'k')) as number;
    expect(et).toBeGreaterThanOrEqual(now + 98);
    expect(et).toBeLessThanOrEqual(now + 101);
    expect(await r.pexpireat('k', 4000000000000)).toBe(1);
    expect(await r.call('pexpiretime', 'k')).toBe(4000000000000);
    expect(await r.call('expiretime', 'k')).toBe(4000000000);
    expect(await r.expireat('k', 4000000001)).toBe(1);
    expect(await r.call('pexpiretime', 'k')).toBe(4000000001000);
    expect(await r.expire('nokey', 100)).toBe(0);
  });

  it('EXPIRE NX / XX / GT / LT', async () => {
    await r.set('k', 'v');
    expect(await r.call('expire', 'k', '100', 'XX')).toBe(0);
    expect(await r.call('expire', 'k', '100', 'GT')).toBe(0); // no TTL counts as infinite
    expect(await r.ttl('k')).toBe(-1);
    expect(await r.call('expire', 'k', '100', 'LT')).toBe(1);
    expect(await r.call('expire', 'k', '200', 'NX')).toBe(0);
    expect(await r.call('expire', 'k', '200', 'XX')).toBe(1);
    expect(await r.ttl('k')).toBe(200);
    expect(await r.call('expire', 'k', '100', 'GT')).toBe(0);
    expect(await r.call('expire', 'k', '300', 'GT')).toBe(1);
    expect(await r.call('expire', 'k', '400', 'LT')).toBe(0);
    expect(await r.call('pexpire', 'k', '50000', 'lt', 'xx')).toBe(1);
    expect(await r.ttl('k')).toBe(50);
    await r.persist('k');
    expect(await r.call('expire', 'k', '100', 'NX')).toBe(1);
    expect(await err(r.call('expire', 'k', '100', 'NX', 'XX'))).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
    expect(await err(r.call('expire', 'k', '100', 'NX', 'GT'))).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
    expect(await err(r.call('expire', 'k', '100', 'GT', 'LT'))).toBe('ERR GT and LT options at the same time are not compatible');
    expect(await err(r.call('expire', 'k', '100', 'FOO'))).toBe('ERR Unsupported option FOO');
    expect(await err(r.call('expire', 'k', 'abc'))).toBe('ERR value is not an integer or out of range');
    expect(await err(r.call('expire', 'k', '9223372036854775807'))).toBe("ERR invalid expire time in 'expire' command");
    expect(await err(r.call('pexpire', 'k', '9223372036854775807'))).toBe("ERR invalid expire time in 'pexpire' command");
    expect(await err(r.call('expireat', 'k', '-9223372036854775807'))).toBe("ERR invalid expire time in 'expireat' command");
    expect(await err(r.call('expire', 'k'))).toBe("ERR wrong number of arguments for 'expire' command");
  });

  it('a time in the past deletes the key at once', async () => {
    await r.set('a', 'v');
    expect(await r.expire('a', -1)).toBe(1);
    expect(await r.exists('a')).toBe(0);
    await r.set('b', 'v');
    expect(await r.pexpireat('b', 1)).toBe(1);
    expect(await r.exists('b')).toBe(0);
    await r.set('c', 'v');
    expect(await r.expireat('c', 0)).toBe(1);
    expect(await r.exists('c')).toBe(0);
    await r.rpush('l', 'x');
    expect(await r.pexpire('l', 0)).toBe(1);
    expect(await r.exists('l')).toBe(0);
  });

  it('PERSIST, SET KEEPTTL, overwrites', async () => {
    expect(await r.persist('nokey')).toBe(0);
    await r.set('k', 'v');
    expect(await r.persist('k')).toBe(0);
    await r.expire('k', 100);
    expect(await r.persist('k')).toBe(1);
    expect(await r.ttl('k')).toBe(-1);
    await r.set('k', 'v', 'EX', 100);
    await r.call('set', 'k', 'w', 'KEEPTTL');
    expect(await r.ttl('k')).toBe(100);
    await r.set('k', 'x');
    expect(await r.ttl('k')).toBe(-1);
    // Modifying a value in place keeps its TTL.
    await r.rpush('l', 'a');
    await r.expire('l', 100);
    await r.rpush('l', 'b');
    expect(await r.ttl('l')).toBe(100);
    await r.set('s', 'a', 'EX', 100);
    await r.append('s', 'b');
    await r.setrange('s', 0, 'z');
    expect(await r.ttl('s')).toBe(100);
  });

  it('millisecond precision: PX 100 is gone after ~300 ms', async () => {
    await r.set('k', 'v', 'PX', 100);
    expect(await r.get('k')).toBe('v');
    await sleep(300);
    expect(await r.get('k')).toBeNull();
    expect(await r.ttl('k')).toBe(-2);
    await r.set('j', 'v');
    await r.pexpire('j', 100);
    await sleep(300);
    expect(await r.exists('j')).toBe(0);
    await r.set('g', 'v');
    expect(await r.call('getex', 'g', 'PX', '100')).toBe('v');
    await sleep(300);
    expect(await r.get('g')).toBeNull();
  });

  it('active expiry removes keys nobody touches', async () => {
    const args: string[] = [];
    for (let i = 0; i < 200; i++) args.push('vol' + i);
    for (const k of args) await r.set(k, 'v', 'PX', 100);
    await r.set('keep', 'v');
    expect(await r.dbsize()).toBe(201);
    // Never access the volatile keys again: only the active cycle can remove them.
    let size = 201;
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      await sleep(200);
      size = await r.dbsize();
      if (size === 1) break;
    }
    expect(size).toBe(1);
    const info = await r.info('keyspace');
    expect(info).toContain(`db${db}:keys=1,expires=0`);
  });

  it('expired keys are invisible to KEYS, EXISTS, TYPE, RANDOMKEY', async () => {
    await r.set('e', 'v', 'PX', 50);
    await sleep(150);
    expect(await r.keys('*')).toEqual([]);
    expect(await r.exists('e')).toBe(0);
    expect(await r.type('e')).toBe('none');
    expect(await r.randomkey()).toBeNull();
  });
});
