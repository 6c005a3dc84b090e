/** `splitbrain gate`'s command line; the gate itself (commands/gate.ts) is imported when it starts. */
import { Command, InvalidArgumentError } from 'commander';
import type { GateCliOptions } from '../commands/gate.js';

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
      const { runGate } = await import('../commands/gate.js');
      const r = await runGate(o, { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') });
      process.exitCode = r.exitCode;
    });
}
