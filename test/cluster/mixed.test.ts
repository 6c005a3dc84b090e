import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterNodeProc,
  clusterClient,
  clusterNodes,
  createCluster,
  myId,
  nodeCall,
  redisCliCluster,
  startClusterNodes,
  waitClusterOk,
  waitFor,
  waitReplicasSynced,
} from '../support/cluster.js';
import type { ServerKind } from '../support/servers.js';

/**
 * A mixed cluster (issue 10, acceptance 2): three redis-server and three splitbrain-server nodes,
 * masters and replicas on both sides, formed by `redis-cli --cluster create`. The two
 * implementations gossip, detect failures and elect across each other: a dead redis-server
 * master is replaced by our replica, a dead master of ours by a redis-server replica, and slots
 * move between the implementations under load without losing a write.
 */

// redis-cli --cluster create on one host makes the first three nodes masters; their replicas are
// then placed (CLUSTER REPLICATE) so that: redis master ← our replica, our master ← redis
// replica, redis master ← our replica.
const KINDS: ServerKind[] = ['redis', 'splitbrain', 'redis', 'splitbrain', 'splitbrain', 'redis'];
const REPLICA_OF: Record<number, number> = { 4: 0, 5: 1, 3: 2 };
const OPTS = ['--cluster-node-timeout', '2000'];

let nodes: ClusterNodeProc[] = [];
const ids = new Map<number, string>();

beforeAll(async () => {
  nodes = await startClusterNodes(KINDS, OPTS);
  for (const n of nodes) ids.set(n.port, await myId(n.port));
  await createCluster(nodes, 1);
  await waitClusterOk(nodes, 6);
  for (const [r, m] of Object.entries(REPLICA_OF)) {
    const replica = nodes[Number(r)]!.port;
    const master = ids.get(nodes[m]!.port)!;
    const me = (await clusterNodes(replica)).find((l) => l.port === replica)!;
    if (me.master !== master) expect(await nodeCall(replica, 'CLUSTER', 'REPLICATE', master)).toBe('OK');
  }
  for (const n of nodes) {
    await waitFor(`${n.port} sees the replica placement`, async () => {
      const lines = await clusterNodes(n.port);
      return Object.entries(REPLICA_OF).every(([r, m]) => lines.find((l) => l.port === nodes[Number(r)]!.port)?.master === ids.get(nodes[m]!.port));
    });
  }
  await waitClusterOk(nodes, 6);
  await waitReplicasSynced(nodes);
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
});

const alive = (): ClusterNodeProc[] => nodes.filter((n) => n.proc.exitCode === null && n.proc.signalCode === null);

/** From a live node's view: `port` is a master serving slots, and `old` is marked failed. */
async function promoted(port: number, old: number): Promise<boolean> {
  for (const n of alive()) {
    const lines = await clusterNodes(n.port);
    const me = lines.find((l) => l.port === port);
    const dead = lines.find((l) => l.port === old);
    if (!me?.flags.includes('master') || me.slots.length === 0) return false;
    if (dead && !dead.flags.includes('fail') && dead.flags.includes('master') && dead.slots.length > 0) return false;
  }
  return true;
}

async function killAndExpectPromotion(master: number, replica: number): Promise<void> {
  const victim = nodes.find((n) => n.port === master)!;
  const slotsBefore = (await clusterNodes(master)).find((l) => l.port === master)!.slots;
  await victim.stop('SIGKILL');
  await waitFor(`${replica} promoted in place of ${master}`, () => promoted(replica, master), 60_000);
  const lines = await clusterNodes(replica);
  expect(lines.find((l) => l.port === replica)!.slots).toEqual(slotsBefore);
  await waitClusterOk(alive(), 6);
}

/** Restart a killed node on its port and nodes.conf: it comes back as a replica of its successor. */
async function restartAsReplicaOf(port: number, master: number): Promise<void> {
  const i = nodes.findIndex((n) => n.port === port);
  nodes[i] = await nodes[i]!.restart();
  await waitFor(
    `${port} rejoins as a replica of ${master}`,
    async () => {
      const me = (await clusterNodes(port)).find((l) => l.port === port)!;
      return me.flags.includes('slave') && me.master === ids.get(master);
    },
    60_000,
  );
}

describe('a mixed cluster: three redis-server and three splitbrain-server nodes', () => {
  it('redis-cli --cluster check passes and both kinds hold masters and replicas', async () => {
    for (const n of nodes) {
      const r = await redisCliCluster(['check', `127.0.0.1:${n.port}`]);
      expect(r.out).toContain('[OK] All nodes agree about slots configuration.');
      expect(r.out).toContain('[OK] All 16384 slots covered.');
      expect(r.code, r.out).toBe(0);
    }
    const lines = await clusterNodes(nodes[1]!.port);
    const kindOf = (port: number): ServerKind => nodes.find((n) => n.port === port)!.kind;
    const pairs = lines.filter((l) => l.flags.includes('slave')).map((l) => `${kindOf(lines.find((m) => m.id === l.master)!.port)}←${kindOf(l.port)}`);
    expect(pairs.sort()).toEqual(['redis←splitbrain', 'redis←splitbrain', 'splitbrain←redis']);
  });

  it('kill -9 of a redis-server master: our replica is elected; of our master: a redis-server replica is', async () => {
    const [r0, s1, , , s4, r5] = nodes.map((n) => n.port) as [number, number, number, number, number, number];
    // Our replica (index 4) of the redis master (index 0).
    await killAndExpectPromotion(r0, s4);
    // The redis replica (index 5) of our master (index 1).
    await killAndExpectPromotion(s1, r5);
    // Both old masters come back as replicas of the nodes that replaced them.
    await restartAsReplicaOf(r0, s4);
    await restartAsReplicaOf(s1, r5);
    await waitClusterOk(nodes, 6);
    await waitReplicasSynced(nodes);
  }, 240_000);

  it('resharding between the implementations under load loses no write', async () => {
    const masters = (await clusterNodes(nodes[2]!.port)).filter((l) => l.flags.includes('master') && l.slots.length > 0);
    const kindOf = (port: number): ServerKind => nodes.find((n) => n.port === port)!.kind;
    const redisMaster = masters.find((m) => kindOf(m.port) === 'redis')!;
    const ourMaster = masters.find((m) => kindOf(m.port) === 'splitbrain')!;
    const c = clusterClient(alive().map((n) => n.port));
    const acked = new Map<string, string>();
    const errors: string[] = [];
    let stop = false;
    let seq = 0;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const key = `mixed:${seq++}`;
        try {
          await c.set(key, key);
          acked.set(key, key);
        } catch (e) {
          errors.push(`${key}: ${(e as Error).message}`);
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    try {
      for (const [from, to] of [
        [redisMaster, ourMaster],
        [ourMaster, redisMaster],
      ] as const) {
        const r = await redisCliCluster([
          'reshard',
          `127.0.0.1:${nodes[2]!.port}`,
          '--cluster-from',
          from.id,
          '--cluster-to',
          to.id,
          '--cluster-slots',
          '64',
          '--cluster-yes',
        ]);
        expect(r.code, r.out).toBe(0);
      }
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    try {
      expect(errors).toEqual([]);
      expect(acked.size).toBeGreaterThan(200);
      const keys = [...acked.keys()];
      for (let i = 0; i < keys.length; i += 100) {
        const batch = keys.slice(i, i + 100);
        expect(await Promise.all(batch.map((k) => c.get(k)))).toEqual(batch);
      }
    } finally {
      c.disconnect();
    }
    const check = await redisCliCluster(['check', `127.0.0.1:${nodes[1]!.port}`]);
    expect(check.code, check.out).toBe(0);
    expect(Number(await nodeCall(ourMaster.port, 'DBSIZE'))).toBeGreaterThan(0);
  }, 240_000);
});
