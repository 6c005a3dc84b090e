/**
 * Checkers by name, for `splitbrain check --checker <name>` and run configs. Each checker lives in
 * checkers/<name>/ and is registered here.
 */

import { counterChecker } from './counter/index.js';
import { elleChecker } from './elle/checker.js';
import type { Checker } from './history/types.js';
import { linearizableChecker } from './linearizable/checker.js';
import { lockChecker } from './lock/index.js';
import { logPatternsChecker } from './log-patterns/index.js';
import { lostWritesChecker } from './lost-writes/index.js';
import { minReplicasChecker } from './min-replicas/index.js';
import { perfChecker } from './perf/index.js';
import { setFullChecker } from './set-full/index.js';
import { statsChecker } from './stats/index.js';
import { waitChecker } from './wait/index.js';

export const checkers = new Map<string, Checker>();

export function registerChecker(checker: Checker): void {
  if (checkers.has(checker.name)) throw new Error(`checker "${checker.name}" registered twice`);
  checkers.set(checker.name, checker);
}

export function getChecker(name: string): Checker {
  const c = checkers.get(name);
  if (c === undefined) throw new Error(`unknown checker "${name}" (known: ${[...checkers.keys()].join(', ')})`);
  return c;
}

registerChecker(linearizableChecker as Checker);
// Typed checkers widen to Checker: their options are optional and checked by each checker.
for (const c of [
  lostWritesChecker,
  setFullChecker,
  waitChecker,
  minReplicasChecker,
  counterChecker,
  statsChecker,
  perfChecker,
  logPatternsChecker,
  elleChecker,
  lockChecker,
] as Checker[]) {
  registerChecker(c);
}
