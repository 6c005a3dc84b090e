/**
 * Seeded PRNG (sfc32) so that jitter, toxicity rolls and slicer cuts are reproducible from a
 * run's seed. Each proxy gets its own stream derived from (seed, proxy name), so the random
 * sequence of one proxy does not depend on the order in which proxies are created.
 */

export type Random = () => number;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A uniform float in [0, 1) per call. `seed` may be any safe integer. */
export function seededRandom(seed: number, stream: string): Random {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  const mix = splitmix32(lo ^ Math.imul(hi, 0x9e3779b1) ^ fnv1a(stream));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix() | 1;
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // sfc32 wants a few rounds before its output is well mixed.
  for (let i = 0; i < 12; i++) next();
  return () => next() / 0x1_0000_0000;
}

/** Integer in [0, n) like Go's rand.Intn / Int63n (n must be > 0). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}
