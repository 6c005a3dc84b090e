/**
 * The families that degrade every link instead of cutting some (latency, bandwidth, reset-peer,
 * packet loss): the client links, and the node↔node links where the backend can reach them.
 * Stopped by healing the network.
 */

import type { Prng } from '../../../checkers/util/prng.js';
import { type Degradation, type Link, type LinkChannel, type NetworkCapabilities, requireCapability } from '../../net/network.js';
import { type FaultContext, type FaultEnv, type FaultValue, type IntervalFamily, type PickContext, primaries } from './fault.js';

/** A degradation of chosen directed node→node links of one channel (a primary's bus links) rather than every link. */
export interface ChosenLinks {
  /** Only these directed node→node links [from, to] (of `channel`); absent: every link. */
  links?: [string, string][];
  channel?: LinkChannel;
}

/** The JSON Schema properties of ChosenLinks (optional: values stored before they existed still decode). */
export const CHOSEN_LINKS_SCHEMA = {
  links: { type: 'array', items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 } },
  channel: { enum: ['bus', 'data'] },
} as const;

/**
 * Cluster: the bus links between one primary (picked from the seed) and every other node, both
 * ways — its pings, pongs, failure reports and votes — with client and replication links untouched.
 */
export function primaryBusLinks(rng: Prng, ctx: PickContext): { nodes: [string]; links: [string, string][]; channel: 'bus' } {
  const p = rng.pick(primaries(ctx));
  const links = ctx.nodes
    .filter((n) => n !== p)
    .flatMap((n): [string, string][] => [
      [p.name, n.name],
      [n.name, p.name],
    ]);
  return { nodes: [p.name], links, channel: 'bus' };
}

/** The Link list of chosen links (undefined: every link). */
export function chosenLinks(v: ChosenLinks): Link[] | undefined {
  return v.links?.map(([from, to]) => (v.channel === undefined ? { from, to } : { from, to, channel: v.channel }));
}

/** Refuses chosen links on a backend without a proxy per directed link and channel. */
export function checkChosenLinks(v: ChosenLinks, net: FaultEnv['net'], what: string): void {
  if (v.links !== undefined) requireCapability(net, 'pairPartitions', `${what} on chosen node→node links`);
  if (v.channel !== undefined) requireCapability(net, 'linkChannels', `${what} on the ${v.channel} links alone`);
}

export function everyLink(ctx: FaultContext): Link[] {
  const links: Link[] = [];
  for (const a of ctx.nodes) {
    links.push({ from: 'client', to: a.name });
    if (ctx.net.capabilities.pairPartitions) for (const b of ctx.nodes) if (a !== b) links.push({ from: a.name, to: b.name });
  }
  return links;
}

export function degradeFamily<S extends { f: `start-${string}`; value: FaultValue }>(d: {
  f: S['f'];
  capability: keyof NetworkCapabilities;
  /** For the refusal: "the … backend cannot <what>". */
  what: string;
  nemeses: Record<string, (rng: Prng, ctx: PickContext) => S>;
  valueSchema: object;
  how(value: S['value']): Degradation;
  /** The links a value degrades when it names its own (chosen bus links); absent: every link. */
  links?(value: S['value']): Link[] | undefined;
  /** Refusals beyond the capability (a value naming links needs per-pair, per-channel proxies). */
  check?(value: S['value'], net: FaultEnv['net']): void;
}): IntervalFamily<S> {
  return {
    f: d.f,
    instant: false,
    stopF: `stop-${d.f.slice('start-'.length)}`,
    nemeses: d.nemeses,
    valueSchema: d.valueSchema,
    check({ value }, env) {
      requireCapability(env.net, d.capability, d.what);
      d.check?.(value, env.net);
    },
    async start({ value }, ctx) {
      await ctx.net.degrade(d.links?.(value) ?? everyLink(ctx), d.how(value));
      return value;
    },
    async stop({ value }, ctx) {
      await ctx.net.heal();
      return { nodes: value.nodes };
    },
  };
}
