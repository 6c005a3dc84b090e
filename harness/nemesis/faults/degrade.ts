/**
 * The families that degrade every link instead of cutting some (latency, bandwidth, reset-peer,
 * packet loss): the client links, and the node↔node links where the backend can reach them.
 * Stopped by healing the network.
 */

import type { Prng } from '../../../checkers/util/prng.js';
import { type Degradation, type Link, type NetworkCapabilities, requireCapability } from '../../net/network.js';
import type { FaultContext, FaultEnv, FaultValue, IntervalFamily, PickContext } from './fault.js';

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
