/** SIGSTOP of a node (a long GC pause, a stalled VM), SIGCONT at the fault's stop. */
import { byName, type FaultValue, type IntervalFamily, primaries, valueSchema } from './fault.js';
import { requireProcessControl } from './process.js';

export interface PauseSpec {
  f: 'pause';
  value: FaultValue & { kind: 'pause' | 'pause-primary' };
}

declare module './fault.js' {
  interface FaultSpecs {
    pause: PauseSpec;
  }
}

export const pause: IntervalFamily<PauseSpec> = {
  f: 'pause',
  instant: false,
  stopF: 'resume',
  valueSchema: valueSchema(['pause', 'pause-primary']),
  nemeses: {
    pause: (rng, ctx) => ({ f: 'pause', value: { kind: 'pause', nodes: [rng.pick(ctx.nodes).name] } }),
    'pause-primary': (rng, ctx) => ({ f: 'pause', value: { kind: 'pause-primary', nodes: [rng.pick(primaries(ctx)).name] } }),
  },
  check(_spec, env) {
    requireProcessControl(env, 'pause');
  },
  async start({ value }, ctx) {
    const p = requireProcessControl(ctx, 'pause');
    for (const n of byName(ctx.nodes, value.nodes)) await p.pause(n);
    return value;
  },
  async stop({ value }, ctx) {
    const p = requireProcessControl(ctx, 'pause');
    for (const n of byName(ctx.nodes, value.nodes)) await p.resume(n);
    return { nodes: value.nodes };
  },
};
