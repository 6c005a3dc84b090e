import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/differential.js';
import { client } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

/** How applications use scripts and streams through ioredis, against both servers. */
describe.each(SERVER_KINDS)('client patterns on %s', (kind) => {
  const t = useServer(kind);
  const extra: Redis[] = [];
  afterAll(() => {
    for (const c of extra) c.disconnect();
  });

  it('ioredis defineCommand: EVALSHA first, EVAL on NOSCRIPT, pipelines, buffers', async () => {
    const r = client(t.srv.port);
    extra.push(r);
    r.defineCommand('incrCapped', {
      numberOfKeys: 1,
      lua: "local v = redis.call('incr', KEYS[1]) if v > tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end return v",
    });
    const cmd = r as Redis & { incrCapped(key: string, cap: number): Promise<number> };
    await r.call('script', 'flush');
    expect(await cmd.incrCapped('capped', 2)).toBe(1);
    expect(await cmd.incrCapped('capped', 2)).toBe(2);
    expect(await cmd.incrCapped('capped', 2)).toBe(2);
    const p = r.pipeline();
    for (let i = 0; i < 3; i++) (p as unknown as { incrCapped(k: string, c: number): void }).incrCapped('capped2', 10);
    expect((await p.exec())!.map(([, v]) => v)).toEqual([1, 2, 3]);
  });

  it('Redlock-style lock: SET NX PX, compare-and-delete release, compare-and-extend', async () => {
    const r = t.r;
    const release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    const extend = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    expect(await r.set('lock:res', 'token-a', 'PX', 10000, 'NX')).toBe('OK');
    expect(await r.set('lock:res', 'token-b', 'PX', 10000, 'NX')).toBe(null);
    expect(await r.eval(release, 1, 'lock:res', 'token-b')).toBe(0);
    expect(await r.eval(extend, 1, 'lock:res', 'token-a', 20000)).toBe(1);
    expect(await r.pttl('lock:res')).toBeGreaterThan(10000);
    expect(await r.eval(release, 1, 'lock:res', 'token-a')).toBe(1);
    expect(await r.exists('lock:res')).toBe(0);
    expect(await r.eval(release, 1, 'lock:res', 'token-a')).toBe(0);
  });

  it('BullMQ-style stream queue: consumer group, XREADGROUP BLOCK workers, XACK, XPENDING, XAUTOCLAIM of a dead worker', async () => {
    const r = t.r;
    await r.del('jobs');
    await r.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM');
    const w1 = client(t.srv.port);
    const w2 = client(t.srv.port);
    extra.push(w1, w2);
    // Both workers wait for jobs; the producer adds 4.
    const read1 = w1.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 2, 'BLOCK', 5000, 'STREAMS', 'jobs', '>');
    const read2 = w2.xreadgroup('GROUP', 'workers', 'w2', 'COUNT', 2, 'BLOCK', 5000, 'STREAMS', 'jobs', '>');
    await new Promise((res) => setTimeout(res, 100));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await r.xadd('jobs', '*', 'job', `j${i}`, 'attempt', '0'))!);
    const got = [(await read1) as [string, [string, string[]][]][], (await read2) as [string, [string, string[]][]][]];
    const delivered = got.flatMap((g) => g[0]![1].map(([id]) => id));
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    // w1 acks its jobs; w2 "dies" holding its own.
    const w1ids = got[0]![0]![1].map(([id]) => id);
    expect(await r.xack('jobs', 'workers', ...w1ids)).toBe(w1ids.length);
    const summary = (await r.xpending('jobs', 'workers')) as [number, string, string, [string, string][]];
    const remaining = ids.length - w1ids.length;
    // Jobs never delivered (a worker read only what had arrived) are picked up now.
    const rest = (await r.xreadgroup('GROUP', 'workers', 'w3', 'COUNT', 10, 'STREAMS', 'jobs', '>')) as [string, [string, string[]][]][] | null;
    const undelivered = rest ? rest[0]![1].length : 0;
    expect(summary[0] + undelivered).toBe(remaining);
    // A janitor claims everything idle (min-idle 0 here) for w3 and finishes it.
    const [next, claimed] = (await r.xautoclaim('jobs', 'workers', 'w3', 0, '0-0', 'COUNT', 10)) as [string, [string, string[]][]];
    expect(next).toBe('0-0');
    expect(claimed.length).toBe(remaining);
    expect(await r.xack('jobs', 'workers', ...claimed.map(([id]) => id))).toBe(remaining);
    expect(((await r.xpending('jobs', 'workers')) as unknown[])[0]).toBe(0);
    expect(await r.xlen('jobs')).toBe(4);
    expect(await r.xtrim('jobs', 'MAXLEN', 0)).toBe(4);
  });
});
