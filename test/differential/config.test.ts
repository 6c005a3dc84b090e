import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/differential.js';
import { freePort } from '../support/ports.js';
import { client, rawExchange } from '../support/redis.js';
import { REDIS_SERVER, SERVER_KINDS, SPLITBRAIN_SERVER } from '../support/servers.js';

describe.each(SERVER_KINDS)('CONFIG on %s', (kind) => {
  const t = useServer(kind);

  it('GET with several patterns, globs and aliases', async () => {
    const m = (await t.r.config('GET', 'maxmemory', 'hz', 'maxmemory-pol*')) as string[];
    const obj = Object.fromEntries(Array.from({ length: m.length / 2 }, (_, i) => [m[2 * i], m[2 * i + 1]]));
    expect(obj).toEqual({ maxmemory: '0', hz: '10', 'maxmemory-policy': 'noeviction' });
    expect(await t.r.config('GET', 'slave-read-only')).toEqual(['slave-read-only', 'yes']);
    expect(await t.r.config('GET', 'nonexistent')).toEqual([]);
    await expect(t.r.call('CONFIG', 'GET')).rejects.toThrow("ERR wrong number of arguments for 'config|get' command");
  });

  it('GET replies a map in RESP3', async () => {
    const a = await rawExchange(t.srv.port, 'HELLO 3\r\nCONFIG GET hz\r\n', (s) => s.endsWith('$2\r\n10\r\n'));
    expect(a.reply.endsWith('%1\r\n$2\r\nhz\r\n$2\r\n10\r\n')).toBe(true);
  });

  it('SET: several pairs, memory units, canonical values', async () => {
    expect(await t.r.config('SET', 'maxmemory', '10mb', 'hz', '20')).toBe('OK');
    expect(await t.r.config('GET', 'maxmemory')).toEqual(['maxmemory', '10485760']);
    expect(await t.r.config('GET', 'hz')).toEqual(['hz', '20']);
    expect(await t.r.config('SET', 'maxmemory', '0', 'hz', '10', 'maxmemory-policy', 'ALLKEYS-LRU')).toBe('OK');
    expect(await t.r.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
    await t.r.config('SET', 'maxmemory-policy', 'noeviction');
  });

  it('SET errors use Redis 7.0 texts', async () => {
    await expect(t.r.config('SET', 'foo', 'bar')).rejects.toThrow("ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    await expect(t.r.config('SET', 'maxmemory', 'abc')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
    );
    await expect(t.r.config('SET', 'maxmemory', '10', 'maxmemory', '20')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter",
    );
    await expect(t.r.config('SET', 'hz', 'x')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer",
    );
    await expect(t.r.config('SET', 'hz', '-1')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive",
    );
    await expect(t.r.config('SET', 'daemonize', 'yes')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config",
    );
    await expect(t.r.config('SET', 'appendonly', 'maybe')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'",
    );
    await expect(t.r.config('SET', 'maxmemory-policy', 'x')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
    );
    await expect(t.r.config('SET', 'save', '1 a')).rejects.toThrow("ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
    await expect(t.r.call('CONFIG', 'SET', 'maxmemory')).rejects.toThrow("ERR wrong number of arguments for 'config|set' command");
    await expect(t.r.call('CONFIG', 'SET', 'maxmemory', '1', 'hz')).rejects.toThrow('ERR syntax error');
  });

  it('SET is atomic: a bad pair leaves the good ones unchanged', async () => {
    await expect(t.r.config('SET', 'hz', '15', 'maxmemory', 'bad')).rejects.toThrow("argument 'maxmemory'");
    expect(await t.r.config('GET', 'hz')).toEqual(['hz', '10']);
    await expect(t.r.config('SET', 'hz', '15', 'nosuch', '1')).rejects.toThrow("Unknown option or number of arguments for CONFIG SET - 'nosuch'");
    expect(await t.r.config('GET', 'hz')).toEqual(['hz', '10']);
  });

  it('RESETSTAT, HELP, REWRITE without a file', async () => {
    await t.r.call('GET', 'cfg:nokey');
    expect(await t.r.config('RESETSTAT')).toBe('OK');
    const info = (await t.r.info('stats')) as string;
    expect(info).toContain('keyspace_misses:0');
    const help = (await t.r.call('CONFIG', 'HELP')) as string[];
    expect(help[0]).toBe('CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help[help.length - 1]).toBe('    Prints this help.');
    await expect(t.r.config('REWRITE')).rejects.toThrow('ERR The server is running without a config file');
    await expect(t.r.call('CONFIG', 'FOO')).rejects.toThrow("ERR unknown subcommand 'FOO'. Try CONFIG HELP.");
  });
});

describe.each(SERVER_KINDS)('CONFIG REWRITE on %s', (kind) => {
  it('rewrites options in place, keeps comments and unknown-to-default lines, appends new ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), `sb-rewrite-${kind}-`));
    const file = join(dir, 'redis.conf');
    writeFileSync(file, '# my comment\nhz 15\n\n# another\nmaxmemory-policy allkeys-lru\n');
    const srv = await startConfigured(kind, file);
    const r = client(srv.port);
    try {
      await r.config('SET', 'hz', '25', 'maxmemory', '2mb');
      expect(await r.config('REWRITE')).toBe('OK');
      const text = readFileSync(file, 'latin1');
      const lines = text.split('\n');
      expect(lines[0]).toBe('# my comment');
      expect(lines[1]).toBe('hz 25');
      expect(lines[3]).toBe('# another');
      expect(lines[4]).toBe('maxmemory-policy allkeys-lru');
      expect(text).toContain('# Generated by CONFIG REWRITE');
      expect(text).toContain('\nmaxmemory 2mb\n');
      // Rewriting again is stable for the options in place.
      expect(await r.config('REWRITE')).toBe('OK');
      expect(readFileSync(file, 'latin1').split('\n').slice(0, 5)).toEqual(lines.slice(0, 5));
    } finally {
      r.disconnect();
      await srv.stop();
    }
  });
});

/** Start a server with a config file as its first argument (startServer has no such option). */
async function startConfigured(kind: 'splitbrain' | 'redis', file: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const args = [file, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const proc =
    kind === 'redis'
      ? spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [SPLITBRAIN_SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(out)), 15000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once('exit', () => reject(new Error(out)));
  });
  return {
    port,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
