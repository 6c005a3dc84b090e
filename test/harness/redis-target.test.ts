import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { type PartitionSpec, partition } from '../../harness/nemesis/faults/partition.js';
import { RunStore } from '../../harness/store/store.js';
import { LocalTarget } from '../../harness/targets/local.js';
import { cleanupAll } from '../../harness/util/cleanup.js';
import { sleep } from '../../harness/util/sleep.js';
import { iptablesRules, livePids, NO_SYNC_DELAY, readHistory, runScenario, tempStore } from '../support/cli.js';

async function clusterView(host: string, port: number): Promise<{ info: string; nodes: string }> {
  const r = new Redis({ host, port, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 1000 });
  try {
    return { info: String(await r.call('CLUSTER', 'INFO')), nodes: String(await r.call('CLUSTER', 'NODES')) };
  } finally {
    r.disconnect();
  }
}

describe('--target redis with the iptables backend', () => {
  it('a master isolated from all other nodes is marked fail by the majority and sees cluster_state:fail; healing leaves no rules', async () => {
    const store = new RunStore(tempStore(), 'cluster-partition');
    const t = new LocalTarget({
      kind: 'redis',
      topology: { kind: 'cluster', masters: 3, replicas: 1 },
      net: 'iptables',
      store,
      seed: 1,
      serverArgs: NO_SYNC_DELAY.split(' '),
      nodeTimeoutMs: 1500,
      runId: 'ct' + process.pid,
    });
    try {
      await t.start();
      const primary = t.nodes.find((n) => n.role === 'primary')!;
      const others = t.nodes.filter((n) => n !== primary);
      // Cut node links only; the test's own client (127.0.0.1) still reaches both sides to observe them.
      const fault: PartitionSpec = {
        f: 'start-partition',
        value: { kind: 'isolate-primary', nodes: [primary.name], groups: [[primary.name], others.map((n) => n.name)], mode: 'drop' },
      };
      const ctx = { nodes: t.nodes, net: t.network, processes: t.processes };
      await partition.start(fault, ctx);
      expect(iptablesRules()).toMatch(new RegExp(`-s ${primary.host.replace(/\./g, '\\.')}/32 -d`));
      let majority = '';
      let minority = '';
      for (let i = 0; i < 60; i++) {
        await sleep(250);
        const m = await clusterView(others[0]!.host, others[0]!.port);
        const own = await clusterView(primary.host, primary.port);
        const line = m.nodes.split('\n').find((l) => l.includes(`${primary.host}:${primary.port}`)) ?? '';
        majority = line;
        minority = own.info;
        if (/\bfail\b/.test(line) && /cluster_state:fail/.test(own.info)) break;
      }
      expect(majority).toMatch(/master,fail\b|master,fail\?|\bfail\b/);
      expect(minority).toMatch(/cluster_state:fail/);
      await partition.stop(fault, ctx);
      await t.awaitClusterOk(30_000);
    } finally {
      await t.stop();
      await cleanupAll();
    }
    expect(iptablesRules()).not.toMatch(/SB-ct/);
  }, 120_000);

  it('runs replicated and cluster topologies end to end with kill, pause and partition nemeses', async () => {
    const faults = {
      net: 'iptables',
      workload: 'set',
      nemesis: 'partition-primary,kill,pause',
      interval: 1,
      'fault-duration': 2,
      'time-limit': 11,
      'server-arg': NO_SYNC_DELAY,
    };
    // The two topologies side by side: independent runs (own nodes, own chain), each mostly waiting out its faults.
    const runs = await Promise.all([
      runScenario({ target: 'redis', topology: 'replicated', replicas: 2, ...faults }, { timeout: 180_000 }),
      runScenario({ target: 'redis', topology: 'cluster', masters: 3, replicas: 1, 'node-timeout': 1500, ...faults }, { timeout: 180_000 }),
    ]);
    for (const r of runs) {
      expect([0, 1, 2], r.all).toContain(r.exitCode);
      const dir = r.dir!;
      const fs = readHistory(dir)
        .filter((o) => o.process === 'nemesis' && o.type === 'invoke')
        .map((o) => o.f);
      expect(fs).toEqual(expect.arrayContaining(['start-partition', 'stop-partition', 'kill', 'start', 'pause', 'resume']));
      const finals = readHistory(dir).filter((o) => o.f === 'final-read' && o.type === 'ok');
      expect(finals.length).toBeGreaterThan(0);
      expect(livePids(dir)).toEqual([]);
      const chain = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')).iptablesChain as string;
      expect(chain).toMatch(/^SB-/);
      expect(iptablesRules()).not.toContain(chain);
    }
  }, 240_000);
});
