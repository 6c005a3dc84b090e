import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { ex, useServer } from '../support/differential.js';
import { expectSameReplies, rawBoth, usePair } from '../support/paired.js';
import { client, rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

/** Replies that depend on the clock (idle times, delivery and seen times) compared by shape only. */
function maskTimes(cmd: (string | number)[], reply: unknown): unknown {
  const name = String(cmd[0]).toLowerCase();
  const sub = String(cmd[1] ?? '').toLowerCase();
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out = v.map(walk);
      for (let i = 0; i + 1 < out.length; i++) if (out[i] === 'idle' && typeof out[i + 1] === 'number') out[i + 1] = 'IDLE';
      return out;
    }
    return typeof v === 'number' && v > 1e12 ? 'TIME' : v;
  };
  let r = walk(reply);
  if (name === 'xpending' && cmd.length > 3 && Array.isArray(r)) r = r.map((row) => (Array.isArray(row) ? [row[0], row[1], 'IDLE', row[3]] : row));
  if (name === 'xinfo' && sub === 'consumers') return r;
  return r;
}

describe('stream commands, ours vs redis-server', () => {
  const p = usePair();

  it('XADD IDs and options, XRANGE/XREVRANGE/XLEN/XDEL/XTRIM/XSETID, errors, XINFO STREAM', async () => {
    await expectSameReplies(p, [
      ['xadd', 's', '1-1', 'a', '1', 'b', '2'],
      ['xadd', 's', '1-2', 'a', '3', 'b', '4'],
      ['xadd', 's', '1-*', 'a', '5', 'c', '6'],
      ['xadd', 's', '2', 'x', 'y'],
      ['xadd', 's', '1-5', 'a', 'b'],
      ['xadd', 's', '0-0', 'a', 'b'],
      ['xadd', 's', 'nomkstream', '3-0', 'a', 'b'],
      ['xadd', 'nos', 'nomkstream', '3-0', 'a', 'b'],
      ['xadd', 's', '5-0', 'a'],
      ['xadd', 's', 'maxlen', 'x', '5-0', 'a', 'b'],
      ['xadd', 's', 'maxlen', '-1', '5-0', 'a', 'b'],
      ['xadd', 's', 'minid', '1', 'maxlen', '2', '5-0', 'a', 'b'],
      ['xadd', 's', 'limit', '10', '5-0', 'a', 'b'],
      ['xadd', 's', 'maxlen', '=', '10', 'limit', '10', '5-0', 'a', 'b'],
      ['xadd', 's', 'abc', 'a', 'b'],
      ['xadd', 's', '18446744073709551616-0', 'a', 'b'],
      ['xlen', 's'],
      ['xrange', 's', '-', '+'],
      ['xrange', 's', '-', '+', 'count', '2'],
      ['xrange', 's', '-', '+', 'count', '0'],
      ['xrange', 's', '-', '+', 'count', '-1'],
      ['xrange', 's', '(1-1', '+'],
      ['xrange', 's', '1', '1'],
      ['xrange', 's', '(1', '(2'],
      ['xrevrange', 's', '+', '-'],
      ['xrevrange', 's', '+', '-', 'count', '1'],
      ['xrevrange', 's', '(2-0', '-'],
      ['xrange', 's', '-', '+', 'foo'],
      ['xrange', 's', 'x', '+'],
      ['xrange', 'nos', '-', '+'],
      ['xrange', 's', '(18446744073709551615-18446744073709551615', '+'],
      ['xrange', 's', '-', '(0-0'],
      ['xdel', 's', '1-2', '9-9'],
      ['xrange', 's', '-', '+'],
      ['xinfo', 'stream', 's'],
      ['xtrim', 's', 'maxlen', '1'],
      ['xrange', 's', '-', '+'],
      ['xinfo', 'stream', 's'],
      ['xtrim', 's'],
      ['xtrim', 's', 'minid', '3'],
      ['xinfo', 'stream', 's', 'full'],
      ['set', 'str', 'x'],
      ['xadd', 'str', '*', 'a', 'b'],
      ['xlen', 'str'],
      ['xrange', 'str', '-', '+'],
      ['object', 'encoding', 's'],
      ['type', 's'],
      ['xadd', 'big', '18446744073709551615-18446744073709551615', 'a', 'b'],
      ['xadd', 'big', '*', 'a', 'b'],
      ['xinfo', 'stream', 'big'],
      ['xadd', 'big2', '18446744073709551615-5', 'a', 'b'],
      ['xadd', 'big2', '18446744073709551615-*', 'a', 'b'],
      ['xrange', 'big2', '-', '+'],
      ['xsetid', 's', '1-0'],
      ['xsetid', 's', '100-0', 'entriesadded', '1'],
      ['xsetid', 's', '100-0', 'entriesadded', '10', 'maxdeletedid', '200-0'],
      ['xsetid', 's', '100-0', 'entriesadded', '10', 'maxdeletedid', '50-0'],
      ['xinfo', 'stream', 's'],
      ['xsetid', 'nos', '1-1'],
      ['del', 's', 'str', 'big', 'big2'],
    ]);
  });

  it('consumer groups: XGROUP, XREADGROUP, XREAD, XPENDING, XACK, XCLAIM, XAUTOCLAIM, XINFO GROUPS/CONSUMERS/STREAM FULL', async () => {
    await expectSameReplies(
      p,
      [
        ['xadd', 's', '1-1', 'a', '1', 'b', '2'],
        ['xadd', 's', '1-2', 'a', '3', 'b', '4'],
        ['xadd', 's', '2-0', 'c', '5'],
        ['xrange', 's', '(1-1', '+'],
        ['xrange', 's', '(1', '(2'],
        ['xrevrange', 's', '(2-0', '-'],
        ['xrange', 's', '(18446744073709551615-18446744073709551615', '+'],
        ['xrange', 's', '-', '(0-0'],
        ['xgroup', 'create', 's', 'g1', '0'],
        ['xgroup', 'create', 's', 'g1', '0'],
        ['xgroup', 'create', 'nos', 'g1', '0'],
        ['xgroup', 'create', 'nos', 'g1', '$', 'mkstream'],
        ['xgroup', 'create', 's', 'g2', '$', 'entriesread', '3'],
        ['xgroup', 'create', 's', 'g3', '1-1', 'entriesread', '-5'],
        ['xgroup', 'create', 's', 'g3', '1-1', 'foo'],
        ['xgroup', 'setid', 's', 'nog', '0'],
        ['xgroup', 'createconsumer', 's', 'g1', 'alice'],
        ['xgroup', 'createconsumer', 's', 'g1', 'alice'],
        ['xgroup', 'help'],
        ['xgroup', 'foo'],
        ['xgroup', 'create', 's'],
        ['xinfo', 'groups', 's'],
        ['xinfo', 'consumers', 's', 'g1'],
        ['xreadgroup', 'group', 'g1', 'bob', 'count', '1', 'streams', 's', '>'],
        ['xreadgroup', 'group', 'g1', 'bob', 'streams', 's', '>'],
        ['xreadgroup', 'group', 'g1', 'bob', 'streams', 's', '>'],
        ['xreadgroup', 'group', 'g1', 'bob', 'streams', 's', '0'],
        ['xreadgroup', 'group', 'g1', 'alice', 'streams', 's', '0'],
        ['xreadgroup', 'group', 'nog', 'bob', 'streams', 's', '>'],
        ['xreadgroup', 'group', 'g1', 'bob', 'streams', 's', '$'],
        ['xreadgroup', 'group', 'g1', 'bob', 'streams', 's'],
        ['xreadgroup', 'streams', 's', '>'],
        ['xread', 'group', 'g1', 'bob', 'streams', 's', '>'],
        ['xread', 'count', '1', 'streams', 's', '0'],
        ['xread', 'streams', 's', 'nos', '0', '0'],
        ['xread', 'streams', 's', '5-0'],
        ['xread', 'streams', 's', '$'],
        ['xread', 'streams', 's', '>'],
        ['xread', 'noack', 'streams', 's', '0'],
        ['xpending', 's', 'g1'],
        ['xpending', 's', 'g1', '-', '+', '10'],
        ['xpending', 's', 'g1', '-', '+', '10', 'bob'],
        ['xpending', 's', 'g1', '-', '+', '10', 'nobody'],
        ['xpending', 's', 'g1', '-', '+', '1'],
        ['xpending', 's', 'g1', 'idle', '100000', '-', '+', '10'],
        ['xpending', 's', 'g1', 'idle'],
        ['xpending', 's', 'nog'],
        ['xpending', 's', 'g1', '-', '+'],
        ['xpending', 's', 'g1', 'x', '+', '10'],
        ['xack', 's', 'g1', '1-1', '5-5'],
        ['xack', 's', 'g1', 'x'],
        ['xack', 's', 'nog', '1-1'],
        ['xpending', 's', 'g1'],
        ['xclaim', 's', 'g1', 'alice', '0', '1-2', 'justid'],
        ['xclaim', 's', 'g1', 'alice', '0', '1-2', '2-0'],
        ['xpending', 's', 'g1', '-', '+', '10'],
        ['xclaim', 's', 'g1', 'alice', 'x', '1-2'],
        ['xclaim', 's', 'g1', 'alice', '0', '1-2', 'foo'],
        ['xclaim', 's', 'g1', 'alice', '0', '1-2', 'idle', 'x'],
        ['xclaim', 's', 'nog', 'alice', '0', '1-2'],
        ['xclaim', 's', 'g1', 'carol', '0', '1-1', 'force', 'justid'],
        ['xpending', 's', 'g1', '-', '+', '10'],
        ['xdel', 's', '1-2'],
        ['xclaim', 's', 'g1', 'carol', '0', '1-2'],
        ['xpending', 's', 'g1', '-', '+', '10'],
        ['xautoclaim', 's', 'g1', 'dave', '0', '0', 'count', '1'],
        ['xautoclaim', 's', 'g1', 'dave', '0', '0', 'justid'],
        ['xautoclaim', 's', 'g1', 'dave', '0', '0', 'count', '0'],
        ['xautoclaim', 's', 'g1', 'dave', '0', '0', 'foo'],
        ['xautoclaim', 's', 'nog', 'dave', '0', '0'],
        ['xinfo', 'consumers', 's', 'g1'],
        ['xinfo', 'groups', 's'],
        ['xgroup', 'delconsumer', 's', 'g1', 'dave'],
        ['xgroup', 'delconsumer', 's', 'g1', 'nobody'],
        ['xinfo', 'groups', 's'],
        ['xgroup', 'destroy', 's', 'g2'],
        ['xgroup', 'destroy', 's', 'g2'],
        ['xinfo', 'stream', 's'],
        ['xinfo', 'stream', 's', 'foo'],
        ['xinfo', 'stream', 's', 'full', 'count', 'x'],
        ['xinfo', 'foo', 's'],
        ['xinfo', 'help'],
        ['xinfo', 'stream', 'nos2'],
        ['xreadgroup', 'group', 'g1', 'bob', 'noack', 'streams', 's', '0'],
        ['xadd', 's', '3-0', 'z', 'z'],
        ['xreadgroup', 'group', 'g1', 'bob', 'noack', 'streams', 's', '>'],
        ['xinfo', 'groups', 's'],
        ['xgroup', 'setid', 's', 'g1', '0', 'entriesread', '0'],
        ['xinfo', 'groups', 's'],
        ['xgroup', 'setid', 's', 'g1', '$'],
        ['xinfo', 'groups', 's'],
        ['del', 's', 'nos'],
      ],
      maskTimes,
    );
  });

  it('nodes as Redis lays out its listpacks: splits by bytes and entries, approximate trims, radix tree counts', async () => {
    const cmds: (string | number)[][] = [];
    for (let i = 1; i <= 350; i++) {
      if (i % 7 === 0) cmds.push(['xadd', 'n', `${i}-${i % 3}`, 'f1', `v${i}`, 'f2', i * 1000]);
      else if (i % 11 === 0) cmds.push(['xadd', 'n', `${i}-${i % 3}`, 'other', 'x' + 'y'.repeat(i % 50)]);
      else cmds.push(['xadd', 'n', `${i}-${i % 3}`, 'f1', 'v'.repeat(i % 70), 'f2', i]);
    }
    cmds.push(['xinfo', 'stream', 'n'], ['xdel', 'n', '5-2', '6-0', '100-1', '101-2'], ['xinfo', 'stream', 'n']);
    cmds.push(['xtrim', 'n', 'maxlen', '~', 200], ['xinfo', 'stream', 'n'], ['xtrim', 'n', 'minid', '~', 260], ['xinfo', 'stream', 'n']);
    cmds.push(['xtrim', 'n', 'maxlen', 150], ['xtrim', 'n', 'minid', '300-0'], ['xinfo', 'stream', 'n', 'full', 'count', 3]);
    for (let i = 1; i < 40; i++) cmds.push(['xadd', 'big', `${i * 1000}-${i}`, 'k', 'x'.repeat(i * 60)]);
    cmds.push(['xinfo', 'stream', 'big'], ['config', 'set', 'stream-node-max-entries', 5]);
    for (let i = 1; i < 40; i++) cmds.push(['xadd', 'u', `${i}-0`, 'k', i]);
    cmds.push(
      ['xinfo', 'stream', 'u'],
      ['xtrim', 'u', 'maxlen', '~', 13],
      ['xtrim', 'u', 'maxlen', '~', 13, 'limit', 5],
      ['xtrim', 'u', 'maxlen', '~', 3, 'limit', 5],
    );
    cmds.push(['xinfo', 'stream', 'u'], ['config', 'set', 'stream-node-max-entries', 100], ['del', 'n', 'big', 'u']);
    await expectSameReplies(p, cmds);
  });

  it('RESP3 shapes: XREAD maps, XINFO maps, XPENDING summary nulls', async () => {
    await p.ours.r.call('xadd', 'r3', '1-1', 'a', 'b');
    await p.redis.r.call('xadd', 'r3', '1-1', 'a', 'b');
    const req =
      'HELLO 3\r\nXREAD STREAMS r3 r3x 0 0\r\nXREAD STREAMS r3x 0\r\nXGROUP CREATE r3 g 0\r\nXPENDING r3 g\r\nXINFO GROUPS r3\r\nXINFO STREAM r3\r\nXREADGROUP GROUP g c STREAMS r3 >\r\nXRANGE r3 - + COUNT 0\r\nXADD r3x NOMKSTREAM * a b\r\nPING\r\n';
    const [a, b] = await rawBoth(p, req, (s) => s.endsWith('+PONG\r\n'));
    expect(a.slice(a.indexOf('%1\r\n', 10))).toBe(b.slice(b.indexOf('%1\r\n', 10)));
  });

  it('DUMP/RESTORE of streams with groups both ways', async () => {
    for (const [from, to] of [
      [p.redis.r, p.ours.r],
      [p.ours.r, p.redis.r],
    ] as [Redis, Redis][]) {
      await from.call('del', 'd');
      for (let i = 1; i <= 130; i++) await from.call('xadd', 'd', `${i}-1`, 'f', `v${i}`, ...(i % 5 === 0 ? ['g', 'h'] : []));
      await from.call('xdel', 'd', '3-1', '120-1');
      await from.call('xgroup', 'create', 'd', 'g1', '0');
      await from.call('xgroup', 'create', 'd', 'g2', '$', 'entriesread', '7');
      await from.call('xreadgroup', 'group', 'g1', 'alice', 'count', '3', 'streams', 'd', '>');
      await from.call('xgroup', 'createconsumer', 'd', 'g1', 'bob');
      const dump = await from.dumpBuffer('d');
      expect(await to.restore('d', 0, dump!, 'REPLACE')).toBe('OK');
      expect(await to.call('xinfo', 'stream', 'd', 'full')).toEqual(await from.call('xinfo', 'stream', 'd', 'full'));
      expect(await to.call('xrange', 'd', '-', '+')).toEqual(await from.call('xrange', 'd', '-', '+'));
      // An empty stream survives too.
      await from.call('del', 'e');
      await from.call('xadd', 'e', '5-5', 'a', 'b');
      await from.call('xdel', 'e', '5-5');
      expect(await to.restore('e', 0, (await from.dumpBuffer('e'))!, 'REPLACE')).toBe('OK');
      expect(await to.call('xinfo', 'stream', 'e')).toEqual(await from.call('xinfo', 'stream', 'e'));
    }
  });
});

describe.each(SERVER_KINDS)('blocking stream reads on %s', (kind) => {
  const t = useServer(kind);
  const extra: Redis[] = [];
  const conn = (): Redis => {
    const c = client(t.srv.port);
    extra.push(c);
    return c;
  };
  const waitBlocked = async (n: number): Promise<void> => {
    for (let i = 0; i < 1000; i++) {
      const m = /blocked_clients:(\d+)/.exec((await t.r.info('clients')) as string);
      if (m && Number(m[1]) >= n) return;
      await sleep(10);
    }
    throw new Error(`never saw ${n} blocked clients`);
  };
  afterAll(() => {
    for (const c of extra) c.disconnect();
  });

  it('XREAD BLOCK is served by an XADD, times out with a null, refuses bad timeouts', async () => {
    const c1 = conn();
    const pr = ex(c1, 'xread', 'block', '0', 'streams', 'bs', '$');
    await waitBlocked(1);
    await t.r.call('xadd', 'bs', '7-1', 'k', 'v');
    expect(await pr).toEqual([['bs', [['7-1', ['k', 'v']]]]]);
    expect(await ex(t.r, 'xread', 'block', '50', 'streams', 'bs', '$')).toBe(null);
    expect(await ex(t.r, 'xread', 'block', '-1', 'streams', 'bs', '$')).toBe('ERR:ERR timeout is negative');
    expect(await ex(t.r, 'xread', 'block', '1.5', 'streams', 'bs', '$')).toBe('ERR:ERR timeout is not an integer or out of range');
    const raw = await rawExchange(t.srv.port, 'XREAD BLOCK 20 STREAMS bs $\r\nMULTI\r\nXREAD BLOCK 0 STREAMS bs $\r\nEXEC\r\n', (s) =>
      s.endsWith('*1\r\n*-1\r\n'),
    );
    expect(raw.reply).toBe('*-1\r\n+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n');
  });

  it('XREADGROUP BLOCK: served with the group cursor, NOGROUP after XGROUP DESTROY, UNBLOCKED after DEL', async () => {
    await t.r.call('xgroup', 'create', 'gs', 'g', '$', 'mkstream');
    const c1 = conn();
    const pr = ex(c1, 'xreadgroup', 'group', 'g', 'alice', 'block', '0', 'streams', 'gs', '>');
    await waitBlocked(1);
    await t.r.call('xadd', 'gs', '1-1', 'a', '1');
    expect(await pr).toEqual([['gs', [['1-1', ['a', '1']]]]]);
    expect(await ex(t.r, 'xpending', 'gs', 'g')).toEqual([1, '1-1', '1-1', [['alice', '1']]]);
    const c2 = conn();
    const pr2 = ex(c2, 'xreadgroup', 'group', 'g', 'bob', 'block', '0', 'streams', 'gs', '>');
    await waitBlocked(1);
    await t.r.call('xgroup', 'destroy', 'gs', 'g');
    expect(await pr2).toBe('ERR:NOGROUP the consumer group this client was blocked on no longer exists');
    await t.r.call('xgroup', 'create', 'gs', 'g', '$');
    const c3 = conn();
    const pr3 = ex(c3, 'xreadgroup', 'group', 'g', 'bob', 'block', '0', 'streams', 'gs', '>');
    await waitBlocked(1);
    await t.r.call('del', 'gs');
    expect(await pr3).toBe('ERR:UNBLOCKED the stream key no longer exists');
  });
});
