import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{server,harness,checkers,workloads,reports,test}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real servers on dynamic ports; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
