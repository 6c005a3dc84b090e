/**
 * CRC-64/Jones as Redis uses it (crc64.c): reflected input and output, polynomial
 * 0xad93d23594c935a9, initial value 0, no final xor. Check value: crc64("123456789") =
 * 0xe9c6d914c4b8d9ca. RDB files end with it (little-endian) and DUMP payloads carry it.
 *
 * The 64-bit state is kept as two unsigned 32-bit halves to avoid BigInt on the per-byte path;
 * slicing-by-4 tables keep large snapshots cheap.
 */

const TABLES = 4;
const LO = new Uint32Array(256 * TABLES);
const HI = new Uint32Array(256 * TABLES);

(function buildTables() {
  // Reflected polynomial of 0xad93d23594c935a9.
  const pHi = 0x95ac9329;
  const pLo = 0xac4bc9b5;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        lo = (lo ^ pLo) >>> 0;
        hi = (hi ^ pHi) >>> 0;
      }
    }
    LO[i] = lo;
    HI[i] = hi;
  }
  for (let t = 1; t < TABLES; t++) {
    for (let i = 0; i < 256; i++) {
      const plo = LO[(t - 1) * 256 + i]!;
      const phi = HI[(t - 1) * 256 + i]!;
      const idx = plo & 0xff;
      LO[t * 256 + i] = (LO[idx]! ^ ((plo >>> 8) | (phi << 24))) >>> 0;
      HI[t * 256 + i] = (HI[idx]! ^ (phi >>> 8)) >>> 0;
    }
  }
})();

/** Incremental CRC-64 state. */
export class Crc64 {
  lo = 0;
  hi = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    let i = start;
    // Slicing-by-4: fold four bytes into the low word at a time.
    for (; i + 4 <= end; i += 4) {
      const x = (lo ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
      const a = x & 0xff;
      const b = (x >>> 8) & 0xff;
      const c = (x >>> 16) & 0xff;
      const d = x >>> 24;
      const nlo = LO[768 + a]! ^ LO[512 + b]! ^ LO[256 + c]! ^ LO[d]! ^ hi;
      const nhi = HI[768 + a]! ^ HI[512 + b]! ^ HI[256 + c]! ^ HI[d]!;
      lo = nlo >>> 0;
      hi = nhi >>> 0;
    }
    for (; i < end; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      const nlo = LO[idx]! ^ ((lo >>> 8) | (hi << 24));
      const nhi = HI[idx]! ^ (hi >>> 8);
      lo = nlo >>> 0;
      hi = nhi >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** The checksum as 8 little-endian bytes (how RDB and DUMP store it). */
  digestLE(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(this.lo, 0);
    b.writeUInt32LE(this.hi, 4);
    return b;
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

export function crc64(buf: Uint8Array): bigint {
  return new Crc64().update(buf).value();
}

/** CRC-64 of `buf` as the 8 little-endian bytes stored in files and payloads. */
export function crc64LE(buf: Uint8Array, start = 0, end = buf.length): Buffer {
  return new Crc64().update(buf, start, end).digestLE();
}
