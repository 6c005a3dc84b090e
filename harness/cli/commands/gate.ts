/**
 * `splitbrain gate --baseline <…> --current <…>`: regression gating between two suites (or runs),
 * per scenario over all its seeds (reports/gate.ts). Prints a table, writes gate.json and gate-junit.xml, exits 0 when nothing
 * regressed, 1 otherwise, 3 when an input cannot be read.
 */

import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { type GateResult, gate, gateJUnit, gateTable } from '../../../reports/gate.js';

/** Tolerances: lost writes or milliseconds, non-negative and below a bound that still means something. */
function nonNegative(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1e9) throw new InvalidArgumentError('must be a non-negative number no larger than 1e9.');
  return n;
}

function confidence(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('must be between 0 and 1, e.g. 0.95.');
  return n;
}

export interface GateCliOptions {
  baseline: string[];
  current: string[];
  tolerance: number;
  timeTolerance: number;
  confidence?: number;
  out?: string;
  json?: boolean;
}

export interface GateOutcome {
  exitCode: number;
  result: GateResult | null;
  files: { json: string; junit: string } | null;
}

/** Where gate.json goes by default: the current run (or suite) directory. */
function defaultOut(current: string[]): string {
  const c = resolve(current[0]!);
  try {
    return statSync(c).isDirectory() ? c : dirname(c);
  } catch {
    return process.cwd();
  }
}

export async function runGate(o: GateCliOptions, io: { out(s: string): void; err(s: string): void }): Promise<GateOutcome> {
  let result: GateResult;
  try {
    result = await gate(o.baseline, o.current, { tolerance: o.tolerance, timeToleranceMs: o.timeTolerance, confidence: o.confidence ?? 0.95 });
  } catch (e) {
    io.err(`splitbrain gate: ${(e as Error).message}`);
    return { exitCode: 3, result: null, files: null };
  }
  const out = o.out ? resolve(o.out) : defaultOut(o.current);
  mkdirSync(out, { recursive: true });
  const files = { json: join(out, 'gate.json'), junit: join(out, 'gate-junit.xml') };
  writeFileSync(files.json, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(files.junit, gateJUnit(result));
  io.out(o.json ? JSON.stringify(result, null, 2) : gateTable(result));
  io.err(`gate: ${files.json}\njunit: ${files.junit}`);
  return { exitCode: result.regressed ? 1 : 0, result, files };
}

export function gateCommand(): Command {
  return new Command('gate')
    .description('compare runs or suites with a baseline; exit 1 when anything regressed')
    .requiredOption('--baseline <paths...>', 'baseline: results.json, run directory or suite directory (several: shards)')
    .requiredOption('--current <paths...>', 'current: results.json, run directory or suite directory (several: shards)')
    .option('--tolerance <n>', 'a significantly higher loss rate must exceed this (per 1000 acknowledged writes) to regress', nonNegative, 0)
    .option('--time-tolerance <ms>', 'a significantly longer failover / unavailability must exceed this to regress', nonNegative, 1000)
    .option('--confidence <c>', 'family-wise confidence of the statistical tests (Holm)', confidence, 0.95)
    .option('--out <dir>', 'where to write gate.json and gate-junit.xml (default: the current run or suite dir)')
    .option('--json', 'print gate.json instead of the table')
    .action(async (o: GateCliOptions) => {
      const r = await runGate(o, { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') });
      process.exitCode = r.exitCode;
    });
}
