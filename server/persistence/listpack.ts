import { ByteBuilder, exactInt64, FormatError } from './codec-util.js';

/**
 * Listpack (listpack.c), the compact encoding of small hashes and sorted sets and of quicklist
 * nodes in RDB v10. Layout: total bytes (u32 LE), element count (u16 LE, 65535 = unknown),
 * entries, 0xFF. Entry: encoding+data, then the entry's length written "backwards" in 1-5
 * bytes of 7 bits. Elements that are canonical int64 decimals are stored as integers, as Redis
 * does.
 */

const HDR = 6;
const EOF_BYTE = 0xff;

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function writeBacklen(b: ByteBuilder, l: number): void {
  const n = backlenSize(l);
  b.ensure(n);
  const buf = b.buf;
  let p = b.pos;
  // Most significant 7-bit group first; every byte but the first has the high bit set.
  for (let k = n - 1; k >= 0; k--) {
    const group = Math.floor(l / 2 ** (7 * k)) & 127;
    buf[p++] = k === n - 1 ? group : group | 128;
  }
  b.pos = p;
}

/** Append one element's encoding, data and backlen. */
function writeEntry(b: ByteBuilder, s: string): void {
  const start = b.pos;
  const v = exactInt64(s);
  if (v !== null) {
    if (typeof v === 'bigint') {
      b.ensure(9);
      b.buf[b.pos] = 0xf4;
      b.buf.writeBigInt64LE(v, b.pos + 1);
      b.pos += 9;
    } else if (v >= 0 && v <= 127) {
      b.u8(v);
    } else if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? (1 << 13) + v : v;
      b.u8((u >> 8) | 0xc0);
      b.u8(u & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      b.ensure(3);
      b.buf[b.pos] = 0xf1;
      b.buf.writeInt16LE(v, b.pos + 1);
      b.pos += 3;
    } else if (v >= -8388608 && v <= 8388607) {
      b.ensure(4);
      b.buf[b.pos] = 0xf2;
      b.buf.writeIntLE(v, b.pos + 1, 3);
      b.pos += 4;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b.ensure(5);
      b.buf[b.pos] = 0xf3;
      b.buf.writeInt32LE(v, b.pos + 1);
      b.pos += 5;
    } else {
      b.ensure(9);
      b.buf[b.pos] = 0xf4;
      b.buf.writeBigInt64LE(BigInt(v), b.pos + 1);
      b.pos += 9;
    }
  } else {
    const len = s.length;
    if (len < 64) {
      b.u8(0x80 | len);
    } else if (len < 4096) {
      b.u8(0xe0 | (len >> 8));
      b.u8(len & 0xff);
    } else {
      b.ensure(5);
      b.buf[b.pos] = 0xf0;
      b.buf.writeUInt32LE(len, b.pos + 1);
      b.pos += 5;
    }
    b.latin1(s);
  }
  writeBacklen(b, b.pos - start);
}

/** The encoded size of one element (encoding + data + backlen), as lpEncodeGetType + backlen. */
export function lpEntrySize(s: string): number {
  const v = exactInt64(s);
  let l: number;
  if (v !== null) {
    if (typeof v === 'bigint') l = 9;
    else if (v >= 0 && v <= 127) l = 1;
    else if (v >= -4096 && v <= 4095) l = 2;
    else if (v >= -32768 && v <= 32767) l = 3;
    else if (v >= -8388608 && v <= 8388607) l = 4;
    else if (v >= -2147483648 && v <= 2147483647) l = 5;
    else l = 9;
  } else {
    l = s.length < 64 ? 1 + s.length : s.length < 4096 ? 2 + s.length : 5 + s.length;
  }
  return l + backlenSize(l);
}

/** Encode elements (latin1 strings) as a listpack blob. */
export function lpEncode(items: Iterable<string>, b = new ByteBuilder(64)): Buffer {
  b.reset();
  b.ensure(HDR);
  b.pos = HDR;
  let count = 0;
  for (const s of items) {
    writeEntry(b, s);
    count++;
  }
  b.u8(EOF_BYTE);
  b.buf.writeUInt32LE(b.pos, 0);
  b.buf.writeUInt16LE(count > 65535 ? 65535 : count, 4);
  return b.toBuffer();
}

/** Decode a listpack blob into its elements (integers as their decimal strings). */
export function lpDecode(lp: Uint8Array): string[] {
  const n = lp.length;
  if (n < HDR + 1) throw new FormatError('listpack too short');
  const dv = Buffer.from(lp.buffer, lp.byteOffset, lp.byteLength);
  const total = dv.readUInt32LE(0);
  if (total !== n) throw new FormatError(`listpack header size ${total} does not match blob size ${n}`);
  const declared = dv.readUInt16LE(4);
  const out: string[] = [];
  let p = HDR;
  for (;;) {
    if (p >= n) throw new FormatError('listpack without terminator');
    const c = lp[p]!;
    if (c === EOF_BYTE) {
      if (p !== n - 1) throw new FormatError('listpack terminator before the end');
      break;
    }
    const start = p;
    let val: string;
    if ((c & 0x80) === 0) {
      val = String(c);
      p += 1;
    } else if ((c & 0xc0) === 0x80) {
      const len = c & 0x3f;
      if (p + 1 + len > n) throw new FormatError('listpack string out of bounds');
      val = dv.toString('latin1', p + 1, p + 1 + len);
      p += 1 + len;
    } else if ((c & 0xe0) === 0xc0) {
      if (p + 2 > n) throw new FormatError('listpack entry out of bounds');
      let u = ((c & 0x1f) << 8) | lp[p + 1]!;
      if (u >= 1 << 12) u -= 1 << 13;
      val = String(u);
      p += 2;
    } else if ((c & 0xf0) === 0xe0) {
      if (p + 2 > n) throw new FormatError('listpack entry out of bounds');
      const len = ((c & 0x0f) << 8) | lp[p + 1]!;
      if (p + 2 + len > n) throw new FormatError('listpack string out of bounds');
      val = dv.toString('latin1', p + 2, p + 2 + len);
      p += 2 + len;
    } else if (c === 0xf0) {
      if (p + 5 > n) throw new FormatError('listpack entry out of bounds');
      const len = dv.readUInt32LE(p + 1);
      if (p + 5 + len > n) throw new FormatError('listpack string out of bounds');
      val = dv.toString('latin1', p + 5, p + 5 + len);
      p += 5 + len;
    } else if (c === 0xf1) {
      if (p + 3 > n) throw new FormatError('listpack entry out of bounds');
      val = String(dv.readInt16LE(p + 1));
      p += 3;
    } else if (c === 0xf2) {
      if (p + 4 > n) throw new FormatError('listpack entry out of bounds');
      val = String(dv.readIntLE(p + 1, 3));
      p += 4;
    } else if (c === 0xf3) {
      if (p + 5 > n) throw new FormatError('listpack entry out of bounds');
      val = String(dv.readInt32LE(p + 1));
      p += 5;
    } else if (c === 0xf4) {
      if (p + 9 > n) throw new FormatError('listpack entry out of bounds');
      val = dv.readBigInt64LE(p + 1).toString();
      p += 9;
    } else {
      throw new FormatError(`invalid listpack encoding byte 0x${c.toString(16)}`);
    }
    const encLen = p - start;
    const bl = backlenSize(encLen);
    if (p + bl > n) throw new FormatError('listpack backlen out of bounds');
    // Verify the backlen: it must decode (right to left) to the entry's length.
    let l = 0;
    for (let k = 0; k < bl; k++) l = l * 128 + (lp[p + k]! & 127);
    if (l !== encLen) throw new FormatError('listpack backlen mismatch');
    p += bl;
    out.push(val);
  }
  if (declared !== 65535 && declared !== out.length) throw new FormatError('listpack element count mismatch');
  return out;
}
