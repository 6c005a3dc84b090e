/** Added latency with jitter on every link, or on chosen links of one channel (a primary's cluster bus links). */
import { CHOSEN_LINKS_SCHEMA, type ChosenLinks, checkChosenLinks, chosenLinks, degradeFamily, primaryBusLinks } from './degrade.js';
import { type FaultValue, names, valueSchema } from './fault.js';

export interface LatencySpec {
  f: 'start-latency';
  value: FaultValue & ChosenLinks & { kind: 'latency' | 'bus-latency'; latencyMs: number; jitterMs: number };
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
    { latencyMs: { type: 'integer', minimum: 0 }, jitterMs: { type: 'integer', minimum: 0 }, ...CHOSEN_LINKS_SCHEMA },
    ['latencyMs', 'jitterMs'],
  ),
  nemeses: {
    latency: (rng, ctx) => ({ f: 'start-latency', value: { kind: 'latency', nodes: names(ctx.nodes), latencyMs: 50 + rng.int(150), jitterMs: 20 } }),
    /**
     * Cluster: the bus links between one primary and every other node slowed both ways (pings and
     * pongs late, failure reports and votes too), client and replication links untouched.
     */
    'bus-latency': (rng, ctx) => ({
      f: 'start-latency',
      value: { kind: 'bus-latency', ...primaryBusLinks(rng, ctx), latencyMs: 200 + rng.int(600), jitterMs: 100 },
    }),
  },
  how: (v) => ({ latencyMs: v.latencyMs, jitterMs: v.jitterMs }),
  links: chosenLinks,
  check: (v, net) => checkChosenLinks(v, net, 'add latency'),
});
