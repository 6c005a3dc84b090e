/** Redis's stringmatchlen: glob-style matching with * ? [abc] [^a] [a-z] and \ escapes. */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  if (pattern === '*') return true;
  return match(nocase ? pattern.toLowerCase() : pattern, 0, nocase ? str.toLowerCase() : str, 0, 0);
}

function match(p: string, pi: number, s: string, si: number, depth: number): boolean {
  // Bound recursion on adversarial patterns (Redis limits nesting the same way).
  if (depth > 1000) return false;
  while (pi < p.length && si <= s.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (pi + 1 < p.length && p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) {
        if (match(p, pi + 1, s, k, depth + 1)) return true;
      }
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      si++;
      pi++;
      continue;
    }
    if (c === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= p.length) {
          pi--; // Redis: a missing ']' is treated as the end of the class
          break;
        }
        if (p[pi] === '\\' && pi + 2 <= p.length - 1 + 1 && pi + 1 < p.length) {
          pi++;
          if (p[pi] === s[si]) matched = true;
        } else if (p[pi] === ']') {
          break;
        } else if (pi + 2 < p.length && p[pi + 1] === '-') {
          let a = p[pi]!;
          let b = p[pi + 2]!;
          if (a > b) [a, b] = [b, a];
          const ch = s[si]!;
          if (ch >= a && ch <= b) matched = true;
          pi += 2;
        } else if (p[pi] === s[si]) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
      pi++;
      continue;
    }
    if (c === '\\' && pi + 1 < p.length) pi++;
    if (p[pi] !== s[si]) return false;
    si++;
    pi++;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length && si === s.length;
}
