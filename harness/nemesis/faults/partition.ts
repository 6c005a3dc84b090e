/**
 * Partitions, Jepsen's shapes: components that cannot reach each other (optionally one way), or
 * explicit pairs (rings); clients may be confined to one side. `partition-failover` also does what
 * an external failover manager would: promote a replica on the majority side, and on heal point
 * the old primary at it.
 */

import type { Prng } from '../../../checkers/util/prng.js';
import { type CutMode, type Link, type LinkChannel, requireCapability } from '../../net/network.js';
import { nodeCommand } from '../../run/clients.js';
import { infoField } from '../../run/info.js';
import type { NodeHandle } from '../../targets/target.js';
import { sleep } from '../../util/sleep.js';
import { aimValue, byName, type FaultContext, type IntervalFamily, names, type PickContext, primaries, STRINGS, valueSchema } from './fault.js';

interface Shape {
  kind: string;
  nodes: string[];
  mode: CutMode;
  /** Cut only this channel of the node→node links (the cluster bus, or replication/MIGRATE); absent: both. */
  channel?: LinkChannel;
}

/** Components: every link across groups is cut (one way: only group 0's outgoing links). */
interface Groups extends Shape {
  groups: string[][];
  /** The component the clients live in (index into groups); absent: clients reach every node. */
  clientSide?: number;
  oneWay?: true;
  /** partition-failover: the replica promoted on the majority side, `failoverAfterMs` after the cut. */
  promote?: string;
  failoverAfterMs?: number;
}

/** Explicit node pairs, cut both ways (a ring of majorities is not a set of components). */
interface Pairs extends Shape {
  cut: [string, string][];
}

export type PartitionValue = Groups | Pairs;

export interface PartitionSpec {
  f: 'start-partition';
  value: PartitionValue;
}

declare module './fault.js' {
  interface FaultSpecs {
    'start-partition': PartitionSpec;
  }
}

const spec = (value: PartitionValue): PartitionSpec => ({ f: 'start-partition', value });

/** One node alone; `clientSide` 1: the clients are with everyone else, 0: with the lone node. */
function alone(kind: string, node: NodeHandle, ctx: PickContext, clientSide: 0 | 1 | undefined): PartitionSpec {
  const rest = ctx.nodes.filter((n) => n !== node);
  const groups = [[node.name], names(rest)];
  return spec(clientSide === undefined ? { kind, nodes: [node.name], groups, mode: 'drop' } : { kind, nodes: [node.name], groups, clientSide, mode: 'drop' });
}

const isolatePrimary = (rng: Prng, ctx: PickContext): PartitionSpec => alone('isolate-primary', rng.pick(primaries(ctx)), ctx, 1);

/** The sentinels of a sentinel topology; other topologies have none to partition. */
function sentinelsOf(ctx: PickContext, nemesis: string): NodeHandle[] {
  const s = ctx.nodes.filter((n) => n.role === 'sentinel');
  if (ctx.topology !== 'sentinel' || s.length === 0) throw new Error(`the ${nemesis} nemesis needs --topology sentinel`);
  return s;
}

/** A primary cut from everyone, a replica promoted on the other side `failoverAfterMs` after the cut. */
function partitionFailover(kind: string, rng: Prng, ctx: PickContext, failoverAfterMs: number): PartitionSpec {
  const p = rng.pick(primaries(ctx));
  const rest = ctx.nodes.filter((n) => n !== p);
  const promote = rng.pick(rest.filter((n) => n.role === 'replica'));
  return spec({ kind, nodes: [p.name], groups: [[p.name], names(rest)], mode: 'drop', promote: promote.name, failoverAfterMs });
}

/** The shapes that isolate "the primary" (group 0 is the primary alone): aimed at the current one at start. */
const PRIMARY_KINDS = new Set([
  'isolate-primary',
  'isolate-primary-with-clients',
  'partition-failover',
  'partition-late-failover',
  'primary-from-replicas',
  'one-way',
]);

export const partition: IntervalFamily<PartitionSpec> = {
  f: 'start-partition',
  instant: false,
  stopF: 'stop-partition',
  valueSchema: {
    ...valueSchema(
      [
        'isolate-primary',
        'isolate-primary-with-clients',
        'partition-failover',
        'partition-late-failover',
        'isolate-node',
        'primary-from-replicas',
        'halves',
        'one-way',
        'bridge',
        'majorities-ring',
        'sentinel-split-brain',
        'sentinels-apart',
        'bus-one-way',
        'data-one-way',
      ],
      {
        mode: { enum: ['drop', 'reset'] },
        channel: { enum: ['bus', 'data'] },
        groups: { type: 'array', items: STRINGS },
        clientSide: { type: 'integer', minimum: 0 },
        oneWay: { const: true },
        promote: { type: 'string' },
        failoverAfterMs: { type: 'integer', minimum: 0 },
        cut: { type: 'array', items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 } },
      },
      ['mode'],
    ),
    // Components or explicit pairs, not both.
    oneOf: [{ required: ['groups'] }, { required: ['cut'] }],
  },
  nemeses: {
    /** One primary alone (with no clients); everyone else, clients included, on the other side. */
    'partition-primary': isolatePrimary,
    /**
     * A primary in the minority *with the clients*: they keep writing to it while the majority
     * fails it over — the Redis Cluster spec's documented window for lost acknowledged writes.
     */
    'partition-primary-with-clients': (rng, ctx) => alone('isolate-primary-with-clients', rng.pick(primaries(ctx)), ctx, 0),
    /**
     * What an external failover manager (Sentinel, an operator) does to a replicated group: the
     * primary is cut from its replicas while clients keep writing to it, a replica is promoted
     * and the others follow it; on heal the old primary becomes a replica of the new one.
     */
    'partition-failover': (rng, ctx) => partitionFailover('partition-failover', rng, ctx, 1000),
    /**
     * A late promotion after a long replication cut: the clients keep writing to the cut-off primary
     * and a replica, stale by most of the cut, is promoted only at 70% of the fault. What the old
     * primary acknowledged meanwhile is lost with it (asynchronous replication's documented window)
     * unless min-replicas made it refuse the writes first. A partition, so its ops are start-partition's.
     */
    'partition-late-failover': (rng, ctx) => partitionFailover('partition-late-failover', rng, ctx, Math.round((ctx.faultS ?? 6) * 700)),
    /**
     * Sentinel's famous split brain (Jepsen, 2013): the primary, a minority of the sentinels and
     * the clients on one side; the sentinels' majority promotes a replica on the other. The clients
     * keep writing to the old primary, and what it acknowledges is lost when it rejoins as a replica.
     */
    'sentinel-split-brain': (rng, ctx) => {
      const p = rng.pick(primaries(ctx));
      const sentinels = rng.shuffle(sentinelsOf(ctx, 'sentinel-split-brain'));
      const minority = [p, ...sentinels.slice(0, Math.floor((sentinels.length - 1) / 2))];
      const rest = ctx.nodes.filter((n) => !minority.includes(n));
      return spec({ kind: 'sentinel-split-brain', nodes: names(minority), groups: [names(minority), names(rest)], clientSide: 0, mode: 'drop' });
    },
    /** Every sentinel cut from every other one (data links and clients untouched): no failover can be agreed. */
    'partition-sentinels': (rng, ctx) => {
      const s = names(rng.shuffle(sentinelsOf(ctx, 'partition-sentinels')));
      const cut: [string, string][] = [];
      for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) cut.push([s[i]!, s[j]!]);
      return spec({ kind: 'sentinels-apart', nodes: [], cut, mode: 'drop' });
    },
    /** A random node alone. */
    'partition-node': (rng, ctx) => alone('isolate-node', rng.pick(ctx.nodes), ctx, 1),
    /** A primary cut from its replicas only; clients still reach everyone (the min-replicas scenario). */
    'partition-replication': (rng, ctx) => alone('primary-from-replicas', rng.pick(primaries(ctx)), ctx, undefined),
    /** Random halves; clients with the larger half. */
    'partition-halves': (rng, ctx) => {
      const shuffled = rng.shuffle(ctx.nodes);
      const cut = Math.floor(shuffled.length / 2);
      const small = names(shuffled.slice(0, cut));
      return spec({ kind: 'halves', nodes: small, groups: [small, names(shuffled.slice(cut))], clientSide: 1, mode: 'drop' });
    },
    /** Connections refused instead of black-holed. */
    'partition-primary-reset': (rng, ctx) => {
      const s = isolatePrimary(rng, ctx);
      return spec({ ...s.value, mode: 'reset' });
    },
    /** One-way: the primary's outgoing links are cut, incoming work (Jepsen's asymmetric partitions). */
    'partition-one-way': (rng, ctx) => {
      const s = isolatePrimary(rng, ctx);
      return spec({ ...s.value, kind: 'one-way', oneWay: true });
    },
    /**
     * Cluster: the links a primary opens on the bus are cut, nothing else (its replication stream,
     * its peers' bus links to it and every client link stay): the others stop hearing its pings
     * and fail it over although it still serves its clients.
     */
    'partition-bus-one-way': (rng, ctx) => {
      const s = isolatePrimary(rng, ctx);
      return spec({ kind: 'bus-one-way', nodes: s.value.nodes, groups: (s.value as Groups).groups, oneWay: true, channel: 'bus', mode: 'drop' });
    },
    /** The links a replica opens to its primary's client port (replication) are cut; the bus and the clients are not. */
    'partition-replication-one-way': (rng, ctx) => {
      const replica = rng.pick(ctx.nodes.filter((n) => n.role === 'replica'));
      const rest = ctx.nodes.filter((n) => n !== replica);
      return spec({ kind: 'data-one-way', nodes: [replica.name], groups: [[replica.name], names(rest)], oneWay: true, channel: 'data', mode: 'drop' });
    },
    /** Jepsen's bridge: two halves that only talk through one node. */
    'partition-bridge': (rng, ctx) => {
      const shuffled = rng.shuffle(ctx.nodes);
      // shuffled[0] is the bridge: in neither group, so it keeps links to both.
      const rest = shuffled.slice(1);
      const half = Math.floor(rest.length / 2);
      const a = names(rest.slice(0, half));
      return spec({ kind: 'bridge', nodes: a, groups: [a, names(rest.slice(half))], mode: 'drop' });
    },
    /** Jepsen's majorities ring: every node sees a majority, but no two nodes see the same one. */
    'partition-ring': (rng, ctx) => {
      const ring = names(rng.shuffle(ctx.nodes));
      const n = ring.length;
      const reach = Math.floor(n / 2) / 2; // neighbours on each side that stay reachable
      const cut: [string, string][] = [];
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const d = Math.min(j - i, n - (j - i));
          if (d > Math.max(1, Math.floor(reach))) cut.push([ring[i]!, ring[j]!]);
        }
      }
      return spec({ kind: 'majorities-ring', nodes: [], cut, mode: 'drop' });
    },
  },
  check({ value }, { net }) {
    requireCapability(net, 'pairPartitions', `cut links between pairs of nodes (${value.kind})`);
    if ('groups' in value && value.oneWay) requireCapability(net, 'oneWay', 'cut links one way');
    if (value.channel !== undefined) requireCapability(net, 'linkChannels', `cut the ${value.channel} links alone (${value.kind})`);
  },
  aimAt(s, primary, nodes) {
    const v = s.value;
    if (!('groups' in v) || !PRIMARY_KINDS.has(v.kind)) return s;
    const rest = names(nodes.filter((n) => n.name !== primary));
    return spec(
      aimValue(v, primary, (x) => ({
        groups: [[primary], rest],
        // The planned replica is promoted unless it is the current primary (then the first other node).
        ...(x.promote !== undefined && !rest.includes(x.promote) ? { promote: rest[0]! } : {}),
      })),
    );
  },
  async start({ value }, ctx) {
    await ctx.net.cut(partitionLinks(value, ctx.nodes), value.mode);
    if ('groups' in value && value.promote !== undefined) {
      await sleep(value.failoverAfterMs ?? 1000);
      const side = value.groups[1] ?? [];
      const chosen = await chooseReplica(ctx.nodes, value.promote, side);
      await promote(ctx, chosen.name, side);
      // The completion restates what was done (checkers/CONVENTIONS.md): the node promoted, and the plan when it differed.
      return { ...value, promote: chosen.name, ...(chosen.name !== value.promote ? { plannedPromote: value.promote } : {}), promotedInSync: chosen.inSync };
    }
    return value;
  },
  async stop({ value }, ctx) {
    await ctx.net.heal();
    if ('groups' in value && value.promote !== undefined) {
      // The old primary rejoins as a replica of the promoted one (and loses what it took alone);
      // the tracker knows which replica start() chose.
      const np = byName(ctx.nodes, [ctx.primary?.current ?? value.promote])[0]!;
      for (const n of byName(ctx.nodes, value.nodes)) await nodeCommand(n, ['REPLICAOF', np.host, String(np.port)]);
    }
    return { nodes: value.nodes };
  },
};

/** The links a partition cuts: every pair across groups (one way when asked), explicit pairs, client links. */
export function partitionLinks(value: PartitionValue, all: readonly NodeHandle[]): Link[] {
  const links: Link[] = [];
  const ch = value.channel === undefined ? {} : { channel: value.channel };
  if ('cut' in value) {
    for (const [a, b] of value.cut) links.push({ from: a, to: b, ...ch }, { from: b, to: a, ...ch });
    return links;
  }
  const { groups } = value;
  for (let i = 0; i < groups.length; i++) {
    for (let j = 0; j < groups.length; j++) {
      if (i === j) continue;
      // One-way: only the isolated side (group 0) loses its outgoing links.
      if (value.oneWay && i !== 0) continue;
      for (const a of groups[i]!) for (const b of groups[j]!) links.push({ from: a, to: b, ...ch });
    }
  }
  if (value.clientSide !== undefined) {
    const side = new Set(groups[value.clientSide] ?? []);
    for (const n of all) if (!side.has(n.name)) links.push({ from: 'client', to: n.name });
  }
  return links;
}

/**
 * The replica to promote, as a failover manager would not get it wrong: never one whose link is down
 * (e.g. still in its initial full resync — repl-diskless-sync-delay alone is 5 s) when one in sync
 * is on the majority side. The planned replica when it is in sync (so replays keep their plan:
 * in-sync replicas differ only by bytes in flight), else the in-sync one furthest ahead (Sentinel
 * and Redis Cluster rank by replication offset). Before this, a replica mid-resync was promoted
 * with a dataset from before an earlier fault, and every write since was "lost".
 */
export async function chooseReplica(nodes: readonly NodeHandle[], planned: string, side: readonly string[]): Promise<{ name: string; inSync: boolean }> {
  let best: { name: string; offset: number } | undefined;
  for (const n of byName(nodes, [planned, ...side.filter((x) => x !== planned)])) {
    const info = await nodeCommand(n, ['INFO', 'replication'], 2000).then(String, () => '');
    if (infoField(info, 'role') !== 'slave') continue;
    if (infoField(info, 'master_link_status') !== 'up' || infoField(info, 'master_sync_in_progress') === '1') continue;
    if (n.name === planned) return { name: planned, inSync: true };
    const offset = Number(infoField(info, 'slave_repl_offset') ?? NaN);
    if (best === undefined || offset > best.offset) best = { name: n.name, offset: Number.isFinite(offset) ? offset : -1 };
  }
  return best === undefined ? { name: planned, inSync: false } : { name: best.name, inSync: true };
}

/** Promote `name` (REPLICAOF NO ONE) and point the other members of its side at it. */
async function promote(ctx: FaultContext, name: string, side: string[]): Promise<void> {
  const np = byName(ctx.nodes, [name])[0]!;
  await nodeCommand(np, ['REPLICAOF', 'NO', 'ONE']);
  ctx.primary?.promoted(name);
  for (const other of byName(
    ctx.nodes,
    side.filter((s) => s !== name),
  ))
    await nodeCommand(other, ['REPLICAOF', np.host, String(np.port)]);
}
