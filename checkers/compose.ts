/**
 * Composition of checkers, as Jepsen's `checker/compose`: run each checker on the same history and
 * return a map of their results plus a top-level `valid` where false > 'unknown' > true.
 */
import type { Checker, CheckerResult, History, Validity } from './history/types.js';

const PRIORITY: Record<string, number> = { true: 0, unknown: 0.5, false: 1 };

function priority(v: Validity): number {
  const p = PRIORITY[String(v)];
  if (p === undefined) throw new TypeError(`${JSON.stringify(v)} is not a known valid value`);
  return p;
}

/** Merges validities, yielding the most significant one (true for none, as Jepsen). */
export function mergeValid(valids: Iterable<Validity>): Validity {
  let out: Validity = true;
  for (const v of valids) if (priority(v) > priority(out)) out = v;
  return out;
}

/** Jepsen's shape: each checker's result under its name (in the order given) beside `valid`. */
export interface ComposedResult extends CheckerResult {
  [name: string]: CheckerResult | Validity;
}

/** Per-checker options, by the name under which the checker was composed. */
export type ComposeOptions = Record<string, unknown>;

/**
 * Runs a checker, turning a thrown error into `{valid: 'unknown', error}` as Jepsen's `check-safe`
 * does: one broken checker must not hide the others' verdicts.
 */
export async function checkSafe(checker: Checker, history: History, opts?: unknown): Promise<CheckerResult> {
  try {
    return await checker.check(history, opts);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { valid: 'unknown', error: `${err.name}: ${err.message}` };
  }
}

/**
 * A checker running `checkers` in sequence (they are CPU-bound and pure, so parallelism would not
 * help on one thread) under their names.
 */
export function compose(checkers: Record<string, Checker>, name = 'compose'): Checker<ComposedResult, ComposeOptions> {
  const entries = Object.entries(checkers);
  if ('valid' in checkers) throw new Error('compose: a checker may not be named "valid"');
  return {
    name,
    async check(history: History, opts?: ComposeOptions): Promise<ComposedResult> {
      const results: Record<string, CheckerResult> = {};
      for (const [k, c] of entries) results[k] = await checkSafe(c, history, opts?.[k]);
      return { valid: mergeValid(Object.values(results).map((r) => r.valid)), ...results };
    },
  };
}
