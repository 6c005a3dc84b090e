import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { usePair } from '../support/paired.js';
import { client } from '../support/redis.js';

/**
 * Keyspace notifications of the whole Redis 7.0 event set, `n` (new key) and `t` (streams)
 * included: the same commands on both servers must publish the same events in the same order.
 */
describe('keyspace events, ours vs redis-server', () => {
  const p = usePair(['--notify-keyspace-events', 'KEAnt']);
  const subs: ReturnType<typeof client>[] = [];
  afterAll(() => {
    for (const s of subs) s.disconnect();
  });

  async function events(port: number, run: (r: ReturnType<typeof client>) => Promise<void>, r: ReturnType<typeof client>): Promise<string[]> {
    const sub = client(port);
    subs.push(sub);
    const got: string[] = [];
    sub.on('pmessage', (_p, ch: string, msg: string) => got.push(`${ch} ${msg}`));
    await sub.psubscribe('__key*__:*');
    await run(r);
    await r.call('set', 'end-marker', '1');
    for (let i = 0; i < 200 && !got.some((g) => g.includes('end-marker')); i++) await sleep(10);
    return got;
  }

  it('the same events for strings, lists, hashes, sets, zsets, streams, expiry, new keys and CONFIG flags', async () => {
    const run = async (r: ReturnType<typeof client>): Promise<void> => {
      for (const c of [
        ['set', 'a', '1'],
        ['set', 'a', '2'],
        ['append', 'a', 'x'],
        ['incrby', 'n', '5'],
        ['lpush', 'l', 'a', 'b'],
        ['rpop', 'l'],
        ['hset', 'h', 'f', 'v'],
        ['hdel', 'h', 'f'],
        ['sadd', 's', 'm'],
        ['sinterstore', 's2', 's'],
        ['zadd', 'z', '1', 'm'],
        ['zrangestore', 'z2', 'z', '0', '-1'],
        ['xadd', 'x', '1-1', 'f', 'v'],
        ['xadd', 'x', 'maxlen', '0', '2-1', 'f', 'v'],
        ['xgroup', 'create', 'x', 'g', '0'],
        ['xgroup', 'createconsumer', 'x', 'g', 'c'],
        ['xreadgroup', 'group', 'g', 'c2', 'streams', 'x', '>'],
        ['xgroup', 'setid', 'x', 'g', '0'],
        ['xgroup', 'delconsumer', 'x', 'g', 'c'],
        ['xgroup', 'destroy', 'x', 'g'],
        ['xsetid', 'x', '5-5'],
        ['xdel', 'x', '2-1'],
        ['xtrim', 'x', 'maxlen', '0'],
        ['xgroup', 'create', 'x2', 'g', '$', 'mkstream'],
        ['rename', 'a', 'b'],
        ['copy', 'b', 'c'],
        ['expire', 'c', '100'],
        ['persist', 'c'],
        // 50 ms, not 1: Redis deletes at once when a millisecond passes between computing the
        // deadline and checking it (checkAlreadyExpired), which a loaded machine makes likely.
        ['pexpire', 'c', '50'],
        ['del', 'b', 'n'],
      ]) {
        await r.call(c[0]!, ...c.slice(1));
      }
      await sleep(120);
      await r.call('get', 'c');
      await r.call('config', 'set', 'notify-keyspace-events', 'En');
      await r.call('set', 'only-new', '1');
      await r.call('set', 'only-new', '2');
      await r.call('config', 'set', 'notify-keyspace-events', 'KEAnt');
    };
    const a = await events(p.ours.srv.port, run, p.ours.r);
    const b = await events(p.redis.srv.port, run, p.redis.r);
    expect(a).toEqual(b);
    expect(a).toContain('__keyevent@0__:new x2');
    expect(a).toContain('__keyevent@0__:xgroup-createconsumer x');
  });
});
