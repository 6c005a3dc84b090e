import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import type { Link, Network } from '../net/network.js';
import { requireCapability, UnsupportedFault } from '../net/network.js';
import type { PrimaryTracker } from '../run/primary-tracker.js';
import type { NodeHandle, ProcessFaults } from '../targets/target.js';
import type { FaultSpec } from './nemesis.js';

/** The links a partition cuts: every pair across groups (one way when asked), plus client links. */
export function partitionLinks(f: FaultSpec, all: NodeHandle[]): Link[] {
  const groups = f.value.groups ?? [];
  const links: Link[] = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = 0; j < groups.length; j++) {
      if (i === j) continue;
      // One-way: only the isolated side (group 0) loses its outgoing links.
      if (f.value.oneWay && i !== 0) continue;
      for (const a of groups[i]!) for (const b of groups[j]!) links.push({ from: a, to: b });
    }
  }
  for (const [a, b] of f.value.cut ?? []) links.push({ from: a, to: b }, { from: b, to: a });
  if (f.value.clientSide !== undefined) {
    const side = new Set(groups[f.value.clientSide] ?? []);
    for (const n of all) if (!side.has(n.name)) links.push({ from: 'client', to: n.name });
  }
  return links;
}

/** Refuse early, with a clear message, a fault the run's backend or target cannot inject. */
export function checkSupported(f: FaultSpec, net: Network, processFaults: boolean): void {
  switch (f.f) {
    case 'start-partition':
      requireCapability(net, 'pairPartitions', `cut links between pairs of nodes (${f.value.kind})`);
      if (f.value.oneWay) requireCapability(net, 'oneWay', 'cut links one way');
      return;
    case 'start-latency':
      requireCapability(net, 'latency', 'add latency');
      return;
    case 'start-bandwidth':
      requireCapability(net, 'bandwidth', 'limit bandwidth');
      return;
    case 'start-reset-peer':
      requireCapability(net, 'resetPeer', 'reset connections (reset_peer)');
      return;
    case 'start-loss':
      requireCapability(net, 'packetLoss', 'drop a fraction of packets');
      return;
    case 'migrate-slots':
      if (!existsSync('/usr/bin/redis-cli')) throw new UnsupportedFault('migrate-slots uses redis-cli --cluster reshard: apt-get install -y redis-tools');
      return;
    case 'kill':
    case 'pause':
      if (!processFaults) throw new UnsupportedFault(`this target has no process control for ${f.f} (give kill/pause/restart commands in the topology file)`);
      return;
  }
}

export interface ApplyContext {
  nodes: NodeHandle[];
  net: Network;
  faults: ProcessFaults;
  /** Replicated topology: the current primary, kept as a failover manager would. */
  tracker?: PrimaryTracker | null;
}

function byName(ctx: ApplyContext, names: string[]): NodeHandle[] {
  return names.map((n) => {
    const h = ctx.nodes.find((x) => x.name === n);
    if (!h) throw new Error(`nemesis targets unknown node ${n}`);
    return h;
  });
}

/** Start a fault; returns what was done (recorded as the completion's value). */
export async function startFault(f: FaultSpec, ctx: ApplyContext): Promise<unknown> {
  switch (f.f) {
    case 'start-partition':
      await ctx.net.cut(partitionLinks(f, ctx.nodes), f.value.mode ?? 'drop');
      if (f.value.promote) {
        await new Promise((r) => setTimeout(r, f.value.failoverAfterMs ?? 1000));
        await promote(ctx, f.value.promote, f.value.groups?.[1] ?? []);
      }
      return f.value;
    case 'kill':
      for (const n of byName(ctx, f.value.nodes)) await ctx.faults.kill(n);
      return f.value;
    case 'pause':
      for (const n of byName(ctx, f.value.nodes)) await ctx.faults.pause(n);
      return f.value;
    case 'failover':
      return manualFailover(ctx, f);
    case 'migrate-slots':
      return migrateSlots(ctx, f);
    case 'start-latency':
    case 'start-bandwidth':
    case 'start-reset-peer':
    case 'start-loss': {
      const links: Link[] = [];
      for (const a of ctx.nodes) {
        links.push({ from: 'client', to: a.name });
        if (ctx.net.capabilities.pairPartitions) for (const b of ctx.nodes) if (a !== b) links.push({ from: a.name, to: b.name });
      }
      const how =
        f.f === 'start-loss'
          ? { loss: f.value.loss }
          : f.f === 'start-bandwidth'
            ? { rateKBs: f.value.rateKBs }
            : f.f === 'start-reset-peer'
              ? { resetPeer: true }
              : { latencyMs: f.value.latencyMs, jitterMs: f.value.jitterMs };
      await ctx.net.degrade(links, how);
      return f.value;
    }
    default:
      throw new Error(`unknown fault ${f.f}`);
  }
}

/** Stop a fault (heal, restart, resume). */
export async function stopFault(f: FaultSpec, ctx: ApplyContext): Promise<unknown> {
  switch (f.f) {
    case 'failover':
    case 'migrate-slots':
      return { nodes: f.value.nodes };
    case 'start-partition':
    case 'start-latency':
    case 'start-bandwidth':
    case 'start-reset-peer':
    case 'start-loss':
      await ctx.net.heal();
      if (f.value.promote) {
        // The old primary rejoins as a replica of the promoted one (and loses what it took alone).
        const np = byName(ctx, [f.value.promote])[0]!;
        for (const n of byName(ctx, f.value.nodes)) await admin(n, ['REPLICAOF', np.host, String(np.port)]);
      }
      return { nodes: f.value.nodes };
    case 'kill':
      for (const n of byName(ctx, f.value.nodes)) {
        await ctx.faults.restart(n);
        await rejoin(ctx, n);
      }
      return { nodes: f.value.nodes };
    case 'pause':
      for (const n of byName(ctx, f.value.nodes)) await ctx.faults.resume(n);
      return { nodes: f.value.nodes };
    default:
      throw new Error(`unknown fault ${f.f}`);
  }
}

/** One command on a node over a direct admin connection (not through the client proxies). */
async function admin(n: NodeHandle, argv: string[]): Promise<unknown> {
  const r = new Redis({ host: n.host, port: n.port, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2000, commandTimeout: 5000 });
  r.on('error', () => undefined);
  try {
    return await r.call(argv[0]!, ...argv.slice(1));
  } finally {
    r.disconnect();
  }
}

/**
 * A node restarted after a kill comes back with its startup configuration; a failover manager
 * reconfigures it to the current topology (Sentinel sends REPLICAOF to a returning node): the
 * current primary stays a primary, anyone else follows it.
 */
export async function rejoin(ctx: ApplyContext, n: NodeHandle): Promise<void> {
  const t = ctx.tracker;
  if (!t) return;
  const p = byName(ctx, [t.current])[0]!;
  const argv = p === n ? ['REPLICAOF', 'NO', 'ONE'] : ['REPLICAOF', p.host, String(p.port)];
  for (let i = 0; i < 50; i++) {
    try {
      await admin(n, argv);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // still loading
    }
  }
}

/** Promote `name` (REPLICAOF NO ONE) and point the other members of its side at it. */
async function promote(ctx: ApplyContext, name: string, side: string[]): Promise<void> {
  const [np] = byName(ctx, [name]);
  await admin(np!, ['REPLICAOF', 'NO', 'ONE']);
  if (ctx.tracker) ctx.tracker.current = name;
  for (const other of byName(
    ctx,
    side.filter((s) => s !== name),
  ))
    await admin(other, ['REPLICAOF', np!.host, String(np!.port)]);
}

/**
 * Manual failover of a primary. Cluster: CLUSTER FAILOVER [FORCE|TAKEOVER] on one of its replicas
 * (found through CLUSTER NODES). Replicated: Redis 6.2's FAILOVER on the primary (FORCE needs TO).
 */
async function manualFailover(ctx: ApplyContext, f: FaultSpec): Promise<unknown> {
  const [p] = byName(ctx, f.value.nodes);
  const mode = f.value.failoverMode ?? 'default';
  // Replicated (a tracker): everyone else follows the current primary; cluster: its replicas at the start.
  const replicas = ctx.tracker ? ctx.nodes.filter((n) => n !== p) : ctx.nodes.filter((n) => n.primary === p!.name);
  if (p!.slots !== undefined || replicas.length === 0) {
    // Cluster: ask the primary who its replicas are now.
    const nodesText = String(await admin(p!, ['CLUSTER', 'NODES']));
    const myId = nodesText
      .split('\n')
      .find((l) => l.includes('myself'))
      ?.split(' ')[0];
    const replicaAddr = nodesText
      .split('\n')
      .map((l) => l.split(' '))
      .find((x) => x[3] === myId && x[2]?.includes('slave'))?.[1]
      ?.split('@')[0];
    const r = ctx.nodes.find((n) => `${n.host}:${n.port}` === replicaAddr);
    if (!r) return { ...f.value, error: 'no replica to fail over to' };
    const reply = await admin(r, mode === 'default' ? ['CLUSTER', 'FAILOVER'] : ['CLUSTER', 'FAILOVER', mode.toUpperCase()]);
    return { ...f.value, to: r.name, reply: String(reply) };
  }
  const to = replicas[0]!;
  const argv = mode === 'force' ? ['FAILOVER', 'TO', to.host, String(to.port), 'FORCE', 'TIMEOUT', '2000'] : ['FAILOVER', 'TIMEOUT', '2000'];
  const reply = await admin(p!, argv);
  if (ctx.tracker) {
    // FAILOVER completes asynchronously: follow whoever reports the master role within a few seconds.
    for (let i = 0; i < 50; i++) {
      const masters: string[] = [];
      for (const n of ctx.nodes) {
        const role = (await admin(n, ['ROLE']).catch(() => null)) as unknown[] | null;
        if (role?.[0] === 'master') masters.push(n.name);
      }
      if (masters.length === 1 && masters[0] !== p!.name) {
        ctx.tracker.current = masters[0]!;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { ...f.value, to: mode === 'force' ? to.name : 'any replica', reply: String(reply) };
}

/** Move slots between two primaries while the workload runs, as an operator would. */
async function migrateSlots(ctx: ApplyContext, f: FaultSpec): Promise<unknown> {
  const [from, to] = byName(ctx, f.value.nodes);
  if (!from || !to || from === to) return { ...f.value, error: 'needs two primaries' };
  const fromId = String(await admin(from, ['CLUSTER', 'MYID']));
  const toId = String(await admin(to, ['CLUSTER', 'MYID']));
  const r = await execa(
    '/usr/bin/redis-cli',
    [
      '--cluster',
      'reshard',
      `${from.host}:${from.port}`,
      '--cluster-from',
      fromId,
      '--cluster-to',
      toId,
      '--cluster-slots',
      String(f.value.slots ?? 50),
      '--cluster-yes',
    ],
    { reject: false, timeout: 120_000 },
  );
  return {
    ...f.value,
    exitCode: r.exitCode,
    ...(r.exitCode === 0
      ? {}
      : {
          error: String(r.stderr || r.stdout)
            .trim()
            .split('\n')
            .slice(-3)
            .join(' '),
        }),
  };
}
