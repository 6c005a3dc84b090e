/** Added latency with jitter on every link. */
import { degradeFamily } from './degrade.js';
import { type FaultValue, names, valueSchema } from './fault.js';

export interface LatencySpec {
  f: 'start-latency';
  value: FaultValue & { kind: 'latency'; latencyMs: number; jitterMs: number };
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
  valueSchema: valueSchema(['latency'], { latencyMs: { type: 'integer', minimum: 0 }, jitterMs: { type: 'integer', minimum: 0 } }),
  nemeses: {
    latency: (rng, ctx) => ({ f: 'start-latency', value: { kind: 'latency', nodes: names(ctx.nodes), latencyMs: 50 + rng.int(150), jitterMs: 20 } }),
  },
  how: (v) => ({ latencyMs: v.latencyMs, jitterMs: v.jitterMs }),
});
