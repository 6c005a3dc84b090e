/** slow_close: data passes untouched; EOF is held for `delay` ms before the stream is closed. */
import { type Chunk, emptyHeld, type Held, type StageContext, type ToxicKind, type ToxicStage } from '../toxic.js';
import { Deadline, now } from './timer.js';

class SlowCloseStage implements ToxicStage {
  private eof = false;
  private readonly timer = new Deadline();

  constructor(
    private readonly delay: number,
    private readonly ctx: StageContext,
  ) {}

  write(chunk: Chunk): void {
    this.ctx.push(chunk);
  }

  end(): void {
    this.eof = true;
    this.timer.set(now() + this.delay, () => this.ctx.end());
  }

  held(): number {
    return 0;
  }

  stop(): Held {
    this.timer.cancel();
    // A pending close is passed on at once on removal, and restarts its delay on update.
    return this.eof ? { chunks: [], ended: true } : emptyHeld();
  }
}

export const slowClose: ToxicKind = {
  type: 'slow_close',
  goStruct: 'SlowCloseToxic',
  attributes: [{ name: 'delay', type: 'int64' }],
  start: (attrs, ctx) => new SlowCloseStage(attrs.delay ?? 0, ctx),
};
