import { runSeed } from './simulator.js';

/**
 * npm run sim:cluster -- --seeds N [--seed S] [--nodes 6..9] [--wire] [--verbose] [--vote-twice]
 * Runs seeds S, S+1, … (S random when not given); stops at the first failing seed, prints its trace and
 * the command that replays it. Exit code 1 on a violation.
 */
function main(argv: string[]): number {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const has = (name: string) => argv.includes(name);
  const seedArg = arg('--seed');
  const first = seedArg !== undefined ? Number(seedArg) : Math.floor(Math.random() * 2 ** 31);
  const count = Number(arg('--seeds') ?? (seedArg !== undefined ? 1 : 100));
  const nodes = arg('--nodes') !== undefined ? Number(arg('--nodes')) : undefined;
  if (!Number.isInteger(first) || !Number.isInteger(count) || count < 1 || (nodes !== undefined && !(nodes >= 6 && nodes <= 9))) {
    process.stderr.write('usage: sim:cluster -- --seeds N [--seed S] [--nodes 6..9] [--wire] [--verbose] [--vote-twice]\n');
    return 2;
  }
  const started = process.cpuUsage();
  let virtual = 0;
  for (let k = 0; k < count; k++) {
    const seed = first + k;
    const r = runSeed({ seed, nodes, wire: has('--wire'), verbose: has('--verbose'), debugVoteTwicePerEpoch: has('--vote-twice') });
    virtual += r.stats.virtualMs;
    if (!r.ok) {
      process.stdout.write(`${r.trace}\n\nseed ${seed} FAILED: ${r.violation}\n`);
      process.stdout.write(`stats: ${JSON.stringify(r.stats)}\n`);
      const extra = [nodes !== undefined ? `--nodes ${nodes}` : '', has('--wire') ? '--wire' : '', has('--vote-twice') ? '--vote-twice' : ''].filter((x) => x);
      process.stdout.write(`replay: npm run sim:cluster -- --seed ${seed} ${extra.join(' ')}\n`);
      return 1;
    }
    if (count === 1 || has('--verbose')) process.stdout.write(`seed ${seed} ok: ${JSON.stringify(r.stats)}\n`);
  }
  const cpu = process.cpuUsage(started);
  const secs = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `${count} seeds ok (${first}..${first + count - 1}), ${(virtual / 1000).toFixed(0)} virtual s, ${(count / secs).toFixed(1)} seeds per CPU-second\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
