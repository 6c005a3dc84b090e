import { fnv1a } from './hash.js';

/** The seeded random source workloads, generators and toxics draw from (an interface, so tests can script it). */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/**
 * The one seeded PRNG (xoshiro128**), so a run's op sequences, fault schedule and proxy jitter
 * follow from its seed. `fork(label)` derives an independent stream (per worker, the nemesis, each
 * proxy) so one stream's consumption does not shift another's: replays stay identical even when
 * timings differ.
 */
export class Prng implements Rng {
  private readonly s = new Uint32Array(4);
  private readonly seedValue: string;

  /** A number seed uses its low 32 bits; a string seed (what `fork` makes) is hashed whole. */
  constructor(seed: number | string) {
    let h = typeof seed === 'number' ? seed >>> 0 : fnv1a(seed) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32 spreads the seed over the state
      h = (h + 0x9e3779b9) >>> 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((x) => x === 0)) this.s[0] = 1;
    this.seedValue = String(seed);
  }

  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  pick<T>(arr: readonly T[]): T {
    return arr[this.int(arr.length)]!;
  }

  shuffle<T>(arr: readonly T[]): T[] {
    const a = [...arr];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }

  fork(label: string): Prng {
    return new Prng(`${this.seedValue}/${label}`);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
