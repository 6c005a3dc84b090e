/**
 * log-patterns, as Jepsen's `log-file-pattern` but over log texts handed in as data (the checker
 * does no I/O): any line matching a crash pattern — a Redis crash banner or bug report, an
 * assertion, a panic, a fatal Node error — makes the run invalid.
 */
import type { Checker, CheckerResult, History, Validity } from '../history/types.js';

export interface LogText {
  node: string;
  /** File name within the node's directory, for the report. Default "log". */
  file?: string;
  text: string;
}

export interface LogPattern {
  name: string;
  regex: RegExp;
}

export interface LogPatternsOptions {
  /** Node logs; without them the verdict is 'unknown'. A record maps node → text. */
  logs?: LogText[] | Record<string, string>;
  /** Replaces the default patterns. */
  patterns?: LogPattern[];
  /** Matches listed in full (all are counted). Default 1000. */
  maxMatches?: number;
}

export const DEFAULT_LOG_PATTERNS: readonly LogPattern[] = [
  { name: 'redis-bug-report', regex: /=== REDIS BUG REPORT/ },
  { name: 'redis-crash', regex: /#\s*Redis\b.*\bcrashed\b/ },
  { name: 'assertion', regex: /ASSERTION FAILED|Assertion failed|AssertionError|assertion failed/ },
  { name: 'guru-meditation', regex: /Guru Meditation/ },
  { name: 'panic', regex: /\bpanic(?:ked)?\b/i },
  { name: 'segfault', regex: /Segmentation fault|SIGSEGV|core dumped/ },
  { name: 'node-fatal', regex: /FATAL ERROR:|JavaScript heap out of memory|Uncaught (?:exception|\w*Error)|UnhandledPromiseRejection/ },
  { name: 'crash', regex: /\bcrashed\b/i },
];

export interface LogMatch {
  node: string;
  file: string;
  /** 1-based. */
  line: number;
  pattern: string;
  text: string;
}

export interface LogPatternsResult extends CheckerResult {
  valid: Validity;
  count: number;
  /** pattern name → matches. */
  byPattern: Record<string, number>;
  matches: LogMatch[];
  filesScanned: number;
}

export function checkLogPatterns(_history: History, opts: LogPatternsOptions = {}): LogPatternsResult {
  const logs: LogText[] = Array.isArray(opts.logs) ? opts.logs : opts.logs ? Object.entries(opts.logs).map(([node, text]) => ({ node, text })) : [];
  const patterns = opts.patterns ?? DEFAULT_LOG_PATTERNS;
  const max = opts.maxMatches ?? 1000;
  const sorted = [...logs].sort((a, b) =>
    a.node !== b.node ? (a.node < b.node ? -1 : 1) : (a.file ?? 'log') < (b.file ?? 'log') ? -1 : (a.file ?? 'log') > (b.file ?? 'log') ? 1 : 0,
  );
  const matches: LogMatch[] = [];
  const byPattern: Record<string, number> = {};
  let count = 0;
  for (const log of sorted) {
    const lines = log.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const p = patterns.find((pt) => ((pt.regex.lastIndex = 0), pt.regex.test(line))); // /g regexes keep state
      if (!p) continue;
      count++;
      byPattern[p.name] = (byPattern[p.name] ?? 0) + 1;
      if (matches.length < max) {
        matches.push({ node: log.node, file: log.file ?? 'log', line: i + 1, pattern: p.name, text: line.slice(0, 300).trimEnd() });
      }
    }
  }
  const ordered: Record<string, number> = {};
  for (const k of Object.keys(byPattern).sort()) ordered[k] = byPattern[k]!;
  return {
    valid: logs.length === 0 ? 'unknown' : count === 0,
    count,
    byPattern: ordered,
    matches,
    filesScanned: logs.length,
  };
}

export const logPatternsChecker: Checker<LogPatternsResult, LogPatternsOptions> = {
  name: 'log-patterns',
  check: (history, opts) => checkLogPatterns(history, opts),
};
