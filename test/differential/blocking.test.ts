import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { ex, useServer } from '../support/differential.js';
import { client, rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

describe.each(SERVER_KINDS)('blocking list/zset commands on %s', (kind) => {
  const t = useServer(kind);
  const extra: Redis[] = [];
  const conn = (): Redis => {
    const c = client(t.srv.port);
    extra.push(c);
    return c;
  };
  /** Wait until `n` clients are blocked (INFO clients), so arrival order is certain. */
  const waitBlocked = async (n: number): Promise<void> => {
    for (let i = 0; i < 500; i++) {
      const info = (await t.r.info('clients')) as string;
      const m = /blocked_clients:(\d+)/.exec(info);
      if (m && Number(m[1]) >= n) return;
      await sleep(10);
    }
    throw new Error(`never saw ${n} blocked clients`);
  };
  // Runs before useServer's afterAll (hooks after are called in reverse order).
  afterAll(() => {
    for (const c of extra) c.disconnect();
  });

  it('BLPOP/BRPOP serve at once when a list has data, first non-empty key wins', async () => {
    await ex(t.r, 'rpush', 'b2', 'x', 'y');
    expect(await ex(t.r, 'blpop', 'b1', 'b2', '0')).toEqual(['b2', 'x']);
    expect(await ex(t.r, 'brpop', 'b1', 'b2', '0')).toEqual(['b2', 'y']);
    expect(await ex(t.r, 'exists', 'b2')).toBe(0);
  });

  it('BLPOP times out with a null array after at least the timeout', async () => {
    const t0 = Date.now();
    expect(await ex(t.r, 'blpop', 'never', '0.2')).toBe(null);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    const raw = await rawExchange(
      t.srv.port,
      'BLPOP never 0.05\r\nBLMOVE never x LEFT LEFT 0.05\r\nBZPOPMIN never 0.05\r\nBLMPOP 0.05 1 never LEFT\r\n',
      (s) => s.split('*-1\r\n').length === 5,
    );
    expect(raw.reply).toBe('*-1\r\n*-1\r\n*-1\r\n*-1\r\n');
  });

  it('timeout errors', async () => {
    expect(await ex(t.r, 'blpop', 'k', 'abc')).toBe('ERR:ERR timeout is not a float or out of range');
    expect(await ex(t.r, 'blpop', 'k', '-1')).toBe('ERR:ERR timeout is negative');
    expect(await ex(t.r, 'brpoplpush', 'k', 'd', 'x')).toBe('ERR:ERR timeout is not a float or out of range');
    expect(await ex(t.r, 'bzpopmax', 'k', '-0.5')).toBe('ERR:ERR timeout is negative');
  });

  it('a push from another client wakes the blocked client', async () => {
    const c1 = conn();
    const p = ex(c1, 'brpop', 'w1', 'w2', '5');
    await waitBlocked(1);
    expect(await ex(t.r, 'lpush', 'w2', 'v')).toBe(1);
    expect(await p).toEqual(['w2', 'v']);
    expect(await ex(t.r, 'exists', 'w2')).toBe(0);
  });

  it('FIFO fairness: three blocked clients are served in arrival order', async () => {
    const [c1, c2, c3] = [conn(), conn(), conn()];
    const p1 = ex(c1, 'blpop', 'fifo', '5');
    await waitBlocked(1);
    const p2 = ex(c2, 'blpop', 'fifo', '5');
    await waitBlocked(2);
    const p3 = ex(c3, 'blpop', 'fifo', '5');
    await waitBlocked(3);
    expect(await ex(t.r, 'rpush', 'fifo', 'a', 'b')).toBe(2);
    expect(await p1).toEqual(['fifo', 'a']);
    expect(await p2).toEqual(['fifo', 'b']);
    expect(await ex(t.r, 'rpush', 'fifo', 'c')).toBe(1);
    expect(await p3).toEqual(['fifo', 'c']);
  });

  it('a MULTI that pushes wakes the client after EXEC; blocking commands inside MULTI do not block', async () => {
    const c1 = conn();
    const p = ex(c1, 'blpop', 'mq', '5');
    await waitBlocked(1);
    const res = await t.r.multi().lpush('mq', 'x').lpush('mq', 'y').llen('mq').exec();
    expect(res!.map((x: [Error | null, unknown]) => x[1])).toEqual([1, 2, 2]);
    expect(await p).toEqual(['mq', 'y']);
    expect(await ex(t.r, 'lrange', 'mq', '0', '-1')).toEqual(['x']);
    const res2 = await t.r
      .multi()
      .call('blpop', 'mq-none', '0')
      .call('blmove', 'mq-none', 'd', 'left', 'left', '0')
      .call('bzpopmin', 'mq-none', '0')
      .call('blpop', 'mq', '0')
      .exec();
    expect(res2!.map((x: [Error | null, unknown]) => x[1])).toEqual([null, null, null, ['mq', 'x']]);
  });

  it('BLMOVE chain: a moved element wakes the next waiter', async () => {
    const [c1, c2] = [conn(), conn()];
    const p1 = ex(c1, 'blmove', 'ch-a', 'ch-b', 'left', 'right', '5');
    await waitBlocked(1);
    const p2 = ex(c2, 'brpoplpush', 'ch-b', 'ch-c', '5');
    await waitBlocked(2);
    expect(await ex(t.r, 'rpush', 'ch-a', 'v')).toBe(1);
    expect(await p1).toBe('v');
    expect(await p2).toBe('v');
    expect(await ex(t.r, 'exists', 'ch-a', 'ch-b')).toBe(0);
    expect(await ex(t.r, 'lrange', 'ch-c', '0', '-1')).toEqual(['v']);
  });

  it("a blocked client's pipelined commands wait until it is served", async () => {
    const raw = rawExchange(t.srv.port, 'BLPOP pipe 5\r\nPING\r\nECHO after\r\n', (s) => s.endsWith('$5\r\nafter\r\n'));
    await waitBlocked(1);
    await ex(t.r, 'rpush', 'pipe', 'v');
    expect((await raw).reply).toBe('*2\r\n$4\r\npipe\r\n$1\r\nv\r\n+PONG\r\n$5\r\nafter\r\n');
  });

  it('a blocked client stays blocked when the key gets another type, and is served by a list', async () => {
    const c1 = conn();
    const p = ex(c1, 'blpop', 'typed', '5');
    await waitBlocked(1);
    await ex(t.r, 'sadd', 'typed', 'm');
    await ex(t.r, 'del', 'typed');
    await ex(t.r, 'rpush', 'tmp-list', 'z');
    await ex(t.r, 'rename', 'tmp-list', 'typed');
    expect(await p).toEqual(['typed', 'z']);
  });

  it('BLMPOP blocks and serves a range', async () => {
    const c1 = conn();
    const p = ex(c1, 'blmpop', '5', '2', 'bm1', 'bm2', 'right', 'count', '2');
    await waitBlocked(1);
    await ex(t.r, 'rpush', 'bm2', 'a', 'b', 'c');
    expect(await p).toEqual(['bm2', ['c', 'b']]);
    expect(await ex(t.r, 'blmpop', '0', '1', 'bm2', 'left', 'count', '5')).toEqual(['bm2', ['a']]);
  });

  it('BZPOPMIN/BZPOPMAX/BZMPOP block and wake on ZADD', async () => {
    const [c1, c2] = [conn(), conn()];
    const p1 = ex(c1, 'bzpopmin', 'bz', '5');
    await waitBlocked(1);
    const p2 = ex(c2, 'bzmpop', '5', '1', 'bz', 'max', 'count', '5');
    await waitBlocked(2);
    await ex(t.r, 'zadd', 'bz', '1', 'a', '2', 'b', '3', 'c');
    expect(await p1).toEqual(['bz', 'a', '1']);
    expect(await p2).toEqual([
      'bz',
      [
        ['c', '3'],
        ['b', '2'],
      ],
    ]);
    await ex(t.r, 'zadd', 'bz2', '5', 'x');
    expect(await ex(t.r, 'bzpopmax', 'bz1', 'bz2', '0')).toEqual(['bz2', 'x', '5']);
  });

  it('BLMOVE to a destination of the wrong type ends with WRONGTYPE and keeps the element', async () => {
    const c1 = conn();
    await ex(t.r, 'sadd', 'wt-dst', 'm');
    const p = ex(c1, 'blmove', 'wt-src', 'wt-dst', 'left', 'left', '5');
    await waitBlocked(1);
    await ex(t.r, 'rpush', 'wt-src', 'v');
    expect(await p).toBe('ERR:WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(await ex(t.r, 'lrange', 'wt-src', '0', '-1')).toEqual(['v']);
  });
});
