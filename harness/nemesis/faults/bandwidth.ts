/** A bandwidth limit on every link. */
import { degradeFamily } from './degrade.js';
import { type FaultValue, names, valueSchema } from './fault.js';

export interface BandwidthSpec {
  f: 'start-bandwidth';
  value: FaultValue & { kind: 'bandwidth'; rateKBs: number };
}

declare module './fault.js' {
  interface FaultSpecs {
    'start-bandwidth': BandwidthSpec;
  }
}

export const bandwidth = degradeFamily<BandwidthSpec>({
  f: 'start-bandwidth',
  capability: 'bandwidth',
  what: 'limit bandwidth',
  valueSchema: valueSchema(['bandwidth'], { rateKBs: { type: 'number', exclusiveMinimum: 0 } }),
  nemeses: {
    bandwidth: (rng, ctx) => ({ f: 'start-bandwidth', value: { kind: 'bandwidth', nodes: names(ctx.nodes), rateKBs: 8 + rng.int(56) } }),
  },
  how: (v) => ({ rateKBs: v.rateKBs }),
});
