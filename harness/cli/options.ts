import { InvalidArgumentError } from 'commander';

/** Commander argument parsers with precise errors ("must be a positive integer"). */
export function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return Number(v);
}

export function nonNegativeInt(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a non-negative integer.');
  return Number(v);
}

export function positiveNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

export function oneOf<T extends string>(values: readonly T[]): (v: string) => T {
  return (v: string) => {
    if (!values.includes(v as T)) throw new InvalidArgumentError(`must be one of: ${values.join(', ')}.`);
    return v as T;
  };
}
