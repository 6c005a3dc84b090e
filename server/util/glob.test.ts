import { describe, expect, it } from 'vitest';
import { globMatch } from './glob.js';

/**
 * A reference for Redis's glob syntax, written independently of glob.ts: the pattern becomes
 * a JavaScript RegExp, each position an explicit set of the 256 latin1 chars it accepts
 * (so nocase folds ASCII letters only, as C's tolower). Redis's quirks are part of the syntax:
 * an unterminated '[' ends at the pattern's end, "[a-]" is a range up to ']', an escaped
 * class member is compared without case folding, and an empty string only matches an empty
 * pattern.
 */
function referenceMatch(pattern: string, str: string, nocase: boolean): boolean {
  if (str === '') return pattern === '';
  const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);
  const set = (pred: (c: number) => boolean): string => {
    let cls = '';
    for (let c = 0; c < 256; c++) if (pred(c)) cls += `\\x${c.toString(16).padStart(2, '0')}`;
    return cls === '' ? '(?!)' : `[${cls}]`;
  };
  let re = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '*') {
      re += '[\\s\\S]*';
      i++;
    } else if (ch === '?') {
      re += '[\\s\\S]';
      i++;
    } else if (ch === '[') {
      i++;
      const not = pattern[i] === '^';
      if (not) i++;
      const members: ((c: number) => boolean)[] = [];
      for (;;) {
        if (i >= pattern.length) break;
        if (pattern[i] === '\\' && i + 1 < pattern.length) {
          const lit = pattern.charCodeAt(i + 1);
          members.push((c) => c === lit);
          i += 2;
        } else if (pattern[i] === ']') {
          i++;
          break;
        } else if (i + 2 < pattern.length && pattern[i + 1] === '-') {
          let a = pattern.charCodeAt(i);
          let b = pattern.charCodeAt(i + 2);
          if (a > b) [a, b] = [b, a];
          if (nocase) [a, b] = [fold(a), fold(b)];
          const [lo, hi] = [a, b];
          members.push((c) => (nocase ? fold(c) : c) >= lo && (nocase ? fold(c) : c) <= hi);
          i += 3;
        } else {
          const lit = pattern.charCodeAt(i);
          members.push((c) => (nocase ? fold(c) === fold(lit) : c === lit));
          i++;
        }
      }
      re += set((c) => members.some((m) => m(c)) !== not);
    } else {
      if (ch === '\\' && i + 1 < pattern.length) i++;
      const lit = pattern.charCodeAt(i);
      re += set((c) => (nocase ? fold(c) === fold(lit) : c === lit));
      i++;
    }
  }
  return new RegExp(`^${re}$`).test(str);
}

/** A seeded PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('globMatch (Redis stringmatchlen)', () => {
  it('agrees with a regex reference on 50k random patterns and strings', () => {
    const next = rng(13);
    const pick = (alphabet: string, max: number): string => {
      const n = Math.floor(next() * (max + 1));
      let s = '';
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(next() * alphabet.length)]!;
      return s;
    };
    const P = 'abAB*?*[]^-\\\xe0\xc0';
    const S = 'abAB-]\\\xe0\xc0';
    for (let k = 0; k < 50_000; k++) {
      const p = pick(P, 8);
      const s = pick(S, 6);
      const nocase = next() < 0.3;
      const want = referenceMatch(p, s, nocase);
      if (globMatch(p, s, nocase) !== want) expect({ p, s, nocase, match: globMatch(p, s, nocase) }).toEqual({ p, s, nocase, match: want });
    }
  });

  it('classic cases', () => {
    expect(globMatch('h?llo', 'hello')).toBe(true);
    expect(globMatch('h*llo', 'heeeello')).toBe(true);
    expect(globMatch('h[ae]llo', 'hallo')).toBe(true);
    expect(globMatch('h[^e]llo', 'hello')).toBe(false);
    expect(globMatch('h[a-b]llo', 'hbllo')).toBe(true);
    expect(globMatch('h\\*llo', 'h*llo')).toBe(true);
    expect(globMatch('MAXMEMORY*', 'maxmemory-policy', true)).toBe(true);
    // Only ASCII letters fold (C locale): latin1 'À' and 'à' are different bytes.
    expect(globMatch('\xc0', '\xe0', true)).toBe(false);
    // Redis's quirk: an empty string matches no pattern but the empty one.
    expect(globMatch('*', '')).toBe(false);
    expect(globMatch('', '')).toBe(true);
  });

  it('is bounded on adversarial patterns (CVE-2022-36021)', () => {
    const key = 'a'.repeat(40);
    expect(globMatch(`${'a*'.repeat(20)}b`, key)).toBe(false);
    expect(globMatch(`${'*a'.repeat(5000)}b`, 'a'.repeat(10000))).toBe(false);
    // Deeper '*' nesting than the limit answers "no match" instead of overflowing the stack.
    expect(globMatch(`${'a*'.repeat(50_000)}`, 'a'.repeat(60_000))).toBe(false);
    expect(globMatch(`${'a*'.repeat(500)}`, 'a'.repeat(600))).toBe(true);
  });
});
