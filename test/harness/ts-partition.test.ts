import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { type PartitionSpec, partition } from '../../harness/nemesis/faults/partition.js';
import { RunStore } from '../../harness/store/store.js';
import { LocalTarget } from '../../harness/targets/local.js';
import { cleanupAll } from '../../harness/util/cleanup.js';
import { sleep } from '../../harness/util/sleep.js';
import { tempStore } from '../support/cli.js';

function direct(host: string, port: number): Redis {
  return new Redis({ host, port, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2000, commandTimeout: 2000 });
}

async function info(host: string, port: number, section: string): Promise<Record<string, string>> {
  const r = direct(host, port);
  try {
    const text = await r.info(section);
    return Object.fromEntries(
      text
        .split('\r\n')
        .filter((l) => l.includes(':'))
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
    );
  } finally {
    r.disconnect();
  }
}

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('ts replicated target through Toxiproxy route tables', () => {
  for (const mode of ['reset', 'drop'] as const) {
    it(`isolating the primary (${mode}) cuts exactly its replication links and the cut side's client links; healing resyncs partially`, async () => {
      const store = new RunStore(tempStore(), `ts-partition-${mode}`);
      // repl-timeout 2 s so that a black hole (drop) is noticed quickly, as a real deployment would after 60 s.
      const t = new LocalTarget({
        kind: 'ts',
        topology: { kind: 'replicated', masters: 1, replicas: 2 },
        net: 'toxiproxy',
        store,
        seed: 3,
        serverArgs: ['--repl-timeout', '2', '--repl-ping-replica-period', '1'],
        nodeTimeoutMs: 3000,
        runId: `tp${mode}${process.pid}`,
      });
      try {
        await t.start();
        const [n1, n2, n3] = t.nodes as [(typeof t.nodes)[0], (typeof t.nodes)[0], (typeof t.nodes)[0]];
        const before = await info(n1.host, n1.port, 'stats');
        // Clients through the proxies, as the workload's clients are.
        const viaProxy = (n: typeof n1) => {
          const a = t.network.clientAddress(n);
          return new Redis({ host: a.host, port: a.port, maxRetriesPerRequest: 0, retryStrategy: () => 100, commandTimeout: 1000 });
        };
        const c1 = viaProxy(n1);
        const c2 = viaProxy(n2);
        c1.on('error', () => undefined);
        c2.on('error', () => undefined);
        await c1.set('k', 'v1');
        await until(async () => (await c2.get('k')) === 'v1', 5000, 'replication of k');

        const fault: PartitionSpec = {
          f: 'start-partition',
          value: { kind: 'isolate-primary', nodes: [n1.name], groups: [[n1.name], [n2.name, n3.name]], clientSide: 1, mode },
        };
        const ctx = { nodes: t.nodes, net: t.network, processes: t.processes };
        await partition.start(fault, ctx);
        // Replicas lose their master link.
        await until(
          async () =>
            (await info(n2.host, n2.port, 'replication'))['master_link_status'] === 'down' &&
            (await info(n3.host, n3.port, 'replication'))['master_link_status'] === 'down',
          15_000,
          'master_link_status:down on both replicas',
        );
        // Only the cut side's clients get errors: the client of n1 fails, the client of n2 works.
        await expect(c1.get('k')).rejects.toThrow();
        expect(await c2.get('k')).toBe('v1');
        // The nodes themselves are fine (the harness sees them directly): n1 still takes writes.
        const d1 = direct(n1.host, n1.port);
        await d1.set('during', 'partition');
        d1.disconnect();

        await partition.stop(fault, ctx);
        await until(
          async () =>
            (await info(n2.host, n2.port, 'replication'))['master_link_status'] === 'up' &&
            (await info(n3.host, n3.port, 'replication'))['master_link_status'] === 'up',
          20_000,
          'master_link_status:up after heal',
        );
        const after = await info(n1.host, n1.port, 'stats');
        expect(Number(after['sync_partial_ok']) - Number(before['sync_partial_ok'])).toBe(2);
        expect(Number(after['sync_full'])).toBe(Number(before['sync_full']));
        await until(async () => (await c2.get('during')) === 'partition', 5000, 'the write made during the partition reaching n2');
        c1.disconnect();
        c2.disconnect();
      } finally {
        await t.stop();
        await cleanupAll();
      }
    }, 90_000);
  }
});
