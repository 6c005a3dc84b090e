/** `splitbrain check`'s command line; the check itself (commands/check.ts) is imported when it starts. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CheckCliOptions } from '../commands/check.js';
import { listing } from '../listings.js';
import { MAX_SECONDS } from '../options.js';

function seconds(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > MAX_SECONDS)
    throw new InvalidArgumentError(`expected a non-negative number of seconds no larger than ${MAX_SECONDS}`);
  return n;
}

export function checkCommand(): Command {
  return new Command('check')
    .description('check a stored history (history.jsonl, Jepsen EDN, or a Porcupine test log) or a run directory')
    .argument('<path>', 'history file, or run directory holding history.jsonl (and scenario.json)')
    .addOption(
      listing(
        new Option('--checker <name>'),
        'checkers',
        (names) => `checker to run (${names.join(', ')}); default: a run directory's own checkers, else linearizable`,
      ),
    )
    .addOption(
      listing(
        new Option('--model <name>'),
        'models',
        (names) => `model for the linearizable checker (${names.join(', ')}); default: from the format, scenario.json or the ops`,
      ),
    )
    .option('--consistency-models <list>', 'elle: comma-separated models the history must satisfy (default strict-serializable)')
    .option('--json', 'print the full result as JSON')
    .option('--time-limit <s>', 'give up after this many seconds (verdict unknown, exit 2)', seconds)
    .option('--update', "a run directory: rewrite its results.json and report with today's checkers")
    .action(async (path: string, opts: CheckCliOptions) => {
      const { runCheck } = await import('../commands/check.js');
      process.exitCode = await runCheck(path, opts);
    });
}
