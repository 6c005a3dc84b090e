import { headline, summarizeChecker } from '../../../reports/explain.js';
import { validWord, verdictOf } from '../../../reports/types.js';
import type { RunResults } from '../../run/check.js';

/**
 * What `run` prints at the end: the verdict, the report's headline (the anomaly first, losses with
 * their classification), and each checker with its verdict and its one-line summary: lost writes
 * are counted and split into anomalous / expected by design here too, not only in the report.
 */
export function runSummaryLines(results: RunResults): string[] {
  const v = results.valid;
  const out = [`splitbrain: ${validWord(v).toUpperCase()}${v === false ? ': anomalies found' : ''}`];
  for (const l of headline(verdictOf(v, false), results, null)) out.push(`  ${l}`);
  for (const [name, r] of Object.entries(results.checkers)) {
    const verdict = r.valid === false ? 'INVALID' : validWord(r.valid);
    out.push(`  ${name.padEnd(14)} ${verdict.padEnd(7)} ${summarizeChecker(name, r)}`);
  }
  return out;
}
