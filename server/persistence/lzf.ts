/**
 * LZF, the compression format of RDB strings (RDB_ENC_LZF) and compressed quicklist nodes.
 * Format (liblzf): a control byte c; c < 32 → a literal run of c+1 bytes follows; otherwise a
 * back-reference of length (c >> 5) + 2 (7 = one extra length byte follows) at distance
 * ((c & 31) << 8 | next byte) + 1. Any valid stream decodes in Redis's lzf_decompress.
 */

const HLOG = 14;
const HSIZE = 1 << HLOG;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3); // 264: longest back-reference
/** Hash of 3-byte prefixes → position + `base`; entries below `base` belong to earlier calls. */
const htab = new Int32Array(HSIZE).fill(-1);
let nextBase = 0;

/**
 * Compress `input`; returns null when the result would not fit in `maxOut` bytes (Redis stores
 * the string uncompressed then).
 */
export function lzfCompress(input: Uint8Array, maxOut = input.length - 1): Buffer | null {
  const n = input.length;
  if (n < 4 || maxOut <= 0) return null;
  const out = Buffer.allocUnsafe(maxOut + MAX_LIT + 3);
  if (nextBase + n + 1 > 0x3fffffff) {
    htab.fill(-1);
    nextBase = 0;
  }
  const base = nextBase;
  nextBase += n + 1;
  let op = 1; // out[litStart] holds the pending literal run's length byte
  let litStart = 0;
  let lit = 0;
  let ip = 0;
  while (ip + 2 < n) {
    const h = hash3(input, ip);
    const ref = htab[h]! - base;
    htab[h] = ip + base;
    const off = ip - ref - 1;
    if (ref >= 0 && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      // Close the literal run (drop its length byte when empty).
      if (lit > 0) out[litStart] = lit - 1;
      else op--;
      if (op + 3 > maxOut) return null;
      const l = len - 2;
      if (l < 7) {
        out[op++] = (l << 5) | (off >> 8);
      } else {
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      // Index a couple of positions inside the match so that later repeats are found.
      const end = ip + len;
      for (let k = ip + 1; k < end && k + 2 < n; k += k + 8 < end ? 4 : 1) {
        htab[hash3(input, k)] = k + base;
      }
      ip = end;
      litStart = op++;
      lit = 0;
      if (op > maxOut) return null;
      continue;
    }
    out[op++] = input[ip++]!;
    if (++lit === MAX_LIT) {
      out[litStart] = MAX_LIT - 1;
      lit = 0;
      litStart = op++;
    }
    if (op > maxOut) return null;
  }
  while (ip < n) {
    out[op++] = input[ip++]!;
    if (++lit === MAX_LIT) {
      out[litStart] = MAX_LIT - 1;
      lit = 0;
      litStart = op++;
    }
    if (op > maxOut) return null;
  }
  if (lit > 0) out[litStart] = lit - 1;
  else op--; // drop the empty trailing run's length byte
  if (op > maxOut || op <= 0) return null;
  return Buffer.from(out.subarray(0, op));
}

function hash3(b: Uint8Array, i: number): number {
  return Math.imul((b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!, 0x9e3779b1) >>> (32 - HLOG);
}

export class LzfError extends Error {}

/** Decompress to exactly `outLen` bytes; throws LzfError on a malformed stream. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  const n = input.length;
  while (ip < n) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (op + len > outLen) throw new LzfError('LZF output overflow');
      if (ip + len > n) throw new LzfError('LZF input truncated');
      for (let k = 0; k < len; k++) out[op++] = input[ip++]!;
    } else {
      let len = ctrl >> 5;
      if (ip >= n) throw new LzfError('LZF input truncated');
      if (len === 7) {
        len += input[ip++]!;
        if (ip >= n) throw new LzfError('LZF input truncated');
      }
      const ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++]!;
      len += 2;
      if (op + len > outLen) throw new LzfError('LZF output overflow');
      if (ref < 0) throw new LzfError('LZF back-reference out of range');
      for (let k = 0; k < len; k++) out[op++] = out[ref + k]!;
    }
  }
  if (op !== outLen) throw new LzfError(`LZF length mismatch (${op} != ${outLen})`);
  return out;
}
