#!/usr/bin/env node
import { simulate } from './world.js';

/**
 * npm run sim:sentinel -- --seeds N [--seed S] [--trace] [--break-vote-rule]
 *
 * Runs the sentinel simulation for seeds S..S+N-1 (default 1..100) and checks its invariants. A
 * failing seed is replayed with its trace printed; `--seed S --trace` replays one seed exactly.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const first = Number(arg('--seed') ?? 1);
const count = Number(arg('--seeds') ?? (arg('--seed') ? 1 : 100));
const trace = process.argv.includes('--trace');
const breakVoteRule = process.argv.includes('--break-vote-rule');
let failed = 0;
let elections = 0;
let converged = 0;
let stale = 0;
const started = Date.now();
for (let seed = first; seed < first + count; seed++) {
  const r = simulate({ seed, trace, breakVoteRule });
  elections += r.stats.elections;
  if (r.stats.converged) converged++;
  stale += r.stats.hazardousPromotions;
  if (trace) {
    process.stdout.write(`seed ${seed}: ${r.params}\n${r.trace.join('\n')}\n`);
  }
  if (r.violations.length > 0) {
    failed++;
    const replay = trace ? r : simulate({ seed, trace: true, breakVoteRule });
    if (!trace) process.stdout.write(`seed ${seed}: ${replay.params}\n${replay.trace.join('\n')}\n`);
    process.stdout.write(
      `seed ${seed} FAILED:\n  ${r.violations.join('\n  ')}\nreplay: npm run sim:sentinel -- --seed ${seed} --trace${breakVoteRule ? ' --break-vote-rule' : ''}\n`,
    );
    break;
  }
}
process.stdout.write(
  `${count} seeds from ${first}: ${failed ? 'FAILED' : 'ok'}; ${elections} elections, ${stale} promotions of an instance not replicating from the failed master (as redis-sentinel does), ${converged} converged after the quiet period (${Date.now() - started} ms)\n`,
);
process.exit(failed ? 1 : 0);
