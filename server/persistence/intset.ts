import { exactInt64, FormatError } from './codec-util.js';

/**
 * Intset (intset.c): encoding width in bytes (u32 LE: 2, 4 or 8), length (u32 LE), then the
 * sorted values, little-endian, all of that width. Used for small all-integer sets.
 */

/** Members as canonical int64s, or null when one is not (then the set is not an intset). */
export function asIntsetMembers(members: Iterable<string>): bigint[] | null {
  const out: bigint[] = [];
  for (const m of members) {
    const v = exactInt64(m);
    if (v === null) return null;
    out.push(BigInt(v));
  }
  return out;
}

export function intsetEncode(values: bigint[]): Buffer {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of sorted) {
    if (v < -2147483648n || v > 2147483647n) {
      width = 8;
      break;
    }
    if (v < -32768n || v > 32767n) width = 4;
  }
  const buf = Buffer.allocUnsafe(8 + width * sorted.length);
  buf.writeUInt32LE(width, 0);
  buf.writeUInt32LE(sorted.length, 4);
  let p = 8;
  for (const v of sorted) {
    if (width === 2) buf.writeInt16LE(Number(v), p);
    else if (width === 4) buf.writeInt32LE(Number(v), p);
    else buf.writeBigInt64LE(v, p);
    p += width;
  }
  return buf;
}

export function intsetDecode(blob: Uint8Array): string[] {
  if (blob.length < 8) throw new FormatError('intset too short');
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const width = b.readUInt32LE(0);
  const len = b.readUInt32LE(4);
  if (width !== 2 && width !== 4 && width !== 8) throw new FormatError(`invalid intset encoding ${width}`);
  if (8 + width * len !== b.length) throw new FormatError('intset size mismatch');
  const out: string[] = new Array<string>(len);
  let prev: bigint | null = null;
  for (let i = 0, p = 8; i < len; i++, p += width) {
    const v = width === 2 ? BigInt(b.readInt16LE(p)) : width === 4 ? BigInt(b.readInt32LE(p)) : b.readBigInt64LE(p);
    if (prev !== null && v <= prev) throw new FormatError('intset not sorted or has duplicates');
    prev = v;
    out[i] = v.toString();
  }
  return out;
}
