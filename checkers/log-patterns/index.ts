/**
 * log-patterns, as Jepsen's `log-file-pattern` but over log texts handed in as data (the checker
 * does no I/O): any line matching a crash pattern — a Redis crash banner or bug report, an
 * assertion, a panic, a fatal Node error — or a replication pattern that means the replication
 * stream went wrong (a protocol error on the master link, an error sent back to the master, a PSYNC
 * offset past the master's) makes the run invalid, for redis-server and our server alike; so does a
 * replica doing more full resyncs than the run's faults explain (a resync loop).
 */
import { faultIntervals } from '../faults.js';
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
  /** Full resyncs a node may do beyond one per fault of the run. Default 2 (the first sync, one spare). */
  extraFullResyncs?: number;
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
  // Replication gone wrong. redis-server logs a master link's protocol error at WARNING with the
  // client's flags (M = master); ours says "from MASTER".
  { name: 'master-protocol-error', regex: /Protocol error.*(?:from MASTER|from client: .*\bflags=[A-Za-z]*M)/ },
  { name: 'error-to-master', regex: /== CRITICAL == This (?:replica|master) is sending an error to its/ },
  { name: 'psync-offset-ahead', regex: /tried to PSYNC with an offset that is greater than the master replication offset/ },
  { name: 'unexpected-psync-reply', regex: /Unexpected reply to PSYNC from master/ },
];

/** A replica starting a full resync (redis-server and ours log the same line). */
const FULL_RESYNC = /Full resync from master: /;
const PARTIAL_RESYNC = /Master accepted a Partial Resynchronization|Successful partial resynchronization with master/;

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
  /** Resyncs per node (replica side): what the run exercised, and the loop check's input. */
  resyncs: Record<string, { full: number; partial: number }>;
  /** Full resyncs a node could do before it counts as a loop (faults of the run + extraFullResyncs). */
  fullResyncLimit: number;
}

export function checkLogPatterns(history: History, opts: LogPatternsOptions = {}): LogPatternsResult {
  const logs: LogText[] = Array.isArray(opts.logs) ? opts.logs : opts.logs ? Object.entries(opts.logs).map(([node, text]) => ({ node, text })) : [];
  const patterns = opts.patterns ?? DEFAULT_LOG_PATTERNS;
  const max = opts.maxMatches ?? 1000;
  const sorted = [...logs].sort((a, b) =>
    a.node !== b.node ? (a.node < b.node ? -1 : 1) : (a.file ?? 'log') < (b.file ?? 'log') ? -1 : (a.file ?? 'log') > (b.file ?? 'log') ? 1 : 0,
  );
  const matches: LogMatch[] = [];
  const byPattern: Record<string, number> = {};
  let count = 0;
  const resyncs: LogPatternsResult['resyncs'] = {};
  const fullResyncLimit = faultIntervals(history).filter((f) => f.kind !== 'final-heal').length + (opts.extraFullResyncs ?? 2);
  const record = (m: LogMatch): void => {
    count++;
    byPattern[m.pattern] = (byPattern[m.pattern] ?? 0) + 1;
    if (matches.length < max) matches.push(m);
  };
  for (const log of sorted) {
    const lines = log.text.split('\n');
    const r = (resyncs[log.node] ??= { full: 0, partial: 0 });
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (PARTIAL_RESYNC.test(line)) r.partial++;
      if (FULL_RESYNC.test(line) && ++r.full === fullResyncLimit + 1) {
        record({
          node: log.node,
          file: log.file ?? 'log',
          line: i + 1,
          pattern: 'full-resync-loop',
          text: `${fullResyncLimit + 1}th full resync: ${line.slice(0, 240).trimEnd()}`,
        });
      }
      const p = patterns.find((pt) => ((pt.regex.lastIndex = 0), pt.regex.test(line))); // /g regexes keep state
      if (!p) continue;
      record({ node: log.node, file: log.file ?? 'log', line: i + 1, pattern: p.name, text: line.slice(0, 300).trimEnd() });
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
    resyncs,
    fullResyncLimit,
  };
}

export const logPatternsChecker: Checker<LogPatternsResult, LogPatternsOptions> = {
  name: 'log-patterns',
  check: (history, opts) => checkLogPatterns(history, opts),
};
