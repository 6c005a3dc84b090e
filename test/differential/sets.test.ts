import { describe, expect, it } from 'vitest';
import { ex, useServer } from '../support/differential.js';
import { rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

const sorted = (x: unknown): string[] => [...(x as string[])].sort();
const WT = 'ERR:WRONGTYPE Operation against a key holding the wrong kind of value';

describe.each(SERVER_KINDS)('set commands on %s', (kind) => {
  const t = useServer(kind);

  it('SADD, SREM, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS', async () => {
    expect(await ex(t.r, 'sadd', 's1', 'a', 'b', 'a')).toBe(2);
    expect(await ex(t.r, 'sadd', 's1', 'b', 'c')).toBe(1);
    expect(await ex(t.r, 'scard', 's1')).toBe(3);
    expect(await ex(t.r, 'scard', 'nos')).toBe(0);
    expect(await ex(t.r, 'sismember', 's1', 'a')).toBe(1);
    expect(await ex(t.r, 'sismember', 's1', 'z')).toBe(0);
    expect(await ex(t.r, 'sismember', 'nos', 'z')).toBe(0);
    expect(await ex(t.r, 'smismember', 's1', 'a', 'z', 'c')).toEqual([1, 0, 1]);
    expect(await ex(t.r, 'smismember', 'nos', 'a', 'z')).toEqual([0, 0]);
    expect(sorted(await ex(t.r, 'smembers', 's1'))).toEqual(['a', 'b', 'c']);
    expect(await ex(t.r, 'smembers', 'nos')).toEqual([]);
    expect(await ex(t.r, 'srem', 's1', 'a', 'z')).toBe(1);
    expect(await ex(t.r, 'srem', 'nos', 'a')).toBe(0);
    expect(await ex(t.r, 'srem', 's1', 'b', 'c')).toBe(2);
    expect(await ex(t.r, 'exists', 's1')).toBe(0);
  });

  it('integer sets reply in ascending order (intset)', async () => {
    await ex(t.r, 'sadd', 'si', '10', '-3', '7', '0');
    expect(await ex(t.r, 'smembers', 'si')).toEqual(['-3', '0', '7', '10']);
    expect(await ex(t.r, 'sunion', 'si', 'nos')).toEqual(['-3', '0', '7', '10']);
    expect(await ex(t.r, 'object', 'encoding', 'si')).toBe('intset');
    await ex(t.r, 'sadd', 'si', 'x');
    expect(await ex(t.r, 'object', 'encoding', 'si')).toBe('hashtable');
    await ex(t.r, 'srem', 'si', 'x');
    expect(await ex(t.r, 'object', 'encoding', 'si')).toBe('hashtable');
  });

  it('SPOP with and without count', async () => {
    expect(await ex(t.r, 'spop', 'nos')).toBe(null);
    expect(await ex(t.r, 'spop', 'nos', '3')).toEqual([]);
    await ex(t.r, 'sadd', 's2', 'a', 'b', 'c', 'd', 'e');
    const one = await ex(t.r, 'spop', 's2');
    expect(['a', 'b', 'c', 'd', 'e']).toContain(one);
    expect(await ex(t.r, 'scard', 's2')).toBe(4);
    const two = (await ex(t.r, 'spop', 's2', '2')) as string[];
    expect(two.length).toBe(2);
    expect(await ex(t.r, 'scard', 's2')).toBe(2);
    expect(await ex(t.r, 'spop', 's2', '0')).toEqual([]);
    const rest = (await ex(t.r, 'spop', 's2', '10')) as string[];
    expect(sorted([one as string, ...two, ...rest])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await ex(t.r, 'exists', 's2')).toBe(0);
    expect(await ex(t.r, 'spop', 's2', '-1')).toBe('ERR:ERR value is out of range, must be positive');
    expect(await ex(t.r, 'spop', 's2', 'x')).toBe('ERR:ERR value is out of range, must be positive');
    expect(await ex(t.r, 'spop', 's2', '1', '2')).toBe('ERR:ERR syntax error');
  });

  it('SRANDMEMBER count semantics', async () => {
    expect(await ex(t.r, 'srandmember', 'nos')).toBe(null);
    expect(await ex(t.r, 'srandmember', 'nos', '5')).toEqual([]);
    expect(await ex(t.r, 'srandmember', 'nos', '-5')).toEqual([]);
    await ex(t.r, 'sadd', 's3', 'a', 'b', 'c');
    expect(['a', 'b', 'c']).toContain(await ex(t.r, 'srandmember', 's3'));
    expect(await ex(t.r, 'srandmember', 's3', '0')).toEqual([]);
    expect(sorted(await ex(t.r, 'srandmember', 's3', '10'))).toEqual(['a', 'b', 'c']);
    const two = (await ex(t.r, 'srandmember', 's3', '2')) as string[];
    expect(new Set(two).size).toBe(2);
    const neg = (await ex(t.r, 'srandmember', 's3', '-10')) as string[];
    expect(neg.length).toBe(10);
    for (const m of neg) expect(['a', 'b', 'c']).toContain(m);
    expect(await ex(t.r, 'scard', 's3')).toBe(3);
    expect(await ex(t.r, 'srandmember', 's3', 'x')).toBe('ERR:ERR value is not an integer or out of range');
    expect(await ex(t.r, 'srandmember', 's3', '1', '2')).toBe('ERR:ERR syntax error');
  });

  it('SMOVE', async () => {
    await ex(t.r, 'sadd', 'mv1', 'a', 'b');
    expect(await ex(t.r, 'smove', 'mv1', 'mv2', 'a')).toBe(1);
    expect(await ex(t.r, 'smove', 'mv1', 'mv2', 'zz')).toBe(0);
    expect(await ex(t.r, 'smove', 'nos', 'mv2', 'a')).toBe(0);
    expect(await ex(t.r, 'smove', 'mv1', 'mv1', 'b')).toBe(1);
    expect(await ex(t.r, 'smove', 'mv1', 'mv1', 'zz')).toBe(0);
    expect(await ex(t.r, 'smove', 'mv1', 'mv2', 'b')).toBe(1);
    expect(await ex(t.r, 'exists', 'mv1')).toBe(0);
    expect(sorted(await ex(t.r, 'smembers', 'mv2'))).toEqual(['a', 'b']);
    await ex(t.r, 'rpush', 'alist', 'x');
    expect(await ex(t.r, 'smove', 'mv2', 'alist', 'a')).toBe(WT);
    expect(await ex(t.r, 'smove', 'alist', 'mv2', 'a')).toBe(WT);
    expect(await ex(t.r, 'smove', 'nos', 'alist', 'a')).toBe(0);
  });

  it('SINTER, SUNION, SDIFF and their STORE forms', async () => {
    await ex(t.r, 'sadd', 'A', 'a', 'b', 'c', 'd');
    await ex(t.r, 'sadd', 'B', 'c', 'd', 'e');
    await ex(t.r, 'sadd', 'C', 'd', 'f');
    expect(sorted(await ex(t.r, 'sinter', 'A', 'B'))).toEqual(['c', 'd']);
    expect(sorted(await ex(t.r, 'sinter', 'A', 'B', 'C'))).toEqual(['d']);
    expect(await ex(t.r, 'sinter', 'A', 'nos')).toEqual([]);
    expect(sorted(await ex(t.r, 'sunion', 'A', 'B', 'nos'))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(sorted(await ex(t.r, 'sdiff', 'A', 'B', 'C'))).toEqual(['a', 'b']);
    expect(await ex(t.r, 'sdiff', 'A', 'A')).toEqual([]);
    expect(await ex(t.r, 'sdiff', 'nos', 'A')).toEqual([]);
    expect(await ex(t.r, 'sinterstore', 'D', 'A', 'B')).toBe(2);
    expect(sorted(await ex(t.r, 'smembers', 'D'))).toEqual(['c', 'd']);
    expect(await ex(t.r, 'sunionstore', 'D', 'B', 'C')).toBe(4);
    expect(await ex(t.r, 'sdiffstore', 'D', 'A', 'B')).toBe(2);
    expect(sorted(await ex(t.r, 'smembers', 'D'))).toEqual(['a', 'b']);
    await ex(t.r, 'set', 'str', 'v');
    expect(await ex(t.r, 'sinterstore', 'str', 'A', 'C')).toBe(1);
    expect(await ex(t.r, 'type', 'str')).toBe('set');
    expect(await ex(t.r, 'sinterstore', 'D', 'A', 'nos')).toBe(0);
    expect(await ex(t.r, 'exists', 'D')).toBe(0);
    expect(await ex(t.r, 'sdiffstore', 'D2', 'A', 'A')).toBe(0);
    expect(await ex(t.r, 'sinter', 'A', 'alist')).toBe(WT);
    expect(await ex(t.r, 'sinter', 'nos', 'alist')).toBe(WT);
    expect(await ex(t.r, 'sunionstore', 'D', 'alist')).toBe(WT);
  });

  it('SINTERCARD with LIMIT and its errors', async () => {
    await ex(t.r, 'sadd', 'ic1', 'a', 'b', 'c', 'd');
    await ex(t.r, 'sadd', 'ic2', 'b', 'c', 'd', 'e');
    expect(await ex(t.r, 'sintercard', '2', 'ic1', 'ic2')).toBe(3);
    expect(await ex(t.r, 'sintercard', '2', 'ic1', 'ic2', 'limit', '2')).toBe(2);
    expect(await ex(t.r, 'sintercard', '2', 'ic1', 'ic2', 'LIMIT', '0')).toBe(3);
    expect(await ex(t.r, 'sintercard', '1', 'ic1')).toBe(4);
    expect(await ex(t.r, 'sintercard', '2', 'ic1', 'nos')).toBe(0);
    expect(await ex(t.r, 'sintercard', '0', 'ic1')).toBe('ERR:ERR numkeys should be greater than 0');
    expect(await ex(t.r, 'sintercard', 'x', 'ic1')).toBe('ERR:ERR numkeys should be greater than 0');
    expect(await ex(t.r, 'sintercard', '3', 'ic1', 'ic2')).toBe("ERR:ERR Number of keys can't be greater than number of args");
    expect(await ex(t.r, 'sintercard', '2', 'ic1', 'ic2', 'limit', '-1')).toBe("ERR:ERR LIMIT can't be negative");
    expect(await ex(t.r, 'sintercard', '2', 'ic1', 'ic2', 'foo')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'sintercard', '1', 'alist')).toBe(WT);
  });

  it('SSCAN', async () => {
    await ex(t.r, 'sadd', 'sc', '1', '2', '3');
    expect(await ex(t.r, 'sscan', 'sc', '0')).toEqual(['0', ['1', '2', '3']]);
    expect(await ex(t.r, 'sscan', 'nos', '0')).toEqual(['0', []]);
    const members = Array.from({ length: 600 }, (_, i) => 'm' + i);
    await ex(t.r, 'sadd', 'sc2', ...members);
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, items] = (await ex(t.r, 'sscan', 'sc2', cursor, 'count', '100', 'match', 'm1*')) as [string, string[]];
      for (const m of items) seen.add(m);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(members.filter((m) => m.startsWith('m1')).length);
    expect(await ex(t.r, 'sscan', 'alist', '0')).toBe(WT);
  });

  it('WRONGTYPE for set commands against a list', async () => {
    for (const args of [
      ['sadd', 'alist', 'a'],
      ['srem', 'alist', 'a'],
      ['sismember', 'alist', 'a'],
      ['smismember', 'alist', 'a'],
      ['smembers', 'alist'],
      ['scard', 'alist'],
      ['spop', 'alist'],
      ['spop', 'alist', '2'],
      ['srandmember', 'alist'],
      ['srandmember', 'alist', '2'],
      ['sdiff', 'alist'],
    ]) {
      expect(await ex(t.r, ...args)).toBe(WT);
    }
  });

  it('RESP3: set replies use the set type', async () => {
    await ex(t.r, 'sadd', 'r3', '5');
    const a = await rawExchange(t.srv.port, 'HELLO 3\r\nSMEMBERS r3\r\nSPOP nos 2\r\nSINTER r3 nos\r\nPING\r\n', (s) => s.endsWith('+PONG\r\n'));
    expect(a.reply.endsWith('~1\r\n$1\r\n5\r\n~0\r\n~0\r\n+PONG\r\n')).toBe(true);
  });
});
