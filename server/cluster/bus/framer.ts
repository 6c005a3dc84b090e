import { HEADER_LEN } from './codec.js';

/**
 * Cuts a bus connection's byte stream into frames as clusterReadHandler does: read 8 bytes, check the
 * "RCmb" signature and that totlen covers at least a header, then read totlen bytes. A bad signature or
 * length is fatal for the link (Redis logs the line below and frees it); everything else is the
 * brain's business (send each frame as a `frame` event).
 */
export class BusFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Set once the stream is broken: no more frames come out. */
  error = '';

  /** Append received bytes; returns the frames completed by them. */
  push(chunk: Buffer): Buffer[] {
    if (this.error) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 8) {
      const head = this.peek(8);
      const totlen = head.readUInt32BE(4);
      if (head.toString('latin1', 0, 4) !== 'RCmb' || totlen < HEADER_LEN) {
        this.error = 'Bad message length or signature received from Cluster bus.';
        this.chunks = [];
        this.buffered = 0;
        return frames;
      }
      if (this.buffered < totlen) break;
      frames.push(this.take(totlen));
    }
    return frames;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    const all = this.peek(n);
    const frame = Buffer.from(all.subarray(0, n));
    if (all.length === n) this.chunks.shift();
    else this.chunks[0] = all.subarray(n);
    this.buffered -= n;
    return frame;
  }
}
