import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, useServer } from '../support/differential.js';
import { client } from '../support/redis.js';
import { type RunningServer, SERVER_KINDS, startServer } from '../support/servers.js';

/**
 * Every option both servers have goes through CONFIG SET with the same probe values on our
 * server and on redis-server: bounds, parsing, memory units and error texts must be Redis 7.0's.
 */

/** Options a probe must not touch on a live test server (listeners, auth, files, idle timeouts). */
const UNSAFE = new Set([
  'port',
  'bind',
  'requirepass',
  'masterauth',
  'masteruser',
  'appendonly',
  'timeout',
  'maxclients',
  'oom-score-adj',
  'oom-score-adj-values',
  'maxmemory-clients', // a probe of 1 byte evicts the probing client (config-directives.test.ts has its own)
  'tls-port', // a probe would open a TLS listener without certificates (tls.test.ts)
]);
/** Options whose value depends on how or where the server was started. */
const RUNTIME = new Set(['dir', 'port', 'bind', 'save', 'appendonly', 'logfile', 'pidfile', 'daemonize', 'supervised', 'dbfilename']);

const PROBES = [
  'abc',
  '',
  '-1',
  '0',
  '1',
  '1.5',
  '01',
  '+5',
  '99',
  '101',
  '65536',
  '2147483648',
  '4294967296',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551615',
  '-9223372036854775809',
  '1k',
  '1kb',
  '1MB',
  '1gb',
  '1tb',
  'yes',
  'NO',
  'maybe',
  'local',
  'a/b',
  'pubsub 1kb 2 3',
];

describe('CONFIG SET bounds against redis-server', () => {
  const servers: RunningServer[] = [];
  const clients: Redis[] = [];
  let common: string[] = [];

  beforeAll(async () => {
    for (const kind of SERVER_KINDS) {
      const srv = await startServer(kind, []);
      servers.push(srv);
      clients.push(client(srv.port));
    }
    const names = async (r: Redis): Promise<Map<string, string>> => {
      const flat = (await r.config('GET', '*')) as string[];
      const m = new Map<string, string>();
      for (let k = 0; k < flat.length; k += 2) m.set(flat[k]!, flat[k + 1]!);
      return m;
    };
    const [a, b] = [await names(clients[0]!), await names(clients[1]!)];
    common = [...a.keys()].filter((n) => b.has(n)).sort();
  });
  afterAll(async () => {
    for (const r of clients) r.disconnect();
    for (const s of servers) await s.stop();
  });

  it('the defaults of the options both servers have are the same', async () => {
    expect(common.length).toBeGreaterThan(100);
    const diffs: string[] = [];
    for (const name of common) {
      if (RUNTIME.has(name)) continue;
      const [a, b] = [await clients[0]!.config('GET', name), await clients[1]!.config('GET', name)];
      if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${name}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
    expect(diffs).toEqual([]);
  });

  it('every probe value gets the same answer and the same canonical value', async () => {
    /** Per probe: the SET answer, then what GET shows; the value is put back after each probe. */
    const run = async (r: Redis, name: string): Promise<string[]> => {
      const before = ((await r.config('GET', name)) as string[])[1]!;
      const p = r.pipeline();
      for (const probe of PROBES) p.call('CONFIG', 'SET', name, probe).call('CONFIG', 'GET', name).call('CONFIG', 'SET', name, before);
      const res = (await p.exec())!;
      const out: string[] = [];
      for (let k = 0; k < res.length; k += 3) {
        const [err, ok] = res[k]!;
        out.push(err ? `ERR ${err.message}` : `${ok} -> ${JSON.stringify(res[k + 1]![1])}`);
      }
      return out;
    };
    const diffs: string[] = [];
    for (const name of common) {
      if (UNSAFE.has(name)) continue;
      const [a, b] = await Promise.all([run(clients[0]!, name), run(clients[1]!, name)]);
      for (let k = 0; k < PROBES.length; k++) if (a[k] !== b[k]) diffs.push(`${name} ${JSON.stringify(PROBES[k])}: ${a[k]} vs ${b[k]}`);
    }
    expect(diffs).toEqual([]);
  });
});

describe.each(SERVER_KINDS)('protected configs and commands on %s', (kind) => {
  const t = useServer(kind);

  it('dir and dbfilename are protected; DEBUG is refused', async () => {
    expect(await errorOf(t.r.config('SET', 'dir', tmpdir()))).toBe("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
    expect(await errorOf(t.r.config('SET', 'dbfilename', 'x.rdb'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config",
    );
    expect(await errorOf(t.r.call('DEBUG', 'SLEEP', '0'))).toBe(
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
    // A refused command inside MULTI fails the transaction, as every processCommand refusal.
    await t.r.call('MULTI');
    await expect(t.r.call('DEBUG', 'SLEEP', '0')).rejects.toThrow('DEBUG command not allowed');
    await expect(t.r.call('EXEC')).rejects.toThrow('EXECABORT');
  });
});

describe.each(SERVER_KINDS)('enable-protected-configs local and enable-debug-command local on %s', (kind) => {
  const t = useServer(kind, ['--enable-protected-configs', 'local', '--enable-debug-command', 'local']);

  it('a local client may set dir (which must exist) and dbfilename (a name), and run DEBUG', async () => {
    expect(await errorOf(t.r.config('SET', 'dir', '/nonexistent/dir'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
    );
    const dir = mkdtempSync(join(tmpdir(), 'sb-dir-'));
    expect(await t.r.config('SET', 'dir', dir)).toBe('OK');
    expect(await t.r.config('GET', 'dir')).toEqual(['dir', realpathSync(dir)]);
    expect(await errorOf(t.r.config('SET', 'dbfilename', 'a/b.rdb'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename",
    );
    expect(await t.r.config('SET', 'dbfilename', 'x.rdb')).toBe('OK');
    expect(await t.r.call('SAVE')).toBe('OK');
    expect(await t.r.call('DEBUG', 'SLEEP', '0')).toBe('OK');
  });
});

describe.each(SERVER_KINDS)('a config file refuses what CONFIG SET refuses, on %s', (kind) => {
  it('dir must exist; deprecated directives are ignored; a huge maxmemory is fine', async () => {
    await expect(startServer(kind, ['--dir', '/nonexistent/dir'])).rejects.toThrow(
      /at line \d+\s+>>> 'dir "?\/nonexistent\/dir"?'\s+No such file or directory/,
    );
    await expect(startServer(kind, ['--proto-max-bulk-len', '1'])).rejects.toThrow(/argument must be between 1048576 and 9223372036854775807 inclusive/);
    const srv = await startServer(kind, ['--lua-replicate-commands', 'yes', '--maxmemory', '18446744073709551615']);
    const r = client(srv.port);
    try {
      expect(await r.config('GET', 'maxmemory')).toEqual(['maxmemory', '18446744073709551615']);
      expect(await r.config('GET', 'lua-replicate-commands')).toEqual([]);
    } finally {
      r.disconnect();
      await srv.stop();
    }
  });
});
