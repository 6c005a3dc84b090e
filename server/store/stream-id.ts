/**
 * Stream IDs (<ms>-<seq>, two unsigned 64-bit integers), as t_stream.c's streamID.
 *
 * A U64 is a JS number while it is a safe integer and a bigint beyond 2^53 - 1, always in that
 * canonical form, so that `===` is equality and `<`/`>` compare across the two representations
 * (JS allows mixed number/bigint comparison). The common case (millisecond times, small
 * sequences) never allocates a bigint.
 */

export type U64 = number | bigint;

export interface StreamID {
  ms: U64;
  seq: U64;
}

export const U64_MAX = 18446744073709551615n;
const SAFE = Number.MAX_SAFE_INTEGER;

export const ID_MIN: StreamID = Object.freeze({ ms: 0, seq: 0 });
export const ID_MAX: StreamID = Object.freeze({ ms: U64_MAX, seq: U64_MAX });

/** The canonical U64 for a bigint value (number when safe). */
export function u64(v: bigint): U64 {
  return v <= BigInt(SAFE) ? Number(v) : v;
}

export function u64Incr(v: U64): U64 {
  if (typeof v === 'number') return v < SAFE ? v + 1 : BigInt(v) + 1n;
  return v + 1n;
}

export function u64Decr(v: U64): U64 {
  if (typeof v === 'number') return v - 1;
  return u64(v - 1n);
}

export function u64Big(v: U64): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

export function cmpID(a: StreamID, b: StreamID): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function idEq(a: StreamID, b: StreamID): boolean {
  return a.ms === b.ms && a.seq === b.seq;
}

export function isZeroID(a: StreamID): boolean {
  return a.ms === 0 && a.seq === 0;
}

export function fmtID(id: StreamID): string {
  return `${id.ms}-${id.seq}`;
}

/** streamIncrID: the successor, or null for the last possible ID. */
export function incrID(id: StreamID): StreamID | null {
  if (id.seq === U64_MAX) {
    if (id.ms === U64_MAX) return null;
    return { ms: u64Incr(id.ms), seq: 0 };
  }
  return { ms: id.ms, seq: u64Incr(id.seq) };
}

/** streamDecrID: the predecessor, or null for 0-0. */
export function decrID(id: StreamID): StreamID | null {
  if (id.seq === 0) {
    if (id.ms === 0) return null;
    return { ms: u64Decr(id.ms), seq: U64_MAX };
  }
  return { ms: id.ms, seq: u64Decr(id.seq) };
}

/**
 * Redis's string2ull: a canonical int64 (string2ll) that is not negative, or else what C's
 * strtoull accepts for the whole string (leading white space, '+', '-' wrapping modulo 2^64).
 */
export function parseU64(s: string): U64 | null {
  const n = s.length;
  if (n === 0) return null;
  // Fast path: plain digits without a leading zero (or "0").
  if (n <= 15 && /^(?:0|[1-9][0-9]*)$/.test(s)) return Number(s);
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return null;
  let v = BigInt(m[2]!);
  if (v > U64_MAX) return null;
  if (m[1] === '-') {
    // string2ll accepts a canonical negative number first and refuses it.
    if (/^-[1-9][0-9]*$/.test(s) && v <= 9223372036854775808n) return null;
    v = v === 0n ? 0n : (1n << 64n) - v;
  }
  return u64(v);
}

/** The 16 bytes of an ID as Redis encodes rax keys and PEL IDs (big endian ms, then seq). */
export function encodeID(id: StreamID, out: Buffer, off = 0): void {
  out.writeBigUInt64BE(u64Big(id.ms), off);
  out.writeBigUInt64BE(u64Big(id.seq), off + 8);
}

export function decodeID(b: Uint8Array, off = 0): StreamID {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return { ms: u64(buf.readBigUInt64BE(off)), seq: u64(buf.readBigUInt64BE(off + 8)) };
}

/** uint64 subtraction a - b as the int64 Redis stores in listpacks (two's complement wrap). */
export function diffInt64(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  let d = (u64Big(a) - u64Big(b)) & U64_MAX;
  if (d >= 1n << 63n) d -= 1n << 64n;
  return d >= -BigInt(SAFE) && d <= BigInt(SAFE) ? Number(d) : d;
}

/** master + delta (mod 2^64), the inverse of diffInt64. */
export function addDelta(master: U64, delta: number | bigint): U64 {
  if (typeof master === 'number' && typeof delta === 'number') {
    const v = master + delta;
    if (v >= 0 && v <= SAFE) return v;
  }
  return u64((u64Big(master) + BigInt(delta)) & U64_MAX);
}
