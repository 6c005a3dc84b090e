/**
 * Checkers by name, for `splitbrain check --checker <name>` and run configs. Each checker lives in
 * checkers/<name>/ and is registered here.
 */
import type { Checker } from './history/types.js';
import { linearizableChecker } from './linearizable/checker.js';

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
