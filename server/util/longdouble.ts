/**
 * Exact emulation of the x87 80-bit `long double` arithmetic Redis uses for INCRBYFLOAT and
 * HINCRBYFLOAT: strtold (correctly rounded to a 64-bit mantissa), one addition, and the
 * "%.17Lf, trailing zeros removed" formatting. Doubles would print 0.1+0.2 as
 * 0.30000000000000004 where Redis prints 0.3, and 100000.1 as 100000.1 where Redis prints
 * 100000.10000000000000142; BigInt arithmetic reproduces Redis digit for digit.
 */

/** A finite value: (-1)^neg × mant × 2^exp, mant < 2^64 (0n for zero); or an infinity. */
export interface LongDouble {
  neg: boolean;
  mant: bigint;
  exp: number;
  inf?: boolean;
}

const MANT_BITS = 64;
/** Largest binary exponent of the leading bit (x87: 16383), smallest normal one (-16382). */
const MAX_EXP = 16383;
const MIN_EXP = -16445; // smallest subnormal; below it a non-zero input underflows (ERANGE)
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Round num/den × 2^exp2 to a 64-bit mantissa (round half to even). num, den > 0. */
function roundRatio(neg: boolean, num: bigint, den: bigint, exp2: number): LongDouble {
  // Scale so the quotient has at least MANT_BITS + 2 bits, then round with a sticky remainder.
  const shift = MANT_BITS + 2 - (bitLength(num) - bitLength(den));
  let q: bigint;
  let r: bigint;
  if (shift > 0) {
    q = (num << BigInt(shift)) / den;
    r = (num << BigInt(shift)) % den;
  } else {
    q = num / den;
    r = num % den;
  }
  let e = exp2 - Math.max(shift, 0);
  const extra = bitLength(q) - MANT_BITS;
  if (extra > 0) {
    const b = BigInt(extra);
    const dropped = q & ((1n << b) - 1n);
    q >>= b;
    e += extra;
    const half = 1n << (b - 1n);
    if (dropped > half || (dropped === half && (r !== 0n || (q & 1n) === 1n))) {
      q += 1n;
      if (bitLength(q) > MANT_BITS) {
        q >>= 1n;
        e += 1;
      }
    }
  }
  return { neg, mant: q, exp: e };
}

function checkRange(v: LongDouble): LongDouble | null {
  if (v.mant === 0n || v.inf) return v;
  const top = v.exp + bitLength(v.mant) - 1;
  if (top > MAX_EXP) return null;
  if (top < MIN_EXP) return null;
  return v;
}

function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/**
 * Redis's string2ld: the whole string must be a strtold number (decimal or hex, inf), no leading
 * space, no NaN, no overflow/underflow. Returns null when invalid.
 */
export function parseLongDouble(s: string): LongDouble | null {
  const n = s.length;
  if (n === 0 || n >= MAX_LONG_DOUBLE_CHARS) return null;
  if (isSpace(s.charCodeAt(0))) return null;
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    i = 1;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return { neg, mant: 0n, exp: 0, inf: true };
  if (rest.startsWith('0x')) return parseHex(neg, rest.slice(2));
  // Decimal: digits [. digits] [e [+-] digits]
  let digits = '';
  let fracDigits = 0;
  let j = 0;
  let sawDigit = false;
  while (j < rest.length && rest.charCodeAt(j) >= 48 && rest.charCodeAt(j) <= 57) {
    digits += rest[j];
    j++;
    sawDigit = true;
  }
  if (rest[j] === '.') {
    j++;
    while (j < rest.length && rest.charCodeAt(j) >= 48 && rest.charCodeAt(j) <= 57) {
      digits += rest[j];
      fracDigits++;
      j++;
      sawDigit = true;
    }
  }
  if (!sawDigit) return null;
  let exp10 = 0;
  if (rest[j] === 'e') {
    let k = j + 1;
    let eneg = false;
    if (rest[k] === '+' || rest[k] === '-') {
      eneg = rest[k] === '-';
      k++;
    }
    const st = k;
    while (k < rest.length && rest.charCodeAt(k) >= 48 && rest.charCodeAt(k) <= 57) k++;
    if (k === st) return null; // "1e" leaves "e" unparsed
    // Cap absurd exponents: the result over/underflows either way.
    const ev = Math.min(Number(rest.slice(st, k)), 1e6);
    exp10 = eneg ? -ev : ev;
    j = k;
  }
  if (j !== rest.length) return null;
  const D = BigInt(digits);
  if (D === 0n) return { neg, mant: 0n, exp: 0 };
  const E = exp10 - fracDigits;
  // Bound the work: anything this far out is an overflow or underflow for long double.
  const mag = digits.replace(/^0+/, '').length + E;
  if (mag > 4940) return null;
  if (mag < -4960) return null;
  let v: LongDouble;
  if (E >= 0) v = roundRatio(neg, D * 10n ** BigInt(E), 1n, 0);
  else v = roundRatio(neg, D, 10n ** BigInt(-E), 0);
  return checkRange(v);
}

function parseHex(neg: boolean, s: string): LongDouble | null {
  let j = 0;
  let m = 0n;
  let fracBits = 0;
  let saw = false;
  const hexv = (ch: string) => '0123456789abcdef'.indexOf(ch);
  while (j < s.length && hexv(s[j]!) >= 0) {
    m = m * 16n + BigInt(hexv(s[j]!));
    j++;
    saw = true;
  }
  if (s[j] === '.') {
    j++;
    while (j < s.length && hexv(s[j]!) >= 0) {
      m = m * 16n + BigInt(hexv(s[j]!));
      fracBits += 4;
      j++;
      saw = true;
    }
  }
  if (!saw) return null; // strtold would parse just the "0" and stop at "x"
  let e2 = 0;
  if (s[j] === 'p') {
    let k = j + 1;
    let eneg = false;
    if (s[k] === '+' || s[k] === '-') {
      eneg = s[k] === '-';
      k++;
    }
    const st = k;
    while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
    if (k === st) return null;
    const ev = Math.min(Number(s.slice(st, k)), 1e6);
    e2 = eneg ? -ev : ev;
    j = k;
  }
  if (j !== s.length) return null;
  if (m === 0n) return { neg, mant: 0n, exp: 0 };
  return checkRange(roundRatio(neg, m, 1n, e2 - fracBits));
}

/** a + b rounded to long double; null for an infinite or NaN result. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) return null; // inf + x is inf, inf - inf is NaN: both refused by Redis
  if (a.mant === 0n && b.mant === 0n) return { neg: a.neg && b.neg, mant: 0n, exp: 0 };
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const sa = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - e);
  const sb = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - e);
  const sum = sa + sb;
  if (sum === 0n) return { neg: false, mant: 0n, exp: 0 };
  const neg = sum < 0n;
  const v = roundRatio(neg, neg ? -sum : sum, 1n, e);
  return checkRange(v);
}

/** Redis's ld2string(..., LD_STR_HUMAN): "%.17Lf", trailing zeros and '.' removed, "-0" → "0". */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.inf) return v.neg ? '-inf' : 'inf';
  const P = 10n ** 17n;
  let X: bigint;
  if (v.exp >= 0) X = (v.mant << BigInt(v.exp)) * P;
  else {
    const num = v.mant * P;
    const den = 1n << BigInt(-v.exp);
    X = num / den;
    const r = num % den;
    const twice = r * 2n;
    if (twice > den || (twice === den && (X & 1n) === 1n)) X += 1n;
  }
  const intPart = (X / P).toString();
  let frac = (X % P).toString().padStart(17, '0');
  frac = frac.replace(/0+$/, '');
  let s = frac.length > 0 ? intPart + '.' + frac : intPart;
  if (v.neg) s = '-' + s;
  if (s === '-0') s = '0';
  return s;
}

/**
 * INCRBYFLOAT arithmetic on the stored string and the increment: the new string, or which
 * error Redis replies ('value' = not a valid float, 'nan' = NaN or Infinity result).
 */
export function incrByFloatString(current: string, incr: string): string | 'value' | 'nan' {
  const a = parseLongDouble(current);
  if (a === null) return 'value';
  const b = parseLongDouble(incr);
  if (b === null) return 'value';
  const r = addLongDouble(a, b);
  if (r === null) return 'nan';
  return formatLongDoubleHuman(r);
}
