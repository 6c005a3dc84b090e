import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_SENTINEL, type RunningSentinel, SPLITBRAIN_SENTINEL, sentinelClient, startSentinel, waitFor } from '../support/sentinels.js';
import { type RunningServer, startServer } from '../support/servers.js';

/**
 * Sentinel mode's commands, differentially: the same requests to redis-sentinel and to our
 * sentinel (both watching the same redis-server master and each other) get the same replies,
 * errors included; bad config files fail the same way; and our config file keeps the state
 * across a restart (myid, epochs, known sentinels).
 */

let master: RunningServer;
let theirs: RunningSentinel;
let ours: RunningSentinel;
let rc: Redis;
let oc: Redis;

beforeAll(async () => {
  master = await startServer('redis');
  theirs = await startSentinel('redis', { master: { port: master.port }, quorum: 1 });
  ours = await startSentinel('splitbrain', { master: { port: master.port }, quorum: 1 });
  rc = sentinelClient(theirs.port);
  oc = sentinelClient(ours.port);
  // Both know each other before replies that count sentinels are compared.
  await waitFor('discovery', async () => {
    for (const c of [rc, oc]) if (((await c.call('SENTINEL', 'SENTINELS', 'mymaster')) as unknown[]).length !== 1) return undefined;
    return true;
  });
}, 60_000);

afterAll(async () => {
  rc?.disconnect();
  oc?.disconnect();
  await ours?.stop();
  await theirs?.stop();
  await master?.stop();
});

async function reply(c: Redis, argv: string[]): Promise<unknown> {
  try {
    return await c.call(argv[0]!, ...argv.slice(1));
  } catch (err) {
    return `ERROR: ${(err as Error).message}`;
  }
}

describe('sentinel commands, ours vs redis-sentinel', () => {
  const P = (): string => (master ? String(master.port) : 'P'); // 'P' while vitest collects the names
  const cases: (() => string[])[] = [
    () => ['SENTINEL', 'HELP'],
    () => ['SENTINEL', 'FOO'],
    () => ['SENTINEL', 'MASTERS', 'extra'],
    () => ['SENTINEL', 'MASTER', 'nosuch'],
    () => ['SENTINEL', 'REPLICAS', 'nosuch'],
    () => ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'nosuch'],
    () => ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster'],
    () => ['SENTINEL', 'MONITOR', 'x', '127.0.0.1', 'abc', '2'],
    () => ['SENTINEL', 'MONITOR', 'x', '127.0.0.1', '6379', 'q'],
    () => ['SENTINEL', 'MONITOR', 'x', '127.0.0.1', '6379', '0'],
    () => ['SENTINEL', 'MONITOR', 'x', 'not-a-host', '6379', '1'],
    () => ['SENTINEL', 'MONITOR', 'mymaster', '127.0.0.1', P(), '1'],
    () => ['SENTINEL', 'SET', 'mymaster', 'quorum', '0'],
    () => ['SENTINEL', 'SET', 'mymaster', 'foo', 'bar'],
    () => ['SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', 'x'],
    () => ['SENTINEL', 'SET', 'mymaster', 'notification-script', '/bin/true'],
    () => ['SENTINEL', 'SET', 'nosuch', 'quorum', '1'],
    () => ['SENTINEL', 'CONFIG', 'GET', '*'],
    () => ['SENTINEL', 'CONFIG', 'GET', 'announce-*'],
    () => ['SENTINEL', 'CONFIG', 'SET', 'announce-port', '70000'],
    () => ['SENTINEL', 'CONFIG', 'SET', 'resolve-hostnames', 'maybe'],
    () => ['SENTINEL', 'CONFIG', 'SET', 'foo', 'bar'],
    () => ['SENTINEL', 'CONFIG', 'FOO', 'bar'],
    () => ['SENTINEL', 'CONFIG'],
    () => ['SENTINEL', 'DEBUG', 'foo', '1'],
    () => ['SENTINEL', 'DEBUG', 'ping-period', '0'],
    () => ['SENTINEL', 'DEBUG', 'ping-period'],
    () => ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', P(), '0', '*'],
    () => ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', 'abc', '0', '*'],
    () => ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', '1', 'x', '*'],
    () => ['SENTINEL', 'SIMULATE-FAILURE', 'foo'],
    () => ['SENTINEL', 'SIMULATE-FAILURE', 'HELP'],
    () => ['SENTINEL', 'FAILOVER', 'nosuch'],
    () => ['SENTINEL', 'FAILOVER', 'mymaster'],
    () => ['SENTINEL', 'RESET', 'nomatch*'],
    () => ['SENTINEL', 'INFO-CACHE', 'nosuch'],
    () => ['SENTINEL', 'REMOVE', 'nosuch'],
    () => ['SENTINEL', 'CKQUORUM', 'mymaster'],
    () => ['SENTINEL', 'CKQUORUM', 'nosuch'],
    () => ['PUBLISH', 'foo', 'bar'],
    () => ['GET', 'x'],
    () => ['CONFIG', 'GET', 'port'],
    () => ['FLUSHALL'],
    () => ['ROLE'],
    () => ['PING'],
  ];
  for (const make of cases) {
    it(make().join(' '), async () => {
      const argv = make();
      expect(await reply(oc, argv)).toEqual(await reply(rc, argv));
    });
  }

  it('SENTINEL MASTER / REPLICAS / SENTINELS have the same fields', async () => {
    const keys = (flat: string[]): string[] => flat.filter((_, i) => i % 2 === 0);
    expect(keys((await oc.call('SENTINEL', 'MASTER', 'mymaster')) as string[])).toEqual(keys((await rc.call('SENTINEL', 'MASTER', 'mymaster')) as string[]));
    const os = (await oc.call('SENTINEL', 'SENTINELS', 'mymaster')) as string[][];
    const rs = (await rc.call('SENTINEL', 'SENTINELS', 'mymaster')) as string[][];
    expect(keys(os[0]!)).toEqual(keys(rs[0]!));
  });

  it('INFO shows the same sections and the same sentinel section', async () => {
    const sections = (s: string): string[] => s.split('\r\n').filter((l) => l.startsWith('#'));
    expect(sections((await oc.call('INFO')) as string)).toEqual(sections((await rc.call('INFO')) as string));
    expect(await oc.call('INFO', 'sentinel')).toEqual(await rc.call('INFO', 'sentinel'));
    expect(await oc.call('INFO', 'keyspace')).toEqual(await rc.call('INFO', 'keyspace'));
  });

  it('HELLO 3 answers in sentinel mode', async () => {
    const o = (await oc.call('HELLO', '2')) as unknown[];
    const r = (await rc.call('HELLO', '2')) as unknown[];
    expect(o.filter((_, i) => i % 2 === 0)).toEqual(r.filter((_, i) => i % 2 === 0));
    expect(o[9]).toBe('sentinel');
  });
});

describe('sentinel config files', () => {
  function fatal(exe: 'redis' | 'splitbrain', lines: string[]): { code: number | null; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), 'sb-sentinel-conf-'));
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(conf, lines.join('\n') + '\n');
    const r =
      exe === 'redis'
        ? spawnSync(REDIS_SENTINEL, [conf], { cwd: dir, encoding: 'utf8', timeout: 60000 })
        : spawnSync(process.execPath, [SPLITBRAIN_SENTINEL, conf], { cwd: dir, encoding: 'utf8', timeout: 60000 });
    return { code: r.status, stderr: r.stderr };
  }

  for (const bad of [
    ['port 0', 'sentinel monitor m 127.0.0.1 6379 0'],
    ['port 0', 'sentinel down-after-milliseconds nosuch 100'],
    ['port 0', 'sentinel monitor m 127.0.0.1 6379 1', 'sentinel down-after-milliseconds m -5'],
    ['port 0', 'sentinel monitor m 127.0.0.1 6379 1', 'sentinel monitor m 127.0.0.1 6380 1'],
    ['port 0', 'sentinel myid abc'],
    ['port 0', 'sentinel bogus 1 2'],
    ['port 0', 'sentinel monitor m not-an-ip 6379 1'],
    ['port 0', 'sentinel resolve-hostnames perhaps'],
  ]) {
    it(`refuses ${bad.slice(1).join(' / ')} as redis-sentinel does`, () => {
      const o = fatal('splitbrain', bad);
      const r = fatal('redis', bad);
      expect(o.code).toBe(1);
      expect(r.code).toBe(1);
      expect(o.stderr.trim()).toBe(r.stderr.trim());
    });
  }

  it('keeps its id, epochs and known sentinels across a restart', async () => {
    const before = {
      myid: await oc.call('SENTINEL', 'MYID'),
      sentinels: ((await oc.call('SENTINEL', 'SENTINELS', 'mymaster')) as string[][]).map((s) => s[s.indexOf('runid') + 1]),
    };
    const text = readFileSync(ours.conf, 'latin1');
    expect(text).toContain(`sentinel myid ${before.myid}`);
    expect(text).toMatch(/sentinel known-sentinel mymaster 127\.0\.0\.1 \d+ [0-9a-f]{40}/);
    expect(text).toContain('sentinel current-epoch 0');
    // Restart on the same file: the same id and the sentinels it knew, without waiting for hellos.
    const old = ours;
    await old.stop();
    oc.disconnect();
    ours = await startSentinel('splitbrain', { master: { port: master.port }, quorum: 1, conf: old.conf, port: old.port });
    oc = sentinelClient(ours.port);
    expect(await oc.call('SENTINEL', 'MYID')).toBe(before.myid);
    const after = ((await oc.call('SENTINEL', 'SENTINELS', 'mymaster')) as string[][]).map((s) => s[s.indexOf('runid') + 1]);
    expect(after).toEqual(before.sentinels);
    expect(readFileSync(ours.conf, 'latin1').match(/^sentinel monitor /gm)).toHaveLength(1);
  });
});
