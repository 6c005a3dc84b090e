/**
 * Keys to hash slots, as Redis Cluster: CRC16 (XMODEM: polynomial 0x1021, init 0) of the key,
 * or of its hash tag, mod 16384. Keys are latin1 strings (one char per byte).
 */

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  return t;
})();

/** CRC16-XMODEM of s[start, end) (chars as bytes). */
export function crc16(s: string, start = 0, end = s.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ s.charCodeAt(i)) & 0xff]!;
  return crc;
}

/**
 * The hash slot of a key. The hash tag rule is Redis's exactly: the first '{', then the first
 * '}' after it; a missing '}' or an empty tag "{}" hashes the whole key.
 */
export function keyHashSlot(key: string): number {
  const s = key.indexOf('{');
  if (s < 0) return crc16(key) & 0x3fff;
  const e = key.indexOf('}', s + 1);
  if (e < 0 || e === s + 1) return crc16(key) & 0x3fff;
  return crc16(key, s + 1, e) & 0x3fff;
}
