/**
 * bandwidth: data leaves at no more than `rate` KB/s (rate ≤ 0: unlimited). Like Toxiproxy,
 * a chunk larger than 100 ms worth of data is sent in 100 ms slices, and idle time earns no
 * credit (a burst after a pause is still throttled).
 */
import { byteLength, type Chunk, type Held, type StageContext, type ToxicKind, type ToxicStage } from '../toxic.js';
import { Deadline, now } from './timer.js';

class BandwidthStage implements ToxicStage {
  private readonly queue: Chunk[] = [];
  private head = 0;
  private eof = false;
  /** When the link is free to send again (ms). */
  private free = 0;
  private readonly timer = new Deadline();

  /** `rate` KB/s = `rate` bytes per ms. */
  constructor(
    private readonly rate: number,
    private readonly ctx: StageContext,
  ) {}

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

  private pump(): void {
    while (this.head < this.queue.length) {
      const chunk = this.queue[this.head]!;
      if (this.rate <= 0) {
        this.head++;
        this.ctx.push(chunk);
        continue;
      }
      const slice = Math.min(chunk.data.length, this.rate * 100);
      const due = Math.max(this.free, now()) + slice / this.rate;
      this.free = due;
      this.timer.set(due, () => this.release(slice));
      return;
    }
    this.queue.length = 0;
    this.head = 0;
    if (this.eof) this.ctx.end();
  }

  private release(slice: number): void {
    const chunk = this.queue[this.head]!;
    if (slice >= chunk.data.length) {
      this.head++;
      this.ctx.push(chunk);
    } else {
      this.ctx.push({ data: chunk.data.subarray(0, slice), time: chunk.time });
      chunk.data = chunk.data.subarray(slice);
    }
    this.pump();
  }

  stop(): Held {
    this.timer.cancel();
    const held = { chunks: this.queue.slice(this.head), ended: this.eof };
    this.queue.length = 0;
    this.head = 0;
    return held;
  }
}

export const bandwidth: ToxicKind = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  attributes: [{ name: 'rate', type: 'int64' }],
  start: (attrs, ctx) => new BandwidthStage(attrs.rate ?? 0, ctx),
};
