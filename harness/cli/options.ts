import { InvalidArgumentError } from 'commander';

/** Commander argument parsers with precise errors ("must be an integer in [1, 604800]"). */

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

export function positiveNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

/** A positive number no larger than max (seconds, ms: a limit keeps timers and schedules sane). */
export function positiveNumberUpTo(max: number): (v: string) => number {
  return (v: string) => {
    const n = positiveNumber(v);
    if (n > max) throw new InvalidArgumentError(`must be a positive number no larger than ${max}.`);
    return n;
  };
}

/** A week, in seconds: the longest run, interval or fault a flag accepts. */
export const MAX_SECONDS = 7 * 24 * 3600;
/** An hour, in ms: the longest per-operation, WAIT or cluster node timeout a flag accepts. */
export const MAX_TIMEOUT_MS = 3600 * 1000;

export function oneOf<T extends string>(values: readonly T[]): (v: string) => T {
  return (v: string) => {
    if (!values.includes(v as T)) throw new InvalidArgumentError(`must be one of: ${values.join(', ')}.`);
    return v as T;
  };
}
