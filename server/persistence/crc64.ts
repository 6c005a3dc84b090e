/**
 * CRC-64/Jones as Redis uses it (crc64.c): reflected input and output, polynomial
 * 0xad93d23594c935a9, initial value 0, no final xor. Check value: crc64("123456789") =
 * 0xe9c6d914c4b8d9ca. RDB files end with it (little-endian) and DUMP payloads carry it.
 *
 * The 64-bit state is kept as two unsigned 32-bit halves to avoid BigInt on the per-byte path;
 * slicing-by-8 tables keep large snapshots cheap.
 */

const TABLES = 8;
// Signed arrays: V8 keeps int32 values unboxed, while uint32 values ≥ 2^31 become doubles.
const LO = new Int32Array(256 * TABLES);
const HI = new Int32Array(256 * TABLES);

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
    LO[i] = lo | 0;
    HI[i] = hi | 0;
  }
  for (let t = 1; t < TABLES; t++) {
    for (let i = 0; i < 256; i++) {
      const plo = LO[(t - 1) * 256 + i]!;
      const phi = HI[(t - 1) * 256 + i]!;
      const idx = plo & 0xff;
      LO[t * 256 + i] = LO[idx]! ^ ((plo >>> 8) | (phi << 24));
      HI[t * 256 + i] = HI[idx]! ^ (phi >>> 8);
    }
  }
})();

/** Incremental CRC-64 state. */
export class Crc64 {
  lo = 0;
  hi = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo | 0;
    let hi = this.hi | 0;
    let i = start;
    // Slicing-by-8: fold eight bytes (the whole 64-bit state) per step.
    for (; i + 8 <= end; i += 8) {
      const x = lo ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
      const y = hi ^ (buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24));
      const a = 7 * 256 + (x & 0xff);
      const b = 6 * 256 + ((x >>> 8) & 0xff);
      const c = 5 * 256 + ((x >>> 16) & 0xff);
      const d = 4 * 256 + (x >>> 24);
      const e = 3 * 256 + (y & 0xff);
      const f = 2 * 256 + ((y >>> 8) & 0xff);
      const g = 256 + ((y >>> 16) & 0xff);
      const h = y >>> 24;
      lo = LO[a]! ^ LO[b]! ^ LO[c]! ^ LO[d]! ^ LO[e]! ^ LO[f]! ^ LO[g]! ^ LO[h]!;
      hi = HI[a]! ^ HI[b]! ^ HI[c]! ^ HI[d]! ^ HI[e]! ^ HI[f]! ^ HI[g]! ^ HI[h]!;
    }
    for (; i < end; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      const nlo = LO[idx]! ^ ((lo >>> 8) | (hi << 24));
      hi = HI[idx]! ^ (hi >>> 8);
      lo = nlo;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
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
