import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../support/redis.js';
import { type RunningServer, SERVER_KINDS, startServer } from '../support/servers.js';

/**
 * Every config directive of Redis 7.0: the names CONFIG GET * returns, Redis's own redis.conf, and
 * the directives that change what a signal does. testdata/redis-7.0.15.conf is redis.conf of the
 * redis/redis repository at tag 7.0.15, byte for byte (BSD licence beside it); only its pidfile
 * (/var/run/redis_6379.pid, shared by both servers) is moved by the command line.
 */
const REDIS_CONF = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'redis-7.0.15.conf');
/** Options of ours that redis-server does not have (the harness's fault-proxy routes). */
const OURS_ONLY = new Set(['route']);
/** Values that differ by how each server was started. */
const RUNTIME = new Set(['dir', 'port', 'pidfile', 'logfile']);

async function configAll(r: Redis): Promise<Map<string, string>> {
  const flat = (await r.config('GET', '*')) as string[];
  const m = new Map<string, string>();
  for (let k = 0; k < flat.length; k += 2) m.set(flat[k]!, flat[k + 1]!);
  return m;
}

describe('every Redis 7.0 config directive', () => {
  const started: RunningServer[] = [];
  const clients: Redis[] = [];
  const start = async (kind: (typeof SERVER_KINDS)[number], extra: string[] = [], conf?: string): Promise<Redis> => {
    const srv = await startServer(kind, extra, { conf });
    started.push(srv);
    const r = client(srv.port);
    clients.push(r);
    return r;
  };
  afterEach(async () => {
    for (const r of clients.splice(0)) r.disconnect();
    for (const s of started.splice(0)) await s.stop();
  });

  it("CONFIG GET * names the same 192 parameters as redis-server's; Redis's own redis.conf loads with the same values", async () => {
    expect(existsSync(REDIS_CONF)).toBe(true);
    const pidfile = (name: string): string[] => ['--pidfile', join(tmpdir(), `sb-conf-test-${process.pid}-${name}.pid`)];
    const ours = await start('splitbrain', pidfile('ours'), REDIS_CONF);
    const redis = await start('redis', pidfile('redis'), REDIS_CONF);
    const [a, b] = [await configAll(ours), await configAll(redis)];
    expect(b.size).toBe(192);
    expect([...a.keys()].filter((n) => !OURS_ONLY.has(n)).sort()).toEqual([...b.keys()].sort());
    const diffs = [...b.keys()].filter((n) => !RUNTIME.has(n) && a.get(n) !== b.get(n)).map((n) => `${n}: ours ${a.get(n)} / redis ${b.get(n)}`);
    expect(diffs).toEqual([]);
    // The file's settings did apply (its bind line, not the defaults').
    expect(a.get('bind')).toBe('127.0.0.1');
  });

  it('new directives validate as Redis does (octal, memory or percent, multi-word flag enums, templates)', async () => {
    const ours: string[] = [];
    const theirs: string[] = [];
    for (const kind of SERVER_KINDS) {
      const r = await start(kind);
      const set = async (name: string, v: string): Promise<string> => {
        try {
          await r.config('SET', name, v);
          return `OK ${((await r.config('GET', name)) as string[])[1]}`;
        } catch (e) {
          return (e as Error).message;
        }
      };
      const got: string[] = [];
      for (const v of ['10%', '100%', '101%', '1mb', '-1', 'x', '18446744073709551615', '0']) got.push(await set('maxmemory-clients', v));
      for (const v of ['save now', 'NOSAVE force now', 'save nosave', 'default', 'later', '']) got.push(await set('shutdown-on-sigterm', v));
      for (const v of ['{title} {port}', '{nosuch}', '{title', '{{x}} {config-file}', '{server-mode}']) got.push(await set('proc-title-template', v));
      for (const v of ['panic-on-replicas', 'ignore', 'loud']) got.push(await set('propagation-error-behavior', v));
      for (const v of ['clients', 'no']) got.push(await set('sanitize-dump-payload', v));
      got.push(await set('unixsocketperm', '700'));
      got.push(await set('server_cpulist', '0-3'));
      (kind === 'splitbrain' ? ours : theirs).push(...got);
    }
    expect(ours).toEqual(theirs);
    expect(ours).toContain('OK save now');
    expect(ours.some((e) => e.includes("shutdown options SAVE and NOSAVE can't be used simultaneously"))).toBe(true);
  });

  it.each(SERVER_KINDS)('shutdown-on-sigterm and -sigint decide whether SIGTERM/SIGINT save (%s)', async (kind) => {
    for (const [signal, option, value, saves] of [
      ['SIGTERM', 'shutdown-on-sigterm', 'default', true],
      ['SIGTERM', 'shutdown-on-sigterm', 'nosave', false],
      ['SIGINT', 'shutdown-on-sigint', 'nosave now', false],
      ['SIGINT', 'shutdown-on-sigint', 'default', true],
    ] as const) {
      const srv = await startServer(kind, ['--save', '3600 1', `--${option}`, ...value.split(' ')]);
      started.push(srv);
      const r = client(srv.port);
      clients.push(r);
      await r.set('k', 'v');
      await srv.stop(signal);
      expect(existsSync(join(srv.dir, 'dump.rdb')), `${signal} with ${option} ${value}`).toBe(saves);
      if (saves) expect(readFileSync(join(srv.dir, 'dump.rdb')).subarray(0, 5).toString()).toBe('REDIS');
    }
  });
});
