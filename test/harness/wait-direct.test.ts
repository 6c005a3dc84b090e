import { describe, expect, it } from 'vitest';
import type { WaitResult } from '../../checkers/wait/index.js';
import { NO_SYNC_DELAY, readHistory, runScenario, type StoredRun } from '../support/cli.js';
import { NIGHTLY } from '../support/nightly.js';

/**
 * WAIT checked directly on a real run: every 4th WAIT-acknowledged write is followed by a read of
 * the element on each replica, some WAITs come after a quiet 1.5 s, and every reply is range-checked
 * against the topology's replicas. The unmodified server passes all of it.
 */
function waitRun(serverArg?: string): Promise<StoredRun> {
  return runScenario({
    target: 'ts',
    topology: 'replicated',
    replicas: 2,
    workload: 'wait',
    'wait-for': 2,
    nemesis: 'none',
    'time-limit': 8,
    seed: 2,
    'server-arg': [NO_SYNC_DELAY, ...(serverArg ? [serverArg] : [])],
  });
}

const waitResult = (run: StoredRun): WaitResult => run.results.checkers['wait'] as unknown as WaitResult;

describe('direct WAIT checks on a real run', () => {
  it.skipIf(!NIGHTLY)(
    'probes the replicas after WAIT, idles before some WAITs, range-checks every reply',
    async () => {
      const run = await waitRun();
      expect(run.exitCode, run.all).toBe(0);
      const w = waitResult(run);
      expect(w.valid).toBe(true);
      expect(w.probesJudged).toBeGreaterThan(5);
      expect(w.probesJudged).toBe(w.probes);
      expect(Object.keys(w.replies).every((k) => Number(k) <= 2)).toBe(true);
      const h = readHistory(run.dir!) as Array<{ f: string; type: string; value: { present?: string[] } }>;
      const probes = h.filter((o) => o.f === 'wait-probe' && o.type === 'ok');
      expect(probes.every((o) => o.value.present!.length === 2)).toBe(true);
    },
    150_000,
  );

  it('a WAIT that counts replicas which did not ack (hidden debug-wait-lie-ms) is caught; no loss shows it', async () => {
    // No fault at all: nothing is ever lost, so only the direct check can see the lie.
    const run = await waitRun('--debug-wait-lie-ms 300');
    expect(run.exitCode, run.all).toBe(1);
    const w = waitResult(run);
    expect(w.valid).toBe(false);
    const unconfirmed = w.violations.filter((v) => v.kind === 'wait-unconfirmed');
    expect(unconfirmed.length).toBeGreaterThan(0);
    expect(unconfirmed[0]!.message).toMatch(/WAIT reported 2 replica\(s\) .* only [01] replica\(s\) held it/);
    expect(w.waitAckedLost).toBe(0);
    expect(run.results.checkers['lost-writes']!.valid).toBe(true);
  }, 150_000);
});
