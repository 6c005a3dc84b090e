import { FormatError } from './codec-util.js';

/**
 * Ziplist (ziplist.c), read only: RDB files from Redis < 7 hold small lists, hashes and sorted
 * sets (and pre-7 quicklist nodes) in it. Layout: zlbytes (u32 LE), zltail (u32 LE), zllen
 * (u16 LE), entries, 0xFF. Entry: prevlen (1 byte, or 0xFE + u32 LE), encoding, data.
 */
export function zlDecode(zl: Uint8Array): string[] {
  const n = zl.length;
  if (n < 11) throw new FormatError('ziplist too short');
  const b = Buffer.from(zl.buffer, zl.byteOffset, zl.byteLength);
  if (b.readUInt32LE(0) !== n) throw new FormatError('ziplist header size mismatch');
  const declared = b.readUInt16LE(8);
  const out: string[] = [];
  let p = 10;
  let prevLen = 0;
  for (;;) {
    if (p >= n) throw new FormatError('ziplist without terminator');
    if (zl[p] === 0xff) {
      if (p !== n - 1) throw new FormatError('ziplist terminator before the end');
      break;
    }
    const start = p;
    let pl = zl[p]!;
    if (pl === 0xfe) {
      if (p + 5 > n) throw new FormatError('ziplist entry out of bounds');
      pl = b.readUInt32LE(p + 1);
      p += 5;
    } else {
      p += 1;
    }
    if (pl !== prevLen) throw new FormatError('ziplist prevlen mismatch');
    if (p >= n) throw new FormatError('ziplist entry out of bounds');
    const c = zl[p]!;
    let val: string;
    const need = (k: number) => {
      if (p + k > n) throw new FormatError('ziplist entry out of bounds');
    };
    switch (c >> 6) {
      case 0: {
        const len = c & 0x3f;
        need(1 + len);
        val = b.toString('latin1', p + 1, p + 1 + len);
        p += 1 + len;
        break;
      }
      case 1: {
        need(2);
        const len = ((c & 0x3f) << 8) | zl[p + 1]!;
        need(2 + len);
        val = b.toString('latin1', p + 2, p + 2 + len);
        p += 2 + len;
        break;
      }
      case 2: {
        need(5);
        const len = b.readUInt32BE(p + 1);
        need(5 + len);
        val = b.toString('latin1', p + 5, p + 5 + len);
        p += 5 + len;
        break;
      }
      default: {
        if (c === 0xc0) {
          need(3);
          val = String(b.readInt16LE(p + 1));
          p += 3;
        } else if (c === 0xd0) {
          need(5);
          val = String(b.readInt32LE(p + 1));
          p += 5;
        } else if (c === 0xe0) {
          need(9);
          val = b.readBigInt64LE(p + 1).toString();
          p += 9;
        } else if (c === 0xf0) {
          need(4);
          val = String(b.readIntLE(p + 1, 3));
          p += 4;
        } else if (c === 0xfe) {
          need(2);
          val = String(b.readInt8(p + 1));
          p += 2;
        } else if (c >= 0xf1 && c <= 0xfd) {
          val = String((c & 0x0f) - 1);
          p += 1;
        } else {
          throw new FormatError(`invalid ziplist encoding byte 0x${c.toString(16)}`);
        }
      }
    }
    prevLen = p - start;
    out.push(val);
  }
  if (declared !== 65535 && declared !== out.length) throw new FormatError('ziplist element count mismatch');
  return out;
}

/**
 * Zipmap (zipmap.c), read only: hashes in RDB files from Redis < 2.6. zmlen (1 byte), then
 * pairs of <len>key <len><free>value<free bytes>, then 0xFF. len: 1 byte < 254, or 254 + u32.
 */
export function zipmapDecode(zm: Uint8Array): string[] {
  const n = zm.length;
  const b = Buffer.from(zm.buffer, zm.byteOffset, zm.byteLength);
  const out: string[] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= n) throw new FormatError('zipmap out of bounds');
    const c = zm[p]!;
    if (c < 254) {
      p += 1;
      return c;
    }
    if (c === 254) {
      if (p + 5 > n) throw new FormatError('zipmap out of bounds');
      const l = b.readUInt32LE(p + 1);
      p += 5;
      return l;
    }
    throw new FormatError('invalid zipmap length');
  };
  for (;;) {
    if (p >= n) throw new FormatError('zipmap without terminator');
    if (zm[p] === 0xff) break;
    const kl = readLen();
    if (p + kl > n) throw new FormatError('zipmap out of bounds');
    const key = b.toString('latin1', p, p + kl);
    p += kl;
    const vl = readLen();
    if (p >= n) throw new FormatError('zipmap out of bounds');
    const free = zm[p++]!;
    if (p + vl + free > n) throw new FormatError('zipmap out of bounds');
    const val = b.toString('latin1', p, p + vl);
    p += vl + free;
    out.push(key, val);
  }
  return out;
}
