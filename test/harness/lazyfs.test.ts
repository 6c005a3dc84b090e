import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lazyFsUnavailable } from '../../harness/targets/lazyfs.js';
import { runDirs, splitbrain, tempStore } from '../support/cli.js';

/**
 * Lost unsynced writes (Jepsen's LazyFS idea) on real runs: the node's data directory sits on the
 * FUSE layer of harness/fs/lazyfs.py, and the kill-unsynced fault drops what it wrote but did not
 * fsync before restarting it. With `appendfsync always` nothing acknowledged may be lost: our server
 * honours that; made to skip its fsyncs (hidden debug-aof-skip-fsync) it loses acknowledged writes,
 * which the fault shows and kill -9 alone cannot (the page cache survives a process kill).
 */
const why = lazyFsUnavailable();

async function run(
  nemesis: string,
  serverArgs: string,
): Promise<{ exitCode: number | undefined; all: string; lost: { valid: unknown; lostAnomalous: number; acknowledged: number } }> {
  const store = tempStore();
  const r = await splitbrain(
    [
      'run',
      '--target',
      'ts',
      '--topology',
      'single',
      '--workload',
      'set',
      '--nemesis',
      nemesis,
      '--time-limit',
      '10',
      '--interval',
      '2',
      '--fault-duration',
      '2',
      '--seed',
      '1',
      '--store',
      store,
      '--server-arg',
      `--appendonly yes --appendfsync always ${serverArgs}`,
    ],
    { timeout: 150_000 },
  );
  const [dir] = runDirs(store);
  const results = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8'));
  return { exitCode: r.exitCode, all: r.all, lost: results.checkers['lost-writes'] };
}

function valueOf<T>(r: PromiseSettledResult<T>): T {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

describe.skipIf(why !== null)(`lost unsynced writes on the lazyfs layer${why ? ` (skipped: ${why})` : ''}`, () => {
  it('appendfsync always that does not fsync: caught by kill-unsynced, not by kill -9; the honest server loses nothing', async () => {
    // allSettled: a failing run must not leave its siblings running after the test has ended.
    const [a, b, c] = await Promise.allSettled([
      run('kill-unsynced', '--debug-aof-skip-fsync 1'),
      run('kill-unsynced', ''),
      run('kill', '--debug-aof-skip-fsync 1'),
    ]);
    const [lying, honest, plainKill] = [valueOf(a), valueOf(b), valueOf(c)];
    expect(lying.exitCode, lying.all).toBe(1);
    expect(lying.lost.valid).toBe(false);
    expect(lying.lost.lostAnomalous).toBeGreaterThan(0);
    expect(honest.exitCode, honest.all).toBe(0);
    expect(honest.lost).toMatchObject({ valid: true, lostAnomalous: 0 });
    expect(honest.lost.acknowledged).toBeGreaterThan(0);
    expect(plainKill.exitCode, plainKill.all).toBe(0);
    expect(plainKill.lost).toMatchObject({ valid: true, lostAnomalous: 0 });
  }, 240_000);
});
