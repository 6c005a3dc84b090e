import tls from 'node:tls';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClusterNodeProc, clusterInfo, clusterNodes, nodeCall, startClusterNode, waitFor } from '../support/cluster.js';
import { freePort } from '../support/ports.js';
import { makeTestPki, tlsClientOptions, tlsServerArgs } from '../support/tls.js';

/**
 * tls-cluster: the cluster bus over TLS between our server and redis-server (both directions of
 * links), nodes known by their TLS ports, the bus listener speaking TLS only.
 */
describe('tls-cluster: a mixed pair with its bus over TLS', () => {
  const pki = makeTestPki();
  const nodes: ClusterNodeProc[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.stop();
  });

  it('forms a cluster over TLS links both ways; the bus port refuses an untrusted client certificate', async () => {
    const ports: { tls: number; bus: number }[] = [];
    for (const kind of ['splitbrain', 'redis'] as const) {
      const p = { tls: await freePort(), bus: await freePort() };
      ports.push(p);
      nodes.push(
        await startClusterNode(kind, tlsServerArgs(pki, p.tls, ['--tls-cluster', 'yes', '--tls-replication', 'yes', '--cluster-port', String(p.bus)])),
      );
    }
    const [ours, redis] = nodes as [ClusterNodeProc, ClusterNodeProc];
    expect(await nodeCall(ours.port, 'CLUSTER', 'MEET', '127.0.0.1', ports[1]!.tls, ports[1]!.bus)).toBe('OK');
    await nodeCall(ours.port, 'CLUSTER', 'ADDSLOTSRANGE', 0, 8191);
    await nodeCall(redis.port, 'CLUSTER', 'ADDSLOTSRANGE', 8192, 16383);
    for (const n of nodes) {
      await waitFor(`cluster_state:ok on ${n.kind}`, async () => {
        const i = await clusterInfo(n.port);
        return i['cluster_state'] === 'ok' && i['cluster_known_nodes'] === '2';
      });
    }
    // Each knows the other by its TLS port, with a connected link.
    const seenByOurs = (await clusterNodes(ours.port)).find((l) => !l.flags.includes('myself'))!;
    const seenByRedis = (await clusterNodes(redis.port)).find((l) => !l.flags.includes('myself'))!;
    expect(seenByOurs.link).toBe('connected');
    expect(seenByRedis.link).toBe('connected');
    // What a client is shown of the peer: the plain port (pport) over plain text, the TLS port over
    // TLS (NODES, SLOTS, REPLICAS' lines, MOVED); SHARDS names both whatever the client.
    const sides = [
      { self: ours, peer: { plain: redis.port, tls: ports[1]!.tls }, tlsPort: ports[0]!.tls, peerKey: 'foo', peerSlot: 12182 },
      { self: redis, peer: { plain: ours.port, tls: ports[0]!.tls }, tlsPort: ports[1]!.tls, peerKey: 'bar', peerSlot: 5061 },
    ];
    for (const side of sides) {
      for (const transport of ['plain', 'tls'] as const) {
        const r =
          transport === 'plain'
            ? new Redis({ port: side.self.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
            : new Redis({
                port: side.tlsPort,
                host: '127.0.0.1',
                lazyConnect: true,
                maxRetriesPerRequest: 0,
                retryStrategy: () => null,
                tls: tlsClientOptions(pki),
              });
        try {
          await r.connect();
          const what = `${side.self.kind} to a ${transport} client`;
          const expected = side.peer[transport];
          const nodesText = String(await r.call('CLUSTER', 'NODES'));
          const peerLine = nodesText.split('\n').find((l) => l !== '' && !l.includes('myself'))!;
          expect(peerLine.split(' ')[1]!.split('@')[0], `NODES, ${what}`).toBe(`127.0.0.1:${expected}`);
          const slots = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
          const peerRange = slots.find((e) => e[0] <= side.peerSlot && side.peerSlot <= e[1])!;
          expect(peerRange[2][1], `SLOTS, ${what}`).toBe(expected);
          const shards = (await r.call('CLUSTER', 'SHARDS')) as unknown[][];
          const shardNodes = shards.map((sh) => sh[3] as unknown[][]).flat();
          const peerShard = shardNodes.find((n) => n[3] !== undefined && n.includes(side.peer.plain))!;
          expect(peerShard.slice(0, 6), `SHARDS, ${what}`).toEqual(['id', peerShard[1], 'port', side.peer.plain, 'tls-port', side.peer.tls]);
          await expect(r.get(side.peerKey), `MOVED, ${what}`).rejects.toThrow(`MOVED ${side.peerSlot} 127.0.0.1:${expected}`);
        } finally {
          r.disconnect();
        }
      }
    }
    // The bus listener: a TLS handshake with a trusted certificate succeeds; one without fails.
    const handshake = (port: number, who: 'client' | 'rogue'): Promise<boolean> =>
      new Promise((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port, ...tlsClientOptions(pki, who) });
        s.once('secureConnect', () => {
          // A refused client certificate shows as the server closing right after the handshake.
          s.once('close', () => resolve(false));
          setTimeout(() => {
            s.destroy();
            resolve(true);
          }, 500);
        });
        s.once('error', () => resolve(false));
      });
    expect(await handshake(ports[0]!.bus, 'client')).toBe(true);
    expect(await handshake(ports[0]!.bus, 'rogue')).toBe(false);
  }, 120_000);
});
