/**
 * stats, as Jepsen's `jepsen.checker/stats`: ok / fail / info counts of client completions, overall
 * and per f. Valid only if every f had at least one ok; otherwise 'unknown' — Jepsen's docstring says
 * so (its code yields false); 'unknown' is the honest verdict for "nothing succeeded", and a run with
 * no client completions at all is 'unknown' too.
 */

import { mergeValid } from '../compose.js';
import type { Checker, CheckerResult, History, Validity } from '../history/types.js';

export interface Counts {
  valid: Validity;
  count: number;
  okCount: number;
  failCount: number;
  infoCount: number;
}

export interface StatsResult extends CheckerResult, Counts {
  /** Per f, sorted by f. */
  byF: Record<string, Counts>;
}

function counts(ok: number, fail: number, info: number): Counts {
  return { valid: ok > 0 ? true : 'unknown', count: ok + fail + info, okCount: ok, failCount: fail, infoCount: info };
}

export function checkStats(history: History): StatsResult {
  const per = new Map<string, [number, number, number]>();
  let ok = 0;
  let fail = 0;
  let info = 0;
  for (const op of history) {
    if (op.process === 'nemesis' || op.type === 'invoke') continue;
    let c = per.get(op.f);
    if (!c) per.set(op.f, (c = [0, 0, 0]));
    if (op.type === 'ok') c[0]++, ok++;
    else if (op.type === 'fail') c[1]++, fail++;
    else c[2]++, info++;
  }
  const byF: Record<string, Counts> = {};
  for (const f of [...per.keys()].sort()) {
    const c = per.get(f)!;
    byF[f] = counts(c[0], c[1], c[2]);
  }
  const all = counts(ok, fail, info);
  const valid = per.size === 0 ? 'unknown' : mergeValid(Object.values(byF).map((c) => c.valid));
  return { ...all, valid, byF };
}

export const statsChecker: Checker<StatsResult> = {
  name: 'stats',
  check: (history) => checkStats(history),
};
