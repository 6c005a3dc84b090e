/** kill -9 of a node, restarted at the fault's stop (Jepsen's kill nemesis). */
import { type FaultValue, primaries } from './fault.js';
import { processFamily } from './process.js';

export interface KillSpec {
  f: 'kill';
  value: FaultValue & { kind: 'kill' | 'kill-primary' };
}

declare module './fault.js' {
  interface FaultSpecs {
    kill: KillSpec;
  }
}

export const kill = processFamily<KillSpec>({
  f: 'kill',
  stopF: 'start',
  nemeses: {
    kill: (rng, ctx) => ({ f: 'kill', value: { kind: 'kill', nodes: [rng.pick(ctx.nodes).name] } }),
    'kill-primary': (rng, ctx) => ({ f: 'kill', value: { kind: 'kill-primary', nodes: [rng.pick(primaries(ctx)).name] } }),
  },
  primaryKind: 'kill-primary',
  start: (p, n) => p.kill(n),
  async stop(p, n, ctx) {
    await p.restart(n);
    // It came back with its startup configuration: a failover manager re-points it (Sentinel does).
    await ctx.primary?.rejoin([n]);
  },
});
