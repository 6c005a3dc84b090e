import { parseLL } from '../util/numbers.js';

/** A malformed encoded blob (listpack, ziplist, intset, zipmap, RDB, DUMP payload). */
export class FormatError extends Error {}

/**
 * Redis's string2ll / lpStringToInt64 on a latin1 string: the exact int64 value when the string
 * is the canonical decimal form of one, as a number when it is safe, as a bigint otherwise.
 */
export function exactInt64(s: string): number | bigint | null {
  const v = parseLL(s);
  if (v === null) return null;
  if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) return BigInt(s);
  return v;
}

/** A growable byte buffer for building blobs. */
export class ByteBuilder {
  buf: Buffer;
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.buf.copy(nb, 0, 0, this.pos);
    this.buf = nb;
  }

  u8(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  latin1(s: string): void {
    const n = s.length;
    this.ensure(n);
    if (n <= 32) {
      // Short strings (keys, small values): a plain loop beats the native call's overhead.
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
      return;
    }
    this.pos += this.buf.write(s, this.pos, n, 'latin1');
  }

  /**
   * The bytes written so far (not copied, never written again); continues in the rest of the
   * same allocation when `size` bytes remain there, else in a fresh slab of 16 × `size` bytes.
   */
  takeChunk(size: number): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = this.buf.length - this.pos >= size ? this.buf.subarray(this.pos) : Buffer.allocUnsafe(size * 16);
    this.pos = 0;
    return out;
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  reset(): void {
    this.pos = 0;
  }
}

/** Node's undocumented direct latin1 accessors on Buffer (skip toString's argument handling). */
export type FastBuffer = Buffer & { latin1Slice(start: number, end: number): string };
