import { describe, expect, it } from 'vitest';
import { ex, useServer } from '../support/differential.js';
import { rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

describe.each(SERVER_KINDS)('hash commands on %s', (kind) => {
  const t = useServer(kind);

  it('HSET, HMSET, HSETNX, HGET, HMGET, HLEN, HEXISTS, HSTRLEN', async () => {
    expect(await ex(t.r, 'hset', 'h1', 'a', '1', 'b', '2')).toBe(2);
    expect(await ex(t.r, 'hset', 'h1', 'a', '10', 'c', '3')).toBe(1);
    expect(await ex(t.r, 'hset', 'h1', 'a')).toBe("ERR:ERR wrong number of arguments for 'hset' command");
    expect(await ex(t.r, 'hmset', 'h1', 'd', '4', 'e')).toBe("ERR:ERR wrong number of arguments for 'hmset' command");
    expect(await ex(t.r, 'hmset', 'h1', 'd', '4')).toBe('OK');
    expect(await ex(t.r, 'hsetnx', 'h1', 'a', 'x')).toBe(0);
    expect(await ex(t.r, 'hsetnx', 'h1', 'z', 'x')).toBe(1);
    expect(await ex(t.r, 'hget', 'h1', 'a')).toBe('10');
    expect(await ex(t.r, 'hget', 'h1', 'nope')).toBe(null);
    expect(await ex(t.r, 'hget', 'nokey', 'a')).toBe(null);
    expect(await ex(t.r, 'hmget', 'h1', 'a', 'nope', 'c')).toEqual(['10', null, '3']);
    expect(await ex(t.r, 'hmget', 'nokey', 'a', 'b')).toEqual([null, null]);
    expect(await ex(t.r, 'hlen', 'h1')).toBe(5);
    expect(await ex(t.r, 'hlen', 'nokey')).toBe(0);
    expect(await ex(t.r, 'hexists', 'h1', 'a')).toBe(1);
    expect(await ex(t.r, 'hexists', 'h1', 'q')).toBe(0);
    expect(await ex(t.r, 'hstrlen', 'h1', 'a')).toBe(2);
    expect(await ex(t.r, 'hstrlen', 'h1', 'q')).toBe(0);
    expect(await ex(t.r, 'hstrlen', 'nokey', 'q')).toBe(0);
    expect(await ex(t.r, 'hsetnx', 'h1', 'a')).toBe("ERR:ERR wrong number of arguments for 'hsetnx' command");
  });

  it('HKEYS, HVALS, HGETALL keep insertion order for small hashes', async () => {
    await ex(t.r, 'hset', 'h2', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3');
    expect(await ex(t.r, 'hkeys', 'h2')).toEqual(['f1', 'f2', 'f3']);
    expect(await ex(t.r, 'hvals', 'h2')).toEqual(['v1', 'v2', 'v3']);
    // ioredis turns HGETALL into an object; key order shows the reply order.
    const all = (await ex(t.r, 'hgetall', 'h2')) as Record<string, string>;
    expect(Object.entries(all)).toEqual([
      ['f1', 'v1'],
      ['f2', 'v2'],
      ['f3', 'v3'],
    ]);
    expect(await ex(t.r, 'hkeys', 'nokey')).toEqual([]);
    expect(await ex(t.r, 'hvals', 'nokey')).toEqual([]);
    expect(await ex(t.r, 'hgetall', 'nokey')).toEqual({});
  });

  it('HDEL deletes the key when the hash becomes empty', async () => {
    await ex(t.r, 'hset', 'h3', 'a', '1', 'b', '2');
    expect(await ex(t.r, 'hdel', 'h3', 'a', 'zz', 'a')).toBe(1);
    expect(await ex(t.r, 'hdel', 'nokey', 'a')).toBe(0);
    expect(await ex(t.r, 'hdel', 'h3', 'b')).toBe(1);
    expect(await ex(t.r, 'exists', 'h3')).toBe(0);
  });

  it('HINCRBY and its errors', async () => {
    expect(await ex(t.r, 'hincrby', 'h4', 'n', '5')).toBe(5);
    expect(await ex(t.r, 'hincrby', 'h4', 'n', '-7')).toBe(-2);
    expect(await ex(t.r, 'hincrby', 'h4', 'n', 'x')).toBe('ERR:ERR value is not an integer or out of range');
    expect(await ex(t.r, 'hincrby', 'h4', 'n', '1.5')).toBe('ERR:ERR value is not an integer or out of range');
    await ex(t.r, 'hset', 'h4', 's', 'abc', 'big', '9223372036854775800');
    expect(await ex(t.r, 'hincrby', 'h4', 's', '1')).toBe('ERR:ERR hash value is not an integer');
    await ex(t.r, 'hincrby', 'h4', 'big', '7');
    expect(await ex(t.r, 'hget', 'h4', 'big')).toBe('9223372036854775807');
    expect(await ex(t.r, 'hincrby', 'h4', 'big', '1')).toBe('ERR:ERR increment or decrement would overflow');
    await ex(t.r, 'hset', 'h4', 'neg', '-9223372036854775808');
    expect(await ex(t.r, 'hincrby', 'h4', 'neg', '-1')).toBe('ERR:ERR increment or decrement would overflow');
  });

  it('HINCRBYFLOAT and its errors', async () => {
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'f', '10.5')).toBe('10.5');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'f', '0.1')).toBe('10.6');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'f', '-5')).toBe('5.6');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'g', '2.5')).toBe('2.5');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'g', '5.0e3')).toBe('5002.5');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'g', '-5002.5')).toBe('0');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'i', '3')).toBe('3');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'f', 'abc')).toBe('ERR:ERR value is not a valid float');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 'f', 'inf')).toBe('ERR:ERR value is NaN or Infinity');
    await ex(t.r, 'hset', 'h5', 's', 'x1');
    expect(await ex(t.r, 'hincrbyfloat', 'h5', 's', '1')).toBe('ERR:ERR hash value is not a float');
  });

  it('HRANDFIELD: single, positive and negative counts, WITHVALUES', async () => {
    expect(await ex(t.r, 'hrandfield', 'nokey')).toBe(null);
    expect(await ex(t.r, 'hrandfield', 'nokey', '3')).toEqual([]);
    await ex(t.r, 'hset', 'h6', 'a', '1', 'b', '2', 'c', '3');
    expect(['a', 'b', 'c']).toContain(await ex(t.r, 'hrandfield', 'h6'));
    expect(await ex(t.r, 'hrandfield', 'h6', '0')).toEqual([]);
    const all = (await ex(t.r, 'hrandfield', 'h6', '10')) as string[];
    expect([...all].sort()).toEqual(['a', 'b', 'c']);
    const two = (await ex(t.r, 'hrandfield', 'h6', '2')) as string[];
    expect(two.length).toBe(2);
    expect(new Set(two).size).toBe(2);
    const rep = (await ex(t.r, 'hrandfield', 'h6', '-7')) as string[];
    expect(rep.length).toBe(7);
    for (const f of rep) expect(['a', 'b', 'c']).toContain(f);
    const wv = (await ex(t.r, 'hrandfield', 'h6', '-4', 'withvalues')) as string[];
    expect(wv.length).toBe(8);
    for (let i = 0; i < 8; i += 2) expect(wv[i + 1]).toBe({ a: '1', b: '2', c: '3' }[wv[i]!]);
    const wv2 = (await ex(t.r, 'hrandfield', 'h6', '5', 'WITHVALUES')) as string[];
    expect(wv2.length).toBe(6);
    expect(await ex(t.r, 'hrandfield', 'h6', '1', 'foo')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'hrandfield', 'h6', '1', 'withvalues', 'x')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'hrandfield', 'h6', 'x')).toBe('ERR:ERR value is not an integer or out of range');
    expect(await ex(t.r, 'hrandfield', 'h6', '-9223372036854775807', 'withvalues')).toBe('ERR:ERR value is out of range');
  });

  it('HSCAN returns a small hash whole; MATCH and COUNT', async () => {
    await ex(t.r, 'hset', 'h7', 'a1', 'x', 'b1', 'y', 'a2', 'z');
    expect(await ex(t.r, 'hscan', 'h7', '0')).toEqual(['0', ['a1', 'x', 'b1', 'y', 'a2', 'z']]);
    expect(await ex(t.r, 'hscan', 'h7', '0', 'match', 'a*')).toEqual(['0', ['a1', 'x', 'a2', 'z']]);
    expect(await ex(t.r, 'hscan', 'nokey', '0')).toEqual(['0', []]);
    expect(await ex(t.r, 'hscan', 'h7', 'abc')).toBe('ERR:ERR invalid cursor');
    // A big hash is iterated in steps; every field comes back.
    const args: string[] = [];
    for (let i = 0; i < 300; i++) args.push('f' + i, String(i));
    await ex(t.r, 'hset', 'h8', ...args);
    const seen = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, items] = (await ex(t.r, 'hscan', 'h8', cursor, 'count', '50')) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(300);
    expect(seen.get('f123')).toBe('123');
  });

  it('WRONGTYPE for every hash command against a list', async () => {
    await ex(t.r, 'rpush', 'alist', 'x');
    const wt = 'ERR:WRONGTYPE Operation against a key holding the wrong kind of value';
    for (const args of [
      ['hset', 'alist', 'a', 'b'],
      ['hsetnx', 'alist', 'a', 'b'],
      ['hmset', 'alist', 'a', 'b'],
      ['hget', 'alist', 'a'],
      ['hmget', 'alist', 'a'],
      ['hdel', 'alist', 'a'],
      ['hexists', 'alist', 'a'],
      ['hlen', 'alist'],
      ['hstrlen', 'alist', 'a'],
      ['hkeys', 'alist'],
      ['hvals', 'alist'],
      ['hgetall', 'alist'],
      ['hincrby', 'alist', 'a', '1'],
      ['hincrbyfloat', 'alist', 'a', '1'],
      ['hrandfield', 'alist'],
      ['hrandfield', 'alist', '2'],
      ['hscan', 'alist', '0'],
    ]) {
      expect(await ex(t.r, ...args)).toBe(wt);
    }
  });

  it('OBJECT ENCODING follows the listpack thresholds, sticky', async () => {
    await ex(t.r, 'config', 'set', 'hash-max-listpack-entries', '4');
    await ex(t.r, 'config', 'set', 'hash-max-listpack-value', '8');
    try {
      await ex(t.r, 'hset', 'h9', 'a', '1');
      expect(await ex(t.r, 'object', 'encoding', 'h9')).toBe('listpack');
      await ex(t.r, 'hset', 'h9', 'b', '1', 'c', '1', 'd', '1', 'e', '1');
      expect(await ex(t.r, 'object', 'encoding', 'h9')).toBe('hashtable');
      await ex(t.r, 'hdel', 'h9', 'b', 'c', 'd', 'e');
      expect(await ex(t.r, 'object', 'encoding', 'h9')).toBe('hashtable');
      await ex(t.r, 'hset', 'h10', 'a', '123456789');
      expect(await ex(t.r, 'object', 'encoding', 'h10')).toBe('hashtable');
      await ex(t.r, 'hincrbyfloat', 'h11', 'a', '1');
      expect(await ex(t.r, 'object', 'encoding', 'h11')).toBe('listpack');
      await ex(t.r, 'hincrbyfloat', 'h11', 'a', '0.123456789');
      expect(await ex(t.r, 'object', 'encoding', 'h11')).toBe('hashtable');
    } finally {
      await ex(t.r, 'config', 'set', 'hash-max-listpack-entries', '128');
      await ex(t.r, 'config', 'set', 'hash-max-listpack-value', '64');
    }
  });

  it('RESP3: HGETALL is a map, HRANDFIELD WITHVALUES nests pairs', async () => {
    await ex(t.r, 'hset', 'h12', 'a', '1');
    const a = await rawExchange(t.srv.port, 'HELLO 3\r\nHGETALL h12\r\nHRANDFIELD h12 -2 WITHVALUES\r\nHGETALL nokey\r\n', (s) => s.endsWith('%0\r\n'));
    expect(a.reply.endsWith('%1\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n%0\r\n')).toBe(true);
    const b = await rawExchange(t.srv.port, 'HRANDFIELD h12 -2 WITHVALUES\r\n', (s) => s.length >= 44);
    expect(b.reply).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n');
  });

  it('HINCRBYFLOAT is applied and readable by HGET', async () => {
    await ex(t.r, 'hincrbyfloat', 'h13', 'x', '2.5');
    await ex(t.r, 'hincrbyfloat', 'h13', 'x', '2.5');
    expect(await ex(t.r, 'hget', 'h13', 'x')).toBe('5');
  });
});
