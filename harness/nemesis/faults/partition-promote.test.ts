import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/cluster.js';
import { client } from '../../../test/support/redis.js';
import { type RunningServer, SERVER_KINDS, startServer } from '../../../test/support/servers.js';
import type { NodeHandle } from '../../targets/target.js';
import { chooseReplica } from './partition.js';

/**
 * The harness's failover manager promotes as Sentinel and Redis Cluster would: never a replica
 * whose link is down (e.g. still in its initial full resync) when one in sync is on the same side.
 */
describe.each(SERVER_KINDS)('partition-failover picks the replica to promote (%s)', (kind) => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('skips a replica whose link is down, keeps the planned one when it is in sync, falls back to it when none is', async () => {
    const primary = await startServer(kind);
    const dead = await startServer(kind);
    servers.push(primary, dead);
    const a = await startServer(kind, ['--replicaof', '127.0.0.1', String(primary.port)]);
    const b = await startServer(kind, ['--replicaof', '127.0.0.1', String(primary.port)]);
    servers.push(a, b);
    const c = client(primary.port);
    try {
      await c.set('k', 'v');
      const once = async <T>(port: number, f: (r: ReturnType<typeof client>) => Promise<T>): Promise<T> => {
        const r = client(port);
        try {
          return await f(r);
        } finally {
          r.disconnect();
        }
      };
      const synced = async (port: number): Promise<boolean> => /master_link_status:up/.test(await once(port, (r) => r.info('replication')));
      await waitFor('replicas in sync', async () => (await synced(a.port)) && (await synced(b.port)));
      const node = (name: string, s: RunningServer): NodeHandle => ({ name, host: '127.0.0.1', port: s.port, role: 'replica', shard: 0, primary: 'n1' });
      const nodes = [{ ...node('n1', primary), role: 'primary' as const }, node('n2', a), node('n3', b)];
      // Both in sync at the same offset: the plan stands.
      expect(await chooseReplica(nodes, 'n2', ['n2', 'n3'])).toEqual({ name: 'n2', inSync: true });
      // n2 re-pointed at a stopped node: its link is down, so n3 is promoted instead.
      await dead.stop();
      await once(a.port, (r) => r.replicaof('127.0.0.1', String(dead.port)));
      expect(await chooseReplica(nodes, 'n2', ['n2', 'n3'])).toEqual({ name: 'n3', inSync: true });
      // Nobody in sync: the planned replica, marked as such in the fault's completion.
      await once(b.port, (r) => r.replicaof('127.0.0.1', String(dead.port)));
      expect(await chooseReplica(nodes, 'n2', ['n2', 'n3'])).toEqual({ name: 'n2', inSync: false });
    } finally {
      c.disconnect();
    }
  });
});
