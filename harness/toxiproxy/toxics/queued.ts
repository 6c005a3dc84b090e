import { byteLength, type Chunk, type Held, type StageContext, type ToxicStage } from '../toxic.js';
import { Deadline } from './timer.js';

/**
 * A stage that queues chunks and lets them out one at a time on a timer (latency, bandwidth).
 * Subclasses implement pump(): release what is due and arm `timer` for the rest, or call
 * drained() once the queue is empty.
 */
export abstract class QueuedStage implements ToxicStage {
  protected readonly queue: Chunk[] = [];
  protected head = 0;
  protected eof = false;
  protected readonly timer = new Deadline();

  constructor(protected readonly ctx: StageContext) {}

  write(chunk: Chunk): void {
    this.queue.push(chunk);
    if (!this.timer.armed) this.pump();
  }

  end(): void {
    this.eof = true;
    if (!this.timer.armed) this.pump();
  }

  held(): number {
    return byteLength(this.queue, this.head);
  }

  stop(): Held {
    this.timer.cancel();
    const held = { chunks: this.queue.slice(this.head), ended: this.eof };
    this.queue.length = 0;
    this.head = 0;
    return held;
  }

  protected abstract pump(): void;

  /** Everything is out: reset the queue and pass on a pending EOF. */
  protected drained(): void {
    this.queue.length = 0;
    this.head = 0;
    if (this.eof) this.ctx.end();
  }
}
