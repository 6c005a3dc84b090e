/**
 * What the reports read from a run directory. reports/ may not import harness/, so the stored
 * files are described here as data (the harness writes them; reports/schema/ holds the schemas).
 */
import type { AckKind, CheckerResult, Validity } from '../checkers/history/types.js';

/** results.json (reports/schema/results.schema.json). */
export interface ResultsFile {
  version: number;
  valid: Validity;
  checkers: Record<string, CheckerResult>;
  opCount: number;
}

/** The fields of scenario.json the reports show; the harness writes more. */
export interface ScenarioInfo {
  name?: string;
  target?: string;
  topology?: { kind?: string; masters?: number; replicas?: number };
  topologyFile?: string;
  net?: string;
  workload?: string;
  nemesis?: string;
  seed?: number;
  timeLimitS?: number;
  concurrency?: number;
  rate?: number;
  nodeTimeoutMs?: number;
  serverArgs?: string[];
  versions?: Record<string, string>;
  nodes?: Array<{ name: string; host?: string; port?: number; role?: string; shard?: number; primary?: string }>;
  schedule?: unknown[];
  startedAt?: string;
  /** Wall-clock time of history time 0. */
  historyStartedAt?: string;
  replayOf?: string;
  [extra: string]: unknown;
}

/** A run's outcome in one word, with Jepsen's exit codes (0, 1, 2, 3+). */
export type Verdict = 'valid' | 'invalid' | 'unknown' | 'crashed';

export const EXIT_CODES: Record<Verdict, number> = { valid: 0, invalid: 1, unknown: 2, crashed: 3 };

/** A checker's or a history's validity in one word. */
export function validWord(v: Validity): Exclude<Verdict, 'crashed'> {
  return v === true ? 'valid' : v === false ? 'invalid' : 'unknown';
}

/** A run's verdict: crashed when it did not get as far as a validity. */
export function verdictOf(valid: Validity | undefined | null, crashed: boolean): Verdict {
  if (crashed || valid === undefined || valid === null) return 'crashed';
  return validWord(valid);
}

/** Exit code of a checked history (0 valid, 1 invalid, 2 unknown). */
export function exitCodeOf(valid: Validity): number {
  return EXIT_CODES[validWord(valid)];
}

/** The verdict an exit code stands for (3 and above: the run itself failed). */
export function verdictOfExitCode(code: number): Verdict {
  return code === 0 ? 'valid' : code === 1 ? 'invalid' : code === 2 ? 'unknown' : 'crashed';
}

export const ACK_KINDS: readonly AckKind[] = ['plain', 'wait', 'min-replicas'];
