/**
 * JUnit XML, the format CI systems read: one <testcase> per checker of a run (and, for suites and
 * gates, per scenario / per check). Verdicts map as: valid → pass, invalid and unknown → <failure>
 * (unknown is not a pass: Jepsen exits 2), crashed → <error>. Failure texts carry the anomaly
 * sentences so that a CI page already says what was lost.
 */

import { explainAnomalies, summarizeChecker } from './explain.js';
import { type ResultsFile, type Verdict, validWord } from './types.js';

export interface JUnitCase {
  name: string;
  classname: string;
  timeS?: number;
  failure?: { type: string; message: string; text: string };
  error?: { type: string; message: string; text: string };
  skipped?: string;
  systemOut?: string;
}

export interface JUnitSuite {
  name: string;
  timestamp?: string;
  timeS?: number;
  properties?: Record<string, string>;
  cases: JUnitCase[];
}

// XML 1.0 allows only these characters; history values may carry anything.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const MAX_TEXT = 16_000;
const cap = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}\n… (${s.length - MAX_TEXT} more characters)` : s);

function renderCase(c: JUnitCase): string {
  const attrs = `name="${xmlEscape(c.name)}" classname="${xmlEscape(c.classname)}" time="${(c.timeS ?? 0).toFixed(3)}"`;
  const body: string[] = [];
  if (c.failure)
    body.push(`<failure type="${xmlEscape(c.failure.type)}" message="${xmlEscape(c.failure.message)}">${xmlEscape(cap(c.failure.text))}</failure>`);
  if (c.error) body.push(`<error type="${xmlEscape(c.error.type)}" message="${xmlEscape(c.error.message)}">${xmlEscape(cap(c.error.text))}</error>`);
  if (c.skipped !== undefined) body.push(`<skipped message="${xmlEscape(c.skipped)}"/>`);
  if (c.systemOut) body.push(`<system-out>${xmlEscape(cap(c.systemOut))}</system-out>`);
  return body.length ? `    <testcase ${attrs}>\n      ${body.join('\n      ')}\n    </testcase>` : `    <testcase ${attrs}/>`;
}

export function renderJUnit(name: string, suites: JUnitSuite[]): string {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  let time = 0;
  const out: string[] = [];
  for (const s of suites) {
    const f = s.cases.filter((c) => c.failure).length;
    const e = s.cases.filter((c) => c.error).length;
    const k = s.cases.filter((c) => c.skipped !== undefined).length;
    const t = s.timeS ?? s.cases.reduce((a, c) => a + (c.timeS ?? 0), 0);
    tests += s.cases.length;
    failures += f;
    errors += e;
    skipped += k;
    time += t;
    const props =
      s.properties && Object.keys(s.properties).length
        ? `    <properties>\n${Object.entries(s.properties)
            .map(([pk, pv]) => `      <property name="${xmlEscape(pk)}" value="${xmlEscape(pv)}"/>`)
            .join('\n')}\n    </properties>\n`
        : '';
    out.push(
      `  <testsuite name="${xmlEscape(s.name)}" tests="${s.cases.length}" failures="${f}" errors="${e}" skipped="${k}" time="${t.toFixed(3)}"${s.timestamp ? ` timestamp="${xmlEscape(s.timestamp)}"` : ''}>\n${props}${s.cases.map(renderCase).join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEscape(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">\n${out.join('\n')}\n</testsuites>\n`;
}

/** A run as a test suite: one case per checker; a crashed run is one erroring case. */
export function runSuite(opts: {
  name: string;
  timestamp?: string;
  verdict: Verdict;
  results: ResultsFile | null;
  error: string | null;
  durationS?: number | null;
  properties?: Record<string, string>;
}): JUnitSuite {
  const classname = `splitbrain.${opts.name}`;
  const cases: JUnitCase[] = [];
  if (opts.verdict === 'crashed' || !opts.results) {
    const first = (opts.error ?? 'no results.json').split('\n').find((l) => l.trim()) ?? 'crashed';
    cases.push({
      name: 'run',
      classname,
      error: { type: 'crashed', message: `the run crashed: ${first.trim()}`, text: opts.error ?? 'no results.json: the run never checked its history' },
    });
  } else {
    const { anomalies } = explainAnomalies(opts.results);
    for (const [checker, r] of Object.entries(opts.results.checkers)) {
      const word = validWord(r.valid);
      const c: JUnitCase = { name: checker, classname };
      const summary = summarizeChecker(checker, r);
      if (word === 'valid') c.systemOut = summary;
      else {
        const mine = anomalies.filter((a) => a.checker === checker);
        const real = mine.filter((a) => !a.expected);
        const lines = (real.length ? real : mine).slice(0, 100).map((a) => `- [${a.kind}] ${a.message}${a.ops.length ? ` (ops ${a.ops.join(', ')})` : ''}`);
        c.failure = { type: word, message: `${checker}: ${word}: ${summary}`, text: [summary, ...lines].join('\n') };
      }
      cases.push(c);
    }
  }
  return {
    name: opts.name,
    // JUnit's timestamp is an ISO 8601 date-time without zone designator.
    ...(opts.timestamp ? { timestamp: opts.timestamp.replace(/(\.\d+)?Z$/, '') } : {}),
    ...(opts.durationS ? { timeS: opts.durationS } : {}),
    properties: { verdict: opts.verdict, ...(opts.properties ?? {}) },
    cases,
  };
}
