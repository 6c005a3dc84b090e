import { afterAll, describe, expect, it } from 'vitest';
import { type ClusterNodeProc, clusterNodes, myId, nodeCall, startClusterNodes, waitFor } from '../../../test/support/cluster.js';
import { SERVER_KINDS } from '../../../test/support/servers.js';
import type { Network } from '../../net/network.js';
import type { NodeHandle } from '../../targets/target.js';
import { failover } from './failover.js';

/**
 * The cluster `failover` nemesis is drawn against the primaries at the start of the run; by the
 * time it fires, an earlier failover may have made its node a replica. It then fails over that
 * node's shard's current primary (a fail-back), instead of finding no replica to fail over to.
 */
describe.each(SERVER_KINDS)('cluster manual failover follows the shard after an earlier failover (%s)', (kind) => {
  const nodes: ClusterNodeProc[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.stop();
  });

  it('fails over to the replica, then back to the node that was primary at the start', async () => {
    nodes.push(...(await startClusterNodes([kind, kind], ['--cluster-node-timeout', '2000', '--repl-diskless-sync-delay', '0'])));
    const [a, b] = nodes as [ClusterNodeProc, ClusterNodeProc];
    // One shard: a serves every slot, b replicates it.
    await nodeCall(a.port, 'CLUSTER', 'ADDSLOTSRANGE', 0, 16383);
    await nodeCall(a.port, 'CLUSTER', 'MEET', '127.0.0.1', b.port);
    const aId = await myId(a.port);
    await waitFor('b knows a', async () => (await clusterNodes(b.port)).some((l) => l.id === aId && !l.flags.includes('handshake')));
    await nodeCall(b.port, 'CLUSTER', 'REPLICATE', aId);
    const role = async (port: number): Promise<string> => String(((await nodeCall(port, 'ROLE')) as unknown[])[0]);
    const synced = async (port: number): Promise<boolean> => /master_link_status:up/.test(String(await nodeCall(port, 'INFO', 'replication')));
    await waitFor('b in sync with a', () => synced(b.port), 60_000);
    await waitFor('a knows b as its replica', async () => (await clusterNodes(a.port)).some((l) => l.port === b.port && l.master === aId), 60_000);

    const handles: NodeHandle[] = [
      { name: 'n1', host: '127.0.0.1', port: a.port, role: 'primary', shard: 0, slots: [[0, 16383]] },
      { name: 'n2', host: '127.0.0.1', port: b.port, role: 'replica', shard: 0, primary: 'n1' },
    ];
    // The harness's network is not used by a manual failover.
    const ctx = { nodes: handles, net: {} as Network, processes: null };
    const spec = { f: 'failover' as const, value: { kind: 'manual-failover' as const, nodes: ['n1'], failoverMode: 'default' as const } };

    expect(await failover.start(spec, ctx)).toMatchObject({ to: 'n2' });
    await waitFor('b promoted', async () => (await role(b.port)) === 'master' && (await role(a.port)) === 'slave', 60_000);
    await waitFor('a in sync with b', () => synced(a.port), 60_000);
    // A master ignores a manual-failover request from a node it does not yet know as its replica.
    const bId = await myId(b.port);
    await waitFor('b knows a as its replica', async () => (await clusterNodes(b.port)).some((l) => l.port === a.port && l.master === bId), 60_000);

    // Same spec again (n1, a primary when the schedule was drawn, a replica now): fail back to it.
    expect(await failover.start(spec, ctx)).toMatchObject({ to: 'n1' });
    await waitFor('a primary again', async () => (await role(a.port)) === 'master' && (await role(b.port)) === 'slave', 60_000);
  }, 180_000);
});
