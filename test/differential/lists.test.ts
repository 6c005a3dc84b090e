import { describe, expect, it } from 'vitest';
import { ex, useServer } from '../support/differential.js';
import { rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

const WT = 'ERR:WRONGTYPE Operation against a key holding the wrong kind of value';

describe.each(SERVER_KINDS)('list commands on %s', (kind) => {
  const t = useServer(kind);

  it('LPUSH, RPUSH, LPUSHX, RPUSHX, LLEN, LRANGE', async () => {
    expect(await ex(t.r, 'lpush', 'l1', 'a', 'b')).toBe(2);
    expect(await ex(t.r, 'rpush', 'l1', 'c', 'd')).toBe(4);
    expect(await ex(t.r, 'lrange', 'l1', '0', '-1')).toEqual(['b', 'a', 'c', 'd']);
    expect(await ex(t.r, 'lpushx', 'nol', 'a')).toBe(0);
    expect(await ex(t.r, 'rpushx', 'nol', 'a')).toBe(0);
    expect(await ex(t.r, 'exists', 'nol')).toBe(0);
    expect(await ex(t.r, 'lpushx', 'l1', 'x', 'y')).toBe(6);
    expect(await ex(t.r, 'rpushx', 'l1', 'z')).toBe(7);
    expect(await ex(t.r, 'llen', 'l1')).toBe(7);
    expect(await ex(t.r, 'llen', 'nol')).toBe(0);
    expect(await ex(t.r, 'lrange', 'l1', '0', '-1')).toEqual(['y', 'x', 'b', 'a', 'c', 'd', 'z']);
    expect(await ex(t.r, 'lrange', 'l1', '-2', '100')).toEqual(['d', 'z']);
    expect(await ex(t.r, 'lrange', 'l1', '5', '2')).toEqual([]);
    expect(await ex(t.r, 'lrange', 'l1', '-100', '1')).toEqual(['y', 'x']);
    expect(await ex(t.r, 'lrange', 'l1', '7', '10')).toEqual([]);
    expect(await ex(t.r, 'lrange', 'nol', '0', '-1')).toEqual([]);
    expect(await ex(t.r, 'lrange', 'l1', 'a', '1')).toBe('ERR:ERR value is not an integer or out of range');
  });

  it('LPOP/RPOP with and without count', async () => {
    await ex(t.r, 'rpush', 'l2', 'a', 'b', 'c', 'd', 'e');
    expect(await ex(t.r, 'lpop', 'l2')).toBe('a');
    expect(await ex(t.r, 'rpop', 'l2')).toBe('e');
    expect(await ex(t.r, 'lpop', 'l2', '2')).toEqual(['b', 'c']);
    expect(await ex(t.r, 'lpop', 'l2', '0')).toEqual([]);
    expect(await ex(t.r, 'rpop', 'l2', '10')).toEqual(['d']);
    expect(await ex(t.r, 'exists', 'l2')).toBe(0);
    expect(await ex(t.r, 'lpop', 'l2')).toBe(null);
    expect(await ex(t.r, 'lpop', 'l2', '2')).toBe(null);
    expect(await ex(t.r, 'lpop', 'l2', '0')).toBe(null);
    expect(await ex(t.r, 'lpop', 'l2', '-1')).toBe('ERR:ERR value is out of range, must be positive');
    expect(await ex(t.r, 'lpop', 'l2', 'x')).toBe('ERR:ERR value is out of range, must be positive');
    expect(await ex(t.r, 'lpop', 'l2', '1', '2')).toBe("ERR:ERR wrong number of arguments for 'lpop' command");
    await ex(t.r, 'rpush', 'l2b', 'a', 'b', 'c');
    expect(await ex(t.r, 'rpop', 'l2b', '2')).toEqual(['c', 'b']);
  });

  it('RESP3 null forms of LPOP', async () => {
    const a = await rawExchange(t.srv.port, 'HELLO 3\r\nLPOP nol3\r\nLPOP nol3 2\r\nPING\r\n', (s) => s.endsWith('+PONG\r\n'));
    expect(a.reply.endsWith('_\r\n_\r\n+PONG\r\n')).toBe(true);
    const b = await rawExchange(t.srv.port, 'LPOP nol3\r\nLPOP nol3 2\r\n', (s) => s.endsWith('*-1\r\n'));
    expect(b.reply).toBe('$-1\r\n*-1\r\n');
  });

  it('LINDEX, LSET, LINSERT', async () => {
    await ex(t.r, 'rpush', 'l3', 'a', 'b', 'c');
    expect(await ex(t.r, 'lindex', 'l3', '0')).toBe('a');
    expect(await ex(t.r, 'lindex', 'l3', '-1')).toBe('c');
    expect(await ex(t.r, 'lindex', 'l3', '3')).toBe(null);
    expect(await ex(t.r, 'lindex', 'l3', '-4')).toBe(null);
    expect(await ex(t.r, 'lindex', 'nol', 'x')).toBe(null);
    expect(await ex(t.r, 'lindex', 'l3', 'x')).toBe('ERR:ERR value is not an integer or out of range');
    expect(await ex(t.r, 'lset', 'l3', '1', 'B')).toBe('OK');
    expect(await ex(t.r, 'lset', 'l3', '-1', 'C')).toBe('OK');
    expect(await ex(t.r, 'lset', 'l3', '3', 'x')).toBe('ERR:ERR index out of range');
    expect(await ex(t.r, 'lset', 'nol', '0', 'x')).toBe('ERR:ERR no such key');
    expect(await ex(t.r, 'lset', 'l3', 'x', 'x')).toBe('ERR:ERR value is not an integer or out of range');
    expect(await ex(t.r, 'linsert', 'l3', 'before', 'B', 'x')).toBe(4);
    expect(await ex(t.r, 'linsert', 'l3', 'AFTER', 'C', 'y')).toBe(5);
    expect(await ex(t.r, 'linsert', 'l3', 'after', 'zz', 'y')).toBe(-1);
    expect(await ex(t.r, 'linsert', 'nol', 'after', 'zz', 'y')).toBe(0);
    expect(await ex(t.r, 'linsert', 'l3', 'middle', 'B', 'y')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'lrange', 'l3', '0', '-1')).toEqual(['a', 'x', 'B', 'C', 'y']);
  });

  it('LREM, LTRIM', async () => {
    await ex(t.r, 'rpush', 'l4', 'a', 'b', 'a', 'c', 'a', 'b');
    expect(await ex(t.r, 'lrem', 'l4', '-2', 'a')).toBe(2);
    expect(await ex(t.r, 'lrange', 'l4', '0', '-1')).toEqual(['a', 'b', 'c', 'b']);
    expect(await ex(t.r, 'lrem', 'l4', '1', 'b')).toBe(1);
    expect(await ex(t.r, 'lrem', 'l4', '0', 'zz')).toBe(0);
    expect(await ex(t.r, 'lrem', 'nol', '0', 'a')).toBe(0);
    expect(await ex(t.r, 'lrem', 'l4', 'x', 'a')).toBe('ERR:ERR value is not an integer or out of range');
    expect(await ex(t.r, 'lrange', 'l4', '0', '-1')).toEqual(['a', 'c', 'b']);
    expect(await ex(t.r, 'lrem', 'l4', '0', 'a')).toBe(1);
    await ex(t.r, 'rpush', 'l5', '1', '2', '3', '4', '5');
    expect(await ex(t.r, 'ltrim', 'l5', '1', '-2')).toBe('OK');
    expect(await ex(t.r, 'lrange', 'l5', '0', '-1')).toEqual(['2', '3', '4']);
    expect(await ex(t.r, 'ltrim', 'l5', '-100', '100')).toBe('OK');
    expect(await ex(t.r, 'lrange', 'l5', '0', '-1')).toEqual(['2', '3', '4']);
    expect(await ex(t.r, 'ltrim', 'nol', '0', '1')).toBe('OK');
    expect(await ex(t.r, 'ltrim', 'l5', '2', '1')).toBe('OK');
    expect(await ex(t.r, 'exists', 'l5')).toBe(0);
    await ex(t.r, 'rpush', 'l6', 'a');
    expect(await ex(t.r, 'lrem', 'l6', '0', 'a')).toBe(1);
    expect(await ex(t.r, 'exists', 'l6')).toBe(0);
  });

  it('LPOS with RANK, COUNT, MAXLEN', async () => {
    await ex(t.r, 'rpush', 'l7', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
    expect(await ex(t.r, 'lpos', 'l7', 'c')).toBe(2);
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'rank', '2')).toBe(6);
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'rank', '-1')).toBe(7);
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'count', '0')).toEqual([2, 6, 7]);
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'count', '2')).toEqual([2, 6]);
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'count', '2', 'rank', '-1')).toEqual([7, 6]);
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'count', '0', 'maxlen', '7')).toEqual([2, 6]);
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'maxlen', '2')).toBe(null);
    expect(await ex(t.r, 'lpos', 'l7', 'zz')).toBe(null);
    expect(await ex(t.r, 'lpos', 'l7', 'zz', 'count', '1')).toEqual([]);
    expect(await ex(t.r, 'lpos', 'nol', 'zz')).toBe(null);
    expect(await ex(t.r, 'lpos', 'nol', 'zz', 'count', '1')).toEqual([]);
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'rank', '0')).toBe(
      "ERR:ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    );
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'count', '-1')).toBe("ERR:ERR COUNT can't be negative");
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'maxlen', '-1')).toBe("ERR:ERR MAXLEN can't be negative");
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'foo', '1')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'lpos', 'l7', 'c', 'rank')).toBe('ERR:ERR syntax error');
  });

  it('LMOVE and RPOPLPUSH', async () => {
    await ex(t.r, 'rpush', 'src', 'a', 'b', 'c');
    expect(await ex(t.r, 'lmove', 'src', 'dst', 'left', 'right')).toBe('a');
    expect(await ex(t.r, 'lmove', 'src', 'dst', 'RIGHT', 'LEFT')).toBe('c');
    expect(await ex(t.r, 'lrange', 'dst', '0', '-1')).toEqual(['c', 'a']);
    expect(await ex(t.r, 'rpoplpush', 'src', 'dst')).toBe('b');
    expect(await ex(t.r, 'exists', 'src')).toBe(0);
    expect(await ex(t.r, 'lrange', 'dst', '0', '-1')).toEqual(['b', 'c', 'a']);
    expect(await ex(t.r, 'rpoplpush', 'src', 'dst')).toBe(null);
    expect(await ex(t.r, 'lmove', 'dst', 'dst', 'left', 'right')).toBe('b');
    expect(await ex(t.r, 'lrange', 'dst', '0', '-1')).toEqual(['c', 'a', 'b']);
    expect(await ex(t.r, 'lmove', 'dst', 'x', 'up', 'right')).toBe('ERR:ERR syntax error');
    await ex(t.r, 'sadd', 'aset', 'm');
    expect(await ex(t.r, 'lmove', 'dst', 'aset', 'left', 'right')).toBe(WT);
    expect(await ex(t.r, 'rpoplpush', 'aset', 'dst')).toBe(WT);
    expect(await ex(t.r, 'lrange', 'dst', '0', '-1')).toEqual(['c', 'a', 'b']);
  });

  it('LMPOP', async () => {
    await ex(t.r, 'rpush', 'm2', 'a', 'b', 'c');
    expect(await ex(t.r, 'lmpop', '2', 'm1', 'm2', 'left')).toEqual(['m2', ['a']]);
    expect(await ex(t.r, 'lmpop', '2', 'm1', 'm2', 'RIGHT', 'count', '5')).toEqual(['m2', ['c', 'b']]);
    expect(await ex(t.r, 'lmpop', '2', 'm1', 'm2', 'left')).toBe(null);
    expect(await ex(t.r, 'lmpop', '0', 'm1', 'left')).toBe('ERR:ERR numkeys should be greater than 0');
    expect(await ex(t.r, 'lmpop', 'x', 'm1', 'left')).toBe('ERR:ERR numkeys should be greater than 0');
    expect(await ex(t.r, 'lmpop', '3', 'm1', 'left')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'lmpop', '1', 'm1', 'up')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'lmpop', '1', 'm1', 'left', 'count', '0')).toBe('ERR:ERR count should be greater than 0');
    expect(await ex(t.r, 'lmpop', '1', 'm1', 'left', 'count', '1', 'count', '2')).toBe('ERR:ERR syntax error');
    await ex(t.r, 'sadd', 'aset2', 'm');
    expect(await ex(t.r, 'lmpop', '2', 'aset2', 'm1', 'left')).toBe(WT);
  });

  it('WRONGTYPE for every list command against a set', async () => {
    await ex(t.r, 'sadd', 'aset3', 'x');
    for (const args of [
      ['lpush', 'aset3', 'a'],
      ['rpush', 'aset3', 'a'],
      ['lpushx', 'aset3', 'a'],
      ['rpushx', 'aset3', 'a'],
      ['lpop', 'aset3'],
      ['rpop', 'aset3', '2'],
      ['llen', 'aset3'],
      ['lrange', 'aset3', '0', '1'],
      ['lindex', 'aset3', '0'],
      ['lset', 'aset3', '0', 'x'],
      ['linsert', 'aset3', 'before', 'a', 'b'],
      ['lrem', 'aset3', '0', 'a'],
      ['ltrim', 'aset3', '0', '1'],
      ['lpos', 'aset3', 'a'],
      ['blpop', 'aset3', '0'],
      ['brpop', 'aset3', '0'],
      ['blmove', 'aset3', 'x', 'left', 'left', '0'],
      ['brpoplpush', 'aset3', 'x', '0'],
      ['blmpop', '0', '1', 'aset3', 'left'],
    ]) {
      expect(await ex(t.r, ...args)).toBe(WT);
    }
  });
});
