import { describe, expect, it } from 'vitest';
import { errorOf, freshDb, useServer } from '../support/differential.js';
import { SERVER_KINDS } from '../support/servers.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

// The same assertions run against our server and the Debian redis-server.
describe.each(SERVER_KINDS)('string commands on %s', (kind) => {
  const t = useServer(kind);
  // Each test gets a fresh database (no FLUSHALL needed).
  freshDb(t);

  it('GET / SET basics, binary-safe values', async () => {
    expect(await t.r.get('nokey')).toBeNull();
    expect(await t.r.set('k', 'v')).toBe('OK');
    expect(await t.r.get('k')).toBe('v');
    const bin = Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 0x80]);
    await t.r.set('bin', bin);
    expect(await t.r.getBuffer('bin')).toEqual(bin);
    expect(await t.r.strlen('bin')).toBe(8);
    expect(await t.r.set('k', '')).toBe('OK');
    expect(await t.r.get('k')).toBe('');
  });

  it('SET NX / XX / GET', async () => {
    expect(await t.r.call('set', 'k', '1', 'NX')).toBe('OK');
    expect(await t.r.call('set', 'k', '2', 'NX')).toBeNull();
    expect(await t.r.call('set', 'k', '3', 'XX')).toBe('OK');
    expect(await t.r.call('set', 'missing', '3', 'XX')).toBeNull();
    expect(await t.r.exists('missing')).toBe(0);
    expect(await t.r.call('set', 'k', '4', 'GET')).toBe('3');
    expect(await t.r.call('set', 'new', '4', 'GET')).toBeNull();
    expect(await t.r.get('new')).toBe('4');
    // NX + GET: returns the old value and does not set.
    expect(await t.r.call('set', 'k', '5', 'NX', 'GET')).toBe('4');
    expect(await t.r.get('k')).toBe('4');
    expect(await t.r.call('set', 'k', '6', 'xx', 'get')).toBe('4');
    expect(await t.r.get('k')).toBe('6');
    await t.r.rpush('list', 'a');
    expect(await errorOf(t.r.call('set', 'list', 'x', 'GET'))).toBe(WRONGTYPE);
    expect(await t.r.type('list')).toBe('list');
    // Without GET, SET overwrites any type.
    expect(await t.r.set('list', 'x')).toBe('OK');
    expect(await t.r.type('list')).toBe('string');
  });

  it('SET option errors use Redis texts', async () => {
    expect(await errorOf(t.r.call('set', 'k', 'v', 'NX', 'XX'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('set', 'k', 'v', 'EX', '10', 'PX', '100'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('set', 'k', 'v', 'EX', '10', 'KEEPTTL'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('set', 'k', 'v', 'EX'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('set', 'k', 'v', 'foo'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('set', 'k', 'v', 'EX', 'abc'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.call('set', 'k', 'v', 'EX', '0'))).toBe("ERR invalid expire time in 'set' command");
    expect(await errorOf(t.r.call('set', 'k', 'v', 'PX', '-5'))).toBe("ERR invalid expire time in 'set' command");
    expect(await errorOf(t.r.call('set', 'k', 'v', 'EX', '9223372036854775'))).toBe("ERR invalid expire time in 'set' command");
    expect(await errorOf(t.r.call('set', 'k', 'v', 'PXAT', '0'))).toBe("ERR invalid expire time in 'set' command");
    expect(await errorOf(t.r.call('setex', 'k', '0', 'v'))).toBe("ERR invalid expire time in 'setex' command");
    expect(await errorOf(t.r.call('psetex', 'k', '-1', 'v'))).toBe("ERR invalid expire time in 'psetex' command");
    expect(await errorOf(t.r.call('set', 'k'))).toBe("ERR wrong number of arguments for 'set' command");
    expect(await t.r.exists('k')).toBe(0);
  });

  it('SET EX/PX/EXAT/PXAT/KEEPTTL set and keep TTLs', async () => {
    await t.r.call('set', 'k', 'v', 'EX', '100');
    expect(await t.r.ttl('k')).toBe(100);
    await t.r.call('set', 'k', 'v', 'PX', '50000');
    const pttl = await t.r.pttl('k');
    expect(pttl).toBeGreaterThan(45000);
    expect(pttl).toBeLessThanOrEqual(50000);
    const at = Math.floor(Date.now() / 1000) + 500;
    await t.r.call('set', 'k', 'v', 'EXAT', String(at));
    expect(await t.r.call('expiretime', 'k')).toBe(at);
    await t.r.call('set', 'k', 'v', 'PXAT', String(at * 1000 + 123));
    expect(await t.r.call('pexpiretime', 'k')).toBe(at * 1000 + 123);
    await t.r.call('set', 'k', 'v2', 'KEEPTTL');
    expect(await t.r.call('pexpiretime', 'k')).toBe(at * 1000 + 123);
    expect(await t.r.get('k')).toBe('v2');
    await t.r.set('k', 'v3');
    expect(await t.r.ttl('k')).toBe(-1);
    // PXAT in the past: the key is set and immediately logically expired.
    await t.r.call('set', 'old', 'v', 'PXAT', '1');
    expect(await t.r.get('old')).toBeNull();
  });

  it('SETNX, SETEX, PSETEX, GETSET, GETDEL', async () => {
    expect(await t.r.setnx('k', 'a')).toBe(1);
    expect(await t.r.setnx('k', 'b')).toBe(0);
    expect(await t.r.get('k')).toBe('a');
    expect(await t.r.setex('e', 100, 'x')).toBe('OK');
    expect(await t.r.ttl('e')).toBe(100);
    expect(await t.r.psetex('p', 100000, 'y')).toBe('OK');
    expect(await t.r.ttl('p')).toBe(100);
    expect(await errorOf(t.r.call('setex', 'e', 'x', 'v'))).toBe('ERR value is not an integer or out of range');
    expect(await t.r.getset('e', 'z')).toBe('x');
    expect(await t.r.ttl('e')).toBe(-1); // GETSET clears the TTL
    expect(await t.r.getset('none', 'z')).toBeNull();
    expect(await t.r.call('getdel', 'e')).toBe('z');
    expect(await t.r.exists('e')).toBe(0);
    expect(await t.r.call('getdel', 'e')).toBeNull();
    await t.r.rpush('l', 'a');
    expect(await errorOf(t.r.getset('l', 'x'))).toBe(WRONGTYPE);
    expect(await errorOf(t.r.call('getdel', 'l'))).toBe(WRONGTYPE);
    expect(await t.r.type('l')).toBe('list');
  });

  it('GETEX options and errors', async () => {
    await t.r.set('k', 'v');
    expect(await t.r.call('getex', 'k')).toBe('v');
    expect(await t.r.ttl('k')).toBe(-1);
    expect(await t.r.call('getex', 'k', 'EX', '100')).toBe('v');
    expect(await t.r.ttl('k')).toBe(100);
    expect(await t.r.call('getex', 'k', 'PX', '200000')).toBe('v');
    expect(await t.r.ttl('k')).toBe(200);
    expect(await t.r.call('getex', 'k', 'PERSIST')).toBe('v');
    expect(await t.r.ttl('k')).toBe(-1);
    const at = Math.floor(Date.now() / 1000) + 1000;
    expect(await t.r.call('getex', 'k', 'EXAT', String(at))).toBe('v');
    expect(await t.r.call('expiretime', 'k')).toBe(at);
    // An absolute time in the past deletes the key (after returning the value).
    expect(await t.r.call('getex', 'k', 'PXAT', '1000')).toBe('v');
    expect(await t.r.exists('k')).toBe(0);
    expect(await t.r.call('getex', 'nokey', 'EX', '10')).toBeNull();
    await t.r.set('k', 'v');
    expect(await errorOf(t.r.call('getex', 'k', 'EX', '10', 'PERSIST'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('getex', 'k', 'NX'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('getex', 'k', 'KEEPTTL'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('getex', 'k', 'EX', '0'))).toBe("ERR invalid expire time in 'getex' command");
    expect(await errorOf(t.r.call('getex', 'k', 'EX', 'x'))).toBe('ERR value is not an integer or out of range');
    await t.r.rpush('l', 'a');
    expect(await errorOf(t.r.call('getex', 'l'))).toBe(WRONGTYPE);
  });

  it('MGET, MSET, MSETNX', async () => {
    await t.r.rpush('l', 'a');
    expect(await t.r.mset('a', '1', 'b', '2')).toBe('OK');
    expect(await t.r.mget('a', 'b', 'nokey', 'l')).toEqual(['1', '2', null, null]);
    expect(await errorOf(t.r.call('mset', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'mset' command");
    expect(await errorOf(t.r.call('msetnx', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'msetnx' command");
    expect(await t.r.msetnx('a', 'x', 'c', '3')).toBe(0);
    expect(await t.r.exists('c')).toBe(0);
    expect(await t.r.msetnx('c', '3', 'd', '4')).toBe(1);
    expect(await t.r.mget('c', 'd')).toEqual(['3', '4']);
    await t.r.mset('dup', '1', 'dup', '2');
    expect(await t.r.get('dup')).toBe('2');
    await t.r.setex('t', 100, 'x');
    await t.r.mset('t', 'y');
    expect(await t.r.ttl('t')).toBe(-1);
  });

  it('INCR family: int64 arithmetic, overflow, errors', async () => {
    expect(await t.r.incr('n')).toBe(1);
    expect(await t.r.incrby('n', 10)).toBe(11);
    expect(await t.r.decr('n')).toBe(10);
    expect(await t.r.decrby('n', 20)).toBe(-10);
    await t.r.call('incrby', 'n', '-9223372036854775798');
    expect(await t.r.get('n')).toBe('-9223372036854775808');
    expect(await errorOf(t.r.decr('n'))).toBe('ERR increment or decrement would overflow');
    await t.r.set('n', '9223372036854775806');
    await t.r.incr('n');
    expect(await t.r.get('n')).toBe('9223372036854775807');
    expect(await errorOf(t.r.incr('n'))).toBe('ERR increment or decrement would overflow');
    expect(await t.r.get('n')).toBe('9223372036854775807');
    await t.r.set('n', '9007199254740993'); // beyond 2^53: exact arithmetic
    await t.r.incr('n');
    expect(await t.r.get('n')).toBe('9007199254740994');
    await t.r.incrby('n', '9007199254740993');
    expect(await t.r.get('n')).toBe('18014398509481987');
    expect(await errorOf(t.r.call('decrby', 'n', '-9223372036854775808'))).toBe('ERR decrement would overflow');
    expect(await errorOf(t.r.call('incrby', 'n', '9223372036854775808'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.call('incrby', 'n', '1.5'))).toBe('ERR value is not an integer or out of range');
    for (const bad of ['abc', ' 1', '1 ', '01', '+1', '1.0', '', '99999999999999999999']) {
      await t.r.set('s', bad);
      expect(await errorOf(t.r.incr('s'))).toBe('ERR value is not an integer or out of range');
    }
    await t.r.set('t', '5', 'EX', 100);
    expect(await t.r.incr('t')).toBe(6);
    expect(await t.r.ttl('t')).toBe(100); // INCR keeps the TTL
    await t.r.rpush('l', 'a');
    expect(await errorOf(t.r.incr('l'))).toBe(WRONGTYPE);
    expect(await errorOf(t.r.call('decrby', 'l', '1'))).toBe(WRONGTYPE);
  });

  it('INCRBYFLOAT: long double results and errors', async () => {
    expect(await t.r.incrbyfloat('f', '0.1')).toBe('0.1');
    expect(await t.r.incrbyfloat('f', '0.2')).toBe('0.3');
    expect(await t.r.incrbyfloat('g', '100000.1')).toBe('100000.10000000000000142');
    expect(await t.r.incrbyfloat('h', '123456789.123')).toBe('123456789.12299999999959255');
    await t.r.set('m', '10.50');
    expect(await t.r.incrbyfloat('m', '0.1')).toBe('10.6');
    await t.r.set('m', '5.0e3');
    expect(await t.r.incrbyfloat('m', '2.0e2')).toBe('5200');
    await t.r.set('m', '0x10');
    expect(await t.r.incrbyfloat('m', '1')).toBe('17');
    expect(await t.r.incrbyfloat('z', '-0.0')).toBe('0');
    expect(await t.r.incrbyfloat('z', '1.5e-10')).toBe('0.00000000015');
    expect(((await t.r.incrbyfloat('big', '1e300')) as string).slice(0, 40)).toBe('1000000000000000000008997324079559193870');
    await t.r.set('t', '1', 'EX', 100);
    expect(await t.r.incrbyfloat('t', '1.5')).toBe('2.5');
    expect(await t.r.ttl('t')).toBe(100);
    for (const bad of ['abc', ' 1', '1 ', '', 'nan', '1e5000']) {
      await t.r.set('s', bad);
      expect(await errorOf(t.r.incrbyfloat('s', '1'))).toBe('ERR value is not a valid float');
    }
    expect(await errorOf(t.r.incrbyfloat('f', 'x'))).toBe('ERR value is not a valid float');
    expect(await errorOf(t.r.incrbyfloat('f', 'inf'))).toBe('ERR increment would produce NaN or Infinity');
    await t.r.set('s', 'inf');
    expect(await errorOf(t.r.incrbyfloat('s', '1'))).toBe('ERR increment would produce NaN or Infinity');
    await t.r.rpush('l', 'a');
    expect(await errorOf(t.r.incrbyfloat('l', '1'))).toBe(WRONGTYPE);
  });

  it('APPEND, STRLEN, GETRANGE, SUBSTR', async () => {
    expect(await t.r.append('k', 'Hello')).toBe(5);
    expect(await t.r.append('k', ' World')).toBe(11);
    expect(await t.r.strlen('k')).toBe(11);
    expect(await t.r.strlen('nokey')).toBe(0);
    expect(await t.r.getrange('k', 0, 4)).toBe('Hello');
    expect(await t.r.getrange('k', -5, -1)).toBe('World');
    expect(await t.r.getrange('k', -1, -5)).toBe('');
    expect(await t.r.getrange('k', 5, 3)).toBe('');
    expect(await t.r.getrange('k', 0, 1000)).toBe('Hello World');
    expect(await t.r.getrange('k', -100, 2)).toBe('Hel');
    expect(await t.r.getrange('nokey', 0, 10)).toBe('');
    expect(await t.r.call('substr', 'k', '6', '-1')).toBe('World');
    expect(await errorOf(t.r.call('getrange', 'k', 'a', '1'))).toBe('ERR value is not an integer or out of range');
    await t.r.set('n', '12345');
    expect(await t.r.getrange('n', 1, 2)).toBe('23');
    await t.r.set('e', '');
    expect(await t.r.getrange('e', 0, -1)).toBe('');
    await t.r.rpush('l', 'a');
    expect(await errorOf(t.r.append('l', 'x'))).toBe(WRONGTYPE);
    expect(await errorOf(t.r.strlen('l'))).toBe(WRONGTYPE);
    expect(await errorOf(t.r.getrange('l', 0, 1))).toBe(WRONGTYPE);
  });

  it('SETRANGE, including the proto-max-bulk-len limit', async () => {
    expect(await t.r.setrange('k', 5, 'ab')).toBe(7);
    expect(await t.r.getBuffer('k')).toEqual(Buffer.from([0, 0, 0, 0, 0, 0x61, 0x62]));
    await t.r.set('s', 'Hello World');
    expect(await t.r.setrange('s', 6, 'Redis')).toBe(11);
    expect(await t.r.get('s')).toBe('Hello Redis');
    expect(await t.r.setrange('s', 20, 'x')).toBe(21);
    expect(await t.r.setrange('s', 0, '')).toBe(21);
    expect(await t.r.setrange('empty', 10, '')).toBe(0);
    expect(await t.r.exists('empty')).toBe(0);
    expect(await errorOf(t.r.setrange('s', -1, 'x'))).toBe('ERR offset is out of range');
    expect(await errorOf(t.r.call('setrange', 's', 'x', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.setrange('s', 536870912, 'x'))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(await errorOf(t.r.setrange('new', 536870911, 'xy'))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(await t.r.exists('new')).toBe(0);
    await t.r.rpush('l', 'a');
    expect(await errorOf(t.r.setrange('l', 0, 'x'))).toBe(WRONGTYPE);
  });

  it('LCS: string, LEN, IDX, MINMATCHLEN, WITHMATCHLEN, errors', async () => {
    await t.r.mset('k1', 'ohmytext', 'k2', 'mynewtext');
    expect(await t.r.call('lcs', 'k1', 'k2')).toBe('mytext');
    expect(await t.r.call('lcs', 'k1', 'k2', 'LEN')).toBe(6);
    expect(await t.r.call('lcs', 'k1', 'k2', 'IDX')).toEqual([
      'matches',
      [
        [
          [4, 7],
          [5, 8],
        ],
        [
          [2, 3],
          [0, 1],
        ],
      ],
      'len',
      6,
    ]);
    expect(await t.r.call('lcs', 'k1', 'k2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).toEqual(['matches', [[[4, 7], [5, 8], 4]], 'len', 6]);
    expect(await t.r.call('lcs', 'k1', 'nokey')).toBe('');
    expect(await t.r.call('lcs', 'nokey', 'nokey2', 'LEN')).toBe(0);
    await t.r.mset('a', 'ABCBDAB', 'b', 'BDCABA');
    expect(await t.r.call('lcs', 'a', 'b', 'LEN')).toBe(4);
    expect(await errorOf(t.r.call('lcs', 'k1', 'k2', 'LEN', 'IDX'))).toBe('ERR If you want both the length and indexes, please just use IDX.');
    expect(await errorOf(t.r.call('lcs', 'k1', 'k2', 'FOO'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('lcs', 'k1', 'k2', 'MINMATCHLEN', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(await errorOf(t.r.call('lcs', 'k1', 'k2', 'MINMATCHLEN'))).toBe('ERR syntax error');
    await t.r.rpush('l', 'a');
    expect(await errorOf(t.r.call('lcs', 'k1', 'l'))).toBe('ERR The specified keys must contain string values');
  });

  it('LCS IDX ranges on a harder input agree with Redis', async () => {
    await t.r.mset('a', 'ABCBDAB', 'b', 'BDCABA');
    expect(await t.r.call('lcs', 'a', 'b')).toBe('BDAB');
    expect(await t.r.call('lcs', 'a', 'b', 'IDX', 'WITHMATCHLEN')).toEqual([
      'matches',
      [
        [[5, 6], [3, 4], 2],
        [[3, 4], [0, 1], 2],
      ],
      'len',
      4,
    ]);
  });

  it('SETBIT, GETBIT, BITCOUNT with BYTE/BIT ranges', async () => {
    expect(await t.r.setbit('b', 7, 1)).toBe(0);
    expect(await t.r.setbit('b', 7, 1)).toBe(1);
    expect(await t.r.get('b')).toBe('\x01');
    expect(await t.r.getbit('b', 7)).toBe(1);
    expect(await t.r.getbit('b', 0)).toBe(0);
    expect(await t.r.getbit('b', 1000)).toBe(0);
    expect(await t.r.getbit('nokey', 3)).toBe(0);
    expect(await t.r.setbit('b', 20, 1)).toBe(0);
    expect(await t.r.strlen('b')).toBe(3);
    expect(await t.r.setbit('b', 20, 0)).toBe(1);
    expect(await errorOf(t.r.setbit('b', 1, 2))).toBe('ERR bit is not an integer or out of range');
    expect(await errorOf(t.r.call('setbit', 'b', '1', 'x'))).toBe('ERR bit is not an integer or out of range');
    expect(await errorOf(t.r.setbit('b', -1, 1))).toBe('ERR bit offset is not an integer or out of range');
    expect(await errorOf(t.r.setbit('b', 4294967296, 1))).toBe('ERR bit offset is not an integer or out of range');
    expect(await errorOf(t.r.call('getbit', 'b', 'x'))).toBe('ERR bit offset is not an integer or out of range');
    await t.r.set('s', 'foobar');
    expect(await t.r.bitcount('s')).toBe(26);
    expect(await t.r.bitcount('s', 0, 0)).toBe(4);
    expect(await t.r.bitcount('s', 1, 1)).toBe(6);
    expect(await t.r.bitcount('s', -2, -1)).toBe(7);
    expect(await t.r.call('bitcount', 's', '1', '1', 'BYTE')).toBe(6);
    expect(await t.r.call('bitcount', 's', '5', '30', 'BIT')).toBe(17);
    expect(await t.r.call('bitcount', 's', '-9', '-1', 'bit')).toBe(5);
    expect(await t.r.call('bitcount', 's', '-1', '-9', 'bit')).toBe(0);
    expect(await t.r.call('bitcount', 's', '3', '3', 'BIT')).toBe(0);
    expect(await t.r.bitcount('s', 100, 200)).toBe(0);
    expect(await t.r.bitcount('nokey')).toBe(0);
    expect(await t.r.call('bitcount', 'nokey', '0')).toBe(0); // missing key answers before parsing
    expect(await errorOf(t.r.call('bitcount', 's', '0'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('bitcount', 's', '0', '1', 'WORD'))).toBe('ERR syntax error');
    expect(await errorOf(t.r.call('bitcount', 's', 'a', '1'))).toBe('ERR value is not an integer or out of range');
    await t.r.rpush('l', 'a');
    expect(await errorOf(t.r.setbit('l', 1, 1))).toBe(WRONGTYPE);
    expect(await errorOf(t.r.getbit('l', 1))).toBe(WRONGTYPE);
    expect(await errorOf(t.r.bitcount('l'))).toBe(WRONGTYPE);
  });

  it('OBJECT ENCODING of strings: int, embstr, raw', async () => {
    await t.r.set('i', '12345');
    expect(await t.r.object('ENCODING', 'i')).toBe('int');
    await t.r.set('i2', '-9223372036854775808');
    expect(await t.r.object('ENCODING', 'i2')).toBe('int');
    await t.r.set('notint', '012');
    expect(await t.r.object('ENCODING', 'notint')).toBe('embstr');
    await t.r.set('e44', 'x'.repeat(44));
    expect(await t.r.object('ENCODING', 'e44')).toBe('embstr');
    await t.r.set('r45', 'x'.repeat(45));
    expect(await t.r.object('ENCODING', 'r45')).toBe('raw');
    await t.r.append('i', '6');
    expect(await t.r.object('ENCODING', 'i')).toBe('raw'); // APPEND unshares into a raw string
    await t.r.incr('i');
    expect(await t.r.object('ENCODING', 'i')).toBe('int');
    await t.r.append('fresh', '7');
    expect(await t.r.object('ENCODING', 'fresh')).toBe('int'); // created from the argument
    await t.r.incrbyfloat('fl', '3');
    expect(await t.r.get('fl')).toBe('3');
    expect(await t.r.object('ENCODING', 'fl')).toBe('embstr');
    await t.r.setrange('sr', 0, '1');
    expect(await t.r.object('ENCODING', 'sr')).toBe('raw');
    await t.r.set('sb', 'a');
    await t.r.setbit('sb', 0, 0);
    expect(await t.r.object('ENCODING', 'sb')).toBe('raw');
    await t.r.setex('ex', 100, '42');
    expect(await t.r.object('ENCODING', 'ex')).toBe('int');
    await t.r.mset('ms', 'hello');
    expect(await t.r.object('ENCODING', 'ms')).toBe('embstr');
  });

  it('keyspace hits and wrong arity', async () => {
    expect(await errorOf(t.r.call('get'))).toBe("ERR wrong number of arguments for 'get' command");
    expect(await errorOf(t.r.call('incr', 'a', 'b'))).toBe("ERR wrong number of arguments for 'incr' command");
    expect(await errorOf(t.r.call('getex'))).toBe("ERR wrong number of arguments for 'getex' command");
    expect(await errorOf(t.r.call('lcs', 'a'))).toBe("ERR wrong number of arguments for 'lcs' command");
  });
});
