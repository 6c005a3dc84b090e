import { copyFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { expectSameData, snapshot } from '../replication/helpers.js';
import { trackPerTest } from '../support/tracked.js';
import { checkRdb, infoField, waitFor } from './helpers.js';

const { start } = trackPerTest();

/** Streams in several shapes: many nodes, tombstones, an emptied stream, groups with PELs and idle consumers, huge IDs. */
async function populateStreams(c: Redis): Promise<void> {
  for (let i = 1; i <= 300; i++) await c.call('xadd', 'big', `${i}-${i % 4}`, 'f', `v${i}`, ...(i % 13 === 0 ? ['other', 'x'.repeat(i)] : []));
  await c.call('xdel', 'big', '5-1', '250-2', '299-3');
  await c.call('xgroup', 'create', 'big', 'g1', '0');
  await c.call('xgroup', 'create', 'big', 'g2', '100-0', 'entriesread', '100');
  await c.call('xreadgroup', 'group', 'g1', 'alice', 'count', '20', 'streams', 'big', '>');
  await c.call('xreadgroup', 'group', 'g1', 'bob', 'count', '5', 'streams', 'big', '>');
  await c.call('xgroup', 'createconsumer', 'big', 'g2', 'carol');
  await c.call('xclaim', 'big', 'g1', 'bob', '0', '3-3', 'retrycount', '7');
  await c.call('xadd', 'empty', '1-1', 'a', 'b');
  await c.call('xdel', 'empty', '1-1');
  await c.call('xgroup', 'create', 'empty', 'g', '$');
  await c.call('xadd', 'huge', '18446744073709551614-18446744073709551615', 'a', '1');
  await c.call('xadd', 'huge', '18446744073709551615-0', 'b', '2');
  await c.call('xadd', 'small', '*', 'k', 'v');
  await c.call('function', 'load', LIB);
}

const LIB =
  "#!lua name=persisted\nredis.register_function{function_name='bump', callback=function(keys) return redis.call('incr', keys[1]) end, description='counts'}";

async function functionsOf(c: Redis): Promise<unknown> {
  return c.call('function', 'list', 'withcode');
}

describe('streams and functions in RDB and AOF', () => {
  it('our RDB passes redis-check-rdb and loads into redis-server; redis-server RDB loads into ours', async () => {
    const ours = await start('splitbrain');
    await populateStreams(ours.c);
    const expected = await snapshot(ours.c, [0]);
    expect(expected.size).toBe(4);
    await ours.c.save();
    const check = checkRdb(join(ours.s.dir, 'dump.rdb'));
    expect(check.ok, check.output).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'sb-rdb-'));
    copyFileSync(join(ours.s.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
    const redis = await start('redis', [], dir);
    expect(expectSameData(expected, await snapshot(redis.c, [0]))).toEqual([]);
    expect(await functionsOf(redis.c)).toEqual(await functionsOf(ours.c));
    expect(await redis.c.call('fcall', 'bump', '1', 'cnt')).toBe(1);
    // And back: redis-server's own save of the same data into ours.
    await redis.c.save();
    const dir2 = mkdtempSync(join(tmpdir(), 'sb-rdb-'));
    copyFileSync(join(redis.s.dir, 'dump.rdb'), join(dir2, 'dump.rdb'));
    const back = await start('splitbrain', [], dir2);
    await back.c.call('del', 'cnt');
    expect(expectSameData(expected, await snapshot(back.c, [0]))).toEqual([]);
    expect(await functionsOf(back.c)).toEqual(await functionsOf(ours.c));
    expect(await back.c.call('object', 'encoding', 'big')).toBe('stream');
  });

  it('AOF: incremental log, a command-base rewrite (XADD/XSETID/XGROUP/XCLAIM), both reload in ours and redis-server', async () => {
    const AOF = ['--appendonly', 'yes', '--appendfsync', 'always', '--aof-use-rdb-preamble', 'no'];
    const a = await start('splitbrain', AOF);
    await populateStreams(a.c);
    const expected = await snapshot(a.c, [0]);
    const fns = await functionsOf(a.c);
    a.c.disconnect();
    await a.s.stop('SIGKILL');
    const b = await start('splitbrain', AOF, a.s.dir);
    expect(expectSameData(expected, await snapshot(b.c, [0]))).toEqual([]);
    await b.c.bgrewriteaof();
    await waitFor(async () => (await infoField(b.c, 'persistence', 'aof_rewrite_in_progress')) === '0');
    b.c.disconnect();
    await b.s.stop('SIGKILL');
    const copy = mkdtempSync(join(tmpdir(), 'sb-aof-'));
    cpSync(a.s.dir, copy, { recursive: true });
    const c = await start('splitbrain', AOF, a.s.dir);
    expect(expectSameData(expected, await snapshot(c.c, [0]))).toEqual([]);
    expect(await c.c.call('fcall', 'bump', '1', 'cnt')).toBe(1);
    const r = await start('redis', ['--appendonly', 'yes'], copy);
    expect(expectSameData(expected, await snapshot(r.c, [0]))).toEqual([]);
    expect(await functionsOf(r.c)).toEqual(fns);
  });
});
