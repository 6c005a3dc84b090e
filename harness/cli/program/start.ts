/** `splitbrain start` (`npm start`): `run` with the demo's defaults. */
import { Command } from 'commander';
import { DEFAULTS } from '../../run/scenario.js';
import { addRunOptions, type RunFlags } from './run.js';

// The demo run persists with AOF (everysec) so a killed master comes back with its data, as a
// production setup would; pass --server-arg to change it. lost-writes shows the documented loss
// window of a minority master (acknowledged, then lost: "expected by design").
const START_DEFAULTS: typeof DEFAULTS = {
  ...DEFAULTS,
  topology: { kind: 'cluster', masters: 3, replicas: 1 },
  workload: 'lost-writes',
  nemesis: 'partition-primary-with-clients,kill-primary',
  keys: 24,
  serverArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
};

export function startCommand(): Command {
  const start = new Command('start').description(
    'the default run: a cluster of TypeScript servers (3 masters × 1 replica, every link through a proxy) under a minority-master partition and a master kill (AOF on)',
  );
  return addRunOptions(start, START_DEFAULTS).action(async (f: RunFlags) => {
    const { runFromFlags } = await import('../commands/run.js');
    const out = await runFromFlags(f, start);
    if (!out) return;
    process.stderr.write(`run directory: ${out.dir}\n`);
    // A finished demo exits 0 whatever the verdict (printed above), so `npm start` doesn't end in an
    // npm error; `splitbrain run` keeps Jepsen's exit codes for CI.
    process.exitCode = out.exitCode >= 3 ? out.exitCode : 0;
  });
}
