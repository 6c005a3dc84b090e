import { InvalidArgumentError } from 'commander';

/** Commander argument parsers with precise errors ("must be a positive integer"). */

/** An integer in [min, max], written in decimal digits (no sign unless min < 0, no exponent). */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  const what =
    max === Number.MAX_SAFE_INTEGER && min === 1
      ? 'a positive integer'
      : max === Number.MAX_SAFE_INTEGER && min === 0
        ? 'a non-negative integer'
        : `an integer in [${min}, ${max}]`;
  const digits = min < 0 ? /^-?\d+$/ : /^\d+$/;
  return (v: string) => {
    const n = Number(v);
    if (!digits.test(v) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be ${what}.`);
    return n;
  };
}

export const positiveInt = integer(1);
export const nonNegativeInt = integer(0);

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
