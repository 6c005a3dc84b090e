/**
 * latency: every chunk leaves `latency` ± `jitter` ms after it reached the toxic. Chunks are
 * handled one at a time like Toxiproxy's Pipe loop, so jitter never reorders data, and the delay
 * counts from the chunk's arrival time (time spent queued behind earlier chunks is included).
 */
import { byteLength, type Chunk, type Held, type StageContext, type ToxicKind, type ToxicStage } from '../toxic.js';
import { randomInt } from '../prng.js';
import { Deadline, now } from './timer.js';

class LatencyStage implements ToxicStage {
  private readonly queue: Chunk[] = [];
  private head = 0;
  private eof = false;
  private readonly timer = new Deadline();

  constructor(
    private readonly latency: number,
    private readonly jitter: number,
    private readonly ctx: StageContext,
  ) {}

  private delay(): number {
    // Go: latency + rand.Int63n(2*jitter) - jitter.
    return this.jitter > 0 ? this.latency + randomInt(this.ctx.random, this.jitter * 2) - this.jitter : this.latency;
  }

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

  private readonly pump = (): void => {
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
    this.queue.length = 0;
    this.head = 0;
    if (this.eof) this.ctx.end();
  };

  private release(due: number): void {
    const chunk = this.queue[this.head++]!;
    // The next latency toxic in the chain counts from when this one released the chunk.
    chunk.time = due;
    this.ctx.push(chunk);
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

export const latency: ToxicKind = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  attributes: [
    { name: 'latency', type: 'int64' },
    { name: 'jitter', type: 'int64' },
  ],
  start: (attrs, ctx) => new LatencyStage(attrs.latency ?? 0, attrs.jitter ?? 0, ctx),
};
