/** The parsers of `suite`'s --seeds, --shard and --only (which entries of the matrix a run takes). */
import { InvalidArgumentError } from 'commander';

/** Shard `index` of `count` (1-based). */
export interface Shard {
  index: number;
  count: number;
}

/** "1-5", "6,7,8" or "3" → seeds. */
export function parseSeeds(v: string): number[] {
  const out: number[] = [];
  for (const part of v.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new InvalidArgumentError('must look like 1-5 or 1,2,3.');
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 10_000) throw new InvalidArgumentError('a range must go upwards (1-5).');
    for (let x = a; x <= b; x++) out.push(x);
  }
  return out;
}

export function parseShard(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('must look like i/n, e.g. 1/2.');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new InvalidArgumentError('needs 1 ≤ i ≤ n.');
  return { index, count };
}

/** `--only`: a regular expression over entry ids (`ts-cluster-set-kill#seed1#r0`). */
export function parseOnly(v: string): RegExp {
  try {
    return new RegExp(v);
  } catch (e) {
    throw new InvalidArgumentError(`not a regular expression: ${(e as Error).message}.`);
  }
}
