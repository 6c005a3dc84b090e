/**
 * The brain's only source of randomness (election delay, ping target choice, new node ids). The
 * shell seeds it from crypto randomness; the simulator from its seed, so a seed replays exactly.
 */
export interface ClusterRng {
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

/** A small, fast seeded generator (sfc32 seeded through splitmix32): plenty for scheduling choices. */
export function seededRng(seed: number): ClusterRng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    int(n: number): number {
      return n <= 1 ? 0 : Math.floor((next() / 4294967296) * n);
    },
  };
}

/** 40 random lowercase hex characters: a new node id (getRandomHexChars). */
export function randomNodeName(rng: ClusterRng): string {
  const hex = '0123456789abcdef';
  let s = '';
  for (let i = 0; i < 40; i++) s += hex[rng.int(16)];
  return s;
}
