/**
 * `splitbrain clean [--store dir]`: reap what runs whose harness died left behind (node processes,
 * iptables chains), from the records they keep in the store (harness/util/leftovers.ts). Every run
 * does this before it starts; this command does it alone.
 */
import { Command } from 'commander';

export function cleanCommand(): Command {
  return new Command('clean')
    .description('stop node processes and remove iptables chains left behind by runs whose harness died')
    .option('--store <dir>', 'the store directory', 'store')
    .action(async (o: { store: string }) => {
      const { reapLeftovers } = await import('../../util/leftovers.js');
      const done = await reapLeftovers(o.store);
      for (const l of done) process.stdout.write(`${l}\n`);
      process.stderr.write(done.length ? `splitbrain clean: ${done.length} leftover(s) reaped\n` : 'splitbrain clean: nothing left over\n');
    });
}
