import { describe, expect, it } from 'vitest';
import { useServer } from '../support/differential.js';
import { client } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

const infoField = (info: string, name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)![1]);

describe.each(SERVER_KINDS)('maxmemory on %s', (kind) => {
  // No time limit per eviction round (tenacity 100), so the memory bound does not depend on how
  // busy the machine is: Redis and ours both stop evicting after ~0.5 ms per command otherwise.
  const t = useServer(kind, ['--maxmemory-eviction-tenacity', '100']);

  async function fill(n: number, prefix: string, valueSize = 100): Promise<void> {
    const v = 'x'.repeat(valueSize);
    for (let i = 0; i < n; i += 500) {
      const p = t.r.pipeline();
      for (let j = i; j < Math.min(n, i + 500); j++) p.set(`${prefix}:${j}`, v);
      await p.exec();
    }
  }

  it('allkeys-lru keeps the dataset bounded and counts evicted_keys; evicted events and LRU favour recent keys', async () => {
    await t.r.flushall();
    await t.r.config('SET', 'maxmemory-policy', 'allkeys-lru', 'maxmemory', '3mb');
    await fill(40000, 'lru');
    const info = (await t.r.info()) as string;
    const used = infoField(info, 'used_memory');
    expect(used).toBeLessThanOrEqual(3 * 1024 * 1024 + 200_000);
    const evicted = infoField(info, 'evicted_keys');
    expect(evicted).toBeGreaterThan(10000);
    const size = await t.r.dbsize();
    expect(size).toBeLessThan(40000);
    expect(size).toBeGreaterThan(1000);
    expect(size + evicted).toBeLessThanOrEqual(40000);
    expect(size + evicted).toBeGreaterThan(36000);
    expect(info).toContain('maxmemory_policy:allkeys-lru');
    expect(infoField(info, 'maxmemory')).toBe(3 * 1024 * 1024);
    // Keys read often survive keys never read again.
    await t.r.flushall();
    await fill(2000, 'hot');
    for (let round = 0; round < 5; round++) {
      await fill(2000, `cold${round}`);
      const p = t.r.pipeline();
      for (let j = 0; j < 2000; j++) p.get(`hot:${j}`);
      await p.exec();
    }
    const p = t.r.pipeline();
    for (let j = 0; j < 2000; j++) p.exists(`hot:${j}`);
    const hot = ((await p.exec()) ?? []).reduce((n, [, v]) => n + Number(v), 0);
    expect(hot).toBeGreaterThan(1500);
    await t.r.config('SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction');
  });

  it('volatile-ttl evicts only keys with a TTL, soonest first', async () => {
    await t.r.flushall();
    await t.r.config('SET', 'maxmemory', '0');
    for (let i = 0; i < 3000; i++) await t.r.set(`persist:${i}`, 'v'.repeat(100));
    const base = infoField((await t.r.info('memory')) as string, 'used_memory');
    await t.r.config('SET', 'maxmemory-policy', 'volatile-ttl', 'maxmemory', String(base + 300_000));
    const pl = t.r.pipeline();
    for (let i = 0; i < 6000; i++) pl.set(`vol:${i}`, 'v'.repeat(100), 'EX', 1000 + i);
    await pl.exec();
    // Keys without a TTL are never evicted; the soonest-expiring keys go first.
    const pe = t.r.pipeline();
    for (let i = 0; i < 3000; i++) pe.exists(`persist:${i}`);
    expect(((await pe.exec()) ?? []).reduce((n, [, v]) => n + Number(v), 0)).toBe(3000);
    expect(await t.r.exists('vol:0')).toBe(0);
    const size = await t.r.dbsize();
    expect(size).toBeGreaterThan(3000);
    expect(size).toBeLessThan(9000);
    const early = t.r.pipeline();
    const late = t.r.pipeline();
    for (let i = 0; i < 1000; i++) early.exists(`vol:${i}`);
    for (let i = 4000; i < 5000; i++) late.exists(`vol:${i}`);
    const ne = ((await early.exec()) ?? []).reduce((n, [, v]) => n + Number(v), 0);
    const nl = ((await late.exec()) ?? []).reduce((n, [, v]) => n + Number(v), 0);
    expect(nl).toBeGreaterThan(ne);
    await t.r.config('SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction');
  });

  it('noeviction refuses denyoom commands with the OOM error; reads and deletes still work', async () => {
    await t.r.flushall();
    await t.r.set('keep', 'v');
    await t.r.config('SET', 'maxmemory', '1', 'maxmemory-policy', 'noeviction');
    await expect(t.r.set('x', 'y')).rejects.toThrow("OOM command not allowed when used memory > 'maxmemory'.");
    await expect(t.r.lpush('l', 'a')).rejects.toThrow("OOM command not allowed when used memory > 'maxmemory'.");
    expect(await t.r.get('keep')).toBe('v');
    expect(await t.r.del('keep')).toBe(1);
    // Inside MULTI, anything but EXEC/DISCARD is refused, and EXEC aborts.
    const m = t.r.multi();
    m.get('keep');
    await expect(m.exec()).rejects.toThrow(/EXECABORT|OOM/);
    await t.r.config('SET', 'maxmemory', '0');
    expect(await t.r.set('x', 'y')).toBe('OK');
  });

  it('allkeys-random and allkeys-lfu also bound the dataset', async () => {
    for (const policy of ['allkeys-random', 'allkeys-lfu', 'volatile-lru']) {
      await t.r.flushall();
      await t.r.config('SET', 'maxmemory-policy', policy, 'maxmemory', '3mb');
      const pl = t.r.pipeline();
      for (let i = 0; i < 30000; i++) pl.set(`${policy}:${i}`, 'x'.repeat(100), 'EX', 10000);
      await pl.exec();
      const used = infoField((await t.r.info('memory')) as string, 'used_memory');
      expect(used).toBeLessThanOrEqual(3 * 1024 * 1024 + 200_000);
      expect(await t.r.dbsize()).toBeLessThan(30000);
    }
    await t.r.config('SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction');
  });

  it('evictions emit "evicted" keyspace events', async () => {
    await t.r.flushall();
    await t.r.config('RESETSTAT');
    await t.r.config('SET', 'notify-keyspace-events', 'Ee');
    const s = client(t.srv.port);
    let evicted = 0;
    s.on('message', () => evicted++);
    await s.subscribe('__keyevent@0__:evicted');
    await t.r.config('SET', 'maxmemory-policy', 'allkeys-random', 'maxmemory', '2mb');
    await fill(20000, 'ev');
    await new Promise((res) => setTimeout(res, 100));
    const count = infoField((await t.r.info('stats')) as string, 'evicted_keys');
    expect(evicted).toBeGreaterThan(0);
    expect(evicted).toBe(count);
    await t.r.config('SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction', 'notify-keyspace-events', '');
    s.disconnect();
  });

  it('MEMORY USAGE grows with the value', async () => {
    await t.r.set('mu:small', 'x');
    await t.r.set('mu:big', 'x'.repeat(10000));
    const small = (await t.r.call('MEMORY', 'USAGE', 'mu:small')) as number;
    const big = (await t.r.call('MEMORY', 'USAGE', 'mu:big')) as number;
    expect(big).toBeGreaterThan(10000);
    expect(small).toBeLessThan(200);
    expect(await t.r.call('MEMORY', 'USAGE', 'mu:none')).toBeNull();
    await expect(t.r.call('MEMORY', 'USAGE', 'mu:big', 'SAMPLES')).rejects.toThrow('ERR syntax error');
  });
});
