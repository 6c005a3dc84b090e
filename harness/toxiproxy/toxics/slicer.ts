/**
 * slicer: every chunk is cut into pieces of about `average_size` ± `size_variation` bytes
 * (Toxiproxy's recursive halving, so no small or large piece tends to sit at either end), with
 * `delay` µs after each piece.
 */

import { byteLength, type Chunk, type Held, type StageContext, type ToxicKind, type ToxicStage } from '../toxic.js';
import { Deadline, now } from './timer.js';

class SlicerStage implements ToxicStage {
  private readonly pieces: Chunk[] = [];
  private head = 0;
  private eof = false;
  private readonly timer = new Deadline();
  private readonly average: number;
  private readonly variation: number;

  constructor(
    averageSize: number,
    sizeVariation: number,
    private readonly delayUs: number,
    private readonly ctx: StageContext,
  ) {
    // Go recurses forever (and crashes) on average_size 0; one byte is the smallest slice.
    this.average = Math.max(1, averageSize);
    this.variation = Math.max(0, sizeVariation);
  }

  /** Offsets [s0, e0, s1, e1, ...] of the pieces of [start, end). */
  private cut(start: number, end: number, out: number[]): void {
    if (end - start - this.average <= this.variation) {
      out.push(start, end);
      return;
    }
    let mid = start + Math.floor((end - start) / 2);
    if (this.variation > 0) mid += this.ctx.random.int(this.variation * 2) - this.variation;
    // A variation larger than the average could step outside the range; Go would panic.
    mid = Math.min(end - 1, Math.max(start + 1, mid));
    this.cut(start, mid, out);
    this.cut(mid, end, out);
  }

  write(chunk: Chunk): void {
    const offsets: number[] = [];
    this.cut(0, chunk.data.length, offsets);
    for (let i = 0; i < offsets.length; i += 2) {
      this.pieces.push({ data: chunk.data.subarray(offsets[i]!, offsets[i + 1]!), time: chunk.time });
    }
    if (!this.timer.armed) this.pump();
  }

  end(): void {
    this.eof = true;
    if (!this.timer.armed) this.pump();
  }

  held(): number {
    return byteLength(this.pieces, this.head);
  }

  private readonly pump = (): void => {
    while (this.head < this.pieces.length) {
      this.ctx.push(this.pieces[this.head++]!);
      if (this.delayUs > 0) {
        this.timer.set(now() + this.delayUs / 1000, this.pump);
        return;
      }
    }
    this.pieces.length = 0;
    this.head = 0;
    if (this.eof) this.ctx.end();
  };

  stop(): Held {
    this.timer.cancel();
    const held = { chunks: this.pieces.slice(this.head), ended: this.eof };
    this.pieces.length = 0;
    this.head = 0;
    return held;
  }
}

export const slicer: ToxicKind = {
  type: 'slicer',
  goStruct: 'SlicerToxic',
  attributes: [
    { name: 'average_size', type: 'int' },
    { name: 'size_variation', type: 'int' },
    { name: 'delay', type: 'int' },
  ],
  start: (attrs, ctx) => new SlicerStage(attrs.average_size ?? 0, attrs.size_variation ?? 0, attrs.delay ?? 0, ctx),
};
