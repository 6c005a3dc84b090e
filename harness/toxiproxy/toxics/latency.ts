/**
 * latency: every chunk leaves `latency` ± `jitter` ms after it reached the toxic. Chunks are
 * handled one at a time like Toxiproxy's Pipe loop, so jitter never reorders data, and the delay
 * counts from the chunk's arrival time (time spent queued behind earlier chunks is included).
 */

import type { StageContext, ToxicKind } from '../toxic.js';
import { QueuedStage } from './queued.js';
import { now } from './timer.js';

class LatencyStage extends QueuedStage {
  constructor(
    private readonly latency: number,
    private readonly jitter: number,
    ctx: StageContext,
  ) {
    super(ctx);
  }

  private delay(): number {
    // Go: latency + rand.Int63n(2*jitter) - jitter.
    return this.jitter > 0 ? this.latency + this.ctx.random.int(this.jitter * 2) - this.jitter : this.latency;
  }

  protected pump(): void {
    while (this.head < this.queue.length) {
      const chunk = this.queue[this.head]!;
      const due = chunk.time + this.delay();
      if (due > now()) {
        this.timer.set(due, () => this.release(due));
        return;
      }
      this.head++;
      chunk.time = due;
      this.ctx.push(chunk);
    }
    this.drained();
  }

  private release(due: number): void {
    const chunk = this.queue[this.head++]!;
    // The next latency toxic in the chain counts from when this one released the chunk.
    chunk.time = due;
    this.ctx.push(chunk);
    this.pump();
  }
}

export const latency: ToxicKind = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  attributes: [
    { name: 'latency', type: 'int64' },
    { name: 'jitter', type: 'int64' },
  ],
  start: (attrs, ctx) => new LatencyStage(attrs.latency ?? 0, attrs.jitter ?? 0, ctx),
};
