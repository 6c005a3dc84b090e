/**
 * The replication backlog, modelled on Redis 7.0's shared replication buffer: a list of blocks,
 * trimmed by whole blocks from the head while the history without the first block would still
 * be longer than repl-backlog-size. So, as in Redis 7.0, the history held (histlen) is between
 * the configured size and size + one block, and a partial resync is possible exactly where it is
 * with redis-server (block sizes follow Redis's rule and jemalloc's size classes, see blockSize).
 *
 * Offsets are Redis's: `offset` is the replication offset of the first byte held
 * (masterReplOffset + 1 while empty).
 */

/** Redis's replBufBlock header (refcount, id, repl_offset, size, used): 40 bytes on 64-bit. */
const BLOCK_HEADER = 40;
/** PROTO_REPLY_CHUNK_BYTES */
const MIN_BLOCK = 16 * 1024;

/** jemalloc 5 size class for an allocation of n bytes (4 classes per power of two above 128). */
export function jemallocSizeClass(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const lg = Math.floor(Math.log2(n - 1));
  const base = 2 ** lg;
  const step = base / 4;
  return base + Math.ceil((n - base) / step) * step;
}

/** Usable bytes of a new block for an append of `len` bytes (feedReplicationBuffer's rule). */
export function blockSize(len: number, backlogSize: number): number {
  const limit = Math.max(Math.floor(backlogSize / 16), MIN_BLOCK);
  const size = Math.min(Math.max(len, MIN_BLOCK), limit);
  return jemallocSizeClass(size + BLOCK_HEADER) - BLOCK_HEADER;
}

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string; latin1Write(s: string, offset: number, len: number): number };

interface Block {
  buf: Latin1Buffer;
  used: number;
  /** Replication offset of the block's first byte. */
  replOffset: number;
}

export class Backlog {
  private blocks: Block[] = [];
  /** Bytes of history held. */
  histlen = 0;
  /** Replication offset of the first byte held. */
  offset: number;

  constructor(
    /** repl-backlog-size */
    public size: number,
    masterReplOffset: number,
  ) {
    this.offset = masterReplOffset + 1;
  }

  /** Bytes of the blocks allocated (INFO mem_replication_backlog, used_memory). */
  get allocated(): number {
    let n = 0;
    for (const b of this.blocks) n += b.buf.length;
    return n;
  }

  /** Offset of the byte after the last one held. */
  private get end(): number {
    return this.offset + this.histlen;
  }

  /** Append stream bytes given as a latin1 string (one char per byte). */
  appendString(s: string): void {
    let pos = 0;
    let added = false;
    while (pos < s.length) {
      let tail = this.blocks[this.blocks.length - 1];
      if (!tail || tail.used === tail.buf.length) {
        const n = blockSize(s.length - pos, this.size);
        tail = { buf: Buffer.allocUnsafe(n) as Latin1Buffer, used: 0, replOffset: this.end };
        this.blocks.push(tail);
        added = true;
      }
      const copy = Math.min(tail.buf.length - tail.used, s.length - pos);
      tail.buf.latin1Write(copy === s.length && pos === 0 ? s : s.slice(pos, pos + copy), tail.used, copy);
      tail.used += copy;
      pos += copy;
      this.histlen += copy;
    }
    if (added) this.trim();
  }

  /** Append stream bytes (a replica forwarding its master's stream verbatim). */
  appendBuffer(b: Buffer): void {
    let pos = 0;
    let added = false;
    while (pos < b.length) {
      let tail = this.blocks[this.blocks.length - 1];
      if (!tail || tail.used === tail.buf.length) {
        const n = blockSize(b.length - pos, this.size);
        tail = { buf: Buffer.allocUnsafe(n) as Latin1Buffer, used: 0, replOffset: this.end };
        this.blocks.push(tail);
        added = true;
      }
      const copy = Math.min(tail.buf.length - tail.used, b.length - pos);
      b.copy(tail.buf, tail.used, pos, pos + copy);
      tail.used += copy;
      pos += copy;
      this.histlen += copy;
    }
    if (added) this.trim();
  }

  /** Redis's incrementalTrimReplicationBacklog: drop head blocks not needed to hold `size` bytes. */
  trim(): void {
    while (this.histlen > this.size && this.blocks.length > 1) {
      const first = this.blocks[0]!;
      if (this.histlen - first.buf.length <= this.size) break;
      this.blocks.shift();
      this.histlen -= first.used;
      this.offset = this.blocks[0]!.replOffset;
    }
  }

  /** Whether the stream from replication offset `off` (the first byte wanted) is held. */
  covers(off: number): boolean {
    return off >= this.offset && off <= this.offset + this.histlen;
  }

  /** The stream from replication offset `off` (inclusive) to the end, as a latin1 string. */
  readFrom(off: number): string {
    let out = '';
    for (const b of this.blocks) {
      const bEnd = b.replOffset + b.used;
      if (bEnd <= off) continue;
      const from = Math.max(0, off - b.replOffset);
      out += b.buf.latin1Slice(from, b.used);
    }
    return out;
  }

  /** CONFIG SET repl-backlog-size: Redis enforces 16k at least, then trims to the new size. */
  resize(newSize: number): void {
    this.size = Math.max(newSize, MIN_BLOCK);
    this.trim();
  }
}
