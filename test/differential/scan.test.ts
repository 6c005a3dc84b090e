import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { errorOf, freshDb, useServer } from '../support/differential.js';
import { client } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

describe.each(SERVER_KINDS)('SCAN family on %s', (kind) => {
  const t = useServer(kind);
  const fresh = freshDb(t);

  /** A full SCAN with the given options: every key seen, and the number of calls. */
  async function fullScan(c: Redis, ...opts: string[]): Promise<{ keys: Set<string>; calls: number }> {
    const keys = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, batch] = (await c.call('scan', cursor, ...opts)) as [string, string[]];
      for (const k of batch) keys.add(k);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    return { keys, calls };
  }

  it('returns every key, with MATCH, COUNT and TYPE', async () => {
    const args: string[] = [];
    for (let i = 0; i < 500; i++) args.push('key:' + i, String(i));
    await t.r.mset(...args);
    await t.r.rpush('list:1', 'a');
    await t.r.sadd('set:1', 'a');
    await t.r.hset('hash:1', 'f', 'v');
    await t.r.zadd('zset:1', 1, 'a');
    const all = await fullScan(t.r);
    expect(all.keys.size).toBe(504);
    expect(all.calls).toBeGreaterThan(1); // iterates in steps
    const m = await fullScan(t.r, 'MATCH', 'key:1*', 'COUNT', '50');
    expect([...m.keys].sort()).toEqual(args.filter((_, i) => i % 2 === 0 && args[i]!.startsWith('key:1')).sort());
    expect([...(await fullScan(t.r, 'TYPE', 'list')).keys]).toEqual(['list:1']);
    expect([...(await fullScan(t.r, 'TYPE', 'HASH')).keys]).toEqual(['hash:1']);
    expect([...(await fullScan(t.r, 'TYPE', 'zset', 'MATCH', 'z*')).keys]).toEqual(['zset:1']);
    expect((await fullScan(t.r, 'TYPE', 'string')).keys.size).toBe(500);
    expect((await fullScan(t.r, 'TYPE', 'nosuchtype')).keys.size).toBe(0);
    const big = await fullScan(t.r, 'COUNT', '10000');
    expect(big.keys.size).toBe(504);
    expect(big.calls).toBe(1);
  });

  it('errors use Redis texts', async () => {
    expect(await errorOf(t.r.call('scan', 'x'))).toBe('ERR invalid cursor');
    expect(await errorOf(t.r.call('scan', ' 1'))).toBe('ERR invalid cursor');
    expect(await errorOf(t.r.call('scan', '1 '))).toBe('ERR invalid cursor');
    expect(await errorOf(t.r.call('scan', '18446744073709551616'))).toBe('ERR invalid cursor');
    expect(await errorOf(t.r.call('scan', '0', 'COUNT', '0'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('scan', '0', 'COUNT', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.call('scan', '0', 'COUNT'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('scan', '0', 'MATCH'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('scan', '0', 'TYPE'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('scan', '0', 'FOO', 'bar'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('scan'))).toBe("ERR wrong number of arguments for 'scan' command");
    expect(await t.r.call('scan', '0')).toEqual(['0', []]);
  });

  it('expired keys are not returned', async () => {
    await t.r.set('live', 'v');
    await t.r.set('dead', 'v', 'PX', 50);
    await sleep(150);
    expect([...(await fullScan(t.r)).keys]).toEqual(['live']);
  });

  it('HSCAN / SSCAN / ZSCAN: small collections in one reply, pairs, errors', async () => {
    await t.r.hset('h', 'a', '1', 'b', '2');
    await t.r.sadd('s', '1', '2', '3');
    await t.r.zadd('z', 1.5, 'x', 2, 'y');
    await t.r.set('str', 'v');
    const [hc, hitems] = (await t.r.call('hscan', 'h', '0')) as [string, string[]];
    expect(hc).toBe('0');
    expect(hitems).toEqual(['a', '1', 'b', '2']);
    expect(await t.r.call('hscan', 'h', '0', 'MATCH', 'b')).toEqual(['0', ['b', '2']]);
    const [sc, sitems] = (await t.r.call('sscan', 's', '0')) as [string, string[]];
    expect(sc).toBe('0');
    expect(sitems.sort()).toEqual(['1', '2', '3']);
    expect(await t.r.call('zscan', 'z', '0')).toEqual(['0', ['x', '1.5', 'y', '2']]);
    expect(await t.r.call('zscan', 'z', '0', 'MATCH', 'y*')).toEqual(['0', ['y', '2']]);
    expect(await t.r.call('hscan', 'nokey', '0')).toEqual(['0', []]);
    expect(await t.r.call('hscan', 'nokey', '0', 'FOO')).toEqual(['0', []]); // missing key answers before option parsing
    expect(await errorOf(t.r.call('hscan', 'str', '0'))).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(await errorOf(t.r.call('sscan', 's', 'x'))).toBe('ERR invalid cursor');
    expect(await errorOf(t.r.call('zscan', 'z', '0', 'TYPE', 'string'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('sscan', 's', '0', 'COUNT', '0'))).toBe('ERR syntax error');
  });

  it('HSCAN / SSCAN / ZSCAN over big collections iterate every element', async () => {
    const fields: string[] = [];
    const members: string[] = [];
    const zargs: (string | number)[] = [];
    for (let i = 0; i < 1000; i++) {
      fields.push('f' + i, 'v' + i);
      members.push('m' + i);
      zargs.push(i, 'm' + i);
    }
    await t.r.hset('h', ...fields);
    await t.r.sadd('s', ...members);
    await t.r.zadd('z', ...zargs);
    for (const [cmd, key] of [
      ['hscan', 'h'],
      ['sscan', 's'],
      ['zscan', 'z'],
    ] as const) {
      const seen = new Map<string, string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, items] = (await t.r.call(cmd, key, cursor, 'COUNT', '50')) as [string, string[]];
        if (cmd === 'sscan') for (const m of items) seen.set(m, '');
        else for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
        cursor = next;
        calls++;
      } while (cursor !== '0');
      expect(seen.size).toBe(1000);
      expect(calls).toBeGreaterThan(1);
      if (cmd === 'hscan') expect(seen.get('f7')).toBe('v7');
      if (cmd === 'zscan') expect(seen.get('m7')).toBe('7');
    }
  });

  it('under concurrent writes, every key present throughout is returned', async () => {
    const stable: string[] = [];
    const args: string[] = [];
    for (let i = 0; i < 3000; i++) {
      stable.push('stable:' + i);
      args.push('stable:' + i, 'v');
    }
    await t.r.mset(...args);
    const w = client(t.srv.port);
    await w.select(fresh.db);
    let stop = false;
    let writes = 0;
    // Another client keeps adding and deleting churn keys (the dict grows, shrinks, rehashes).
    const writer = (async () => {
      let i = 0;
      while (!stop) {
        const p = w.pipeline();
        for (let j = 0; j < 200; j++) p.set('churn:' + (i + j), 'x');
        for (let j = 0; j < 150; j++) p.del('churn:' + (i - 2000 + j));
        await p.exec();
        i += 200;
        writes += 350;
        await sleep(1);
      }
    })();
    try {
      for (let round = 0; round < 3; round++) {
        const { keys, calls } = await fullScan(t.r, 'COUNT', '20');
        expect(calls).toBeGreaterThan(10);
        const missing = stable.filter((k) => !keys.has(k));
        expect(missing).toEqual([]);
      }
    } finally {
      stop = true;
      await writer;
      w.disconnect();
    }
    expect(writes).toBeGreaterThan(0);
  });
});
