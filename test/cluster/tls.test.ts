import tls from 'node:tls';
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
    // A plain-text client sees the other node's plain port (pport), as Redis shows it.
    expect(seenByRedis.port).toBe(ours.port);
    // Ours shows the TLS port there (it renders node addresses without the client's transport).
    expect([redis.port, ports[1]!.tls]).toContain(seenByOurs.port);
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
