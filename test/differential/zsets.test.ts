import { describe, expect, it } from 'vitest';
import { ex, useServer } from '../support/differential.js';
import { rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

const WT = 'ERR:WRONGTYPE Operation against a key holding the wrong kind of value';

describe.each(SERVER_KINDS)('sorted-set commands on %s', (kind) => {
  const t = useServer(kind);

  it('ZADD options, replies and errors', async () => {
    expect(await ex(t.r, 'zadd', 'z1', '1', 'a', '2', 'b')).toBe(2);
    expect(await ex(t.r, 'zadd', 'z1', '5', 'a', '3', 'c')).toBe(1);
    expect(await ex(t.r, 'zadd', 'z1', 'ch', '6', 'a', '3', 'c', '0', 'd')).toBe(2);
    expect(await ex(t.r, 'zadd', 'z1', 'nx', '100', 'a', '4', 'e')).toBe(1);
    expect(await ex(t.r, 'zscore', 'z1', 'a')).toBe('6');
    expect(await ex(t.r, 'zadd', 'z1', 'xx', 'ch', '7', 'a', '4', 'zz')).toBe(1);
    expect(await ex(t.r, 'zscore', 'z1', 'zz')).toBe(null);
    expect(await ex(t.r, 'zadd', 'z1', 'gt', 'ch', '1', 'a', '8', 'b')).toBe(1);
    expect(await ex(t.r, 'zadd', 'z1', 'lt', 'ch', '1', 'a', '9', 'b')).toBe(1);
    expect(await ex(t.r, 'zrange', 'z1', '0', '-1', 'withscores')).toEqual(['d', '0', 'a', '1', 'c', '3', 'e', '4', 'b', '8']);
    expect(await ex(t.r, 'zadd', 'z1', 'incr', '2.5', 'a')).toBe('3.5');
    expect(await ex(t.r, 'zadd', 'z1', 'nx', 'incr', '1', 'a')).toBe(null);
    expect(await ex(t.r, 'zadd', 'z1', 'gt', 'incr', '-1', 'a')).toBe(null);
    expect(await ex(t.r, 'zadd', 'z1', 'xx', 'incr', '1', 'nope')).toBe(null);
    expect(await ex(t.r, 'zadd', 'noz', 'xx', '1', 'a')).toBe(0);
    expect(await ex(t.r, 'zadd', 'noz', 'xx', 'incr', '1', 'a')).toBe(null);
    expect(await ex(t.r, 'exists', 'noz')).toBe(0);
    expect(await ex(t.r, 'zadd', 'z1', 'nx', 'xx', '1', 'a')).toBe('ERR:ERR XX and NX options at the same time are not compatible');
    expect(await ex(t.r, 'zadd', 'z1', 'gt', 'lt', '1', 'a')).toBe('ERR:ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(await ex(t.r, 'zadd', 'z1', 'nx', 'gt', '1', 'a')).toBe('ERR:ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(await ex(t.r, 'zadd', 'z1', 'incr', '1', 'a', '2', 'b')).toBe('ERR:ERR INCR option supports a single increment-element pair');
    expect(await ex(t.r, 'zadd', 'z1', '1', 'a', '2')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zadd', 'z1', 'nx')).toBe("ERR:ERR wrong number of arguments for 'zadd' command");
    expect(await ex(t.r, 'zadd', 'z1', 'nx', 'ch')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zadd', 'z1', 'x', 'a')).toBe('ERR:ERR value is not a valid float');
    expect(await ex(t.r, 'zadd', 'z1', 'nan', 'a')).toBe('ERR:ERR value is not a valid float');
    expect(await ex(t.r, 'zadd', 'z1', '1', 'ok', 'x', 'a')).toBe('ERR:ERR value is not a valid float');
    expect(await ex(t.r, 'zscore', 'z1', 'ok')).toBe(null);
    await ex(t.r, 'zadd', 'zinf', 'inf', 'm');
    expect(await ex(t.r, 'zadd', 'zinf', 'incr', '-inf', 'm')).toBe('ERR:ERR resulting score is not a number (NaN)');
    expect(await ex(t.r, 'zincrby', 'zinf', '-inf', 'm')).toBe('ERR:ERR resulting score is not a number (NaN)');
    expect(await ex(t.r, 'zscore', 'zinf', 'm')).toBe('inf');
  });

  it('ZINCRBY, ZSCORE, ZMSCORE, ZCARD, ZREM; doubles use %.17g', async () => {
    expect(await ex(t.r, 'zincrby', 'z2', '1.5', 'a')).toBe('1.5');
    expect(await ex(t.r, 'zincrby', 'z2', '0.1', 'a')).toBe('1.6000000000000001');
    expect(await ex(t.r, 'zincrby', 'z2', 'x', 'a')).toBe('ERR:ERR value is not a valid float');
    await ex(t.r, 'zadd', 'z2', '1e20', 'big', '-0.000001', 'small', '3', 'c');
    expect(await ex(t.r, 'zscore', 'z2', 'big')).toBe('1e+20');
    expect(await ex(t.r, 'zscore', 'z2', 'small')).toBe('-9.9999999999999995e-07');
    expect(await ex(t.r, 'zscore', 'z2', 'nope')).toBe(null);
    expect(await ex(t.r, 'zscore', 'noz', 'nope')).toBe(null);
    expect(await ex(t.r, 'zmscore', 'z2', 'c', 'nope', 'a')).toEqual(['3', null, '1.6000000000000001']);
    expect(await ex(t.r, 'zmscore', 'noz', 'a', 'b')).toEqual([null, null]);
    expect(await ex(t.r, 'zcard', 'z2')).toBe(4);
    expect(await ex(t.r, 'zcard', 'noz')).toBe(0);
    expect(await ex(t.r, 'zrem', 'z2', 'a', 'nope', 'a')).toBe(1);
    expect(await ex(t.r, 'zrem', 'noz', 'a')).toBe(0);
    expect(await ex(t.r, 'zrem', 'z2', 'big', 'small', 'c')).toBe(3);
    expect(await ex(t.r, 'exists', 'z2')).toBe(0);
  });

  it('ordering by score then member bytes; ZRANK, ZREVRANK', async () => {
    await ex(t.r, 'zadd', 'z3', '1', 'b', '1', 'a', '1', 'B', '0', 'z', '1', '\xff', '1', 'ab');
    expect(await ex(t.r, 'zrange', 'z3', '0', '-1')).toEqual(['z', 'B', 'a', 'ab', 'b', '\xff']);
    expect(await ex(t.r, 'zrank', 'z3', 'a')).toBe(2);
    expect(await ex(t.r, 'zrevrank', 'z3', 'a')).toBe(3);
    expect(await ex(t.r, 'zrank', 'z3', 'nope')).toBe(null);
    expect(await ex(t.r, 'zrank', 'noz', 'nope')).toBe(null);
  });

  it('ZRANGE by rank, REV, BYSCORE, BYLEX, LIMIT, WITHSCORES and errors', async () => {
    await ex(t.r, 'zadd', 'z4', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    expect(await ex(t.r, 'zrange', 'z4', '1', '2')).toEqual(['b', 'c']);
    expect(await ex(t.r, 'zrange', 'z4', '-2', '100')).toEqual(['d', 'e']);
    expect(await ex(t.r, 'zrange', 'z4', '3', '1')).toEqual([]);
    expect(await ex(t.r, 'zrange', 'z4', '0', '1', 'rev', 'withscores')).toEqual(['e', '5', 'd', '4']);
    expect(await ex(t.r, 'zrevrange', 'z4', '0', '1')).toEqual(['e', 'd']);
    expect(await ex(t.r, 'zrange', 'z4', '(1', '3', 'byscore')).toEqual(['b', 'c']);
    expect(await ex(t.r, 'zrange', 'z4', '-inf', '+inf', 'byscore', 'limit', '1', '2')).toEqual(['b', 'c']);
    expect(await ex(t.r, 'zrange', 'z4', '+inf', '(2', 'byscore', 'rev', 'limit', '0', '2', 'withscores')).toEqual(['e', '5', 'd', '4']);
    expect(await ex(t.r, 'zrange', 'z4', '-inf', '+inf', 'byscore', 'limit', '-1', '2')).toEqual([]);
    expect(await ex(t.r, 'zrange', 'z4', '-inf', '+inf', 'byscore', 'limit', '2', '-1')).toEqual(['c', 'd', 'e']);
    expect(await ex(t.r, 'zrange', 'z4', '-inf', '+inf', 'byscore', 'limit', '5', '1')).toEqual([]);
    expect(await ex(t.r, 'zrange', 'z4', '(3', '(3', 'byscore')).toEqual([]);
    expect(await ex(t.r, 'zrange', 'z4', '[b', '(d', 'bylex')).toEqual(['b', 'c']);
    expect(await ex(t.r, 'zrange', 'z4', '+', '[c', 'bylex', 'rev', 'limit', '1', '5')).toEqual(['d', 'c']);
    expect(await ex(t.r, 'zrange', 'z4', '0', '1', 'limit', '0', '1')).toBe(
      'ERR:ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    );
    expect(await ex(t.r, 'zrange', 'z4', '-', '+', 'bylex', 'withscores')).toBe('ERR:ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    expect(await ex(t.r, 'zrange', 'z4', 'a', '1', 'byscore')).toBe('ERR:ERR min or max is not a float');
    expect(await ex(t.r, 'zrange', 'z4', 'a', 'b', 'bylex')).toBe('ERR:ERR min or max not valid string range item');
    expect(await ex(t.r, 'zrange', 'z4', '0', '1', 'foo')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zrange', 'z4', '0', '1', 'byscore', 'bylex')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zrange', 'z4', 'x', '1')).toBe('ERR:ERR value is not an integer or out of range');
    expect(await ex(t.r, 'zrange', 'noz', '0', '-1')).toEqual([]);
  });

  it('ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZCOUNT, ZLEXCOUNT', async () => {
    await ex(t.r, 'zadd', 'z5', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(await ex(t.r, 'zrangebyscore', 'z5', '2', '3', 'withscores')).toEqual(['b', '2', 'c', '3']);
    expect(await ex(t.r, 'zrangebyscore', 'z5', '-inf', '(2')).toEqual(['a']);
    expect(await ex(t.r, 'zrangebyscore', 'z5', '1', '4', 'limit', '1', '1')).toEqual(['b']);
    expect(await ex(t.r, 'zrevrangebyscore', 'z5', '3', '-inf')).toEqual(['c', 'b', 'a']);
    expect(await ex(t.r, 'zrevrangebyscore', 'z5', '(3', '(1', 'withscores')).toEqual(['b', '2']);
    expect(await ex(t.r, 'zrangebyscore', 'z5', '1', 'x')).toBe('ERR:ERR min or max is not a float');
    expect(await ex(t.r, 'zrangebyscore', 'z5', '1', '2', 'bylex')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zrangebylex', 'z5', '-', '+')).toEqual(['a', 'b', 'c', 'd']);
    expect(await ex(t.r, 'zrangebylex', 'z5', '(a', '[c')).toEqual(['b', 'c']);
    expect(await ex(t.r, 'zrangebylex', 'z5', '-', '+', 'limit', '2', '10')).toEqual(['c', 'd']);
    expect(await ex(t.r, 'zrevrangebylex', 'z5', '[c', '-')).toEqual(['c', 'b', 'a']);
    expect(await ex(t.r, 'zrangebylex', 'z5', '+', '-')).toEqual([]);
    expect(await ex(t.r, 'zrangebylex', 'z5', 'a', '+')).toBe('ERR:ERR min or max not valid string range item');
    expect(await ex(t.r, 'zrangebylex', 'z5', '-', '+', 'withscores')).toBe('ERR:ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    expect(await ex(t.r, 'zcount', 'z5', '2', '+inf')).toBe(3);
    expect(await ex(t.r, 'zcount', 'z5', '(2', '(4')).toBe(1);
    expect(await ex(t.r, 'zcount', 'z5', '5', '1')).toBe(0);
    expect(await ex(t.r, 'zcount', 'noz', '-inf', '+inf')).toBe(0);
    expect(await ex(t.r, 'zcount', 'z5', 'x', '1')).toBe('ERR:ERR min or max is not a float');
    expect(await ex(t.r, 'zlexcount', 'z5', '[b', '+')).toBe(3);
    expect(await ex(t.r, 'zlexcount', 'z5', '(b', '(d')).toBe(1);
    expect(await ex(t.r, 'zlexcount', 'z5', 'b', '+')).toBe('ERR:ERR min or max not valid string range item');
  });

  it('ZRANGESTORE', async () => {
    await ex(t.r, 'zadd', 'z6', '1', 'a', '2', 'b', '3', 'c');
    expect(await ex(t.r, 'zrangestore', 'd6', 'z6', '0', '1')).toBe(2);
    expect(await ex(t.r, 'zrange', 'd6', '0', '-1', 'withscores')).toEqual(['a', '1', 'b', '2']);
    expect(await ex(t.r, 'zrangestore', 'd6', 'z6', '(1', '+inf', 'byscore', 'rev')).toBe(0);
    expect(await ex(t.r, 'zrangestore', 'd6', 'z6', '+inf', '(1', 'byscore', 'rev', 'limit', '0', '1')).toBe(1);
    expect(await ex(t.r, 'zrange', 'd6', '0', '-1', 'withscores')).toEqual(['c', '3']);
    expect(await ex(t.r, 'zrangestore', 'd6', 'z6', '10', '20')).toBe(0);
    expect(await ex(t.r, 'exists', 'd6')).toBe(0);
    expect(await ex(t.r, 'zrangestore', 'd6', 'noz', '0', '-1')).toBe(0);
    expect(await ex(t.r, 'zrangestore', 'd6', 'z6', '0', '1', 'withscores')).toBe('ERR:ERR syntax error');
  });

  it('ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX', async () => {
    await ex(t.r, 'zadd', 'z7', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    expect(await ex(t.r, 'zremrangebyrank', 'z7', '0', '1')).toBe(2);
    expect(await ex(t.r, 'zremrangebyrank', 'z7', '5', '10')).toBe(0);
    expect(await ex(t.r, 'zremrangebyscore', 'z7', '(3', '4')).toBe(1);
    expect(await ex(t.r, 'zremrangebylex', 'z7', '[c', '(e')).toBe(1);
    expect(await ex(t.r, 'zrange', 'z7', '0', '-1')).toEqual(['e']);
    expect(await ex(t.r, 'zremrangebyscore', 'z7', '-inf', '+inf')).toBe(1);
    expect(await ex(t.r, 'exists', 'z7')).toBe(0);
    expect(await ex(t.r, 'zremrangebyrank', 'noz', '0', '1')).toBe(0);
    expect(await ex(t.r, 'zremrangebyscore', 'z7', 'x', '1')).toBe('ERR:ERR min or max is not a float');
    expect(await ex(t.r, 'zremrangebylex', 'z7', 'x', '+')).toBe('ERR:ERR min or max not valid string range item');
    expect(await ex(t.r, 'zremrangebyrank', 'z7', 'x', '1')).toBe('ERR:ERR value is not an integer or out of range');
  });

  it('ZPOPMIN, ZPOPMAX, ZMPOP', async () => {
    await ex(t.r, 'zadd', 'z8', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(await ex(t.r, 'zpopmin', 'z8')).toEqual(['a', '1']);
    expect(await ex(t.r, 'zpopmax', 'z8', '2')).toEqual(['d', '4', 'c', '3']);
    expect(await ex(t.r, 'zpopmin', 'z8', '0')).toEqual([]);
    expect(await ex(t.r, 'zpopmin', 'noz')).toEqual([]);
    expect(await ex(t.r, 'zpopmin', 'z8', '-1')).toBe('ERR:ERR value is out of range, must be positive');
    expect(await ex(t.r, 'zpopmin', 'z8', '1', '2')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zpopmax', 'z8', '5')).toEqual(['b', '2']);
    expect(await ex(t.r, 'exists', 'z8')).toBe(0);
    await ex(t.r, 'zadd', 'z9', '1', 'a', '2', 'b', '3', 'c');
    expect(await ex(t.r, 'zmpop', '2', 'noz', 'z9', 'min')).toEqual(['z9', [['a', '1']]]);
    expect(await ex(t.r, 'zmpop', '1', 'z9', 'MAX', 'count', '10')).toEqual([
      'z9',
      [
        ['c', '3'],
        ['b', '2'],
      ],
    ]);
    expect(await ex(t.r, 'zmpop', '1', 'z9', 'max')).toBe(null);
    expect(await ex(t.r, 'zmpop', '0', 'z9', 'max')).toBe('ERR:ERR numkeys should be greater than 0');
    expect(await ex(t.r, 'zmpop', '1', 'z9', 'mid')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zmpop', '1', 'z9', 'min', 'count', '0')).toBe('ERR:ERR count should be greater than 0');
    expect(await ex(t.r, 'zmpop', '2', 'z9', 'min')).toBe('ERR:ERR syntax error');
  });

  it('ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE with WEIGHTS and AGGREGATE; sets as input', async () => {
    await ex(t.r, 'zadd', 'za', '1', 'a', '2', 'b', '3', 'c');
    await ex(t.r, 'zadd', 'zb', '10', 'b', '20', 'c', '30', 'd');
    await ex(t.r, 'sadd', 'sx', 'c', 'd', 'e');
    expect(await ex(t.r, 'zunionstore', 'zo', '2', 'za', 'zb')).toBe(4);
    expect(await ex(t.r, 'zrange', 'zo', '0', '-1', 'withscores')).toEqual(['a', '1', 'b', '12', 'c', '23', 'd', '30']);
    expect(await ex(t.r, 'zunionstore', 'zo', '2', 'za', 'zb', 'weights', '2', '0.5', 'aggregate', 'max')).toEqual(4);
    expect(await ex(t.r, 'zrange', 'zo', '0', '-1', 'withscores')).toEqual(['a', '2', 'b', '5', 'c', '10', 'd', '15']);
    expect(await ex(t.r, 'zinterstore', 'zo', '3', 'za', 'zb', 'sx', 'aggregate', 'min')).toBe(1);
    expect(await ex(t.r, 'zrange', 'zo', '0', '-1', 'withscores')).toEqual(['c', '1']);
    expect(await ex(t.r, 'zdiffstore', 'zo', '2', 'za', 'zb')).toBe(1);
    expect(await ex(t.r, 'zrange', 'zo', '0', '-1', 'withscores')).toEqual(['a', '1']);
    expect(await ex(t.r, 'zinterstore', 'zo', '2', 'za', 'noz')).toBe(0);
    expect(await ex(t.r, 'exists', 'zo')).toBe(0);
    expect(await ex(t.r, 'zunionstore', 'zo', '0', 'za')).toBe("ERR:ERR at least 1 input key is needed for 'zunionstore' command");
    expect(await ex(t.r, 'zunionstore', 'zo', '3', 'za', 'zb')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zunionstore', 'zo', '2', 'za', 'zb', 'weights', '1')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zunionstore', 'zo', '2', 'za', 'zb', 'weights', '1', 'x')).toBe('ERR:ERR weight value is not a float');
    expect(await ex(t.r, 'zunionstore', 'zo', '2', 'za', 'zb', 'aggregate', 'avg')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zunionstore', 'zo', '1', 'za', 'withscores')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zdiffstore', 'zo', '2', 'za', 'zb', 'weights', '1', '1')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zunionstore', 'zo', 'x', 'za')).toBe('ERR:ERR value is not an integer or out of range');
    await ex(t.r, 'rpush', 'alist', 'x');
    expect(await ex(t.r, 'zunionstore', 'zo', '2', 'za', 'alist')).toBe(WT);
  });

  it('ZUNION, ZINTER, ZDIFF, ZINTERCARD', async () => {
    await ex(t.r, 'zadd', 'zc', '1', 'a', '2', 'b');
    await ex(t.r, 'zadd', 'zd', '3', 'b', '4', 'c');
    expect(await ex(t.r, 'zunion', '2', 'zc', 'zd', 'withscores')).toEqual(['a', '1', 'c', '4', 'b', '5']);
    expect(await ex(t.r, 'zinter', '2', 'zc', 'zd', 'weights', '1', '2', 'withscores')).toEqual(['b', '8']);
    expect(await ex(t.r, 'zdiff', '2', 'zc', 'zd')).toEqual(['a']);
    expect(await ex(t.r, 'zdiff', '1', 'zc', 'withscores')).toEqual(['a', '1', 'b', '2']);
    expect(await ex(t.r, 'zintercard', '2', 'zc', 'zd')).toBe(1);
    expect(await ex(t.r, 'zintercard', '1', 'zc', 'limit', '1')).toBe(1);
    expect(await ex(t.r, 'zintercard', '1', 'zc', 'limit', '-1')).toBe("ERR:ERR LIMIT can't be negative");
    expect(await ex(t.r, 'zintercard', '0', 'zc')).toBe("ERR:ERR at least 1 input key is needed for 'zintercard' command");
    expect(await ex(t.r, 'zinter', '0', 'zc')).toBe("ERR:ERR at least 1 input key is needed for 'zinter' command");
    expect(await ex(t.r, 'zintercard', '1', 'zc', 'withscores')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zunion', '2', 'zc', 'noz')).toEqual(['a', 'b']);
  });

  it('ZRANDMEMBER', async () => {
    expect(await ex(t.r, 'zrandmember', 'noz')).toBe(null);
    expect(await ex(t.r, 'zrandmember', 'noz', '2')).toEqual([]);
    await ex(t.r, 'zadd', 'ze', '1', 'a', '2', 'b', '3', 'c');
    expect(['a', 'b', 'c']).toContain(await ex(t.r, 'zrandmember', 'ze'));
    expect(await ex(t.r, 'zrandmember', 'ze', '0')).toEqual([]);
    expect(await ex(t.r, 'zrandmember', 'ze', '5', 'withscores')).toEqual(['c', '3', 'b', '2', 'a', '1']);
    const neg = (await ex(t.r, 'zrandmember', 'ze', '-6', 'withscores')) as string[];
    expect(neg.length).toBe(12);
    for (let i = 0; i < 12; i += 2) expect(neg[i + 1]).toBe({ a: '1', b: '2', c: '3' }[neg[i]!]);
    const two = (await ex(t.r, 'zrandmember', 'ze', '2')) as string[];
    expect(new Set(two).size).toBe(2);
    expect(await ex(t.r, 'zrandmember', 'ze', '1', 'foo')).toBe('ERR:ERR syntax error');
    expect(await ex(t.r, 'zrandmember', 'ze', 'x')).toBe('ERR:ERR value is not an integer or out of range');
  });

  it('ZSCAN', async () => {
    await ex(t.r, 'zadd', 'zs', '1', 'a', '2.5', 'b');
    expect(await ex(t.r, 'zscan', 'zs', '0')).toEqual(['0', ['a', '1', 'b', '2.5']]);
    expect(await ex(t.r, 'zscan', 'noz', '0')).toEqual(['0', []]);
    const args: string[] = [];
    for (let i = 0; i < 300; i++) args.push(String(i), 'm' + i);
    await ex(t.r, 'zadd', 'zs2', ...args);
    const seen = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, items] = (await ex(t.r, 'zscan', 'zs2', cursor)) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(300);
    expect(seen.get('m42')).toBe('42');
  });

  it('OBJECT ENCODING: listpack → skiplist, sticky', async () => {
    await ex(t.r, 'zadd', 'zenc', '1', 'a');
    expect(await ex(t.r, 'object', 'encoding', 'zenc')).toBe('listpack');
    await ex(t.r, 'zadd', 'zenc', '2', 'x'.repeat(65));
    expect(await ex(t.r, 'object', 'encoding', 'zenc')).toBe('skiplist');
    await ex(t.r, 'zrem', 'zenc', 'x'.repeat(65));
    expect(await ex(t.r, 'object', 'encoding', 'zenc')).toBe('skiplist');
    await ex(t.r, 'zunionstore', 'zenc2', '1', 'zenc');
    expect(await ex(t.r, 'object', 'encoding', 'zenc2')).toBe('listpack');
  });

  it('RESP3 shapes: doubles, nested WITHSCORES pairs, ZPOPMIN', async () => {
    await ex(t.r, 'zadd', 'zr3', '1.5', 'a', '2', 'b');
    const a = await rawExchange(t.srv.port, 'HELLO 3\r\nZSCORE zr3 a\r\nZRANGE zr3 0 -1 WITHSCORES\r\nZPOPMIN zr3\r\nZPOPMAX zr3 1\r\nPING\r\n', (s) =>
      s.endsWith('+PONG\r\n'),
    );
    expect(
      a.reply.endsWith(',1.5\r\n*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n+PONG\r\n'),
    ).toBe(true);
  });

  it('WRONGTYPE for sorted-set commands against a list', async () => {
    for (const args of [
      ['zadd', 'alist', '1', 'a'],
      ['zincrby', 'alist', '1', 'a'],
      ['zrem', 'alist', 'a'],
      ['zscore', 'alist', 'a'],
      ['zmscore', 'alist', 'a'],
      ['zcard', 'alist'],
      ['zcount', 'alist', '0', '1'],
      ['zlexcount', 'alist', '-', '+'],
      ['zrank', 'alist', 'a'],
      ['zrange', 'alist', '0', '1'],
      ['zrangebyscore', 'alist', '0', '1'],
      ['zrangebylex', 'alist', '-', '+'],
      ['zrangestore', 'd', 'alist', '0', '1'],
      ['zremrangebyrank', 'alist', '0', '1'],
      ['zpopmin', 'alist'],
      ['zmpop', '1', 'alist', 'min'],
      ['bzpopmin', 'alist', '0'],
      ['zrandmember', 'alist'],
      ['zscan', 'alist', '0'],
    ]) {
      expect(await ex(t.r, ...args)).toBe(WT);
    }
  });
});
