/**
 * timeout: all data is dropped; after `timeout` ms (counted from when the toxic started on the
 * connection) the stream is closed. timeout 0 is a black hole: data is dropped and the
 * connection held open for as long as the toxic stays. As in Toxiproxy (TimeoutToxic.Cleanup),
 * removing the toxic closes the connections it was active on: their byte streams have holes.
 */
import type { Chunk, Held, StageContext, ToxicKind, ToxicStage } from '../toxic.js';
import { Deadline, now } from './timer.js';

class TimeoutStage implements ToxicStage {
  private readonly timer = new Deadline();

  constructor(
    timeout: number,
    private readonly ctx: StageContext,
  ) {
    if (timeout > 0) this.timer.set(now() + timeout, () => this.ctx.end());
  }

  write(_chunk: Chunk): void {
    // Dropped on the floor.
  }

  end(): void {
    this.timer.cancel();
    this.ctx.end();
  }

  held(): number {
    return 0;
  }

  stop(reason: 'update' | 'remove'): Held {
    this.timer.cancel();
    return { chunks: [], ended: reason === 'remove' };
  }
}

export const timeout: ToxicKind = {
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  attributes: [{ name: 'timeout', type: 'int64' }],
  start: (attrs, ctx) => new TimeoutStage(attrs.timeout ?? 0, ctx),
};
