import type { Command } from 'commander';

/** sysexits.h EX_USAGE: the command line was wrong; nothing started. */
export const EXIT_USAGE = 64;

/**
 * Every usage error of the program and of each subcommand exits 64, never 1/2 (verdicts) or 3
 * (a run that failed). Commander's `addCommand` does not pass exitOverride on to subcommands,
 * so it is set on each one here, after they are all added.
 */
export function usageErrorsExit64(cmd: Command): void {
  cmd.showHelpAfterError().exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  });
  for (const sub of cmd.commands) usageErrorsExit64(sub);
}

/** A command-line value that is wrong in a way a parser cannot see alone (unknown workload, nemesis…): exit 64. */
export class UsageError extends Error {}
