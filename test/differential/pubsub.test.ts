import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { useServer } from '../support/differential.js';
import { client, rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

describe.each(SERVER_KINDS)('pub/sub on %s', (kind) => {
  const t = useServer(kind);

  it('SUBSCRIBE/PSUBSCRIBE confirmations and message delivery (RESP2)', async () => {
    const s = client(t.srv.port);
    const got: string[][] = [];
    s.on('message', (ch, msg) => got.push(['message', ch, msg]));
    s.on('pmessage', (p, ch, msg) => got.push(['pmessage', p, ch, msg]));
    expect(await s.subscribe('ch1', 'ch2')).toBe(2);
    expect(await s.psubscribe('c*')).toBe(3);
    expect(await t.r.publish('ch1', 'hello')).toBe(2);
    expect(await t.r.publish('cx', 'p')).toBe(1);
    expect(await t.r.publish('zzz', 'none')).toBe(0);
    await sleep(50);
    expect(got).toEqual([
      ['message', 'ch1', 'hello'],
      ['pmessage', 'c*', 'ch1', 'hello'],
      ['pmessage', 'c*', 'cx', 'p'],
    ]);
    expect(await t.r.pubsub('CHANNELS')).toEqual(expect.arrayContaining(['ch1', 'ch2']));
    expect(await t.r.pubsub('CHANNELS', 'ch1')).toEqual(['ch1']);
    expect(await t.r.pubsub('NUMSUB', 'ch1', 'nope')).toEqual(['ch1', 1, 'nope', 0]);
    expect(await t.r.pubsub('NUMPAT')).toBe(1);
    s.disconnect();
  });

  it('raw replies: UNSUBSCRIBE with nothing subscribed, RESP2 restrictions, PING in subscribed mode', async () => {
    const a = await rawExchange(t.srv.port, 'UNSUBSCRIBE\r\nPUNSUBSCRIBE\r\n', (x) => x.endsWith('$-1\r\n:0\r\n') && x.includes('punsubscribe'));
    expect(a.reply).toBe('*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n');
    const b = await rawExchange(
      t.srv.port,
      'SUBSCRIBE a\r\nGET x\r\nPING\r\nUNSUBSCRIBE a\r\nGET x\r\n',
      (x) => x.endsWith('$-1\r\n') && x.includes('unsubscribe'),
    );
    expect(b.reply).toBe(
      "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n$-1\r\n",
    );
  });

  it('RESP3 push form and commands allowed while subscribed', async () => {
    const a = await rawExchange(t.srv.port, 'HELLO 3\r\nSUBSCRIBE r3\r\nPUBLISH r3 hi\r\nUNSUBSCRIBE\r\n', (x) => x.includes('>3\r\n$11\r\nunsubscribe'));
    const tail = a.reply.slice(a.reply.indexOf('>3\r\n$9\r\nsubscribe'));
    expect(tail).toBe(
      '>3\r\n$9\r\nsubscribe\r\n$2\r\nr3\r\n:1\r\n>3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$2\r\nhi\r\n:1\r\n>3\r\n$11\r\nunsubscribe\r\n$2\r\nr3\r\n:0\r\n',
    );
  });

  it('shard channels: SSUBSCRIBE, SPUBLISH, PUBSUB SHARDCHANNELS/SHARDNUMSUB', async () => {
    const a = await rawExchange(t.srv.port, 'SSUBSCRIBE s1\r\n', (x) => x.endsWith(':1\r\n'), 300);
    expect(a.reply).toBe('*3\r\n$10\r\nssubscribe\r\n$2\r\ns1\r\n:1\r\n');
    const sock = net.connect(t.srv.port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => (got += d.toString('latin1')));
    sock.write('SSUBSCRIBE sh1\r\n');
    while (!got.includes(':1\r\n')) await sleep(10);
    expect(await t.r.call('PUBSUB', 'SHARDCHANNELS')).toEqual(['sh1']);
    expect(await t.r.call('PUBSUB', 'SHARDNUMSUB', 'sh1', 'x')).toEqual(['sh1', 1, 'x', 0]);
    expect(await t.r.call('SPUBLISH', 'sh1', 'm')).toBe(1);
    while (!got.includes('smessage')) await sleep(10);
    expect(got).toBe('*3\r\n$10\r\nssubscribe\r\n$3\r\nsh1\r\n:1\r\n*3\r\n$8\r\nsmessage\r\n$3\r\nsh1\r\n$1\r\nm\r\n');
    sock.destroy();
  });

  it('PUBSUB errors', async () => {
    await expect(t.r.call('PUBSUB', 'FOO')).rejects.toThrow("ERR unknown subcommand 'FOO'. Try PUBSUB HELP.");
    await expect(t.r.call('PUBSUB', 'NUMPAT', 'x')).rejects.toThrow("ERR wrong number of arguments for 'pubsub|numpat' command");
    await expect(t.r.call('SUBSCRIBE')).rejects.toThrow("ERR wrong number of arguments for 'subscribe' command");
  });

  it('keyspace notifications: CONFIG SET notify-keyspace-events and the events of each family', async () => {
    expect(await t.r.config('SET', 'notify-keyspace-events', 'KEA')).toBe('OK');
    expect(await t.r.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'AKE']);
    await expect(t.r.config('SET', 'notify-keyspace-events', 'Q')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
    );
    const s = client(t.srv.port);
    const events: string[] = [];
    s.on('pmessage', (_p, ch, msg) => events.push(`${ch.replace('__keyevent@0__:', '')} ${msg}`));
    await s.psubscribe('__keyevent@0__:*');
    await t.r.set('k:s', '1');
    await t.r.incr('k:s');
    await t.r.append('k:s', 'x');
    await t.r.expire('k:s', 100);
    await t.r.persist('k:s');
    await t.r.rename('k:s', 'k:s2');
    await t.r.del('k:s2');
    await t.r.rpush('k:l', 'a', 'b');
    await t.r.lpop('k:l');
    await t.r.sadd('k:set', 'a');
    await t.r.srem('k:set', 'a');
    await t.r.hset('k:h', 'f', 'v');
    await t.r.hdel('k:h', 'f');
    await t.r.zadd('k:z', 1, 'm');
    await t.r.zincrby('k:z', 1, 'm');
    await t.r.zrem('k:z', 'm');
    await t.r.set('k:x', '1', 'PX', 10);
    await sleep(30);
    await t.r.get('k:x');
    await sleep(50);
    expect(events).toEqual([
      'set k:s',
      'incrby k:s',
      'append k:s',
      'expire k:s',
      'persist k:s',
      'rename_from k:s',
      'rename_to k:s2',
      'del k:s2',
      'rpush k:l',
      'lpop k:l',
      'sadd k:set',
      'srem k:set',
      'del k:set',
      'hset k:h',
      'hdel k:h',
      'del k:h',
      'zadd k:z',
      'zincr k:z',
      'zrem k:z',
      'del k:z',
      'set k:x',
      'expire k:x',
      'expired k:x',
    ]);
    await t.r.config('SET', 'notify-keyspace-events', '');
    s.disconnect();
  });

  it('keyspace channel form (K)', async () => {
    await t.r.config('SET', 'notify-keyspace-events', 'K$');
    const s = client(t.srv.port);
    const got: string[] = [];
    s.on('message', (ch, msg) => got.push(`${ch} ${msg}`));
    await s.subscribe('__keyspace@0__:ks1');
    await t.r.set('ks1', 'v');
    await sleep(50);
    expect(got).toEqual(['__keyspace@0__:ks1 set']);
    await t.r.config('SET', 'notify-keyspace-events', '');
    s.disconnect();
  });
});
