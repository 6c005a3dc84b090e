import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDirs, splitbrain, tempStore } from '../support/cli.js';

/**
 * The mission's findings against real Redis (opt-in: SPLITBRAIN_NIGHTLY=1, also run by
 * `npm run nightly` through the suite). Fault runs take minutes, so they are not in `npm test`.
 */
const NIGHTLY = process.env.SPLITBRAIN_NIGHTLY === '1';

interface ByAck {
  acknowledged: number;
  lost: number;
  lostExpected: number;
  lostAnomalous: number;
}

async function lostWrites(args: string[]): Promise<{ byAck: Record<string, ByAck>; lost: number; valid: unknown }> {
  const store = tempStore();
  const r = await splitbrain(['run', ...args, '--store', store], { timeout: 600_000 });
  expect([0, 1, 2], r.all).toContain(r.exitCode);
  const [dir] = runDirs(store);
  const res = JSON.parse(readFileSync(join(dir!, 'results.json'), 'utf8'));
  return res.checkers['lost-writes'];
}

describe.skipIf(!NIGHTLY)('real Redis: documented loss windows', () => {
  const cluster = [
    '--target',
    'redis',
    '--topology',
    'cluster',
    '--masters',
    '3',
    '--replicas',
    '1',
    '--net',
    'iptables',
    '--workload',
    'lost-writes',
    '--nemesis',
    'partition-primary-with-clients',
    '--interval',
    '3',
    '--fault-duration',
    '8',
    '--node-timeout',
    '2000',
    '--time-limit',
    '45',
    '--concurrency',
    '10',
    '--rate',
    '500',
    '--keys',
    '24',
  ];

  it('a master isolated with its clients longer than node-timeout loses acknowledged writes (Redis Cluster spec)', async () => {
    const lw = await lostWrites(cluster);
    expect(lw.byAck['plain']!.lost).toBeGreaterThan(0);
  }, 900_000);

  it('with min-replicas-to-write 1 those losses stay inside the allowed window', async () => {
    const lw = await lostWrites([...cluster, '--server-arg', '--min-replicas-to-write 1 --min-replicas-max-lag 1']);
    expect(lw.byAck['min-replicas']!.acknowledged).toBeGreaterThan(0);
    expect(lw.byAck['min-replicas']!.lostAnomalous).toBe(0);
  }, 900_000);

  it('replicated with failover: plain and WAIT 1 acknowledged losses are reported separately', async () => {
    const lw = await lostWrites([
      '--target',
      'redis',
      '--topology',
      'replicated',
      '--replicas',
      '2',
      '--net',
      'iptables',
      '--workload',
      'wait',
      '--wait-for',
      '1',
      '--nemesis',
      'partition-failover',
      '--interval',
      '3',
      '--fault-duration',
      '6',
      '--time-limit',
      '40',
    ]);
    expect(lw.byAck['plain']!.acknowledged).toBeGreaterThan(0);
    expect(lw.byAck['wait']!.acknowledged).toBeGreaterThan(0);
    expect(lw.byAck['plain']!.lost).toBeGreaterThan(0);
  }, 900_000);
});
