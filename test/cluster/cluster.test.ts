import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../harness/util/slot.js';
import {
  type ClusterNodeProc,
  clusterClient,
  clusterNodes,
  createCluster,
  nodeCall,
  redisCliCluster,
  startClusterNodes,
  topology,
  waitClusterOk,
  waitFor,
  waitReplicasSynced,
} from '../support/cluster.js';
import { client, rawExchange } from '../support/redis.js';

/**
 * Six splitbrain-server nodes formed by `redis-cli --cluster create` (issue 10, acceptance 1 and 3):
 * check, ioredis Cluster routing, MOVED / ASK / TRYAGAIN during a slot migration, pipelines,
 * hash-tag multi-key commands, READONLY replica reads, and reshard + rebalance under a continuous
 * load with every acknowledged write read back.
 */

let nodes: ClusterNodeProc[] = [];
const ports = (): number[] => nodes.map((n) => n.port);

beforeAll(async () => {
  nodes = await startClusterNodes(Array(6).fill('splitbrain'), ['--cluster-node-timeout', '3000']);
  await createCluster(nodes, 1);
  await waitClusterOk(nodes, 6);
  await waitReplicasSynced(nodes);
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
});

function keyInSlotOf(port: number, owners: Map<number, number[]>, prefix: string): string {
  const mine = owners.get(port)!;
  for (let i = 0; ; i++) {
    const k = `${prefix}${i}`;
    if (mine.includes(keySlot(k))) return k;
  }
}

/** Slot → port of its master, from CLUSTER SLOTS of the first node. */
async function slotOwners(): Promise<Map<number, number[]>> {
  const slots = (await nodeCall(nodes[0]!.port, 'CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
  const out = new Map<number, number[]>();
  for (const [start, end, master] of slots) {
    const list = out.get(master[1]) ?? [];
    for (let s = start; s <= end; s++) list.push(s);
    out.set(master[1], list);
  }
  return out;
}

describe('a cluster of six splitbrain-server nodes', () => {
  it('redis-cli --cluster check: every slot covered, every node agrees', async () => {
    const r = await redisCliCluster(['check', `127.0.0.1:${nodes[0]!.port}`]);
    expect(r.out).toContain('[OK] All nodes agree about slots configuration.');
    expect(r.out).toContain('[OK] All 16384 slots covered.');
    expect(r.code).toBe(0);
    const topo = await topology(nodes[0]!.port);
    expect(topo.length).toBe(3);
    for (const t of topo) expect(t.replicas.length).toBe(1);
  });

  it('ioredis Cluster: routing, pipelines, hash tags, transactions, CROSSSLOT', async () => {
    const c = clusterClient(ports());
    try {
      for (let i = 0; i < 200; i++) await c.set(`route:${i}`, String(i));
      for (let i = 0; i < 200; i += 17) expect(await c.get(`route:${i}`)).toBe(String(i));
      const p = c.pipeline();
      for (let i = 0; i < 50; i++) p.incr(`{pipe}counter`).rpush('{pipe}list', String(i));
      const res = (await p.exec())!;
      expect(res.every(([err]) => err === null)).toBe(true);
      expect(await c.get('{pipe}counter')).toBe('50');
      expect(await c.llen('{pipe}list')).toBe(50);
      await c.mset('{user:1}a', '1', '{user:1}b', '2');
      expect(await c.mget('{user:1}a', '{user:1}b')).toEqual(['1', '2']);
      await c.sadd('{s}x', 'a', 'b');
      await c.sadd('{s}y', 'b', 'c');
      expect(await c.sunionstore('{s}z', '{s}x', '{s}y')).toBe(3);
      expect(await c.multi().set('{tx}a', '1').incr('{tx}a').exec()).toEqual([
        [null, 'OK'],
        [null, 2],
      ]);
      await expect(c.mset('a', '1', 'b', '2')).rejects.toThrow("CROSSSLOT Keys in request don't hash to the same slot");
    } finally {
      c.disconnect();
    }
  });

  it('READONLY: a replica serves reads of its master slots, redirects writes and other slots', async () => {
    const topo = await topology(nodes[0]!.port);
    const shard = topo[0]!;
    const owners = await slotOwners();
    const key = keyInSlotOf(shard.master, owners, 'ro:');
    const other = keyInSlotOf(topo[1]!.master, owners, 'ro:');
    await nodeCall(shard.master, 'SET', key, 'v');
    await nodeCall(shard.master, 'WAIT', 1, 5000);
    const r = client(shard.replicas[0]!);
    try {
      await expect(r.get(key)).rejects.toThrow(`MOVED ${keySlot(key)} 127.0.0.1:${shard.master}`);
      expect(await r.call('READONLY')).toBe('OK');
      expect(await r.get(key)).toBe('v');
      await expect(r.set(key, 'x')).rejects.toThrow(`MOVED ${keySlot(key)} 127.0.0.1:${shard.master}`);
      await expect(r.get(other)).rejects.toThrow(`MOVED ${keySlot(other)} 127.0.0.1:${topo[1]!.master}`);
      expect(await r.call('READWRITE')).toBe('OK');
      await expect(r.get(key)).rejects.toThrow('MOVED');
    } finally {
      r.disconnect();
    }
    const c = clusterClient(ports(), { scaleReads: 'slave' });
    try {
      expect(await c.get(key)).toBe('v');
    } finally {
      c.disconnect();
    }
  });

  it('PUBLISH reaches every node over the bus; SPUBLISH is routed and reaches the shard, replicas included', async () => {
    const topo = await topology(nodes[0]!.port);
    const owners = await slotOwners();
    const shard = topo[0]!;
    const channel = keyInSlotOf(shard.master, owners, 'news:');
    const other = topo[1]!;
    const received: string[] = [];
    const subs = [client(other.replicas[0]!), client(shard.replicas[0]!), client(shard.master)];
    try {
      subs[0]!.on('message', (ch, msg) => received.push(`message ${ch} ${msg}`));
      await subs[0]!.subscribe('global');
      for (const s of subs.slice(1)) s.on('smessage', (ch: string, msg: string) => received.push(`smessage ${ch} ${msg}`));
      // A shard channel is served by its master and, for reads, by the master's replicas.
      await subs[1]!.call('ssubscribe', channel);
      await subs[2]!.call('ssubscribe', channel);
      const wrong = client(other.master);
      try {
        await expect(wrong.call('SPUBLISH', channel, 'x')).rejects.toThrow(`MOVED ${keySlot(channel)} 127.0.0.1:${shard.master}`);
        // (raw: ioredis retries a MOVED SSUBSCRIBE on its own)
        const raw = await rawExchange(other.master, `SSUBSCRIBE ${channel}\r\n`, (x) => x.endsWith('\r\n'));
        expect(raw.reply).toBe(`-MOVED ${keySlot(channel)} 127.0.0.1:${shard.master}\r\n`);
      } finally {
        wrong.disconnect();
      }
      // PUBLISH counts local receivers only; the bus carries it to the other nodes.
      expect(await nodeCall(shard.master, 'PUBLISH', 'global', 'hello')).toBe(0);
      expect(await nodeCall(shard.master, 'SPUBLISH', channel, 'sharded')).toBe(1);
      await waitFor('messages delivered', async () => received.length >= 3, 10_000);
      expect(received.sort()).toEqual([`message global hello`, `smessage ${channel} sharded`, `smessage ${channel} sharded`]);
    } finally {
      for (const s of subs) s.disconnect();
    }
  });

  it('a slot in migration: ASK, ASKING, TRYAGAIN, then MOVED; the cluster client follows', async () => {
    const topo = await topology(nodes[0]!.port);
    const [src, dst] = [topo[0]!, topo[1]!];
    const owners = await slotOwners();
    const slot = owners.get(src.master)![7]!;
    const keys: string[] = [];
    for (let i = 0; keys.length < 3; i++) if (keySlot(`m${i}`) === slot) keys.push(`m${i}`);
    const [moved, stays, missing] = keys as [string, string, string];
    for (const k of [moved, stays]) await nodeCall(src.master, 'SET', k, `v-${k}`);
    // A shard-channel subscriber of the slot on the source: unsubscribed when the slot leaves.
    const sub = net.connect(src.master, '127.0.0.1');
    let pushed = '';
    sub.on('data', (d) => (pushed += d.toString('latin1')));
    sub.write(`SSUBSCRIBE ${stays}\r\n`);
    await waitFor('subscribed', async () => pushed.includes(':1\r\n'));
    const s = client(src.master);
    const d = client(dst.master);
    const c = clusterClient(ports());
    try {
      expect(await d.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', src.id)).toBe('OK');
      expect(await s.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', dst.id)).toBe('OK');
      expect(await s.call('MIGRATE', '127.0.0.1', dst.master, moved, 0, 5000)).toBe('OK');
      // Source: keys still here are served, a key gone is ASKed for, a mix is TRYAGAIN.
      expect(await s.get(stays)).toBe(`v-${stays}`);
      await expect(s.get(moved)).rejects.toThrow(`ASK ${slot} 127.0.0.1:${dst.master}`);
      await expect(s.mget(stays, moved)).rejects.toThrow('TRYAGAIN Multiple keys request during rehashing of slot');
      // Target: only after ASKING, and only for the keys it has.
      await expect(d.get(moved)).rejects.toThrow(`MOVED ${slot} 127.0.0.1:${src.master}`);
      expect(await d.call('ASKING')).toBe('OK');
      expect(await d.get(moved)).toBe(`v-${moved}`);
      await expect(d.get(moved)).rejects.toThrow('MOVED');
      expect(await d.call('ASKING')).toBe('OK');
      await expect(d.mget(moved, missing)).rejects.toThrow('TRYAGAIN');
      expect(await c.get(moved)).toBe(`v-${moved}`);
      expect(await c.get(stays)).toBe(`v-${stays}`);
      await c.set(missing, 'new');
      expect(await d.call('ASKING')).toBe('OK');
      expect(await d.get(missing)).toBe('new');
      // Finish the migration as redis-cli does.
      expect(await s.call('MIGRATE', '127.0.0.1', dst.master, '', 0, 5000, 'KEYS', stays)).toBe('OK');
      for (const n of [dst.master, src.master, topo[2]!.master]) expect(await nodeCall(n, 'CLUSTER', 'SETSLOT', slot, 'NODE', dst.id)).toBe('OK');
      await expect(s.get(stays)).rejects.toThrow(`MOVED ${slot} 127.0.0.1:${dst.master}`);
      expect(await c.mget(moved, stays, missing)).toEqual([`v-${moved}`, `v-${stays}`, 'new']);
      expect(await d.call('CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(3);
      await waitFor('shard channel dropped', async () => pushed.endsWith(`*3\r\n$12\r\nsunsubscribe\r\n$${stays.length}\r\n${stays}\r\n:0\r\n`));
      await waitFor('every node agrees on the slot', async () => {
        for (const n of nodes) {
          const slots = (await nodeCall(n.port, 'CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
          if (!slots.some(([a, b, m]) => a <= slot && slot <= b && m[1] === dst.master)) return false;
        }
        return true;
      });
    } finally {
      sub.destroy();
      s.disconnect();
      d.disconnect();
      c.disconnect();
    }
  });

  it('reshard and rebalance under load: no application error, every acknowledged write read back', async () => {
    const topo = await topology(nodes[0]!.port);
    const c = clusterClient(ports());
    const acked = new Map<string, string>();
    const errors: string[] = [];
    let stop = false;
    let seq = 0;
    const worker = async (w: number): Promise<void> => {
      while (!stop) {
        const i = seq++;
        const key = `load:${i}`;
        const value = `${w}:${i}`;
        try {
          await c.set(key, value);
          acked.set(key, value);
          if (i % 5 === 0) {
            const back = `load:${Math.floor(Math.random() * i)}`;
            const want = acked.get(back);
            const got = await c.get(back);
            if (want !== undefined && got !== want) errors.push(`read ${back}: ${got} instead of ${want}`);
          }
        } catch (e) {
          errors.push(`${key}: ${(e as Error).message}`);
        }
        // Continuous but not saturating: the machine also runs the six nodes and redis-cli.
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const workers = Array.from({ length: 4 }, (_, w) => worker(w));
    try {
      await new Promise((r) => setTimeout(r, 500));
      const reshard = await redisCliCluster([
        'reshard',
        `127.0.0.1:${nodes[0]!.port}`,
        '--cluster-from',
        topo[0]!.id,
        '--cluster-to',
        topo[1]!.id,
        '--cluster-slots',
        '64',
        '--cluster-yes',
      ]);
      expect(reshard.code, reshard.out).toBe(0);
      // 64 of ~5461 slots is past a 1% imbalance: rebalance moves them back.
      const rebalance = await redisCliCluster(['rebalance', `127.0.0.1:${nodes[0]!.port}`, '--cluster-threshold', '1']);
      expect(rebalance.code, rebalance.out).toBe(0);
      expect(rebalance.out).toContain('Moving');
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    try {
      expect(errors).toEqual([]);
      expect(acked.size).toBeGreaterThan(500);
      const keys = [...acked.keys()];
      for (let i = 0; i < keys.length; i += 100) {
        const batch = keys.slice(i, i + 100);
        const got = await Promise.all(batch.map((k) => c.get(k)));
        expect(got).toEqual(batch.map((k) => acked.get(k)));
      }
    } finally {
      c.disconnect();
    }
    const check = await redisCliCluster(['check', `127.0.0.1:${nodes[0]!.port}`]);
    expect(check.out).toContain('[OK] All 16384 slots covered.');
    expect(check.code, check.out).toBe(0);
    // Slot ownership converges to the same view everywhere (replicas learn it through gossip).
    await waitFor('every node sees the same slot owners', async () => {
      const seen = await Promise.all(
        nodes.map(async (n) =>
          (await clusterNodes(n.port))
            .filter((l) => l.flags.includes('master'))
            .map((l) => `${l.id} ${l.slots.join(' ')}`)
            .sort()
            .join('\n'),
        ),
      );
      return seen.every((s) => s === seen[0]);
    });
  }, 240_000);
});
