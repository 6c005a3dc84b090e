/**
 * `splitbrain gate --baseline <…> --current <…>`: regression gating between two suites (or runs),
 * per scenario over all its seeds (reports/gate.ts). Prints a table, writes gate.json and gate-junit.xml, exits 0 when nothing
 * regressed, 1 otherwise, 3 when an input cannot be read.
 */

import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type GateResult, gate, gateJUnit, gateTable } from '../../../reports/gate.js';

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
