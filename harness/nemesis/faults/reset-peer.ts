/** Connections reset (TCP RST) as they carry data, on every link or on chosen links of one channel (a primary's cluster bus links). */
import { CHOSEN_LINKS_SCHEMA, type ChosenLinks, checkChosenLinks, chosenLinks, degradeFamily, primaryBusLinks } from './degrade.js';
import { type FaultValue, names, valueSchema } from './fault.js';

export interface ResetPeerSpec {
  f: 'start-reset-peer';
  value: FaultValue & ChosenLinks & { kind: 'reset-peer' | 'bus-reset-peer' };
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
  valueSchema: valueSchema(['reset-peer', 'bus-reset-peer'], CHOSEN_LINKS_SCHEMA, []),
  nemeses: {
    'reset-peer': (_rng, ctx) => ({ f: 'start-reset-peer', value: { kind: 'reset-peer', nodes: names(ctx.nodes) } }),
    /**
     * Cluster: the bus links between one primary and every other node reset as soon as they carry
     * a message, both ways: it keeps reconnecting and no ping gets through, so the others fail it
     * over (a bus partition that refuses instead of black-holing); client and replication links untouched.
     */
    'bus-reset-peer': (rng, ctx) => ({ f: 'start-reset-peer', value: { kind: 'bus-reset-peer', ...primaryBusLinks(rng, ctx) } }),
  },
  how: () => ({ resetPeer: true }),
  links: chosenLinks,
  check: (v, net) => checkChosenLinks(v, net, 'reset connections (reset_peer)'),
});
