import { execa } from 'execa';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { awaitClusterReady } from '../../harness/run/clients.js';
import { type ClusterNodeProc, REDIS_CLI, startClusterNodes } from '../support/cluster.js';

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
});
