import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { ServerKind } from '../support/servers.js';
import { startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { caughtUp, expectSameData, linkUp, snapshot, startReplicaOf, waitFor } from './helpers.js';

// Consumer-group effects replicate as Redis propagates them (XCLAIM … JUSTID LASTID, XGROUP
// SETID/CREATECONSUMER, XADD with the generated ID, approximate trims rewritten as exact):
// mixed pairs end with identical streams, PELs and groups.
const { servers, conn } = trackPerTest();

async function streamWorkload(m: Redis, other: Redis): Promise<void> {
  for (let i = 0; i < 120; i++) await m.call('xadd', 'q', '*', 'job', String(i), ...(i % 9 === 0 ? ['extra', 'x'.repeat(i)] : []));
  await m.call('xadd', 'q', 'maxlen', '~', '50', '*', 'job', 'trimmed');
  await m.call('xgroup', 'create', 'q', 'workers', '0');
  await m.call('xgroup', 'create', 'q', 'audit', '$');
  await m.call('xgroup', 'create', 'q2', 'g', '$', 'mkstream');
  await m.call('xreadgroup', 'group', 'workers', 'w1', 'count', '10', 'streams', 'q', '>');
  await m.call('xreadgroup', 'group', 'workers', 'w2', 'count', '5', 'streams', 'q', '>');
  await m.call('xreadgroup', 'group', 'workers', 'w3', 'count', '5', 'noack', 'streams', 'q', '>');
  const pending = (await m.call('xpending', 'q', 'workers', '-', '+', '3', 'w1')) as [string][];
  await m.call('xack', 'q', 'workers', pending[0]![0]);
  await m.call('xclaim', 'q', 'workers', 'w2', '0', pending[1]![0]);
  await m.call('xautoclaim', 'q', 'workers', 'w4', '0', '0', 'count', '3');
  await m.call('xdel', 'q', pending[2]![0]);
  await m.call('xautoclaim', 'q', 'workers', 'w4', '0', '0', 'count', '50', 'justid');
  await m.call('xgroup', 'createconsumer', 'q', 'audit', 'idle');
  await m.call('xgroup', 'delconsumer', 'q', 'workers', 'w3');
  await m.call('xgroup', 'setid', 'q', 'audit', '0', 'entriesread', '0');
  await m.call('xtrim', 'q', 'minid', '~', '0-1');
  await m.call('xsetid', 'q2', '99-9');
  // A blocked XREADGROUP served by a later XADD propagates its XCLAIM too.
  const blocked = other.call('xreadgroup', 'group', 'g', 'b1', 'block', '0', 'streams', 'q2', '>');
  await waitFor('a blocked client', async () => /blocked_clients:1/.test((await m.info('clients')) as string));
  await m.call('xadd', 'q2', '100-1', 'a', 'b');
  await blocked;
}

/** Scripts whose effects differ run to run (TIME, SPOP, random IDs): replicas get the effects. */
async function scriptWorkload(m: Redis): Promise<void> {
  await m.call('sadd', 'pool', 'a', 'b', 'c', 'd', 'e');
  await m.call('function', 'load', 'replace', LIB);
  for (let i = 0; i < 5; i++) {
    await m.call(
      'eval',
      "local t = redis.call('time') redis.call('set', KEYS[1], t[1] .. '.' .. t[2]) redis.call('rpush', KEYS[2], redis.call('spop', 'pool')) return 1",
      '2',
      `t${i}`,
      'popped',
    );
    await m.call(
      'evalsha',
      String(await m.call('script', 'load', "redis.call('incrby', KEYS[1], ARGV[1]) redis.call('xadd', KEYS[2], '*', 'n', ARGV[1])")),
      '2',
      'counter',
      'q3',
      String(i),
    );
    await m.call('fcall', 'claim_next', '1', 'q', 'w9');
  }
  // A script that writes nothing propagates nothing; one that fails half way keeps its first write.
  await m.call('eval', "return redis.call('get', 'counter')", '0');
  await m.call('eval', "redis.call('set', 'half', '1') return redis.call('incr', 'pool')", '0').catch(() => undefined);
}

const LIB = `#!lua name=jobs
redis.register_function('claim_next', function(keys, args)
  local r = redis.call('xautoclaim', keys[1], 'workers', args[1], 0, '0-0', 'COUNT', 1, 'JUSTID')
  redis.call('hincrby', 'claims', args[1], #r[2])
  return #r[2]
end)`;

async function pair(masterKind: ServerKind, replicaKind: ServerKind): Promise<void> {
  const m = await startServer(masterKind);
  servers.push(m);
  const mr = conn(m.port);
  const rep = await startReplicaOf(replicaKind, m.port);
  servers.push(rep);
  const rr = conn(rep.port);
  await waitFor('link up', () => linkUp(rr));
  await streamWorkload(mr, conn(m.port));
  await scriptWorkload(mr);
  await caughtUp(mr, rr);
  const a = await snapshot(mr, [0]);
  expect(a.size).toBe(13);
  expect(expectSameData(a, await snapshot(rr, [0]))).toEqual([]);
  expect(await rr.call('function', 'list', 'withcode')).toEqual(await mr.call('function', 'list', 'withcode'));
}

describe('stream and script replication in mixed pairs', () => {
  it('our master, redis-server replica: identical streams, groups, PELs and script effects', async () => {
    await pair('splitbrain', 'redis');
  });
  it('redis-server master, our replica: identical streams, groups, PELs and script effects', async () => {
    await pair('redis', 'splitbrain');
  });
  it('full sync carries streams (our master, redis-server replica)', async () => {
    const m = await startServer('splitbrain');
    servers.push(m);
    const mr = conn(m.port);
    await streamWorkload(mr, conn(m.port));
    const rep = await startReplicaOf('redis', m.port);
    servers.push(rep);
    const rr = conn(rep.port);
    await waitFor('link up', () => linkUp(rr));
    await caughtUp(mr, rr);
    expect(expectSameData(await snapshot(mr, [0]), await snapshot(rr, [0]))).toEqual([]);
  });
});
