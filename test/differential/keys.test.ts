import { describe, expect, it } from 'vitest';
import { errorOf, freshDb, useServer } from '../support/differential.js';
import { SERVER_KINDS } from '../support/servers.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

describe.each(SERVER_KINDS)('keyspace commands on %s', (kind) => {
  const t = useServer(kind);
  // Databases 1..9 for the tests, 10..15 stay empty for MOVE/COPY targets.
  const fresh = freshDb(t, 9, [10, 11]);

  async function fill(): Promise<void> {
    await t.r.set('s', 'v');
    await t.r.rpush('l', 'a', 'b');
    await t.r.sadd('set', 'm');
    await t.r.zadd('z', 1, 'm');
    await t.r.hset('h', 'f', 'v');
  }

  it('DEL, UNLINK, EXISTS, TYPE, TOUCH', async () => {
    await fill();
    expect(await t.r.exists('s', 's', 'l', 'nokey')).toBe(3);
    expect(await t.r.type('s')).toBe('string');
    expect(await t.r.type('l')).toBe('list');
    expect(await t.r.type('set')).toBe('set');
    expect(await t.r.type('z')).toBe('zset');
    expect(await t.r.type('h')).toBe('hash');
    expect(await t.r.type('nokey')).toBe('none');
    expect(await t.r.touch('s', 'l', 'nokey')).toBe(2);
    expect(await t.r.del('s', 'l', 'nokey', 's')).toBe(2);
    expect(await t.r.unlink('set', 'z', 'nokey')).toBe(2);
    expect(await t.r.exists('s', 'l', 'set', 'z')).toBe(0);
    expect(await errorOf(t.r.call('del'))).toBe("ERR wrong number of arguments for 'del' command");
    expect(await errorOf(t.r.call('type', 'a', 'b'))).toBe("ERR wrong number of arguments for 'type' command");
  });

  it('KEYS with glob patterns', async () => {
    await t.r.mset('hello', '1', 'hallo', '2', 'hxllo', '3', 'hllo', '4', 'heeeello', '5', 'h*llo', '6', 'x', '7');
    const k = async (p: string) => ((await t.r.keys(p)) as string[]).sort();
    expect(await k('h?llo')).toEqual(['h*llo', 'hallo', 'hello', 'hxllo']);
    expect(await k('h*llo')).toEqual(['h*llo', 'hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
    expect(await k('h[ae]llo')).toEqual(['hallo', 'hello']);
    expect(await k('h[^e]llo')).toEqual(['h*llo', 'hallo', 'hxllo']);
    expect(await k('h[a-b]llo')).toEqual(['hallo']);
    expect(await k('h\\*llo')).toEqual(['h*llo']);
    expect(await k('*')).toHaveLength(7);
    expect(await k('nomatch*')).toEqual([]);
  });

  it('RANDOMKEY', async () => {
    expect(await t.r.randomkey()).toBeNull();
    await t.r.mset('a', '1', 'b', '2');
    for (let i = 0; i < 10; i++) expect(['a', 'b']).toContain(await t.r.randomkey());
  });

  it('RENAME and RENAMENX', async () => {
    expect(await errorOf(t.r.rename('nokey', 'x'))).toBe('ERR no such key');
    expect(await errorOf(t.r.renamenx('nokey', 'x'))).toBe('ERR no such key');
    expect(await errorOf(t.r.rename('nokey', 'nokey'))).toBe('ERR no such key');
    await t.r.set('a', '1', 'EX', 100);
    expect(await t.r.rename('a', 'a')).toBe('OK');
    expect(await t.r.renamenx('a', 'a')).toBe(0);
    expect(await t.r.rename('a', 'b')).toBe('OK');
    expect(await t.r.exists('a')).toBe(0);
    expect(await t.r.get('b')).toBe('1');
    expect(await t.r.ttl('b')).toBe(100); // the TTL moves with the key
    await t.r.rpush('l', 'x');
    expect(await t.r.renamenx('b', 'l')).toBe(0);
    expect(await t.r.rename('b', 'l')).toBe('OK'); // overwrites any type
    expect(await t.r.type('l')).toBe('string');
    expect(await t.r.renamenx('l', 'c')).toBe(1);
    expect(await t.r.get('c')).toBe('1');
    await t.r.hset('h', 'f', 'v');
    await t.r.rename('h', 'h2');
    expect(await t.r.hget('h2', 'f')).toBe('v');
  });

  it('MOVE', async () => {
    await t.r.set('k', 'v', 'EX', 100);
    expect(await errorOf(t.r.move('k', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.move('k', 99))).toBe('ERR DB index is out of range');
    expect(await errorOf(t.r.move('k', -1))).toBe('ERR DB index is out of range');
    expect(await errorOf(t.r.move('k', fresh.db))).toBe('ERR source and destination objects are the same');
    expect(await t.r.move('nokey', 10)).toBe(0);
    expect(await t.r.move('k', 10)).toBe(1);
    expect(await t.r.exists('k')).toBe(0);
    await t.r.select(10);
    expect(await t.r.get('k')).toBe('v');
    expect(await t.r.ttl('k')).toBe(100);
    await t.r.select(fresh.db);
    await t.r.set('k', 'other');
    expect(await t.r.move('k', 10)).toBe(0); // exists in the target
    expect(await t.r.get('k')).toBe('other');
  });

  it('COPY with DB and REPLACE, all types', async () => {
    await fill();
    await t.r.expire('s', 100);
    expect(await t.r.copy('s', 's2')).toBe(1);
    expect(await t.r.get('s2')).toBe('v');
    expect(await t.r.ttl('s2')).toBe(100);
    expect(await t.r.copy('s', 's2')).toBe(0);
    await t.r.set('s', 'w');
    expect(await t.r.copy('s', 's2', 'REPLACE')).toBe(1);
    expect(await t.r.get('s2')).toBe('w');
    expect(await t.r.copy('nokey', 'x')).toBe(0);
    expect(await errorOf(t.r.copy('s', 's'))).toBe('ERR source and destination objects are the same');
    expect(await errorOf(t.r.call('copy', 's', 'x', 'DB', 'y'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.call('copy', 's', 'x', 'DB', '99'))).toBe('ERR DB index is out of range');
    expect(await errorOf(t.r.call('copy', 's', 'x', 'FOO'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('copy', 's', 'x', 'DB'))).toBe('ERR syntax error');
    expect(await t.r.call('copy', 's', 's', 'DB', '10')).toBe(1);
    // Deep copies: changing the copy leaves the source alone.
    for (const k of ['l', 'set', 'z', 'h']) expect(await t.r.copy(k, k + '2')).toBe(1);
    await t.r.rpush('l2', 'c');
    await t.r.sadd('set2', 'n');
    await t.r.zadd('z2', 2, 'n');
    await t.r.hset('h2', 'g', 'w');
    expect(await t.r.lrange('l', 0, -1)).toEqual(['a', 'b']);
    expect(await t.r.lrange('l2', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await t.r.smembers('set')).toEqual(['m']);
    expect((await t.r.smembers('set2')).sort()).toEqual(['m', 'n']);
    expect(await t.r.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['m', '1']);
    expect(await t.r.zrange('z2', 0, -1, 'WITHSCORES')).toEqual(['m', '1', 'n', '2']);
    expect(await t.r.hgetall('h')).toEqual({ f: 'v' });
    expect(await t.r.hgetall('h2')).toEqual({ f: 'v', g: 'w' });
    await t.r.select(10);
    expect(await t.r.get('s')).toBe('w');
  });

  it('SORT: numeric, ALPHA, DESC, LIMIT', async () => {
    await t.r.rpush('n', '3', '1', '10', '2', '-1.5', '1e1');
    expect(await t.r.sort('n')).toEqual(['-1.5', '1', '2', '3', '10', '1e1']);
    expect(await t.r.sort('n', 'DESC')).toEqual(['1e1', '10', '3', '2', '1', '-1.5']);
    expect(await t.r.sort('n', 'LIMIT', 1, 2)).toEqual(['1', '2']);
    expect(await t.r.sort('n', 'LIMIT', -5, 2)).toEqual(['-1.5', '1']);
    expect(await t.r.sort('n', 'LIMIT', 10, 2)).toEqual([]);
    expect(await t.r.sort('n', 'LIMIT', 4, -1)).toEqual(['10', '1e1']);
    expect(await t.r.sort('n', 'ALPHA')).toEqual(['-1.5', '1', '10', '1e1', '2', '3']);
    expect(await t.r.sort('n', 'ALPHA', 'DESC', 'LIMIT', 0, 3)).toEqual(['3', '2', '1e1']);
    await t.r.rpush('w', 'banana', 'apple', 'cherry');
    expect(await errorOf(t.r.sort('w'))).toBe("ERR One or more scores can't be converted into double");
    expect(await t.r.sort('w', 'ALPHA')).toEqual(['apple', 'banana', 'cherry']);
    await t.r.sadd('set', '5', '3', '9');
    expect(await t.r.sort('set')).toEqual(['3', '5', '9']);
    await t.r.zadd('z', 1, 'c', 2, 'b', 3, 'a');
    expect(await t.r.sort('z', 'ALPHA')).toEqual(['a', 'b', 'c']);
    expect(await t.r.sort('nokey')).toEqual([]);
    await t.r.set('str', 'x');
    expect(await errorOf(t.r.sort('str'))).toBe(WRONGTYPE);
    await t.r.hset('h', 'f', 'v');
    expect(await errorOf(t.r.sort('h'))).toBe(WRONGTYPE);
    expect(await errorOf(t.r.call('sort', 'n', 'LIMIT', 'a', '1'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.call('sort', 'n', 'LIMIT', '1'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('sort', 'n', 'FOO'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('sort_ro', 'n', 'STORE', 'x'))).toBe('ERR syntax error');
    expect(await t.r.call('sort_ro', 'n', 'LIMIT', '0', '2')).toEqual(['-1.5', '1']);
  });

  it('SORT BY patterns, nosort, GET # and hash fields, STORE', async () => {
    await t.r.rpush('ids', '1', '2', '3');
    await t.r.mset('w_1', '30', 'w_2', '10', 'w_3', '20');
    await t.r.mset('name_1', 'one', 'name_2', 'two');
    await t.r.hset('obj_1', 'age', '7');
    await t.r.hset('obj_3', 'age', '9');
    await t.r.hset('obj_2', 'age', '8');
    expect(await t.r.sort('ids', 'BY', 'w_*')).toEqual(['2', '3', '1']);
    expect(await t.r.sort('ids', 'BY', 'w_*', 'DESC', 'LIMIT', 0, 1)).toEqual(['1']);
    expect(await t.r.sort('ids', 'BY', 'obj_*->age', 'DESC')).toEqual(['3', '2', '1']);
    expect(await t.r.sort('ids', 'BY', 'nosort')).toEqual(['1', '2', '3']);
    expect(await t.r.sort('ids', 'BY', 'nosort', 'DESC')).toEqual(['3', '2', '1']);
    expect(await t.r.sort('ids', 'BY', 'nosort', 'LIMIT', 1, 5)).toEqual(['2', '3']);
    expect(await t.r.sort('ids', 'BY', 'nosort', 'DESC', 'LIMIT', 1, 1)).toEqual(['2']);
    expect(await t.r.sort('ids', 'GET', '#', 'GET', 'name_*', 'GET', 'obj_*->age', 'GET', 'nostar')).toEqual([
      '1',
      'one',
      '7',
      null,
      '2',
      'two',
      '8',
      null,
      '3',
      null,
      '9',
      null,
    ]);
    expect(await t.r.sort('ids', 'BY', 'w_*', 'GET', 'name_*')).toEqual(['two', null, 'one']);
    // Missing BY keys sort as 0 (numeric) and first (ALPHA).
    await t.r.rpush('ids2', 'a', 'b', 'c');
    await t.r.mset('k_a', 'zz', 'k_c', 'aa');
    expect(await t.r.sort('ids2', 'BY', 'k_*', 'ALPHA')).toEqual(['b', 'c', 'a']);
    // STORE: a list; empty result deletes the destination.
    expect(await t.r.sort('ids', 'BY', 'w_*', 'STORE', 'dst')).toBe(3);
    expect(await t.r.lrange('dst', 0, -1)).toEqual(['2', '3', '1']);
    expect(await t.r.sort('ids', 'GET', 'name_*', 'STORE', 'dst')).toBe(3);
    expect(await t.r.lrange('dst', 0, -1)).toEqual(['one', 'two', '']);
    expect(await t.r.sort('nokey', 'STORE', 'dst')).toBe(0);
    expect(await t.r.exists('dst')).toBe(0);
    // A set with BY nosort and STORE is sorted (ALPHA) for deterministic replication.
    await t.r.sadd('set', 'b', 'c', 'a');
    expect(await t.r.sort('set', 'BY', 'nosort', 'STORE', 'dst')).toBe(3);
    expect(await t.r.lrange('dst', 0, -1)).toEqual(['a', 'b', 'c']);
    // A zset with BY nosort keeps its score order.
    await t.r.zadd('z', 3, 'x', 1, 'y', 2, 'w');
    expect(await t.r.sort('z', 'BY', 'nosort')).toEqual(['y', 'w', 'x']);
    expect(await t.r.sort('z', 'BY', 'nosort', 'DESC', 'LIMIT', 0, 2)).toEqual(['x', 'w']);
    expect(await t.r.sort('z', 'BY', 'nosort', 'LIMIT', 1, 1)).toEqual(['w']);
  });

  it('OBJECT ENCODING of collections (Redis 7.0 encodings)', async () => {
    await t.r.rpush('l', 'a');
    expect(await t.r.object('ENCODING', 'l')).toBe('quicklist');
    await t.r.sadd('si', '1', '2', '-3');
    expect(await t.r.object('ENCODING', 'si')).toBe('intset');
    await t.r.sadd('ss', '1', 'a');
    expect(await t.r.object('ENCODING', 'ss')).toBe('hashtable');
    await t.r.hset('h', 'f', 'v');
    expect(await t.r.object('ENCODING', 'h')).toBe('listpack');
    await t.r.hset('hl', 'f', 'x'.repeat(65));
    expect(await t.r.object('ENCODING', 'hl')).toBe('hashtable');
    await t.r.zadd('z', 1, 'a');
    expect(await t.r.object('ENCODING', 'z')).toBe('listpack');
    await t.r.zadd('zl', 1, 'x'.repeat(65));
    expect(await t.r.object('ENCODING', 'zl')).toBe('skiplist');
    // Growing past the entry limits converts, and shrinking back does not convert again.
    const fields: string[] = [];
    for (let i = 0; i < 513; i++) fields.push('f' + i, 'v'); // hash-max-listpack-entries is 512 in 7.0
    await t.r.hset('hb', ...fields);
    expect(await t.r.object('ENCODING', 'hb')).toBe('hashtable');
    await t.r.hdel('hb', 'f0', 'f1', 'f2');
    expect(await t.r.object('ENCODING', 'hb')).toBe('hashtable');
    const zargs: (string | number)[] = [];
    for (let i = 0; i < 129; i++) zargs.push(i, 'm' + i);
    await t.r.zadd('zb', ...zargs);
    expect(await t.r.object('ENCODING', 'zb')).toBe('skiplist');
    await t.r.zrem('zb', 'm0', 'm1');
    expect(await t.r.object('ENCODING', 'zb')).toBe('skiplist');
    const members: string[] = [];
    for (let i = 0; i < 513; i++) members.push(String(i));
    await t.r.sadd('sb', ...members);
    expect(await t.r.object('ENCODING', 'sb')).toBe('hashtable');
    await t.r.srem('sb', '0', '1');
    expect(await t.r.object('ENCODING', 'sb')).toBe('hashtable');
    await t.r.sadd('sm', '1', '2');
    await t.r.sadd('sm', 'x');
    await t.r.srem('sm', 'x');
    expect(await t.r.object('ENCODING', 'sm')).toBe('hashtable');
    expect(await t.r.object('ENCODING', 'nokey')).toBeNull();
  });

  it('OBJECT REFCOUNT, IDLETIME, FREQ, HELP and errors', async () => {
    await t.r.set('small', '100');
    await t.r.set('big', '100000');
    await t.r.set('str', 'abc');
    expect(await t.r.object('REFCOUNT', 'small')).toBe(2147483647);
    expect(await t.r.object('REFCOUNT', 'big')).toBe(1);
    expect(await t.r.object('REFCOUNT', 'str')).toBe(1);
    expect(await t.r.object('REFCOUNT', 'nokey')).toBeNull();
    expect(await t.r.object('IDLETIME', 'str')).toBeLessThanOrEqual(1);
    expect(await t.r.object('IDLETIME', 'nokey')).toBeNull();
    expect(await errorOf(t.r.object('FREQ', 'str'))).toBe(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    const help = (await t.r.object('HELP')) as string[];
    expect(help[0]).toBe('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('ENCODING <key>');
    expect(help[help.length - 1]).toBe('    Prints this help.');
    expect(await errorOf(t.r.call('object', 'FOO', 'x'))).toBe("ERR unknown subcommand 'FOO'. Try OBJECT HELP.");
    expect(await errorOf(t.r.call('object', 'ENCODING'))).toBe("ERR wrong number of arguments for 'object|encoding' command");
    expect(await errorOf(t.r.call('object', 'ENCODING', 'a', 'b'))).toBe("ERR wrong number of arguments for 'object|encoding' command");
    expect(await errorOf(t.r.call('object'))).toBe("ERR wrong number of arguments for 'object' command");
  });
});
