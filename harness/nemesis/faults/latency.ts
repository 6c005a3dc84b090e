/** Added latency with jitter on every link, or on chosen links of one channel (a primary's cluster bus links). */
import { type LinkChannel, requireCapability } from '../../net/network.js';
import { degradeFamily } from './degrade.js';
import { type FaultValue, names, primaries, valueSchema } from './fault.js';

export interface LatencySpec {
  f: 'start-latency';
  value: FaultValue & {
    kind: 'latency' | 'bus-latency';
    latencyMs: number;
    jitterMs: number;
    /** Only these directed node→node links [from, to] (of `channel`); absent: every link. */
    links?: [string, string][];
    channel?: LinkChannel;
  };
}

declare module './fault.js' {
  interface FaultSpecs {
    'start-latency': LatencySpec;
  }
}

export const latency = degradeFamily<LatencySpec>({
  f: 'start-latency',
  capability: 'latency',
  what: 'add latency',
  valueSchema: valueSchema(
    ['latency', 'bus-latency'],
    {
      latencyMs: { type: 'integer', minimum: 0 },
      jitterMs: { type: 'integer', minimum: 0 },
      links: { type: 'array', items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 } },
      channel: { enum: ['bus', 'data'] },
    },
    ['latencyMs', 'jitterMs'],
  ),
  nemeses: {
    latency: (rng, ctx) => ({ f: 'start-latency', value: { kind: 'latency', nodes: names(ctx.nodes), latencyMs: 50 + rng.int(150), jitterMs: 20 } }),
    /**
     * Cluster: the bus links between one primary and every other node slowed both ways (pings and
     * pongs late, failure reports and votes too), client and replication links untouched.
     */
    'bus-latency': (rng, ctx) => {
      const p = rng.pick(primaries(ctx));
      const links: [string, string][] = ctx.nodes
        .filter((n) => n !== p)
        .flatMap((n): [string, string][] => [
          [p.name, n.name],
          [n.name, p.name],
        ]);
      return { f: 'start-latency', value: { kind: 'bus-latency', nodes: [p.name], latencyMs: 200 + rng.int(600), jitterMs: 100, links, channel: 'bus' } };
    },
  },
  how: (v) => ({ latencyMs: v.latencyMs, jitterMs: v.jitterMs }),
  links: (v) => v.links?.map(([from, to]) => (v.channel === undefined ? { from, to } : { from, to, channel: v.channel })),
  check(v, net) {
    if (v.links !== undefined) requireCapability(net, 'pairPartitions', 'slow chosen node→node links');
    if (v.channel !== undefined) requireCapability(net, 'linkChannels', `slow the ${v.channel} links alone`);
  },
});
