import net from 'node:net';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NO_SYNC_DELAY } from '../support/cli.js';
import {
  type ClusterNodeProc,
  clusterClient,
  clusterInfo,
  clusterNodes,
  createCluster,
  freePortPair,
  nodeCall,
  portPairs,
  Relay,
  settledTopology,
  startClusterNode,
  waitClusterOk,
  waitFor,
  waitReplicasSynced,
} from '../support/cluster.js';
import type { ServerKind } from '../support/servers.js';

/**
 * Failures of a six-node cluster (issue 10, acceptance 4 and 5), the same test for our server
 * and for redis-server: kill -9 of a master under load, a master cut off from the majority, and
 * CLUSTER FAILOVER under a write load. Our nodes are partitioned through the route table (a relay
 * per directed link, as the harness's proxies); redis-server nodes, which have no route table,
 * through iptables rules between per-node loopback addresses.
 */

const NODE_TIMEOUT = 2000;

/** Partition control over the links of one node. */
interface Net {
  isolate(port: number): Promise<void>;
  heal(): Promise<void>;
  close(): Promise<void>;
}

async function ipt(...args: string[]): Promise<void> {
  const r = await execa('iptables', ['-w', ...args], { reject: false });
  if (r.exitCode !== 0) throw new Error(`iptables ${args.join(' ')}: ${String(r.stderr)}`);
}

/** Our nodes: every node-to-node link (bus and replication) through its own relay. */
async function startOurs(): Promise<{ nodes: ClusterNodeProc[]; net: Net }> {
  // Relays first: their ports are taken before the nodes' ports are chosen.
  const spare = await Promise.all(Array.from({ length: 60 }, () => Relay.start()));
  const ports = await portPairs(6);
  const relays = new Map<string, Relay>();
  for (const from of ports) {
    for (const to of ports) {
      if (from === to) continue;
      const bus = spare.pop()!;
      bus.target = to + 10000;
      relays.set(`${from}>${to}:bus`, bus);
      const client = spare.pop()!;
      client.target = to;
      relays.set(`${from}>${to}:port`, client);
    }
  }
  const started: ClusterNodeProc[] = [];
  try {
    await Promise.all(
      ports.map(async (p) => {
        const routes: string[] = [];
        for (const to of ports) {
          if (to === p) continue;
          routes.push(`127.0.0.1:${to + 10000}=127.0.0.1:${relays.get(`${p}>${to}:bus`)!.port}`);
          routes.push(`127.0.0.1:${to}=127.0.0.1:${relays.get(`${p}>${to}:port`)!.port}`);
        }
        started.push(
          await startClusterNode('splitbrain', ['--cluster-node-timeout', String(NODE_TIMEOUT), '--route', routes.join(' '), ...NO_SYNC_DELAY.split(' ')], {
            port: p,
          }),
        );
      }),
    );
  } catch (e) {
    await Promise.all(started.map((n) => n.stop()));
    for (const r of relays.values()) await r.close();
    throw e;
  }
  // In the order of `ports` (the relays are named by port).
  const nodes = ports.map((p) => started.find((n) => n.port === p)!);
  const net: Net = {
    isolate: async (port) => {
      for (const [name, r] of relays) {
        const [from, to] = name.split(':')[0]!.split('>').map(Number);
        if (from === port || to === port) r.cut();
      }
    },
    heal: async () => {
      for (const r of relays.values()) r.heal();
    },
    close: async () => {
      for (const r of relays.values()) await r.close();
    },
  };
  return { nodes, net };
}

/** A port p with p and p + 10000 free on both addresses (nodes listen on their own and on 127.0.0.1). */
async function freePortPairOn(addr: string): Promise<number> {
  for (;;) {
    const p = await freePortPair(addr);
    const free = await Promise.all([p, p + 10000].map((q) => canBind(q, '127.0.0.1')));
    if (free.every(Boolean)) return p;
  }
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/**
 * redis-server nodes: each on its own 127.a.b.N address (also the source address of its links),
 * cut by iptables rules in a chain of our own. The chain is created first and removed by `close`.
 */
async function startRedis(chain: string): Promise<{ nodes: ClusterNodeProc[]; net: Net; addrs: string[] }> {
  const a = 2 + Math.floor(Math.random() * 250);
  const b = Math.floor(Math.random() * 250);
  const addrs = Array.from({ length: 6 }, (_, i) => `127.${a}.${b}.${10 + i}`);
  const started: ClusterNodeProc[] = [];
  try {
    for (const addr of addrs) {
      const port = await freePortPairOn(addr);
      started.push(
        await startClusterNode(
          'redis',
          [
            '--cluster-node-timeout',
            String(NODE_TIMEOUT),
            '--bind',
            `${addr} 127.0.0.1`,
            '--bind-source-addr',
            addr,
            '--protected-mode',
            'no',
            ...NO_SYNC_DELAY.split(' '),
          ],
          { port },
        ),
      );
    }
  } catch (e) {
    await Promise.all(started.map((n) => n.stop()));
    throw e;
  }
  const nodes = started;
  const net: Net = {
    isolate: async (port) => {
      const i = nodes.findIndex((n) => n.port === port);
      for (const other of addrs) {
        if (other === addrs[i]) continue;
        await ipt('-A', chain, '-s', addrs[i]!, '-d', other, '-j', 'DROP');
        await ipt('-A', chain, '-s', other, '-d', addrs[i]!, '-j', 'DROP');
      }
    },
    heal: async () => ipt('-F', chain),
    close: async () => {},
  };
  return { nodes, net, addrs };
}

async function createChain(chain: string): Promise<void> {
  await dropChain(chain);
  await ipt('-N', chain);
  await ipt('-I', 'INPUT', '-j', chain);
}

async function dropChain(chain: string): Promise<void> {
  await execa('iptables', ['-w', '-D', 'INPUT', '-j', chain], { reject: false });
  await execa('iptables', ['-w', '-F', chain], { reject: false });
  await execa('iptables', ['-w', '-X', chain], { reject: false });
}

describe.each<ServerKind>(['splitbrain', 'redis'])('failures of a six-node %s cluster', (kind) => {
  let nodes: ClusterNodeProc[] = [];
  let links: Net | undefined;
  const chain = `SB-CLF-${process.pid % 100000}`;

  beforeAll(async () => {
    if (kind === 'splitbrain') {
      ({ nodes, net: links } = await startOurs());
      await createCluster(nodes, 1);
    } else {
      await createChain(chain);
      const r = await startRedis(chain);
      ({ nodes, net: links } = r);
      const { code, out } = await (async () => {
        const x = await execa(
          'redis-cli',
          ['--cluster', 'create', ...r.addrs.map((addr, i) => `${addr}:${r.nodes[i]!.port}`), '--cluster-replicas', '1', '--cluster-yes'],
          {
            reject: false,
            all: true,
          },
        );
        return { code: x.exitCode, out: x.all };
      })();
      if (code !== 0) throw new Error(`redis-cli --cluster create: ${out}`);
    }
    await waitClusterOk(nodes, 6);
    await waitReplicasSynced(nodes);
  }, 120_000);

  // A test that fails while a node is cut off must not leave the cut to the next test.
  afterEach(async () => {
    await links?.heal();
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await links?.close();
    if (kind === 'redis') await dropChain(chain);
  });

  const alive = (): ClusterNodeProc[] => nodes.filter((n) => n.proc.exitCode === null && n.proc.signalCode === null);
  const alivePorts = (): number[] => alive().map((n) => n.port);

  async function roleOf(port: number, seenFrom: number): Promise<{ master: boolean; masterPort: number | null; slots: number }> {
    const lines = await clusterNodes(seenFrom);
    const me = lines.find((l) => l.port === port)!;
    const m = lines.find((l) => l.id === me.master);
    return { master: me.flags.includes('master'), masterPort: m ? m.port : null, slots: me.slots.length };
  }

  /**
   * A write load through the cluster client: `acked` grows as writes are acknowledged (tests wait
   * for a count, not a fixed time: the machine may be loaded), `stop` ends it.
   */
  function writeLoad(prefix: string): { acked: string[]; stop: () => Promise<{ acked: string[]; errors: number }> } {
    const c = clusterClient(alive().map((n) => n.port));
    const acked: string[] = [];
    let errors = 0;
    let stop = false;
    let seq = 0;
    const loops = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const key = `${prefix}:${seq++}`;
        try {
          await c.set(key, key);
          acked.push(key);
        } catch {
          errors++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    });
    return {
      acked,
      stop: async () => {
        stop = true;
        await Promise.all(loops);
        c.disconnect();
        return { acked, errors };
      },
    };
  }

  /** Until the load has `n` more acknowledged writes than now. */
  const moreAcked = (load: { acked: string[] }, n: number): Promise<boolean> => {
    const target = load.acked.length + n;
    return waitFor(`${n} more acknowledged writes`, async () => load.acked.length >= target, 60_000, 20);
  };

  async function missingAfterwards(keys: string[]): Promise<string[]> {
    const c = clusterClient(alive().map((n) => n.port));
    try {
      const missing: string[] = [];
      for (let i = 0; i < keys.length; i += 200) {
        const batch = keys.slice(i, i + 200);
        const got = await Promise.all(batch.map((k) => c.get(k)));
        batch.forEach((k, j) => {
          if (got[j] !== k) missing.push(k);
        });
      }
      return missing;
    } finally {
      c.disconnect();
    }
  }

  it('kill -9 of a master under load: its replica is promoted; restarted, the old master rejoins as a replica', async () => {
    const shard = (await settledTopology(alivePorts(), 1))[0]!;
    const load = writeLoad('kill');
    await moreAcked(load, 20);
    const victim = nodes.find((n) => n.port === shard.master)!;
    await victim.stop('SIGKILL');
    const successor = shard.replicas[0]!;
    await waitFor('replica promoted', async () => (await roleOf(successor, successor)).master && (await roleOf(successor, successor)).slots > 0, 60_000);
    await waitClusterOk(alive(), 6);
    // The load goes on against the new master.
    await load.stop();
    const after = writeLoad('kill2');
    await moreAcked(after, 20);
    const { errors } = await after.stop();
    expect(errors).toBe(0);
    const i = nodes.indexOf(victim);
    nodes[i] = await victim.restart();
    await waitFor(
      'old master rejoins as a replica of its successor',
      async () => {
        const r = await roleOf(shard.master, shard.master);
        return !r.master && r.masterPort === successor;
      },
      60_000,
    );
    await waitReplicasSynced(nodes);
    await waitClusterOk(nodes, 6);
  }, 180_000);

  it('a master cut off from the majority refuses writes after node-timeout; the majority promotes its replica; healed, it follows the new master', async () => {
    const shard = (await settledTopology(alivePorts(), 1))[0]!;
    const owned = (await clusterNodes(shard.master)).find((l) => l.port === shard.master)!.slots[0]!;
    const slot = Number(owned.split('-')[0]);
    // A key of the isolated master's first slot.
    const { keySlot } = await import('../../harness/util/slot.js');
    let key = 'p';
    for (let i = 0; keySlot(key) !== slot; i++) key = `p${i}`;
    // Taken before the first rule: isolating runs an iptables command per rule, slow on a loaded machine.
    const cutAt = Date.now();
    await links!.isolate(shard.master);
    // The minority master refuses writes once it sees it cannot reach a majority.
    await waitFor(
      'the isolated master refuses writes',
      async () => {
        try {
          await nodeCall(shard.master, 'SET', key, 'minority');
          return false;
        } catch (e) {
          return /CLUSTERDOWN/.test((e as Error).message);
        }
      },
      60_000,
      50,
    );
    // Not at once. A master is unreachable node-timeout after the last data it sent (Redis's
    // clusterCron: min(ping delay, data delay) > node-timeout), and nodes ping each other at least
    // every node-timeout / 2: so from the cut, between node-timeout / 2 and node-timeout.
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(NODE_TIMEOUT / 2);
    expect((await clusterInfo(shard.master))['cluster_state']).toBe('fail');
    const successor = shard.replicas[0]!;
    const seenFrom = alive().find((n) => n.port !== shard.master && n.port !== successor)!.port;
    await waitFor(
      'the majority promotes the replica',
      async () => (await roleOf(successor, seenFrom)).master && (await roleOf(successor, seenFrom)).slots > 0,
      60_000,
    );
    expect(await nodeCall(successor, 'SET', key, 'majority')).toBe('OK');
    await links!.heal();
    await waitFor(
      'the old master turns into a replica of the new one',
      async () => {
        const r = await roleOf(shard.master, shard.master);
        return !r.master && r.masterPort === successor;
      },
      60_000,
    );
    await waitClusterOk(nodes, 6);
    await waitReplicasSynced(nodes);
    // Its minority-side data was discarded: the majority's write is what remains.
    expect(await nodeCall(successor, 'GET', key)).toBe('majority');
  }, 180_000);

  it('CLUSTER FAILOVER under a continuous write load loses no acknowledged write', async () => {
    const shard = (await settledTopology(alivePorts(), 1))[1]!;
    const replica = shard.replicas[0]!;
    const load = writeLoad('mf');
    await moreAcked(load, 50);
    expect(await nodeCall(replica, 'CLUSTER', 'FAILOVER')).toBe('OK');
    await waitFor(
      'manual failover done',
      async () => (await roleOf(replica, replica)).master && (await roleOf(shard.master, shard.master)).masterPort === replica,
      30_000,
    );
    // Writes go on after the switch (to the new master).
    await moreAcked(load, 50);
    const { acked } = await load.stop();
    expect(await missingAfterwards(acked)).toEqual([]);
    await waitClusterOk(nodes, 6);
  }, 120_000);
});
