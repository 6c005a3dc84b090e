import type { NodeHandle, TopologyKind } from '../targets/target.js';
import type { Prng } from '../util/prng.js';

/**
 * A nemesis schedule is data: when each fault starts and stops, and what it targets. It is computed
 * from the seed before the run starts (so `--replay` and scenario.json reproduce it exactly) and
 * applied by nemesis/apply.ts.
 */
export interface FaultSpec {
  /** start-partition, kill, pause, start-latency, start-reset-peer, failover, start-loss */
  f: string;
  /** Targets and parameters, recorded as the nemesis op's value. */
  value: {
    kind: string;
    nodes: string[];
    groups?: string[][];
    /** Which partition component the clients live in (index into groups). */
    clientSide?: number;
    mode?: 'drop' | 'reset';
    latencyMs?: number;
    jitterMs?: number;
    loss?: number;
    oneWay?: boolean;
    /** partition-failover: the replica promoted on the majority side, and when (ms after the cut). */
    promote?: string;
    failoverAfterMs?: number;
    /** Explicit node pairs to cut both ways (shapes that are not a set of groups: rings). */
    cut?: [string, string][];
    /** Bandwidth limit (KB/s). */
    rateKBs?: number;
    /** migrate-slots: how many slots move from nodes[0] to nodes[1]. */
    slots?: number;
    /** Manual failover: CLUSTER FAILOVER option, or FAILOVER for the replicated topology. */
    failoverMode?: 'default' | 'force' | 'takeover';
    /** Retargeted at apply time (harness/run/primary-tracker.ts): the nodes the schedule planned. */
    planned?: string[];
  };
}

export interface ScheduledFault {
  /** Seconds from the start of the run. */
  start: number;
  stop: number;
  fault: FaultSpec;
}

export interface NemesisContext {
  nodes: NodeHandle[];
  topology: TopologyKind;
  /** Seconds each fault lasts (buildSchedule fills it in). */
  faultS?: number;
}

export type NemesisPicker = (rng: Prng, ctx: NemesisContext) => FaultSpec;

const primaries = (ctx: NemesisContext) => ctx.nodes.filter((n) => n.role === 'primary');
const names = (ns: NodeHandle[]) => ns.map((n) => n.name);

/** Partition shapes, Jepsen's names where they exist. */
export const PICKERS: Record<string, NemesisPicker> = {
  /** One primary alone (with no clients); everyone else, clients included, on the other side. */
  'partition-primary': (rng, ctx) => {
    const p = rng.pick(primaries(ctx));
    const rest = ctx.nodes.filter((n) => n !== p);
    return { f: 'start-partition', value: { kind: 'isolate-primary', nodes: [p.name], groups: [[p.name], names(rest)], clientSide: 1, mode: 'drop' } };
  },
  /**
   * A primary in the minority *with the clients*: they keep writing to it while the majority
   * fails it over — the Redis Cluster spec's documented window for lost acknowledged writes.
   */
  'partition-primary-with-clients': (rng, ctx) => {
    const p = rng.pick(primaries(ctx));
    const rest = ctx.nodes.filter((n) => n !== p);
    return {
      f: 'start-partition',
      value: { kind: 'isolate-primary-with-clients', nodes: [p.name], groups: [[p.name], names(rest)], clientSide: 0, mode: 'drop' },
    };
  },
  /**
   * What an external failover manager (Sentinel, an operator) does to a replicated group: the
   * primary is cut from its replicas while clients keep writing to it, a replica is promoted
   * and the others follow it; on heal the old primary becomes a replica of the new one.
   */
  'partition-failover': (rng, ctx) => {
    const p = rng.pick(primaries(ctx));
    const rest = ctx.nodes.filter((n) => n !== p);
    const promote = rng.pick(rest.filter((n) => n.role === 'replica'));
    return {
      f: 'start-partition',
      value: { kind: 'partition-failover', nodes: [p.name], groups: [[p.name], names(rest)], mode: 'drop', promote: promote.name, failoverAfterMs: 1000 },
    };
  },
  /**
   * A late promotion after a long replication cut: the primary is cut from its replicas while the
   * clients keep writing to it, and a replica — stale by most of the cut — is promoted only at 70% of
   * the fault. Everything the old primary acknowledged in between is lost with it (async
   * replication's documented window), unless min-replicas made it refuse the writes first.
   */
  'partition-late-failover': (rng, ctx) => {
    const f = PICKERS['partition-failover']!(rng, ctx);
    return { ...f, value: { ...f.value, kind: 'partition-late-failover', failoverAfterMs: Math.round((ctx.faultS ?? 6) * 700) } };
  },
  /** A random node alone. */
  'partition-node': (rng, ctx) => {
    const p = rng.pick(ctx.nodes);
    const rest = ctx.nodes.filter((n) => n !== p);
    return { f: 'start-partition', value: { kind: 'isolate-node', nodes: [p.name], groups: [[p.name], names(rest)], clientSide: 1, mode: 'drop' } };
  },
  /** A primary cut from its replicas only; clients still reach everyone (the min-replicas scenario). */
  'partition-replication': (rng, ctx) => {
    const p = rng.pick(primaries(ctx));
    const reps = ctx.nodes.filter((n) => n !== p);
    return { f: 'start-partition', value: { kind: 'primary-from-replicas', nodes: [p.name], groups: [[p.name], names(reps)], mode: 'drop' } };
  },
  /** Random halves; clients with the larger half. */
  'partition-halves': (rng, ctx) => {
    const shuffled = rng.shuffle(ctx.nodes);
    const cut = Math.floor(shuffled.length / 2);
    const small = shuffled.slice(0, cut);
    const big = shuffled.slice(cut);
    return { f: 'start-partition', value: { kind: 'halves', nodes: names(small), groups: [names(small), names(big)], clientSide: 1, mode: 'drop' } };
  },
  /** Connections refused instead of black-holed. */
  'partition-primary-reset': (rng, ctx) => {
    const f = PICKERS['partition-primary']!(rng, ctx);
    return { ...f, value: { ...f.value, mode: 'reset' } };
  },
  /** One-way: the primary's outgoing links are cut, incoming work (Jepsen's asymmetric partitions). */
  'partition-one-way': (rng, ctx) => {
    const f = PICKERS['partition-primary']!(rng, ctx);
    return { ...f, value: { ...f.value, kind: 'one-way', oneWay: true } };
  },
  /** Jepsen's bridge: two halves that only talk through one node. */
  'partition-bridge': (rng, ctx) => {
    const shuffled = rng.shuffle(ctx.nodes);
    // shuffled[0] is the bridge: in neither group, so it keeps links to both.
    const rest = shuffled.slice(1);
    const half = Math.floor(rest.length / 2);
    const a = names(rest.slice(0, half));
    const b = names(rest.slice(half));
    return { f: 'start-partition', value: { kind: 'bridge', nodes: a, groups: [a, b], mode: 'drop' } };
  },
  /** Jepsen's majorities ring: every node sees a majority, but no two nodes see the same one. */
  'partition-ring': (rng, ctx) => {
    const ring = rng.shuffle(ctx.nodes).map((n) => n.name);
    const n = ring.length;
    const reach = Math.floor(n / 2) / 2; // neighbours on each side that stay reachable
    const cut: [string, string][] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const d = Math.min(j - i, n - (j - i));
        if (d > Math.max(1, Math.floor(reach))) cut.push([ring[i]!, ring[j]!]);
      }
    }
    return { f: 'start-partition', value: { kind: 'majorities-ring', nodes: [], cut, mode: 'drop' } };
  },
  bandwidth: (rng, ctx) => ({ f: 'start-bandwidth', value: { kind: 'bandwidth', nodes: names(ctx.nodes), rateKBs: 8 + rng.int(56) } }),
  'reset-peer': (_rng, ctx) => ({ f: 'start-reset-peer', value: { kind: 'reset-peer', nodes: names(ctx.nodes) } }),
  /** A manual failover of a primary: FAILOVER (replicated) or CLUSTER FAILOVER on one of its replicas. */
  failover: (rng, ctx) => ({
    f: 'failover',
    value: { kind: 'manual-failover', nodes: [rng.pick(primaries(ctx)).name], failoverMode: rng.pick(['default', 'force'] as const) },
  }),
  'failover-takeover': (rng, ctx) => ({ f: 'failover', value: { kind: 'manual-failover', nodes: [rng.pick(primaries(ctx)).name], failoverMode: 'takeover' } }),
  /** Resharding under load: move slots between two primaries (redis-cli --cluster reshard). */
  'migrate-slots': (rng, ctx) => {
    const [from, to] = rng.shuffle(primaries(ctx));
    return { f: 'migrate-slots', value: { kind: 'migrate-slots', nodes: [from!.name, (to ?? from)!.name], slots: 20 + rng.int(80) } };
  },
  kill: (rng, ctx) => ({ f: 'kill', value: { kind: 'kill', nodes: [rng.pick(ctx.nodes).name] } }),
  'kill-primary': (rng, ctx) => ({ f: 'kill', value: { kind: 'kill-primary', nodes: [rng.pick(primaries(ctx)).name] } }),
  pause: (rng, ctx) => ({ f: 'pause', value: { kind: 'pause', nodes: [rng.pick(ctx.nodes).name] } }),
  'pause-primary': (rng, ctx) => ({ f: 'pause', value: { kind: 'pause-primary', nodes: [rng.pick(primaries(ctx)).name] } }),
  latency: (rng, ctx) => ({ f: 'start-latency', value: { kind: 'latency', nodes: names(ctx.nodes), latencyMs: 50 + rng.int(150), jitterMs: 20 } }),
  loss: (_rng, ctx) => ({ f: 'start-loss', value: { kind: 'packet-loss', nodes: names(ctx.nodes), loss: 0.2 } }),
};

/** One-shot events: applied at their start, nothing to undo at their stop. */
export const INSTANT_FS = new Set(['failover', 'migrate-slots']);

/** The stop f of a fault's start f. */
export function stopF(f: string): string {
  if (f === 'kill') return 'start';
  if (f === 'pause') return 'resume';
  if (f.startsWith('start-')) return 'stop-' + f.slice(6);
  return 'stop-' + f;
}

export interface ScheduleOptions {
  /** Comma-separated picker names; "none" for no faults. */
  nemesis: string;
  timeLimitS: number;
  /** Seconds of calm between faults. */
  intervalS: number;
  /** Seconds each fault lasts. */
  faultS: number;
}

/** Alternate calm and fault intervals over the run, cycling through the requested nemeses. */
export function buildSchedule(rng: Prng, ctx: NemesisContext, o: ScheduleOptions): ScheduledFault[] {
  if (o.nemesis === 'none' || o.nemesis === '') return [];
  const kinds = o.nemesis.split(',').map((s) => s.trim());
  for (const k of kinds) {
    if (!PICKERS[k]) throw new Error(`unknown nemesis '${k}' (known: none, ${Object.keys(PICKERS).join(', ')})`);
  }
  const out: ScheduledFault[] = [];
  let t = o.intervalS;
  let i = 0;
  // Leave the last calm interval for recovery before the final reads.
  while (t + o.faultS <= o.timeLimitS - Math.min(o.intervalS, 2)) {
    const k = kinds[i % kinds.length]!;
    out.push({ start: round(t), stop: round(t + o.faultS), fault: PICKERS[k]!(rng, { ...ctx, faultS: o.faultS }) });
    t += o.faultS + o.intervalS;
    i++;
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
