import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { errorOf, freshDb, useServer } from '../support/differential.js';
import { client } from '../support/redis.js';
import { type RunningServer, SERVER_KINDS, startServer } from '../support/servers.js';

describe.each(SERVER_KINDS)('expiry on %s', (kind) => {
  const t = useServer(kind);
  const fresh = freshDb(t);

  it('TTL / PTTL / EXPIRETIME / PEXPIRETIME: -2 missing, -1 persistent', async () => {
    expect(await t.r.ttl('nokey')).toBe(-2);
    expect(await t.r.pttl('nokey')).toBe(-2);
    expect(await t.r.call('expiretime', 'nokey')).toBe(-2);
    expect(await t.r.call('pexpiretime', 'nokey')).toBe(-2);
    await t.r.set('k', 'v');
    expect(await t.r.ttl('k')).toBe(-1);
    expect(await t.r.pttl('k')).toBe(-1);
    expect(await t.r.call('expiretime', 'k')).toBe(-1);
    expect(await t.r.call('pexpiretime', 'k')).toBe(-1);
    expect(await t.r.expire('k', 100)).toBe(1);
    expect(await t.r.ttl('k')).toBe(100);
    const p = await t.r.pttl('k');
    expect(p).toBeGreaterThan(95000);
    expect(p).toBeLessThanOrEqual(100000);
    const now = Math.floor(Date.now() / 1000);
    const et = (await t.r.call('expiretime', 'k')) as number;
    expect(et).toBeGreaterThanOrEqual(now + 98);
    expect(et).toBeLessThanOrEqual(now + 101);
    expect(await t.r.pexpireat('k', 4000000000000)).toBe(1);
    expect(await t.r.call('pexpiretime', 'k')).toBe(4000000000000);
    expect(await t.r.call('expiretime', 'k')).toBe(4000000000);
    expect(await t.r.expireat('k', 4000000001)).toBe(1);
    expect(await t.r.call('pexpiretime', 'k')).toBe(4000000001000);
    expect(await t.r.expire('nokey', 100)).toBe(0);
  });

  it('EXPIRE NX / XX / GT / LT', async () => {
    await t.r.set('k', 'v');
    expect(await t.r.call('expire', 'k', '100', 'XX')).toBe(0);
    expect(await t.r.call('expire', 'k', '100', 'GT')).toBe(0); // no TTL counts as infinite
    expect(await t.r.ttl('k')).toBe(-1);
    expect(await t.r.call('expire', 'k', '100', 'LT')).toBe(1);
    expect(await t.r.call('expire', 'k', '200', 'NX')).toBe(0);
    expect(await t.r.call('expire', 'k', '200', 'XX')).toBe(1);
    expect(await t.r.ttl('k')).toBe(200);
    expect(await t.r.call('expire', 'k', '100', 'GT')).toBe(0);
    expect(await t.r.call('expire', 'k', '300', 'GT')).toBe(1);
    expect(await t.r.call('expire', 'k', '400', 'LT')).toBe(0);
    expect(await t.r.call('pexpire', 'k', '50000', 'lt', 'xx')).toBe(1);
    expect(await t.r.ttl('k')).toBe(50);
    await t.r.persist('k');
    expect(await t.r.call('expire', 'k', '100', 'NX')).toBe(1);
    expect(await errorOf(t.r.call('expire', 'k', '100', 'NX', 'XX'))).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
    expect(await errorOf(t.r.call('expire', 'k', '100', 'NX', 'GT'))).toBe('ERR NX and XX, GT or LT options at the same time are not compatible');
    expect(await errorOf(t.r.call('expire', 'k', '100', 'GT', 'LT'))).toBe('ERR GT and LT options at the same time are not compatible');
    expect(await errorOf(t.r.call('expire', 'k', '100', 'FOO'))).toBe('ERR Unsupported option FOO');
    expect(await errorOf(t.r.call('expire', 'k', 'abc'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.call('expire', 'k', '9223372036854775807'))).toBe("ERR invalid expire time in 'expire' command");
    expect(await errorOf(t.r.call('pexpire', 'k', '9223372036854775807'))).toBe("ERR invalid expire time in 'pexpire' command");
    expect(await errorOf(t.r.call('expireat', 'k', '-9223372036854775807'))).toBe("ERR invalid expire time in 'expireat' command");
    expect(await errorOf(t.r.call('expire', 'k'))).toBe("ERR wrong number of arguments for 'expire' command");
  });

  it('a time in the past deletes the key at once', async () => {
    await t.r.set('a', 'v');
    expect(await t.r.expire('a', -1)).toBe(1);
    expect(await t.r.exists('a')).toBe(0);
    await t.r.set('b', 'v');
    expect(await t.r.pexpireat('b', 1)).toBe(1);
    expect(await t.r.exists('b')).toBe(0);
    await t.r.set('c', 'v');
    expect(await t.r.expireat('c', 0)).toBe(1);
    expect(await t.r.exists('c')).toBe(0);
    await t.r.rpush('l', 'x');
    expect(await t.r.pexpire('l', 0)).toBe(1);
    expect(await t.r.exists('l')).toBe(0);
  });

  it('PERSIST, SET KEEPTTL, overwrites', async () => {
    expect(await t.r.persist('nokey')).toBe(0);
    await t.r.set('k', 'v');
    expect(await t.r.persist('k')).toBe(0);
    await t.r.expire('k', 100);
    expect(await t.r.persist('k')).toBe(1);
    expect(await t.r.ttl('k')).toBe(-1);
    await t.r.set('k', 'v', 'EX', 100);
    await t.r.call('set', 'k', 'w', 'KEEPTTL');
    expect(await t.r.ttl('k')).toBe(100);
    await t.r.set('k', 'x');
    expect(await t.r.ttl('k')).toBe(-1);
    // Modifying a value in place keeps its TTL.
    await t.r.rpush('l', 'a');
    await t.r.expire('l', 100);
    await t.r.rpush('l', 'b');
    expect(await t.r.ttl('l')).toBe(100);
    await t.r.set('s', 'a', 'EX', 100);
    await t.r.append('s', 'b');
    await t.r.setrange('s', 0, 'z');
    expect(await t.r.ttl('s')).toBe(100);
  });

  it('millisecond precision: PX 100 is gone after ~300 ms', async () => {
    await t.r.set('k', 'v', 'PX', 100);
    expect(await t.r.get('k')).toBe('v');
    await sleep(300);
    expect(await t.r.get('k')).toBeNull();
    expect(await t.r.ttl('k')).toBe(-2);
    await t.r.set('j', 'v');
    await t.r.pexpire('j', 100);
    await sleep(300);
    expect(await t.r.exists('j')).toBe(0);
    await t.r.set('g', 'v');
    expect(await t.r.call('getex', 'g', 'PX', '100')).toBe('v');
    await sleep(300);
    expect(await t.r.get('g')).toBeNull();
  });

  it('active expiry removes keys nobody touches', async () => {
    // One transaction: on a loaded machine, keys set one by one could expire before the count.
    const tx = t.r.multi();
    for (let i = 0; i < 200; i++) tx.set('vol' + i, 'v', 'PX', 100);
    tx.set('keep', 'v');
    tx.dbsize();
    const res = (await tx.exec())!;
    expect(res[res.length - 1]).toEqual([null, 201]);
    // Never access the volatile keys again: only the active cycle can remove them.
    let size = 201;
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      await sleep(200);
      size = await t.r.dbsize();
      if (size === 1) break;
    }
    expect(size).toBe(1);
    const info = await t.r.info('keyspace');
    expect(info).toContain(`db${fresh.db}:keys=1,expires=0`);
  });

  it('expired keys are invisible to KEYS, EXISTS, TYPE, RANDOMKEY', async () => {
    await t.r.set('e', 'v', 'PX', 50);
    await sleep(150);
    expect(await t.r.keys('*')).toEqual([]);
    expect(await t.r.exists('e')).toBe(0);
    expect(await t.r.type('e')).toBe('none');
    expect(await t.r.randomkey()).toBeNull();
  });
});

/**
 * Overflow and negative times through the whole EXPIRE / SET EX / GETEX family, against
 * redis-server in the same run: same reply, same key state after (gone / persistent / volatile).
 */
describe('expire time overflow against redis-server', () => {
  const servers: RunningServer[] = [];
  const clients: Redis[] = [];

  beforeAll(async () => {
    for (const kind of SERVER_KINDS) {
      const srv = await startServer(kind, []);
      servers.push(srv);
      clients.push(client(srv.port));
    }
  });
  afterAll(async () => {
    for (const r of clients) r.disconnect();
    for (const s of servers) await s.stop();
  });

  const TIMES = [
    '-9223372036854775809',
    '-9223372036854775808',
    '-9223372036854776',
    '-9223372036854775',
    '-1',
    '0',
    '100000',
    '9223372036854775',
    '9223372036854776',
    '9223372035854775807',
    '9223372036854775807',
    '9223372036854775808',
    '1.5',
    'abc',
  ];
  const FORMS: ((t: string) => string[])[] = [
    (t) => ['EXPIRE', 'k', t],
    (t) => ['PEXPIRE', 'k', t],
    (t) => ['EXPIREAT', 'k', t],
    (t) => ['PEXPIREAT', 'k', t],
    (t) => ['EXPIRE', 'k', t, 'NX'],
    (t) => ['SET', 'k', 'v', 'EX', t],
    (t) => ['SET', 'k', 'v', 'PX', t],
    (t) => ['SET', 'k', 'v', 'EXAT', t],
    (t) => ['SET', 'k', 'v', 'PXAT', t],
    (t) => ['SET', 'k', 'v', 'PX', t, 'GET'],
    (t) => ['GETEX', 'k', 'EX', t],
    (t) => ['GETEX', 'k', 'PX', t],
    (t) => ['GETEX', 'k', 'EXAT', t],
    (t) => ['GETEX', 'k', 'PXAT', t],
    (t) => ['SETEX', 'k', t, 'v'],
    (t) => ['PSETEX', 'k', t, 'v'],
  ];

  /** The reply, then whether the key is gone (-2), persistent (-1) or volatile (1). (No 1 ms times: racy.) */
  async function run(r: Redis, cmd: string[]): Promise<string> {
    await r.set('k', 'v');
    let reply: string;
    try {
      reply = JSON.stringify(await r.call(cmd[0]!, ...cmd.slice(1)));
    } catch (e) {
      reply = `ERR ${(e as Error).message}`;
    }
    const ttl = (await r.pttl('k')) as number;
    return `${reply} ttl:${ttl < 0 ? ttl : 1}`;
  }

  it('every command and time gets the same answer', async () => {
    const diffs: string[] = [];
    for (const form of FORMS) {
      for (const time of TIMES) {
        const cmd = form(time);
        const [a, b] = [await run(clients[0]!, cmd), await run(clients[1]!, cmd)];
        if (a !== b) diffs.push(`${cmd.join(' ')}: ${a} vs ${b}`);
      }
    }
    expect(diffs).toEqual([]);
    expect(await errorOf(clients[0]!.call('EXPIRE', 'k', '-9223372036854776'))).toBe("ERR invalid expire time in 'expire' command");
  });
});
