/** A bandwidth limit on every link, or on chosen links of one channel (a primary's cluster bus links). */
import { CHOSEN_LINKS_SCHEMA, type ChosenLinks, checkChosenLinks, chosenLinks, degradeFamily, primaryBusLinks } from './degrade.js';
import { type FaultValue, names, valueSchema } from './fault.js';

export interface BandwidthSpec {
  f: 'start-bandwidth';
  value: FaultValue & ChosenLinks & { kind: 'bandwidth' | 'bus-bandwidth'; rateKBs: number };
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
  valueSchema: valueSchema(['bandwidth', 'bus-bandwidth'], { rateKBs: { type: 'number', exclusiveMinimum: 0 }, ...CHOSEN_LINKS_SCHEMA }, ['rateKBs']),
  nemeses: {
    bandwidth: (rng, ctx) => ({ f: 'start-bandwidth', value: { kind: 'bandwidth', nodes: names(ctx.nodes), rateKBs: 8 + rng.int(56) } }),
    /**
     * Cluster: the bus links between one primary and every other node throttled both ways to a few
     * KB/s — about one bus message (a 2 KB header plus gossip) a second per link, so pings and
     * pongs queue up behind each other; client and replication links untouched.
     */
    'bus-bandwidth': (rng, ctx) => ({ f: 'start-bandwidth', value: { kind: 'bus-bandwidth', ...primaryBusLinks(rng, ctx), rateKBs: 1 + rng.int(4) } }),
  },
  how: (v) => ({ rateKBs: v.rateKBs }),
  links: chosenLinks,
  check: (v, net) => checkChosenLinks(v, net, 'limit bandwidth'),
});
