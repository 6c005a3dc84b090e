import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/differential.js';
import { client, rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

describe.each(SERVER_KINDS)('transactions on %s', (kind) => {
  const t = useServer(kind);
  let r2: Redis;
  beforeAll(() => {
    r2 = client(t.srv.port);
  });
  afterAll(() => {
    r2.disconnect();
  });

  it('MULTI/EXEC runs queued commands and returns their replies, runtime errors per command', async () => {
    await t.r.del('tx:a', 'tx:l');
    const raw = await rawExchange(t.srv.port, 'MULTI\r\nSET tx:a 1\r\nINCR tx:a\r\nLPUSH tx:a x\r\nGET tx:a\r\nEXEC\r\n', (s) => s.includes('$1\r\n2\r\n'));
    expect(raw.reply).toBe(
      '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n+OK\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n$1\r\n2\r\n',
    );
  });

  it('errors: nested MULTI, EXEC/DISCARD without MULTI, WATCH inside MULTI', async () => {
    const raw = await rawExchange(t.srv.port, 'EXEC\r\nDISCARD\r\nMULTI\r\nMULTI\r\nWATCH x\r\nPING\r\nEXEC\r\n', (s) => s.endsWith('+PONG\r\n'));
    expect(raw.reply).toBe(
      '-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n+OK\r\n-ERR MULTI calls can not be nested\r\n-ERR WATCH inside MULTI is not allowed\r\n+QUEUED\r\n*1\r\n+PONG\r\n',
    );
  });

  it('EXECABORT after a command refused while queueing', async () => {
    const raw = await rawExchange(t.srv.port, 'MULTI\r\nSET tx:b 1\r\nNOSUCHCMD\r\nGET\r\nEXEC\r\nGET tx:b\r\n', (s) => s.endsWith('$-1\r\n'));
    expect(raw.reply).toBe(
      "+OK\r\n+QUEUED\r\n-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n-ERR wrong number of arguments for 'get' command\r\n-EXECABORT Transaction discarded because of previous errors.\r\n$-1\r\n",
    );
  });

  it('DISCARD drops the queue and unwatches', async () => {
    await t.r.set('tx:c', '1');
    const raw = await rawExchange(t.srv.port, 'WATCH tx:c\r\nMULTI\r\nSET tx:c 2\r\nDISCARD\r\nSET tx:c 3\r\nMULTI\r\nGET tx:c\r\nEXEC\r\n', (x) =>
      x.endsWith('$1\r\n3\r\n'),
    );
    expect(raw.reply).toBe('+OK\r\n+OK\r\n+QUEUED\r\n+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n$1\r\n3\r\n');
  });

  it('WATCH: a write by another client aborts EXEC with a null reply', async () => {
    await t.r.set('tx:w', '1');
    expect(await t.r.watch('tx:w')).toBe('OK');
    await r2.set('tx:w', '2');
    expect(await t.r.multi().set('tx:w', '3').exec()).toBeNull();
    expect(await t.r.get('tx:w')).toBe('2');
  });

  it('WATCH: untouched keys let EXEC through; UNWATCH forgets', async () => {
    await t.r.set('tx:u', '1');
    await t.r.watch('tx:u');
    await r2.set('tx:other', 'x');
    expect(await t.r.multi().set('tx:u', '5').exec()).toEqual([[null, 'OK']]);
    await t.r.watch('tx:u');
    await r2.set('tx:u', '6');
    expect(await t.r.unwatch()).toBe('OK');
    expect(await t.r.multi().get('tx:u').exec()).toEqual([[null, '6']]);
  });

  it('WATCH: own writes before MULTI also invalidate', async () => {
    await t.r.watch('tx:own');
    await t.r.set('tx:own', 'x');
    expect(await t.r.multi().get('tx:own').exec()).toBeNull();
  });

  it('WATCH: expiry of a watched key invalidates', async () => {
    await t.r.set('tx:e', '1', 'PX', 50);
    await t.r.watch('tx:e');
    await new Promise((res) => setTimeout(res, 120));
    expect(await t.r.multi().get('tx:e').exec()).toBeNull();
  });

  it('WATCH: FLUSHALL, FLUSHDB and SWAPDB invalidate watchers of existing keys', async () => {
    await t.r.set('tx:f', '1');
    await t.r.watch('tx:f');
    await r2.flushall();
    expect(await t.r.multi().ping().exec()).toBeNull();
    await t.r.set('tx:f', '1');
    await t.r.watch('tx:f');
    await r2.flushdb();
    expect(await t.r.multi().ping().exec()).toBeNull();
    await t.r.set('tx:f', '1');
    await t.r.watch('tx:f');
    await r2.swapdb(0, 1);
    expect(await t.r.multi().ping().exec()).toBeNull();
    await r2.swapdb(0, 1);
    // A watched key that exists nowhere: FLUSHALL is no change for it.
    await t.r.watch('tx:nothere');
    await r2.flushall();
    expect(await t.r.multi().ping().exec()).toEqual([[null, 'PONG']]);
  });

  it('EXEC replies in RESP3 and nil on abort', async () => {
    const raw = await rawExchange(t.srv.port, 'HELLO 3\r\nSET tx:r 1\r\nWATCH tx:r\r\nSET tx:r 2\r\nMULTI\r\nPING\r\nEXEC\r\n', (s) => s.endsWith('_\r\n'));
    expect(raw.reply.endsWith('+OK\r\n+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n_\r\n')).toBe(true);
  });

  it('MULTI with a blocking command does not block', async () => {
    await t.r.del('tx:bl');
    expect(await t.r.multi().blpop('tx:bl', 0).exec()).toEqual([[null, null]]);
  });
});
