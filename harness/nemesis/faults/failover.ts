/**
 * A manual failover of a primary, as an operator would do it. Cluster: CLUSTER FAILOVER
 * [FORCE|TAKEOVER] on one of its replicas (found through CLUSTER NODES). Replicated: Redis 6.2's
 * FAILOVER on the primary (FORCE needs TO). An instant event.
 *
 * The mode is the nemesis's name, never the seed's choice: `failover` (default: the replica
 * catches up with a paused primary first, so nothing acknowledged may be lost), `failover-force`
 * (no handshake with the primary), `failover-takeover` (no election either). Losses are a checked
 * property only of the default mode.
 */
import type { Prng } from '../../../checkers/util/prng.js';
import { nodeCommand } from '../../run/clients.js';
import { aimValue, byName, type FaultContext, type FaultValue, type InstantFamily, type PickContext, primaries, valueSchema } from './fault.js';

export interface FailoverSpec {
  f: 'failover';
  value: FaultValue & { kind: 'manual-failover'; failoverMode: 'default' | 'force' | 'takeover' };
}

declare module './fault.js' {
  interface FaultSpecs {
    failover: FailoverSpec;
  }
}

export const failover: InstantFamily<FailoverSpec> = {
  f: 'failover',
  instant: true,
  valueSchema: valueSchema(['manual-failover'], { failoverMode: { enum: ['default', 'force', 'takeover'] } }),
  nemeses: {
    failover: manualFailoverOf('default'),
    'failover-force': manualFailoverOf('force'),
    'failover-takeover': manualFailoverOf('takeover'),
  },
  check() {},
  aimAt: (spec, primary) => ({ ...spec, value: aimValue(spec.value, primary) }),
  start: ({ value }, ctx) => manualFailover(ctx, value),
};

type FailoverMode = FailoverSpec['value']['failoverMode'];

function manualFailoverOf(failoverMode: FailoverMode): (rng: Prng, ctx: PickContext) => FailoverSpec {
  return (rng, ctx) => {
    const nodes = [rng.pick(primaries(ctx)).name];
    // `failover` once drew its mode (default/force) here: the draw stays, so a seed keeps its schedule.
    if (failoverMode === 'default') rng.int(2);
    return { f: 'failover', value: { kind: 'manual-failover', nodes, failoverMode } };
  };
}

async function manualFailover(ctx: FaultContext, value: FailoverSpec['value']): Promise<unknown> {
  const p = byName(ctx.nodes, value.nodes)[0]!;
  const mode = value.failoverMode;
  // Replicated, failovers followed: every other node replicates the current primary; else its replicas at the start.
  const replicas = ctx.primary ? ctx.nodes.filter((n) => n !== p) : ctx.nodes.filter((n) => n.primary === p.name);
  if (p.slots !== undefined || replicas.length === 0) {
    // Cluster: ask the node who its shard's replicas are now. The node was a primary when the
    // schedule was drawn; an earlier failover may have made it a replica since — then it is itself a
    // replica of its shard's current primary, and failing that primary over brings it back.
    const lines = String(await nodeCommand(p, ['CLUSTER', 'NODES']))
      .split('\n')
      .map((l) => l.split(' '));
    const myself = lines.find((x) => x[2]?.includes('myself'));
    const replicaAddr = myself?.[2]?.includes('slave')
      ? `${p.host}:${p.port}`
      : lines.find((x) => x[3] === myself?.[0] && x[2]?.includes('slave'))?.[1]?.split('@')[0];
    const r = ctx.nodes.find((n) => `${n.host}:${n.port}` === replicaAddr);
    if (!r) return { ...value, error: 'no replica to fail over to' };
    const reply = await nodeCommand(r, mode === 'default' ? ['CLUSTER', 'FAILOVER'] : ['CLUSTER', 'FAILOVER', mode.toUpperCase()]);
    return { ...value, to: r.name, reply: String(reply) };
  }
  const to = replicas[0]!;
  const argv = mode === 'force' ? ['FAILOVER', 'TO', to.host, String(to.port), 'FORCE', 'TIMEOUT', '2000'] : ['FAILOVER', 'TIMEOUT', '2000'];
  const reply = await nodeCommand(p, argv);
  // FAILOVER completes asynchronously: follow whoever becomes the only primary.
  const now = await ctx.primary?.awaitHandover(p.name);
  return { ...value, to: mode === 'force' ? to.name : 'any replica', reply: String(reply), ...(now ? { promoted: now } : {}) };
}
