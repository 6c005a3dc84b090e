/**
 * The cluster bus framing (Redis's clusterReadHandler): every message starts with the 4-byte
 * signature "RCmb" and its total length (uint32, big endian, header included). A frame shorter
 * than the fixed header (CLUSTERMSG_MIN_LEN, 2256 bytes) or with another signature is a protocol
 * violation: Redis logs "Bad message length or signature received from Cluster bus." and drops
 * the link.
 */

export const BUS_MIN_LEN = 2256;
/** Refuse absurd lengths instead of buffering them (Redis would try; 16 MiB is far beyond any real message). */
const BUS_MAX_LEN = 16 * 1024 * 1024;

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Feed bytes; returns the complete frames, or null when the stream is not the cluster bus. */
  push(chunk: Buffer): Buffer[] | null {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.buffered < 8) return out;
      const head = this.peek(8);
      if (head[0] !== 0x52 || head[1] !== 0x43 || head[2] !== 0x6d || head[3] !== 0x62) return null;
      const len = head.readUInt32BE(4);
      if (len < BUS_MIN_LEN || len > BUS_MAX_LEN) return null;
      if (this.buffered < len) return out;
      out.push(this.take(len));
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all;
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const frame = first.subarray(0, n);
    const rest = first.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return frame;
  }
}
