/** A fraction of packets dropped on every link. */
import { degradeFamily } from './degrade.js';
import { type FaultValue, names, valueSchema } from './fault.js';

export interface LossSpec {
  f: 'start-loss';
  value: FaultValue & { kind: 'packet-loss'; loss: number };
}

declare module './fault.js' {
  interface FaultSpecs {
    'start-loss': LossSpec;
  }
}

export const loss = degradeFamily<LossSpec>({
  f: 'start-loss',
  capability: 'packetLoss',
  what: 'drop a fraction of packets',
  valueSchema: valueSchema(['packet-loss'], { loss: { type: 'number', minimum: 0, maximum: 1 } }),
  nemeses: {
    loss: (_rng, ctx) => ({ f: 'start-loss', value: { kind: 'packet-loss', nodes: names(ctx.nodes), loss: 0.2 } }),
  },
  how: (v) => ({ loss: v.loss }),
});
