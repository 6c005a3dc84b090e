import type { ClusterRng } from './rng.js';
import type { ClusterConfig, ClusterEvent, ClusterOutput } from './types.js';

/**
 * The cluster brain: Redis 7.0's cluster.c decision logic (membership, gossip, failure detection,
 * elections, epochs, slot ownership, manual failover, replica migration) as a pure state machine.
 * See types.ts for the contract. CONTRACT SKELETON: the behaviour lands in the following commits.
 */
export class ClusterBrain {
  readonly config: ClusterConfig;
  private readonly rng: ClusterRng;

  constructor(config: ClusterConfig, rng: ClusterRng) {
    this.config = { ...config };
    this.rng = rng;
  }

  /** Process one event at time `now` (ms) and return what the shell must do, in order. */
  step(now: number, event: ClusterEvent): ClusterOutput[] {
    void now;
    void event;
    void this.rng;
    return [];
  }
}
