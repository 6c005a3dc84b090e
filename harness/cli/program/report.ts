/**
 * `splitbrain report <run dir>`: (re)generate report.html, junit.xml and metrics.json of a stored
 * run (and the store's index.html). Exit code: the run's verdict, as Jepsen (0 valid, 1 invalid,
 * 2 unknown, 3 crashed), so `report` can stand in for `check` in scripts.
 */
import { Command } from 'commander';

export function reportCommand(): Command {
  return new Command('report')
    .description('(re)generate report.html, junit.xml and metrics.json of a stored run')
    .argument('<run dirs...>', 'run directories (store/<scenario>/<timestamp>)')
    .option('--no-index', 'do not regenerate the store index.html')
    .action(async (dirs: string[], opts: { index: boolean }) => {
      const { writeReport } = await import('../../../reports/report.js');
      let worst = 0;
      for (const dir of dirs) {
        try {
          const r = await writeReport(dir, opts.index ? {} : { storeIndex: false });
          process.stdout.write(`${r.dir}: ${r.verdict}\nreport: ${r.html}\njunit: ${r.junit}\n${r.index ? `index: ${r.index}\n` : ''}`);
          worst = Math.max(worst, r.exitCode === 2 && worst === 1 ? 1 : r.exitCode);
        } catch (e) {
          process.stderr.write(`splitbrain report: ${(e as Error).message}\n`);
          worst = Math.max(worst, 3);
        }
      }
      process.exitCode = worst;
    });
}
