/**
 * Redis's stringmatchlen: glob-style matching with * ? [abc] [^a] [a-z] and \ escapes, byte for
 * byte as Redis 7.0 (latin1 strings: one char per byte; nocase folds ASCII letters only).
 *
 * Bounded (CVE-2022-36021): when the rest of the pattern after a '*' matches at no position of
 * the rest of the string, no earlier '*' can help by matching longer, so the whole match fails
 * at once (Redis's skipLongerMatches). That makes a match O(pattern × string) instead of
 * exponential; the '*' nesting is limited to 1000 as in later Redis versions (no deep recursion).
 */

const MAX_NESTING = 1000;

/** C's tolower in the C locale: ASCII letters only. */
function lower(ch: number): number {
  return ch >= 65 && ch <= 90 ? ch + 32 : ch;
}

interface State {
  /** Set once a '*' found no match anywhere: every enclosing '*' gives up too. */
  skipLongerMatches: boolean;
}

function matchImpl(p: string, pi: number, s: string, si: number, nocase: boolean, st: State, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 42: {
        // '*'
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === plen) return true;
        while (si < slen) {
          if (matchImpl(p, pi + 1, s, si, nocase, st, nesting + 1)) return true;
          if (st.skipLongerMatches) return false;
          si++;
        }
        st.skipLongerMatches = true;
        return false;
      }
      case 63: // '?'
        si++;
        break;
      case 91: {
        // '['
        pi++;
        const not = pi < plen && p.charCodeAt(pi) === 94; // '^'
        if (not) pi++;
        let matched = false;
        const sc = s.charCodeAt(si);
        for (;;) {
          if (pi < plen && p.charCodeAt(pi) === 92 && plen - pi >= 2) {
            // '\x': x literally (compared as is, even with nocase, as Redis)
            pi++;
            if (p.charCodeAt(pi) === sc) matched = true;
          } else if (pi < plen && p.charCodeAt(pi) === 93) {
            // ']'
            break;
          } else if (pi >= plen) {
            pi--; // a missing ']' ends the class here
            break;
          } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === 45) {
            // 'a-z'
            let start = p.charCodeAt(pi);
            let end = p.charCodeAt(pi + 2);
            let c = sc;
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              c = lower(c);
            }
            pi += 2;
            if (c >= start && c <= end) matched = true;
          } else if (nocase ? lower(p.charCodeAt(pi)) === lower(sc) : p.charCodeAt(pi) === sc) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        si++;
        break;
      }
      default: {
        if (pc === 92 && plen - pi >= 2) pi++; // '\': the next char literally
        const a = p.charCodeAt(pi);
        const b = s.charCodeAt(si);
        if (nocase ? lower(a) !== lower(b) : a !== b) return false;
        si++;
        break;
      }
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}

/** Whether `str` matches the glob `pattern` (Redis's stringmatchlen). */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  return matchImpl(pattern, 0, str, 0, nocase, { skipLongerMatches: false }, 0);
}
