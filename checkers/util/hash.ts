/**
 * FNV-1a, 32-bit: the one string hash of the repository (PRNG seeds, per-run address blocks,
 * checker model states). Signed int32, as the checkers store hashes in Int32Arrays; `>>> 0` gives
 * the unsigned value.
 */
export function fnv1a(s: string, basis = 0x811c9dc5): number {
  let h = basis;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
