/**
 * The replication backlog: a ring buffer holding the last `size` bytes of the replication
 * stream, so a replica that reconnects can continue from its offset (PSYNC partial resync).
 * Offsets are Redis's: `offset` is the replication offset of the first byte held, which is
 * masterReplOffset - histlen + 1 (masterReplOffset + 1 while empty).
 */
export class Backlog {
  private buf: Latin1Buffer;
  /** Where the next byte goes. */
  private idx = 0;
  /** Bytes of history held (≤ size). */
  histlen = 0;
  /** Replication offset of the first byte held. */
  offset: number;

  constructor(
    public size: number,
    masterReplOffset: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1, size)) as Latin1Buffer;
    this.offset = masterReplOffset + 1;
  }

  /** Append stream bytes given as a latin1 string (one char per byte). */
  appendString(s: string): void {
    const n = s.length;
    if (n === 0) return;
    const size = this.buf.length;
    if (n >= size) {
      this.buf.write(s.slice(n - size), 0, size, 'latin1');
      this.idx = 0;
    } else {
      const first = Math.min(n, size - this.idx);
      this.buf.write(first === n ? s : s.slice(0, first), this.idx, first, 'latin1');
      if (first < n) this.buf.write(s.slice(first), 0, n - first, 'latin1');
      this.idx = (this.idx + n) % size;
    }
    this.advance(n);
  }

  /** Append stream bytes (a replica forwarding its master's stream verbatim). */
  appendBuffer(b: Buffer): void {
    const n = b.length;
    if (n === 0) return;
    const size = this.buf.length;
    if (n >= size) {
      b.copy(this.buf, 0, n - size, n);
      this.idx = 0;
    } else {
      const first = Math.min(n, size - this.idx);
      b.copy(this.buf, this.idx, 0, first);
      if (first < n) b.copy(this.buf, 0, first, n);
      this.idx = (this.idx + n) % size;
    }
    this.advance(n);
  }

  private advance(n: number): void {
    const end = this.offset + this.histlen + n; // offset of the byte after the last one
    this.histlen = Math.min(this.buf.length, this.histlen + n);
    this.offset = end - this.histlen;
  }

  /** Whether the stream from replication offset `off` (the first byte wanted) is held. */
  covers(off: number): boolean {
    return off >= this.offset && off <= this.offset + this.histlen;
  }

  /** The stream from replication offset `off` (inclusive) to the end, as a latin1 string. */
  readFrom(off: number): string {
    const skip = off - this.offset;
    const len = this.histlen - skip;
    if (len <= 0) return '';
    const size = this.buf.length;
    // Index of the oldest byte held.
    const start = (this.idx - this.histlen + size) % size;
    const from = (start + skip) % size;
    if (from + len <= size) return this.buf.latin1Slice(from, from + len);
    return this.buf.latin1Slice(from, size) + this.buf.latin1Slice(0, len - (size - from));
  }

  /** Change the capacity, keeping as much of the most recent history as fits. */
  resize(newSize: number): void {
    newSize = Math.max(1, newSize);
    if (newSize === this.buf.length) return;
    const keep = Math.min(this.histlen, newSize);
    const tail = this.readFrom(this.offset + this.histlen - keep);
    const end = this.offset + this.histlen;
    this.buf = Buffer.allocUnsafe(newSize) as Latin1Buffer;
    this.size = newSize;
    this.idx = 0;
    this.histlen = 0;
    this.offset = end - tail.length;
    this.appendString(tail);
  }
}

/** Node's undocumented-but-stable fast latin1 decoder (also used by the RESP parser). */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };
