/**
 * `splitbrain compare RUN_A RUN_B`: the same scenario on two systems side by side (one HTML page).
 * Exit 0 when written, 3 when a run directory cannot be read.
 */
import { Command } from 'commander';

export function compareCommand(): Command {
  return new Command('compare')
    .description('one page with two runs of the same scenario side by side (e.g. our server and redis-server), differences called out')
    .argument('<run A>', 'run directory (store/<scenario>/<timestamp>)')
    .argument('<run B>', 'run directory')
    .option('--out <file>', 'where to write the page (default: compare.html in run A)')
    .action(async (a: string, b: string, opts: { out?: string }) => {
      const { writeComparePage } = await import('../../../reports/compare.js');
      try {
        process.stdout.write(`compare: ${await writeComparePage(a, b, opts.out)}\n`);
      } catch (e) {
        process.stderr.write(`splitbrain compare: ${(e as Error).message}\n`);
        process.exitCode = 3;
      }
    });
}
