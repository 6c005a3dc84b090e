import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterNodeProc, clusterInfo, startClusterNode, waitFor } from '../support/cluster.js';
import { ex } from '../support/differential.js';
import { client, rawExchange } from '../support/redis.js';
import { SERVER_KINDS, type ServerKind, startServer } from '../support/servers.js';

/**
 * The CLUSTER command, routing errors and MIGRATE on a lone cluster node: ours and redis-server
 * get the same commands and must give the same replies (node ids and ports normalised).
 */

interface Pair {
  srv: ClusterNodeProc;
  r: Redis;
  id: string;
}

const nodes = new Map<ServerKind, Pair>();

beforeAll(async () => {
  for (const kind of SERVER_KINDS) {
    const srv = await startClusterNode(kind, ['--cluster-node-timeout', '2000']);
    const r = client(srv.port);
    nodes.set(kind, { srv, r, id: String(await r.call('CLUSTER', 'MYID')) });
  }
});

afterAll(async () => {
  for (const p of nodes.values()) {
    p.r.disconnect();
    await p.srv.stop();
  }
});

/** A reply with the node's own id, port and bus port replaced by placeholders. */
function normalise(v: unknown, p: Pair): unknown {
  if (typeof v === 'string') {
    return v
      .replaceAll(p.id, '$ID')
      .replaceAll(String(p.srv.port + 10000), '$BUS')
      .replaceAll(String(p.srv.port), '$PORT');
  }
  if (typeof v === 'number') return v === p.srv.port ? '$PORT' : v;
  if (Array.isArray(v)) return v.map((x) => normalise(x, p));
  return v ?? null;
}

/** Run the same commands on both; replies with the node's own id and port replaced by placeholders. */
async function both(...cmds: (string | number)[][]): Promise<Record<ServerKind, unknown[]>> {
  const out = {} as Record<ServerKind, unknown[]>;
  for (const [kind, p] of nodes) {
    const replies: unknown[] = [];
    for (const cmd of cmds) {
      const args = cmd.map((a) => (a === '$ID' ? p.id : a));
      const reply = await ex(p.r, ...args);
      replies.push(normalise(reply, p));
    }
    out[kind] = replies;
  }
  return out;
}

async function expectSame(...cmds: (string | number)[][]): Promise<unknown[]> {
  const r = await both(...cmds);
  expect(r.splitbrain).toEqual(r.redis);
  return r.redis;
}

describe('CLUSTER on a lone node, ours vs redis-server', () => {
  it('argument errors and read-only subcommands', async () => {
    const r = await expectSame(
      ['CLUSTER'],
      ['CLUSTER', 'BOGUS'],
      ['CLUSTER', 'HELP'],
      ['CLUSTER', 'KEYSLOT', 'foo'],
      ['CLUSTER', 'KEYSLOT', '{user1000}.following'],
      ['CLUSTER', 'COUNTKEYSINSLOT', 'abc'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '16384'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '-1'],
      ['CLUSTER', 'GETKEYSINSLOT', '0', '-1'],
      ['CLUSTER', 'GETKEYSINSLOT', '0', 'x'],
      ['CLUSTER', 'GETKEYSINSLOT', '0', '10'],
      ['CLUSTER', 'ADDSLOTS', 'abc'],
      ['CLUSTER', 'ADDSLOTS', '16384'],
      // Slot texts string2ll refuses or reads out of range: sign, leading zero, spaces, six digits.
      ['CLUSTER', 'ADDSLOTS', '-1'],
      ['CLUSTER', 'ADDSLOTS', '-0'],
      ['CLUSTER', 'ADDSLOTS', '+5'],
      ['CLUSTER', 'ADDSLOTS', '05'],
      ['CLUSTER', 'ADDSLOTS', ' 5'],
      ['CLUSTER', 'ADDSLOTS', '5 '],
      ['CLUSTER', 'ADDSLOTS', '5.0'],
      ['CLUSTER', 'ADDSLOTS', '100000'],
      ['CLUSTER', 'ADDSLOTS', ''],
      ['CLUSTER', 'DELSLOTS', '16383', 'x'],
      ['CLUSTER', 'ADDSLOTS', '1', '1'],
      ['CLUSTER', 'ADDSLOTSRANGE', '1', '2', '3'],
      ['CLUSTER', 'ADDSLOTSRANGE', '5', '1'],
      ['CLUSTER', 'DELSLOTS', '7'],
      ['CLUSTER', 'SETSLOT', '0', 'BOGUS'],
      ['CLUSTER', 'SETSLOT', '0', 'MIGRATING', 'nosuchnode'],
      ['CLUSTER', 'SETSLOT', '0', 'IMPORTING', 'nosuchnode'],
      ['CLUSTER', 'SETSLOT', '0', 'NODE', 'nosuchnode'],
      ['CLUSTER', 'SETSLOT', 'x', 'STABLE'],
      ['CLUSTER', 'MEET', '127.0.0.1', 'abc'],
      ['CLUSTER', 'MEET', '127.0.0.1', '1', 'x'],
      ['CLUSTER', 'MEET', 'a', 'b', 'c', 'd'],
      ['CLUSTER', 'FAILOVER'],
      ['CLUSTER', 'FAILOVER', 'BOGUS'],
      ['CLUSTER', 'RESET', 'BOGUS'],
      ['CLUSTER', 'FORGET', '$ID'],
      ['CLUSTER', 'FORGET', 'nosuchnode'],
      ['CLUSTER', 'REPLICATE', '$ID'],
      ['CLUSTER', 'REPLICATE', 'nosuchnode'],
      ['CLUSTER', 'REPLICAS', '$ID'],
      ['CLUSTER', 'SLAVES', 'nosuchnode'],
      ['CLUSTER', 'COUNT-FAILURE-REPORTS', '$ID'],
      ['CLUSTER', 'SET-CONFIG-EPOCH', 'abc'],
      ['CLUSTER', 'SET-CONFIG-EPOCH', '-1'],
      ['CLUSTER', 'MYID'],
      ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'SHARDS'],
      ['CLUSTER', 'LINKS'],
      ['READONLY'],
      ['READWRITE'],
      ['ASKING'],
      ['SELECT', '1'],
      ['SELECT', '0'],
    );
    expect(r.length).toBe(56);
  });

  it('routing before any slot is served, then as the owner of every slot', async () => {
    await expectSame(['GET', 'foo'], ['SET', 'foo', 'bar'], ['MSET', 'a', '1', 'b', '2'], ['PING'], ['DBSIZE']);
    await expectSame(['CLUSTER', 'ADDSLOTSRANGE', '0', '16383'], ['CLUSTER', 'ADDSLOTS', '0'], ['CLUSTER', 'BUMPEPOCH']);
    for (const p of nodes.values()) await waitFor('cluster_state:ok', async () => (await clusterInfo(p.srv.port))['cluster_state'] === 'ok');
    await expectSame(
      ['SET', 'foo', 'bar'],
      ['GET', 'foo'],
      ['MSET', 'a', '1', 'b', '2'],
      ['MSET', '{t}a', '1', '{t}b', '2'],
      ['MGET', '{t}a', '{t}b', 'foo'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '12182'],
      ['CLUSTER', 'GETKEYSINSLOT', '12182', '10'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '15495'],
      ['CLUSTER', 'FLUSHSLOTS'],
      ['CLUSTER', 'RESET'],
      ['CLUSTER', 'SETSLOT', '12182', 'NODE', 'nosuchnode'],
      ['CLUSTER', 'SETSLOT', '12182', 'IMPORTING', '$ID'],
      ['CLUSTER', 'DELSLOTS', '12182'],
      ['GET', 'foo'],
      ['CLUSTER', 'ADDSLOTS', '12182'],
      ['GET', 'foo'],
      ['CLUSTER', 'SAVECONFIG'],
      ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'INFO'],
    );
  });

  it('transactions: keys of every queued command in one slot, a refused EXEC discards', async () => {
    for (const p of nodes.values()) {
      const a = await rawExchange(p.srv.port, 'MULTI\r\nSET a 1\r\nSET b 2\r\nEXEC\r\nEXEC\r\nMULTI\r\nSET {x}a 1\r\nGET {x}b\r\nEXEC\r\n', (x) =>
        x.endsWith('$-1\r\n'),
      );
      expect(a.reply).toBe(
        "+OK\r\n+QUEUED\r\n+QUEUED\r\n-CROSSSLOT Keys in request don't hash to the same slot\r\n-ERR EXEC without MULTI\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n$-1\r\n",
      );
    }
  });

  it('REPLICATE of itself, with keys', async () => {
    await expectSame(['SET', 'k', 'v'], ['CLUSTER', 'REPLICATE', '$ID']);
  });
});

describe('cluster commands outside cluster mode', () => {
  it('are refused as redis-server refuses them', async () => {
    const replies: Record<string, unknown[]> = {};
    for (const kind of SERVER_KINDS) {
      const srv = await startServer(kind);
      const r = client(srv.port);
      replies[kind] = [
        await ex(r, 'CLUSTER', 'INFO'),
        await ex(r, 'CLUSTER', 'HELP'),
        await ex(r, 'ASKING'),
        await ex(r, 'READONLY'),
        await ex(r, 'READWRITE'),
      ];
      r.disconnect();
      await srv.stop();
    }
    expect(replies['splitbrain']).toEqual(replies['redis']);
  });
});
