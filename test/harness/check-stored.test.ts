import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_SYNC_DELAY, runScenario, splitbrain } from '../support/cli.js';

describe('splitbrain check on a stored run', () => {
  it('re-produces results.json bit for bit', async () => {
    // One run per workload, side by side (independent, each mostly waiting out its time limit).
    const runs = await Promise.all(
      ['set', 'register'].map((workload) =>
        runScenario({
          target: 'ts',
          topology: 'replicated',
          replicas: 1,
          workload,
          nemesis: 'partition-primary',
          interval: 1,
          'fault-duration': 1,
          'time-limit': 4,
          'server-arg': NO_SYNC_DELAY,
        }),
      ),
    );
    for (const r of runs) {
      expect([0, 1, 2], r.all).toContain(r.exitCode);
      const stored = readFileSync(join(r.dir!, 'results.json'), 'utf8');
      const check = await splitbrain(['check', r.dir!, '--json']);
      expect(check.exitCode).toBe(r.exitCode);
      expect(check.stdout + '\n').toBe(stored);
    }
  }, 120_000);
});
