/**
 * npm run bench:cluster — our cluster vs redis-server's, six nodes each (3 masters × 1 replica,
 * cluster-node-timeout 2000), in the same run, alternating the order per round:
 *  - bootstrap: from `redis-cli --cluster create` until every node reports cluster_state:ok
 *    (also: from the processes' launch);
 *  - failover: from SIGKILL of a master until its replica accepts a write (a client writing a
 *    key of the dead master's slots to the replica every 10 ms sees -MOVED, then OK).
 * Medians of ROUNDS rounds (default 3) go to bench/results/cluster.json. (Not a test.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { freePortPair } from '../harness/util/ports.js';
import { keySlot } from '../harness/util/slot.js';
import { median, ROOT, writeResult } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const NODE_TIMEOUT = 2000;
type Kind = 'splitbrain' | 'redis';

interface Node {
  port: number;
  proc: ChildProcess;
  dir: string;
}

async function startNode(kind: Kind): Promise<Node> {
  const port = await freePortPair();
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-cluster-${kind}-`));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'log')];
  if (process.env.LOGLEVEL) args.push('--loglevel', process.env.LOGLEVEL);
  args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(NODE_TIMEOUT));
  const proc = kind === 'redis' ? spawn('/usr/bin/redis-server', args) : spawn(process.execPath, [join(ROOT, 'dist', 'server', 'main.js'), ...args]);
  // Ready once it answers PING (the log goes to a file, kept for a look after a failed round).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${kind} exited, see ${dir}/log`);
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${kind} did not start, see ${dir}/log`);
      await sleep(50);
    } finally {
      r.disconnect();
    }
  }
  return { port, proc, dir };
}

async function kill(n: Node): Promise<void> {
  if (n.proc.exitCode !== null || n.proc.signalCode !== null) return;
  const done = new Promise((r) => n.proc.once('exit', r));
  n.proc.kill('SIGKILL');
  await done;
}

function connect(port: number): Redis {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableReadyCheck: false, retryStrategy: () => null });
  r.on('error', () => {});
  return r;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function clusterOk(r: Redis): Promise<boolean> {
  return String(await r.call('CLUSTER', 'INFO')).includes('cluster_state:ok');
}

interface Round {
  launchToOkMs: number;
  createToOkMs: number;
  failoverMs: number;
  /** Where the bootstrap's time went (ms): see PHASES. */
  phases: Record<string, number>;
}

/**
 * redis-cli's progress lines that close a bootstrap phase: start (launch → all six answer PING),
 * admin (connect, ADDSLOTS, SET-CONFIG-EPOCH), meet (MEETs + its fixed 1 s sleep), join (polls of
 * CLUSTER NODES, 1 s apart, until the slot configs agree: joinPolls), replicate+check (REPLICATE and
 * the final check), ok (until cluster_state:ok everywhere).
 */
const PHASES: [string, string][] = [
  ['admin', '>>> Sending CLUSTER MEET'],
  ['meet', 'Waiting for the cluster to join'],
  ['join', '>>> Performing Cluster Check'],
];

async function round(kind: Kind): Promise<Round> {
  const t0 = performance.now();
  const nodes = await Promise.all(Array.from({ length: 6 }, () => startNode(kind)));
  const conns = nodes.map((n) => connect(n.port));
  try {
    const t1 = performance.now();
    const phases: Record<string, number> = { start: t1 - t0 };
    let mark = t1;
    let out = '';
    const cli = execa(
      'stdbuf',
      ['-oL', 'redis-cli', '--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'],
      {
        reject: false,
        timeout: 120_000,
      },
    );
    cli.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const [name, line] of PHASES) {
        if (phases[name] === undefined && out.includes(line)) {
          const now = performance.now();
          phases[name] = now - mark;
          mark = now;
        }
      }
    });
    const create = await cli;
    if (create.exitCode !== 0) {
      throw new Error(`redis-cli --cluster create failed:\n${create.stdout}\n${create.stderr}\nlogs: ${nodes.map((n) => n.dir).join(' ')}`);
    }
    const tCli = performance.now();
    phases['replicate+check'] = tCli - mark;
    const joining = out.slice(out.indexOf('Waiting for the cluster to join'), out.indexOf('>>> Performing Cluster Check'));
    phases.joinPolls = 1 + (joining.match(/\./g)?.length ?? 0);
    for (;;) {
      const ok = await Promise.all(conns.map((c) => clusterOk(c).catch(() => false)));
      if (ok.every(Boolean)) break;
      await sleep(10);
    }
    const t2 = performance.now();
    phases.ok = t2 - tCli;
    for (const k of Object.keys(phases)) phases[k] = Math.round(phases[k]!);
    // The victim: the master of slot 0, and its replica (once gossip told node 0 about it).
    let master: string[] | undefined;
    let replicaLine: string[] | undefined;
    while (replicaLine === undefined) {
      const lines = String(await conns[0]!.call('CLUSTER', 'NODES'))
        .trim()
        .split('\n')
        .map((l) => l.split(' '));
      master = lines.find((f) => f[2]!.includes('master') && f.slice(8).some((s) => s === '0' || s.startsWith('0-')));
      replicaLine = master && lines.find((f) => f[3] === master![0]);
      if (replicaLine === undefined) await sleep(20);
    }
    const portOf = (f: string[]): number => Number(f[1]!.split('@')[0]!.split(':')[1]);
    const victim = nodes.find((n) => n.port === portOf(master!))!;
    const replica = connect(portOf(replicaLine));
    try {
      for (;;) {
        const info = String(await replica.call('INFO', 'replication'));
        if (info.includes('master_link_status:up')) break;
        await sleep(20);
      }
      let key = 'k';
      for (let i = 0; keySlot(key) !== 0 && i < 1_000_000; i++) key = `k${i}`;
      const tKill = performance.now();
      await kill(victim);
      for (;;) {
        try {
          await replica.set(key, 'v');
          break;
        } catch {
          await sleep(10);
        }
      }
      return { launchToOkMs: t2 - t0, createToOkMs: t2 - t1, failoverMs: performance.now() - tKill, phases };
    } finally {
      replica.disconnect();
    }
  } finally {
    for (const c of conns) c.disconnect();
    await Promise.all(nodes.map(kill));
  }
}

async function main(): Promise<void> {
  const kinds: Kind[] = ['splitbrain', 'redis'];
  const runs: Record<Kind, Round[]> = { splitbrain: [], redis: [] };
  // The machine's load (other work shares its cores), before and after: it moves every figure here.
  const loadBefore = loadavg().map((l) => Math.round(l * 10) / 10);
  for (let i = 0; i < ROUNDS; i++) {
    for (const k of i % 2 === 0 ? kinds : [...kinds].reverse()) {
      const r = await round(k);
      runs[k].push(r);
      process.stderr.write(
        `round ${i + 1}/${ROUNDS} ${k}: create→ok ${r.createToOkMs.toFixed(0)} ms, launch→ok ${r.launchToOkMs.toFixed(0)} ms, failover ${r.failoverMs.toFixed(0)} ms; ${JSON.stringify(r.phases)}\n`,
      );
    }
  }
  const med = (k: Kind, f: Exclude<keyof Round, 'phases'>): number => Math.round(median(runs[k].map((r) => r[f])));
  const summary = Object.fromEntries(
    kinds.map((k) => [
      k,
      {
        createToOkMs: med(k, 'createToOkMs'),
        launchToOkMs: med(k, 'launchToOkMs'),
        failoverMs: med(k, 'failoverMs'),
        // Each phase's own median (they do not add up to the bootstrap's median).
        phases: Object.fromEntries(Object.keys(runs[k][0]?.phases ?? {}).map((p) => [p, Math.round(median(runs[k].map((r) => r.phases[p] ?? 0)))])),
      },
    ]),
  );
  const ratios = {
    createToOk: Math.round((med('splitbrain', 'createToOkMs') / med('redis', 'createToOkMs')) * 100) / 100,
    failover: Math.round((med('splitbrain', 'failoverMs') / med('redis', 'failoverMs')) * 100) / 100,
  };
  console.log(`six-node cluster, cluster-node-timeout ${NODE_TIMEOUT}, medians of ${ROUNDS} rounds (ms):`);
  console.table(
    Object.fromEntries(kinds.map((k) => [k, { createToOkMs: med(k, 'createToOkMs'), launchToOkMs: med(k, 'launchToOkMs'), failoverMs: med(k, 'failoverMs') }])),
  );
  for (const k of kinds) console.log(`${k} phase medians: ${JSON.stringify(summary[k]?.phases)}`);
  console.log(`ours / redis-server: bootstrap ${ratios.createToOk}, failover ${ratios.failover}`);
  const p = writeResult('cluster.json', {
    date: new Date().toISOString(),
    rounds: ROUNDS,
    nodeTimeoutMs: NODE_TIMEOUT,
    loadavg: { before: loadBefore, after: loadavg().map((l) => Math.round(l * 10) / 10) },
    summary,
    ratios,
    runs,
  });
  console.log(`written ${p}`);
}

await main();
