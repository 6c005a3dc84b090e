/** kill -9 of a node, restarted at the fault's stop (Jepsen's kill nemesis). */
import { byName, type FaultValue, type IntervalFamily, primaries, valueSchema } from './fault.js';
import { requireProcessControl } from './process.js';

export interface KillSpec {
  f: 'kill';
  value: FaultValue & { kind: 'kill' | 'kill-primary' };
}

declare module './fault.js' {
  interface FaultSpecs {
    kill: KillSpec;
  }
}

export const kill: IntervalFamily<KillSpec> = {
  f: 'kill',
  instant: false,
  stopF: 'start',
  valueSchema: valueSchema(['kill', 'kill-primary']),
  nemeses: {
    kill: (rng, ctx) => ({ f: 'kill', value: { kind: 'kill', nodes: [rng.pick(ctx.nodes).name] } }),
    'kill-primary': (rng, ctx) => ({ f: 'kill', value: { kind: 'kill-primary', nodes: [rng.pick(primaries(ctx)).name] } }),
  },
  check(_spec, env) {
    requireProcessControl(env, 'kill');
  },
  async start({ value }, ctx) {
    const p = requireProcessControl(ctx, 'kill');
    for (const n of byName(ctx.nodes, value.nodes)) await p.kill(n);
    return value;
  },
  async stop({ value }, ctx) {
    const p = requireProcessControl(ctx, 'kill');
    for (const n of byName(ctx.nodes, value.nodes)) await p.restart(n);
    return { nodes: value.nodes };
  },
};
