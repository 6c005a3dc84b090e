/**
 * kill -9 of a node, restarted at the fault's stop (Jepsen's kill nemesis). The `-unsynced` kinds
 * also drop what the node wrote but did not fsync before it restarts (a power loss: Jepsen's LazyFS
 * idea; the local target then keeps node data on the lazyfs layer, harness/targets/lazyfs.ts) — an
 * AOF that claims `appendfsync always` without fsyncing shows only then: kill -9 leaves the page
 * cache, and so the written file, intact.
 */
import { UnsupportedFault } from '../../net/network.js';
import { type FaultValue, primaries } from './fault.js';
import { processFamily } from './process.js';

export interface KillSpec {
  f: 'kill';
  value: FaultValue & { kind: 'kill' | 'kill-primary' | 'kill-unsynced' | 'kill-primary-unsynced' };
}

declare module './fault.js' {
  interface FaultSpecs {
    kill: KillSpec;
  }
}

const unsynced = (kind: string): boolean => kind.endsWith('-unsynced');

export const kill = processFamily<KillSpec>({
  f: 'kill',
  stopF: 'start',
  nemeses: {
    kill: (rng, ctx) => ({ f: 'kill', value: { kind: 'kill', nodes: [rng.pick(ctx.nodes).name] } }),
    'kill-primary': (rng, ctx) => ({ f: 'kill', value: { kind: 'kill-primary', nodes: [rng.pick(primaries(ctx)).name] } }),
    'kill-unsynced': (rng, ctx) => ({ f: 'kill', value: { kind: 'kill-unsynced', nodes: [rng.pick(ctx.nodes).name] } }),
    'kill-primary-unsynced': (rng, ctx) => ({ f: 'kill', value: { kind: 'kill-primary-unsynced', nodes: [rng.pick(primaries(ctx)).name] } }),
  },
  primaryKinds: ['kill-primary', 'kill-primary-unsynced'],
  checkKind(kind, p) {
    if (unsynced(kind) && !p.canDropUnsynced) {
      throw new UnsupportedFault(`${kind} needs a target that can drop unsynced writes (the local targets, on the lazyfs FUSE layer)`);
    }
  },
  async start(p, n, kind) {
    await p.kill(n);
    if (unsynced(kind)) await p.dropUnsynced!(n);
  },
  async stop(p, n, ctx) {
    await p.restart(n);
    // It came back with its startup configuration: a failover manager re-points it (Sentinel does).
    await ctx.primary?.rejoin([n]);
  },
});
