/**
 * Short real runs of the transactional and lock workloads on a single node without faults: the
 * MULTI/EXEC transactions go through both our server and redis-server, the Elle checker and the
 * lock checker judge them valid (longer fault runs are in test/nightly/elle-lock.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';
import { NIGHTLY } from '../support/nightly.js';

async function run(args: string[]): Promise<{ dir: string; code: number | undefined; results: Record<string, any>; history: Record<string, unknown>[] }> {
  const store = tempStore();
  const r = await splitbrain(['run', '--topology', 'single', '--nemesis', 'none', '--time-limit', '4', '--store', store, ...args]);
  const [dir] = runDirs(store);
  return { dir: dir!, code: r.exitCode, results: JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8')), history: readHistory(dir!) };
}

describe('txn-append and lock on one node, no faults', () => {
  it('txn-append on our server: MULTI/EXEC appends and reads, Elle finds them strictly serializable', async () => {
    const { dir, code, results, history } = await run(['--target', 'ts', '--workload', 'txn-append', '--seed', '7']);
    expect(code).toBe(0);
    const elle = results.checkers.elle;
    expect(elle.valid).toBe(true);
    expect(elle.workload).toBe('list-append');
    expect(elle.graph.relations).toEqual(['ww', 'wr', 'rw', 'realtime']);
    // Reads came back inside transactions, with elements the same transactions' appends put there.
    const oks = history.filter((o) => o.f === 'txn' && o.type === 'ok');
    expect(oks.length).toBeGreaterThan(20);
    expect(oks.some((o) => (o.value as [string, string, unknown][]).some(([f, , v]) => f === 'r' && Array.isArray(v) && v.length > 0))).toBe(true);
    // Re-checked against another model from the command line; a misspelt model is refused.
    const again = await splitbrain(['check', dir, '--checker', 'elle', '--consistency-models', 'serializable,read-committed']);
    expect(again.exitCode).toBe(0);
    expect(again.all).toMatch(/elle \(list-append, models serializable, read-committed\): valid/);
    const typo = await splitbrain(['check', dir, '--checker', 'elle', '--consistency-models', 'serialisable']);
    expect(typo.exitCode).toBe(3);
    expect(typo.all).toMatch(/unknown consistency model "serialisable"/);
  }, 120_000);

  it.skipIf(!NIGHTLY)(
    'lock on redis-server: EVAL compare-and-delete, no two holders at once',
    async () => {
      const { code, results } = await run(['--target', 'redis', '--workload', 'lock', '--seed', '7']);
      expect(code).toBe(0);
      const lock = results.checkers.lock;
      expect(lock.valid).toBe(true);
      expect(lock.acquired).toBeGreaterThan(10);
      expect(lock.finalLogLength).toBe(lock.acquired);
    },
    120_000,
  );
});
