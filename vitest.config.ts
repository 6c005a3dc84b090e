import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['{server,harness,checkers,workloads,reports,test}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real servers on dynamic ports; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
    // Longest files first, also in a fresh clone without vitest's cache of durations.
    sequence: { sequencer: LongestFirstSequencer },
  },
});
