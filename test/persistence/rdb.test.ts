import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPLITBRAIN_SERVER } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { checkRdb, ENCODING_KEYS, encodings, populate, readAll } from './helpers.js';

const { start } = trackPerTest();

describe('RDB: our files in Redis', () => {
  it('our dump.rdb passes redis-check-rdb and loads into redis-server with identical data and encodings', async () => {
    const ours = await start('splitbrain');
    await populate(ours.c);
    const expected = await readAll(ours.c);
    expect(await ours.c.save()).toBe('OK');
    const file = join(ours.s.dir, 'dump.rdb');
    const check = checkRdb(file);
    expect(check.output).toContain('Checksum OK');
    expect(check.ok, check.output).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'sb-rdb-'));
    copyFileSync(file, join(dir, 'dump.rdb'));
    const redis = await start('redis', [], dir);
    expect(redis.s.output()).toContain('Done loading RDB');
    expect(await readAll(redis.c)).toEqual(expected);
    // Redis holds them in the encodings our writer chose (listpack/intset vs hashtable/skiplist).
    expect(await encodings(redis.c, ENCODING_KEYS)).toEqual({
      'l:small': 'quicklist',
      'l:big': 'quicklist',
      'set:int': 'intset',
      'set:int-big': 'hashtable',
      'set:str': 'hashtable',
      'z:small': 'listpack',
      'z:big': 'skiplist',
      'z:longmember': 'skiplist',
      'h:small': 'listpack',
      'h:big': 'hashtable',
      'h:longval': 'hashtable',
    });
  });

  it('rdbcompression no and rdbchecksum no still produce files Redis accepts', async () => {
    const ours = await start('splitbrain', ['--rdbcompression', 'no', '--rdbchecksum', 'no']);
    await populate(ours.c);
    const expected = await readAll(ours.c);
    await ours.c.save();
    const file = join(ours.s.dir, 'dump.rdb');
    const raw = readFileSync(file);
    expect(raw.subarray(raw.length - 8).equals(Buffer.alloc(8))).toBe(true);
    expect(raw.includes(Buffer.from('x'.repeat(1000)))).toBe(true); // stored uncompressed
    expect(checkRdb(file).ok).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'sb-rdb-'));
    copyFileSync(file, join(dir, 'dump.rdb'));
    const redis = await start('redis', [], dir);
    expect(await readAll(redis.c)).toEqual(expected);
  });
});

describe('RDB: Redis files in ours', () => {
  it('a dump.rdb written by redis-server loads into ours with identical data', async () => {
    const redis = await start('redis');
    await populate(redis.c);
    const expected = await readAll(redis.c);
    expect(await redis.c.save()).toBe('OK');
    const dir = mkdtempSync(join(tmpdir(), 'sb-rdb-'));
    copyFileSync(join(redis.s.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
    const ours = await start('splitbrain', [], dir);
    expect(ours.s.output()).toMatch(/Loading RDB produced by version 7\.0\.\d+/);
    expect(ours.s.output()).toMatch(/Done loading RDB, keys loaded: \d+, keys expired: 0\./);
    expect(ours.s.output()).toMatch(/DB loaded from disk: \d+\.\d{3} seconds/);
    expect(await readAll(ours.c)).toEqual(expected);
    expect(await encodings(ours.c, ENCODING_KEYS)).toEqual(await encodings(redis.c, ENCODING_KEYS));
  });

  it('the same data loads the same after a round trip through both servers', async () => {
    const ours = await start('splitbrain');
    await populate(ours.c);
    await ours.c.save();
    const d1 = mkdtempSync(join(tmpdir(), 'sb-rdb-'));
    copyFileSync(join(ours.s.dir, 'dump.rdb'), join(d1, 'dump.rdb'));
    const redis = await start('redis', [], d1);
    await redis.c.save();
    const d2 = mkdtempSync(join(tmpdir(), 'sb-rdb-'));
    copyFileSync(join(d1, 'dump.rdb'), join(d2, 'dump.rdb'));
    const ours2 = await start('splitbrain', [], d2);
    expect(await readAll(ours2.c)).toEqual(await readAll(ours.c));
  });

  it('drops keys that expired while on disk, and counts them', async () => {
    const redis = await start('redis');
    await redis.c.set('gone', 'x', 'PX', 300);
    await redis.c.set('stays', 'y');
    await redis.c.save();
    await new Promise((r) => setTimeout(r, 400));
    const dir = mkdtempSync(join(tmpdir(), 'sb-rdb-'));
    copyFileSync(join(redis.s.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
    const ours = await start('splitbrain', [], dir);
    expect(ours.s.output()).toContain('Done loading RDB, keys loaded: 1, keys expired: 1.');
    expect(await ours.c.exists('gone')).toBe(0);
    expect(await ours.c.get('stays')).toBe('y');
    expect(await ours.c.info('persistence')).toMatch(/rdb_last_load_keys_expired:1/);
  });

  it('refuses to start on a corrupt file with a clear message and a non-zero exit', async () => {
    const ours = await start('splitbrain');
    await populate(ours.c);
    await ours.c.save();
    const good = readFileSync(join(ours.s.dir, 'dump.rdb'));
    const cases: [string, Buffer, RegExp][] = [
      ['checksum', Buffer.concat([good.subarray(0, 200), Buffer.from([good[200]! ^ 0xff]), good.subarray(201)]), /Wrong RDB checksum|Internal error in RDB/],
      ['truncated', good.subarray(0, Math.floor(good.length / 2)), /Short read/],
      ['signature', Buffer.concat([Buffer.from('RUBIS'), good.subarray(5)]), /Wrong signature/],
    ];
    for (const [name, data, msg] of cases) {
      const dir = mkdtempSync(join(tmpdir(), 'sb-rdb-bad-'));
      writeFileSync(join(dir, 'dump.rdb'), data);
      const r = spawnSync(process.execPath, [SPLITBRAIN_SERVER, '--port', '0', '--dir', dir, '--save', ''], { encoding: 'utf8', timeout: 15000 });
      expect(r.status, name).not.toBe(0);
      expect(r.stdout + r.stderr, name).toMatch(msg);
      expect(r.stdout + r.stderr, name).not.toContain('Ready to accept connections');
    }
  });
});

describe('DUMP / RESTORE across servers', () => {
  it('DUMP from redis-server RESTOREs into ours and vice versa', async () => {
    const redis = await start('redis');
    const ours = await start('splitbrain');
    await populate(redis.c);
    const keys = (await redis.c.callBuffer('KEYS', '*')) as Buffer[];
    for (const k of keys) {
      const payload = (await redis.c.callBuffer('DUMP', k)) as Buffer;
      expect(await ours.c.call('RESTORE', k, '0', payload)).toBe('OK');
      const at = Number(await redis.c.call('PEXPIRETIME', k));
      if (at > 0) await ours.c.call('PEXPIREAT', k, String(at));
    }
    const fromRedis = await readAll(redis.c);
    expect((await readAll(ours.c))[0]).toEqual(fromRedis[0]);
    expect(await encodings(ours.c, ENCODING_KEYS)).toEqual(await encodings(redis.c, ENCODING_KEYS));

    // Back: ours → a fresh redis-server.
    const redis2 = await start('redis');
    for (const k of keys) {
      const payload = (await ours.c.callBuffer('DUMP', k)) as Buffer;
      expect(await redis2.c.call('RESTORE', k, '0', payload)).toBe('OK');
      const at = Number(await ours.c.call('PEXPIRETIME', k));
      if (at > 0) await redis2.c.call('PEXPIREAT', k, String(at));
    }
    expect((await readAll(redis2.c))[0]).toEqual(fromRedis[0]);
  });

  it('small-encoding payloads are byte-identical to Redis', async () => {
    const redis = await start('redis');
    const ours = await start('splitbrain');
    for (const c of [redis.c, ours.c]) {
      await c.rpush('l', 'a', 'b', '1', '2', '300');
      await c.hset('h', 'f1', 'v1', 'f2', '22');
      await c.zadd('z', '1', 'a', '2.5', 'b', '-inf', 'c');
      await c.sadd('si', '1', '2', '3', '-7');
      await c.set('i', '12345');
      await c.set('s', 'short');
    }
    for (const k of ['l', 'h', 'z', 'si', 'i', 's']) {
      expect(((await ours.c.callBuffer('DUMP', k)) as Buffer).toString('hex'), k).toBe(((await redis.c.callBuffer('DUMP', k)) as Buffer).toString('hex'));
    }
  });

  it('RESTORE options and errors match Redis', async () => {
    const redis = await start('redis');
    const ours = await start('splitbrain');
    const results: unknown[][] = [];
    for (const c of [redis.c, ours.c]) {
      const r: unknown[] = [];
      const run = async (...args: (string | Buffer)[]) => {
        try {
          r.push(await c.call(args[0] as string, ...args.slice(1)));
        } catch (e) {
          r.push('ERR:' + (e as Error).message);
        }
      };
      await c.set('src', 'value');
      const payload = (await c.callBuffer('DUMP', 'src')) as Buffer;
      await run('RESTORE', 'src', '0', payload);
      await run('RESTORE', 'dst', '0', payload);
      await run('RESTORE', 'dst', '0', payload, 'REPLACE');
      await run('GET', 'dst');
      const bad = Buffer.from(payload);
      bad[bad.length - 1]! ^= 1;
      await run('RESTORE', 'x', '0', bad);
      const newer = Buffer.from(payload);
      newer[newer.length - 10] = 11;
      await run('RESTORE', 'x', '0', newer);
      await run('RESTORE', 'x', '0', 'short');
      await run('RESTORE', 'x', '-1', payload);
      await run('RESTORE', 'x', 'abc', payload);
      await run('RESTORE', 'x', '0', payload, 'IDLETIME', '-1');
      await run('RESTORE', 'x', '0', payload, 'FREQ', '256');
      await run('RESTORE', 'x', '0', payload, 'IDLETIME', '10', 'FREQ', '5');
      await run('RESTORE', 'x', '0', payload, 'BOGUS');
      await run('RESTORE', 'x', '0', payload, 'IDLETIME', '100');
      await run('OBJECT', 'IDLETIME', 'x');
      await run('RESTORE', 't', '5000', payload);
      r.push(Number(await c.pttl('t')) > 4000);
      await run('RESTORE', 'a', String(Date.now() + 60000), payload, 'ABSTTL');
      r.push(Number(await c.pttl('a')) > 50000);
      await run('RESTORE', 'past', '1', payload, 'ABSTTL');
      await run('EXISTS', 'past');
      await run('RESTORE', 'dst', '1', payload, 'ABSTTL', 'REPLACE');
      await run('EXISTS', 'dst');
      await run('DUMP', 'nosuchkey');
      results.push(r);
    }
    expect(results[1]).toEqual(results[0]);
  });
});

describe('DEBUG RELOAD and INFO persistence', () => {
  it('DEBUG RELOAD keeps the data and INFO reports the saves', async () => {
    const ours = await start('splitbrain', ['--enable-debug-command', 'yes']);
    await populate(ours.c);
    const before = await readAll(ours.c);
    expect(await ours.c.call('DEBUG', 'RELOAD')).toBe('OK');
    expect(await readAll(ours.c)).toEqual(before);
    expect(existsSync(join(ours.s.dir, 'dump.rdb'))).toBe(true);
    const info = await ours.c.info('persistence');
    expect(info).toMatch(/rdb_changes_since_last_save:0/);
    expect(info).toMatch(/rdb_last_bgsave_status:ok/);
    expect(info).toMatch(/aof_enabled:0/);
    await ours.c.set('after', '1');
    expect(await ours.c.info('persistence')).toMatch(/rdb_changes_since_last_save:1/);
    const last = Number(await ours.c.lastsave());
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('save points and the final save', () => {
  it('a save point triggers a BGSAVE from the cron', async () => {
    const ours = await start('splitbrain', ['--save', '1 2']);
    await ours.c.set('a', '1');
    await ours.c.set('b', '2');
    // The cron checks the save point once a second: poll for the finished save.
    const deadline = Date.now() + 30_000;
    while (!ours.s.output().includes('Background saving terminated') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ours.s.output()).toContain('2 changes in 1 seconds. Saving...');
    expect(ours.s.output()).toContain('Background saving terminated with success');
    expect(existsSync(join(ours.s.dir, 'dump.rdb'))).toBe(true);
    expect(await ours.c.info('persistence')).toMatch(/rdb_changes_since_last_save:0/);
  });

  it('SHUTDOWN and SIGTERM save when save points are configured; SHUTDOWN NOSAVE does not', async () => {
    const a = await start('splitbrain', ['--save', '3600 1']);
    await a.c.set('k', 'shutdown');
    await a.c.shutdown().catch(() => undefined);
    await new Promise<void>((r) => (a.s.proc.exitCode !== null ? r() : a.s.proc.once('exit', () => r())));
    expect(a.s.output()).toContain('Saving the final RDB snapshot before exiting.');
    const b = await start('splitbrain', ['--save', '3600 1'], a.s.dir);
    expect(await b.c.get('k')).toBe('shutdown');
    await b.c.set('k', 'sigterm');
    await b.s.stop('SIGTERM');
    const c = await start('splitbrain', ['--save', '3600 1'], a.s.dir);
    expect(await c.c.get('k')).toBe('sigterm');
    await c.c.set('k', 'nosave');
    await c.c.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    await new Promise<void>((r) => (c.s.proc.exitCode !== null ? r() : c.s.proc.once('exit', () => r())));
    const d = await start('splitbrain', [], a.s.dir);
    expect(await d.c.get('k')).toBe('sigterm');
  });
});
