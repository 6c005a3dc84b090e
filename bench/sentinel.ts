/**
 * npm run bench:sentinel — failover time of our sentinels vs redis-sentinel, in the same run.
 * Each round and each kind: redis-server master + 2 replicas, three sentinels of that kind
 * (quorum 2, down-after-milliseconds 1000), an ioredis Sentinel client writing in a loop; the
 * master is SIGKILLed and we measure
 *  - agree: until all three sentinels name the same new master (GET-MASTER-ADDR-BY-NAME),
 *  - write: until the first write accepted by the new master through the ioredis client.
 * The data nodes are redis-server for both kinds, so only the sentinels differ.
 * Writes bench/results/sentinel.json. (Not a test: speed lives here.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../harness/util/ports.js';
import { type BenchServer, median, ROOT, startBenchServer, writeResult } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
type Kind = 'splitbrain' | 'redis';

interface Sentinel {
  port: number;
  proc: ChildProcess;
}

async function startSentinel(kind: Kind, masterPort: number): Promise<Sentinel> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-sentinel-${kind}-`));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `sentinel monitor mymaster 127.0.0.1 ${masterPort} 2`,
      'sentinel down-after-milliseconds mymaster 1000',
      'sentinel failover-timeout mymaster 10000',
      '',
    ].join('\n'),
  );
  const proc =
    kind === 'redis'
      ? spawn('/usr/bin/redis-sentinel', [conf], { cwd: dir })
      : spawn(process.execPath, [join(ROOT, 'dist', 'server', 'sentinel', 'main.js'), conf], { cwd: dir });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${kind} sentinel did not start: ${out}`)), 15000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('+monitor master')) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once('exit', () => reject(new Error(`${kind} sentinel exited: ${out}`)));
  });
  return { port, proc };
}

async function until<T>(f: () => Promise<T | undefined>, ms = 60000, every = 5): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, every));
  }
}

async function round(kind: Kind): Promise<{ agreeMs: number; writeMs: number }> {
  const nodes: BenchServer[] = [];
  const sentinels: Sentinel[] = [];
  const conns: Redis[] = [];
  try {
    const master = await startBenchServer('redis');
    nodes.push(master);
    for (let i = 0; i < 2; i++) nodes.push(await startBenchServer('redis', ['--replicaof', '127.0.0.1', String(master.port)]));
    for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(kind, master.port));
    const sc = sentinels.map((s) => {
      const c = new Redis({ port: s.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      conns.push(c);
      return c;
    });
    // Discovery done: every sentinel knows both replicas and the two other sentinels.
    await until(
      async () => {
        for (const c of sc) {
          if (((await c.call('SENTINEL', 'REPLICAS', 'mymaster')) as unknown[]).length !== 2) return undefined;
          if (((await c.call('SENTINEL', 'SENTINELS', 'mymaster')) as unknown[]).length !== 2) return undefined;
        }
        return true;
      },
      60000,
      100,
    );
    const app = new Redis({
      sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: 'mymaster',
      maxRetriesPerRequest: 1,
      retryStrategy: () => 20,
      sentinelRetryStrategy: () => 20,
    });
    app.on('error', () => {});
    conns.push(app);
    await app.set('k', '0');
    const killedAt = Date.now();
    const killed = master.stop(); // SIGKILL
    nodes.splice(nodes.indexOf(master), 1);
    const agree = until(async () => {
      const addrs = await Promise.all(sc.map((c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster') as Promise<string[]>));
      const ports = new Set(addrs.map((a) => a[1]));
      return ports.size === 1 && !ports.has(String(master.port)) ? Date.now() - killedAt : undefined;
    });
    let i = 0;
    const write = until(async () => {
      await app.set('k', String(++i));
      return app.stream?.remotePort !== master.port ? Date.now() - killedAt : undefined;
    });
    const [agreeMs, writeMs] = await Promise.all([agree, write, killed]);
    return { agreeMs, writeMs };
  } finally {
    for (const c of conns) c.disconnect();
    for (const s of sentinels) {
      const done = new Promise((r) => s.proc.once('exit', r));
      s.proc.kill('SIGKILL');
      await done;
    }
    for (const n of nodes) await n.stop();
  }
}

const runs: { round: number; kind: Kind; agreeMs: number; writeMs: number }[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  // Alternate the order so neither kind always runs on a warmer machine.
  const kinds: Kind[] = r % 2 ? ['redis', 'splitbrain'] : ['splitbrain', 'redis'];
  for (const kind of kinds) {
    const res = await round(kind);
    runs.push({ round: r, kind, ...res });
    process.stdout.write(`round ${r} ${kind.padEnd(10)} agree ${res.agreeMs} ms, first write on the new master ${res.writeMs} ms\n`);
  }
}
const med = (kind: Kind, k: 'agreeMs' | 'writeMs'): number => median(runs.filter((x) => x.kind === kind).map((x) => x[k]));
const summary = {
  splitbrain: { agreeMs: med('splitbrain', 'agreeMs'), writeMs: med('splitbrain', 'writeMs') },
  redis: { agreeMs: med('redis', 'agreeMs'), writeMs: med('redis', 'writeMs') },
};
const result = {
  what: 'master SIGKILL → all 3 sentinels agree / first write accepted by the new master via an ioredis Sentinel client; redis-server nodes, down-after-milliseconds 1000, quorum 2',
  rounds: ROUNDS,
  medians: summary,
  ratio: { agree: summary.splitbrain.agreeMs / summary.redis.agreeMs, write: summary.splitbrain.writeMs / summary.redis.writeMs },
  runs,
};
process.stdout.write(`${JSON.stringify(result.medians)} ratio ours/redis: agree ${result.ratio.agree.toFixed(2)}, write ${result.ratio.write.toFixed(2)}\n`);
process.stdout.write(`wrote ${writeResult('sentinel.json', result)}\n`);
process.exit(0);
