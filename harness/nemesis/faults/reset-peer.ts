/** Connections on every link reset (TCP RST) as they carry data. */
import { degradeFamily } from './degrade.js';
import { type FaultValue, names, valueSchema } from './fault.js';

export interface ResetPeerSpec {
  f: 'start-reset-peer';
  value: FaultValue & { kind: 'reset-peer' };
}

declare module './fault.js' {
  interface FaultSpecs {
    'start-reset-peer': ResetPeerSpec;
  }
}

export const resetPeer = degradeFamily<ResetPeerSpec>({
  f: 'start-reset-peer',
  capability: 'resetPeer',
  what: 'reset connections (reset_peer)',
  valueSchema: valueSchema(['reset-peer']),
  nemeses: {
    'reset-peer': (_rng, ctx) => ({ f: 'start-reset-peer', value: { kind: 'reset-peer', nodes: names(ctx.nodes) } }),
  },
  how: () => ({ resetPeer: true }),
});
