import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { type RunningServer, SPLITBRAIN_SERVER } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { infoField, populate, readAll, waitFor } from './helpers.js';

const { start } = trackPerTest();
async function kill9(x: { s: RunningServer; c: Redis }): Promise<void> {
  x.c.disconnect();
  await x.s.stop('SIGKILL');
}

const AOF = ['--appendonly', 'yes', '--appendfsync', 'always'];

function startFails(dir: string, extra: string[] = []): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [SPLITBRAIN_SERVER, '--port', '0', '--dir', dir, '--save', '', ...AOF, ...extra], { encoding: 'utf8', timeout: 20000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('AOF (multi-part layout with manifest)', () => {
  it('write, kill -9, restart: the data is back; the layout is Redis 7 multi-part', async () => {
    const a = await start('splitbrain', AOF);
    await populate(a.c);
    await a.c.incr('counter');
    await a.c.incr('counter');
    await a.c.multi().set('tx1', 'a').set('tx2', 'b').exec();
    await a.c.expire('tx1', 1000);
    const expected = await readAll(a.c);
    await kill9(a);
    const dir = join(a.s.dir, 'appendonlydir');
    expect(readdirSync(dir).sort()).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    expect(readFileSync(join(dir, 'appendonly.aof.manifest'), 'utf8')).toBe(
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    const incr = readFileSync(join(dir, 'appendonly.aof.1.incr.aof'), 'latin1');
    expect(incr.startsWith('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n')).toBe(true);
    expect(incr).toContain('$5\r\nMULTI\r\n');
    expect(incr).toMatch(/PEXPIREAT\r\n\$3\r\ntx1\r\n\$13\r\n\d{13}\r\n/);

    const b = await start('splitbrain', AOF, a.s.dir);
    expect(b.s.output()).toMatch(/DB loaded from append only file: \d+\.\d{3} seconds/);
    expect(b.s.output()).toContain('Opening AOF incr file appendonly.aof.1.incr.aof on server start');
    expect(await readAll(b.c)).toEqual(expected);
    expect(await b.c.get('counter')).toBe('2');
    expect(await infoField(b.c, 'persistence', 'aof_enabled')).toBe('1');
  });

  it('a torn tail is truncated to the last complete command, with a log line', async () => {
    const a = await start('splitbrain', AOF);
    for (let i = 0; i < 50; i++) await a.c.set(`k${i}`, `v${i}`);
    await kill9(a);
    const file = join(a.s.dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const goodSize = statSync(file).size;
    appendFileSync(file, '*3\r\n$3\r\nSET\r\n$3\r\nk50\r\n$2\r\nv5');
    const b = await start('splitbrain', AOF, a.s.dir);
    expect(b.s.output()).toContain('!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!');
    expect(b.s.output()).toContain(`!!! Truncating the AOF appendonly.aof.1.incr.aof at offset ${goodSize} !!!`);
    expect(b.s.output()).toContain('AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled');
    expect(await b.c.get('k49')).toBe('v49');
    expect(await b.c.exists('k50')).toBe(0);
    // Appends continue after the truncation point and survive another crash.
    await b.c.set('k50', 'again');
    await kill9(b);
    const c = await start('splitbrain', AOF, a.s.dir);
    expect(c.s.output()).not.toContain('short read');
    expect(await c.c.get('k50')).toBe('again');
    expect(await c.c.dbsize()).toBe(51);
  });

  it('an unterminated MULTI at the tail is reverted', async () => {
    const a = await start('splitbrain', AOF);
    await a.c.set('before', '1');
    await kill9(a);
    const file = join(a.s.dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const goodSize = statSync(file).size;
    appendFileSync(file, '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$3\r\ntx1\r\n$1\r\n1\r\n');
    const b = await start('splitbrain', AOF, a.s.dir);
    expect(b.s.output()).toContain('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof');
    expect(b.s.output()).toContain(`at offset ${goodSize}`);
    expect(await b.c.exists('tx1')).toBe(0);
    expect(await b.c.get('before')).toBe('1');
  });

  it('a corrupt middle is refused with a clear message and a non-zero exit', async () => {
    const a = await start('splitbrain', AOF);
    for (let i = 0; i < 20; i++) await a.c.set(`k${i}`, `v${i}`);
    await kill9(a);
    const file = join(a.s.dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const data = readFileSync(file);
    const at = data.lastIndexOf('*', data.indexOf('$3\r\nk10\r\n'));
    expect(at).toBeGreaterThan(0);
    data[at] = 0x21; // '*' → '!'
    writeFileSync(file, data);
    const r = startFails(a.s.dir);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('Bad file format reading the append only file appendonly.aof.1.incr.aof');
    expect(r.out).not.toContain('Ready to accept connections');
    // The file is left as it was for the operator.
    expect(readFileSync(file).equals(data)).toBe(true);

    // Also with aof-load-truncated no, a torn tail is refused.
    const b = mkdtempSync(join(tmpdir(), 'sb-aof-'));
    cpSync(a.s.dir, b, { recursive: true });
    const f2 = join(b, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    writeFileSync(f2, Buffer.concat([data.subarray(0, at), Buffer.from('*3\r\n$3\r\nSET\r\n')]));
    const r2 = startFails(b, ['--aof-load-truncated', 'no']);
    expect(r2.status).not.toBe(0);
    expect(r2.out).toContain('Unexpected end of file reading the append only file appendonly.aof.1.incr.aof');
  });

  it('BGREWRITEAOF writes a new RDB-preamble base and incr, old files go; restart loads them', async () => {
    const a = await start('splitbrain', AOF);
    await populate(a.c);
    for (let i = 0; i < 100; i++) await a.c.incr('counter');
    expect(await a.c.bgrewriteaof()).toBe('Background append only file rewriting started');
    await waitFor(async () => (await infoField(a.c, 'persistence', 'aof_rewrite_in_progress')) === '0');
    expect(await infoField(a.c, 'persistence', 'aof_last_bgrewrite_status')).toBe('ok');
    await a.c.incr('counter');
    await a.c.set('after-rewrite', 'yes');
    const expected = await readAll(a.c);
    await kill9(a);
    const dir = join(a.s.dir, 'appendonlydir');
    expect(readdirSync(dir).sort()).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    expect(readFileSync(join(dir, 'appendonly.aof.manifest'), 'utf8')).toBe(
      'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    expect(readFileSync(join(dir, 'appendonly.aof.2.base.rdb')).subarray(0, 9).toString()).toBe('REDIS0010');
    const b = await start('splitbrain', AOF, a.s.dir);
    expect(b.s.output()).toContain('DB loaded from base file appendonly.aof.2.base.rdb');
    expect(await readAll(b.c)).toEqual(expected);
    expect(await b.c.get('counter')).toBe('101');

    // The Debian redis-server loads the same directory with the same data.
    await kill9(b);
    const copy = mkdtempSync(join(tmpdir(), 'sb-aof-'));
    cpSync(a.s.dir, copy, { recursive: true });
    const r = await start('redis', ['--appendonly', 'yes'], copy);
    expect(await readAll(r.c)).toEqual(expected);
  });

  it('BGREWRITEAOF with aof-use-rdb-preamble no writes a command base', async () => {
    const a = await start('splitbrain', [...AOF, '--aof-use-rdb-preamble', 'no']);
    await populate(a.c);
    await a.c.bgrewriteaof();
    await waitFor(async () => (await infoField(a.c, 'persistence', 'aof_rewrite_in_progress')) === '0');
    const expected = await readAll(a.c);
    await kill9(a);
    const base = readFileSync(join(a.s.dir, 'appendonlydir', 'appendonly.aof.2.base.aof'), 'latin1');
    expect(base.startsWith('*2\r\n$6\r\nSELECT\r\n')).toBe(true);
    const b = await start('splitbrain', [...AOF, '--aof-use-rdb-preamble', 'no'], a.s.dir);
    expect(await readAll(b.c)).toEqual(expected);
  });

  it('loads an AOF directory written by redis-server', async () => {
    const r = await start('redis', ['--appendonly', 'yes', '--appendfsync', 'always']);
    await populate(r.c);
    await r.c.incr('counter');
    await r.c.multi().set('tx', '1').incr('counter').exec();
    const expected = await readAll(r.c);
    await kill9(r);
    const copy = mkdtempSync(join(tmpdir(), 'sb-aof-'));
    cpSync(r.s.dir, copy, { recursive: true });
    const ours = await start('splitbrain', AOF, copy);
    expect(await readAll(ours.c)).toEqual(expected);
  });

  it('CONFIG SET appendonly yes starts an AOF from the current data', async () => {
    const a = await start('splitbrain', ['--appendfsync', 'always']);
    await a.c.set('x', '1');
    expect(await a.c.config('SET', 'appendonly', 'yes')).toBe('OK');
    await a.c.set('y', '2');
    await kill9(a);
    const b = await start('splitbrain', AOF, a.s.dir);
    expect(await b.c.mget('x', 'y')).toEqual(['1', '2']);
  });
});
