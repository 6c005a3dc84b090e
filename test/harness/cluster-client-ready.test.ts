import { execa } from 'execa';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { awaitClusterReady } from '../../harness/run/clients.js';
import { type ClusterNodeProc, clusterInfo, nodeCall, REDIS_CLI, startClusterNodes, waitFor } from '../support/cluster.js';

/**
 * A run's cluster clients start only once ioredis maps every slot (before that it fails every
 * command "Cluster isn't ready" without sending it): not while the cluster has no slots, at once
 * when it has them all.
 */
let nodes: ClusterNodeProc[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
});

describe('awaitClusterReady', () => {
  it('reports what is missing while no slot is assigned, and returns once the client maps all 16384', async () => {
    nodes = await startClusterNodes(['redis', 'redis', 'redis']);
    const c = new Cluster(
      nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
      { enableOfflineQueue: false, clusterRetryStrategy: () => 200 },
    );
    c.on('error', () => undefined);
    try {
      expect(await awaitClusterReady(c, 1500)).toMatch(/^the cluster client has no full slot map after 1500 ms \(status \w+, 0 of 16384 slots mapped\)$/);
      const created = await execa(REDIS_CLI, ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'], {
        reject: false,
        all: true,
      });
      expect(created.exitCode, created.all).toBe(0);
      expect(await awaitClusterReady(c, 60_000)).toBeNull();
      expect(c.status).toBe('ready');
      expect(c.slots.filter((owners) => owners.length > 0)).toHaveLength(16384);
      expect(await c.set('k', 'v')).toBe('OK');
    } finally {
      c.disconnect();
    }
  }, 120_000);

  it('a client that became ready on a partial slot map (slots still being assigned) gets the full map', async () => {
    // Without full coverage required the cluster is ok (and the client ready) on a third of the slots:
    // the state a client can catch mid `--cluster create`, when the node it asks has not heard of all the slots yet.
    const more = await startClusterNodes(['redis', 'redis', 'redis'], ['--cluster-require-full-coverage', 'no']);
    nodes.push(...more);
    const [a, b, c] = more as [ClusterNodeProc, ClusterNodeProc, ClusterNodeProc];
    await nodeCall(b.port, 'CLUSTER', 'MEET', '127.0.0.1', a.port);
    await nodeCall(c.port, 'CLUSTER', 'MEET', '127.0.0.1', a.port);
    await nodeCall(a.port, 'CLUSTER', 'ADDSLOTSRANGE', 0, 5460);
    const client = new Cluster([{ host: '127.0.0.1', port: a.port }], { enableOfflineQueue: false, clusterRetryStrategy: () => 200 });
    client.on('error', () => undefined);
    try {
      await waitFor(
        'the client ready on a third of the slots',
        async () => client.status === 'ready' && client.slots.filter((o) => o.length > 0).length === 5461,
      );
      await nodeCall(b.port, 'CLUSTER', 'ADDSLOTSRANGE', 5461, 10922);
      await nodeCall(c.port, 'CLUSTER', 'ADDSLOTSRANGE', 10923, 16383);
      await waitFor('every node sees the cluster ok', async () => {
        for (const n of more) if ((await clusterInfo(n.port)).cluster_state !== 'ok') return false;
        return true;
      });
      // ioredis alone would keep its partial map: no redirection, no reconnect, no refresh interval.
      expect(await awaitClusterReady(client, 30_000)).toBeNull();
    } finally {
      client.disconnect();
    }
  }, 120_000);
});
