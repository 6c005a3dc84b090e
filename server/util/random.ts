/** n random lowercase hex digits (run ids, replication ids, EOF marks). */
export function randomHex(n: number): string {
  let s = '';
  while (s.length < n)
    s += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, n);
}

/** A uniform integer in [0, n). */
export function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}
