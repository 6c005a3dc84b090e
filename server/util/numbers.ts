/** Number parsing and formatting with Redis's exact rules (string2ll, strtod, %.17g). */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Redis's string2ll: optional '-', digits, no leading zeros, no spaces, no '+', within int64.
 * Returns a Number (exact up to 2^53; beyond that use parseInt64 for arithmetic).
 */
export function parseLL(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  const neg = s.charCodeAt(0) === 45;
  if (neg) {
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (v > 9007199254740991) {
    const b = BigInt(s);
    if (b > INT64_MAX || b < INT64_MIN) return null;
  }
  return neg ? -v : v;
}

/** string2ll as an exact bigint (values beyond 2^53: config bounds, int64 arithmetic). */
export function parseInt64(s: string): bigint | null {
  return parseLL(s) === null ? null : BigInt(s);
}

/**
 * Redis's string2ld/strtod as used by getDoubleFromObject: the whole string must parse, no
 * leading space, NaN refused, "inf"/"-inf"/"+inf" accepted (case-insensitive).
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  // strtod accepts hex floats too; Redis users never rely on that, so we accept only decimal forms.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const v = Number(s);
  if (Number.isNaN(v)) return null;
  return v;
}

/** C's printf("%.17g", d), as Redis 7.0 uses for double replies (ZSCORE, ZINCRBY ...). */
export function fmt17g(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(d)));
  // %g uses scientific notation when exp < -4 or exp >= precision.
  let s = d.toExponential(16); // 17 significant digits
  const m = /^(-?)(\d)\.(\d+)e([+-]\d+)$/.exec(s)!;
  const e = parseInt(m[4]!, 10);
  void exp;
  if (e < -4 || e >= 17) {
    let mant = m[2]! + '.' + m[3]!;
    mant = mant.replace(/\.?0+$/, '');
    const es = Math.abs(e) < 10 ? '0' + Math.abs(e) : String(Math.abs(e));
    return `${m[1]}${mant}e${e < 0 ? '-' : '+'}${es}`;
  }
  s = d.toFixed(Math.max(0, 16 - e));
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s;
}

/**
 * Redis's human-friendly long double formatting (INCRBYFLOAT, HINCRBYFLOAT): fixed notation,
 * trailing zeros removed. Redis computes in long double; the shortest round-trip form of the
 * double is what that prints for the decimal inputs people use.
 */
export function fmtHumanDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  let s = String(d);
  if (s.includes('e')) {
    s = d.toFixed(17);
    if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  if (s === '-0') s = '0';
  return s;
}
