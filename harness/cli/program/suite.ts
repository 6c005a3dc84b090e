/** `splitbrain suite`'s command line; the suite runner (commands/suite.ts) is imported when it starts. */
import { Command } from 'commander';
import { parseOnly, parseSeeds, parseShard, type Shard } from './suite-options.js';

export function suiteCommand(): Command {
  return new Command('suite')
    .description('run a matrix of scenarios (JSON or YAML suite file); writes a suite summary (HTML, JSON, JUnit)')
    .argument('<file>', 'suite file, e.g. harness/suites/nightly.json')
    .option('--shard <i/n>', 'run only shard i of n (shards together run every scenario once)', parseShard)
    .option('--store <dir>', 'where runs are stored', 'store')
    .option('--list', 'print the scenarios of the matrix (of this shard) and exit')
    .option(
      '--only <regex>',
      'run only the scenarios whose id matches, e.g. "cluster-lost-writes-partition-primary-with-clients#seed1" (see --list)',
      parseOnly,
    )
    .option('--seeds <list>', "replace every matrix's seeds, e.g. 1-5 or 6,7,8 (gate a change on other seeds than its baseline)", parseSeeds)
    .action(async (path: string, opts: { shard?: Shard; store: string; list?: boolean; seeds?: number[]; only?: RegExp }) => {
      const { expandMatrix, loadSuiteFile, runSuiteFile, selectEntries } = await import('../commands/suite.js');
      try {
        if (opts.list) {
          const f = loadSuiteFile(path);
          for (const e of selectEntries(expandMatrix(f, path, opts.seeds), opts.shard ?? null, opts.only ?? null))
            process.stdout.write(`${e.ordinal}\t${e.id}\n`);
          return;
        }
        const r = await runSuiteFile(path, {
          storeRoot: opts.store,
          shard: opts.shard ?? null,
          only: opts.only ?? null,
          ...(opts.seeds ? { seeds: opts.seeds } : {}),
          log: (l) => process.stderr.write(l + '\n'),
          progress: 'none',
        });
        const c = r.summary.counts;
        process.stderr.write(
          `\nsuite ${r.summary.suite}: ${c.valid} valid, ${c.invalid} invalid, ${c.unknown} unknown, ${c.crashed} crashed, ${c.skipped} skipped\nsummary: ${r.files.html}\njunit: ${r.files.junit}\nindex: ${r.index}\n`,
        );
        process.exitCode = r.summary.exitCode;
      } catch (e) {
        process.stderr.write(`splitbrain suite: ${(e as Error).message}\n`);
        process.exitCode = 3;
      }
    });
}
