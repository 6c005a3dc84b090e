import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/differential.js';
import { client } from '../support/redis.js';
import { type RunningServer, SERVER_KINDS, startServer } from '../support/servers.js';

/**
 * Glob matching everywhere a pattern is matched (KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH, PSUBSCRIBE,
 * PUBSUB CHANNELS, CONFIG GET, COMMAND LIST FILTERBY PATTERN) is bounded: the CVE-2022-36021
 * pattern answers at once instead of taking the event loop forever; and KEYS/SCAN agree with
 * redis-server on random patterns, Redis's quirks included.
 */
const EVIL = `${'a*'.repeat(20)}b`;
const LONG = 'a'.repeat(40);

describe.each(SERVER_KINDS)('bounded glob matching on %s', (kind) => {
  const t = useServer(kind);

  beforeAll(async () => {
    await t.r.select(9);
    await t.r.set(LONG, 'v');
    await t.r.hset('h', LONG, 'v');
    await t.r.sadd('s', LONG);
    await t.r.zadd('z', 1, LONG);
  });

  it('KEYS and the SCAN family answer an adversarial pattern, and the server stays responsive', async () => {
    expect(await t.r.keys(EVIL)).toEqual([]);
    expect(await t.r.scan('0', 'MATCH', EVIL, 'COUNT', 1000)).toEqual(['0', []]);
    expect(await t.r.hscan('h', '0', 'MATCH', EVIL)).toEqual(['0', []]);
    expect(await t.r.sscan('s', '0', 'MATCH', EVIL)).toEqual(['0', []]);
    expect(await t.r.zscan('z', '0', 'MATCH', EVIL)).toEqual(['0', []]);
    expect(await t.r.ping()).toBe('PONG');
  });

  it('PSUBSCRIBE, PUBSUB CHANNELS, CONFIG GET and COMMAND LIST answer adversarial patterns', async () => {
    const sub = client(t.srv.port);
    const chan = client(t.srv.port);
    try {
      await sub.psubscribe(EVIL);
      await chan.subscribe(LONG);
      expect(await t.r.publish(LONG, 'm')).toBe(1); // the SUBSCRIBE client only
      expect(await t.r.call('PUBSUB', 'CHANNELS', EVIL)).toEqual([]);
      expect(await t.r.config('GET', `${'*a'.repeat(30)}x`)).toEqual([]);
      expect(await t.r.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', `${'*e'.repeat(30)}x`)).toEqual([]);
      expect(await t.r.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'G?T')).toContain('get');
      expect(await t.r.ping()).toBe('PONG');
    } finally {
      sub.disconnect();
      chan.disconnect();
    }
  });
});

describe('KEYS and SCAN MATCH agree with redis-server on random patterns', () => {
  const servers: RunningServer[] = [];
  const clients: Redis[] = [];
  const KEYS = ['', 'a', 'b', 'A', 'ab', 'ba', 'aB', ']', '-', '^', '\\', '*', '?', '[', 'a]', 'a-b', 'x\xe0', 'x\xc0', 'hello', 'h*llo', LONG];

  beforeAll(async () => {
    for (const kind of SERVER_KINDS) {
      const srv = await startServer(kind, []);
      servers.push(srv);
      const r = client(srv.port);
      clients.push(r);
      await r.select(3);
      for (const k of KEYS) await r.set(Buffer.from(k, 'latin1'), 'v');
    }
  });
  afterAll(async () => {
    for (const r of clients) r.disconnect();
    for (const s of servers) await s.stop();
  });

  it('on 400 random patterns', async () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = 'abAB*?[]^-\\\xe0';
    const keysOf = async (r: Redis, p: string): Promise<string[]> =>
      ((await r.callBuffer('KEYS', Buffer.from(p, 'latin1'))) as Buffer[]).map((b) => b.toString('latin1')).sort();
    const scanOf = async (r: Redis, p: string): Promise<string[]> => {
      const [, found] = (await r.callBuffer('SCAN', '0', 'MATCH', Buffer.from(p, 'latin1'), 'COUNT', '1000')) as [Buffer, Buffer[]];
      return found.map((b) => b.toString('latin1')).sort();
    };
    const mismatches: string[] = [];
    for (let k = 0; k < 400; k++) {
      let p = '';
      const n = 1 + Math.floor(next() * 6);
      for (let i = 0; i < n; i++) p += alphabet[Math.floor(next() * alphabet.length)];
      const [ours, theirs] = [await keysOf(clients[0]!, p), await keysOf(clients[1]!, p)];
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`KEYS ${JSON.stringify(p)}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
      const [s1, s2] = [await scanOf(clients[0]!, p), await scanOf(clients[1]!, p)];
      if (JSON.stringify(s1) !== JSON.stringify(s2)) mismatches.push(`SCAN ${JSON.stringify(p)}: ${JSON.stringify(s1)} vs ${JSON.stringify(s2)}`);
    }
    expect(mismatches).toEqual([]);
  });
});
