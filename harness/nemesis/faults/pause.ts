/** SIGSTOP of a node (a long GC pause, a stalled VM), SIGCONT at the fault's stop. */
import { type FaultValue, primaries } from './fault.js';
import { processFamily } from './process.js';

export interface PauseSpec {
  f: 'pause';
  value: FaultValue & { kind: 'pause' | 'pause-primary' };
}

declare module './fault.js' {
  interface FaultSpecs {
    pause: PauseSpec;
  }
}

export const pause = processFamily<PauseSpec>({
  f: 'pause',
  stopF: 'resume',
  nemeses: {
    pause: (rng, ctx) => ({ f: 'pause', value: { kind: 'pause', nodes: [rng.pick(ctx.nodes).name] } }),
    'pause-primary': (rng, ctx) => ({ f: 'pause', value: { kind: 'pause-primary', nodes: [rng.pick(primaries(ctx)).name] } }),
  },
  primaryKinds: ['pause-primary'],
  start: (p, n) => p.pause(n),
  stop: (p, n) => p.resume(n),
});
