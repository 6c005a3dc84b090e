/**
 * npm run bench:cluster-join — where the time of `redis-cli --cluster create`'s join goes, ours vs
 * redis-server in the same run: six fresh nodes get redis-cli's admin sequence (ADDSLOTS on three,
 * SET-CONFIG-EPOCH 1..6, MEET of nodes 2..6 to node 1), then every node's CLUSTER NODES is polled
 * every 10 ms. Reported per round: process start (launch → PING), the admin sequence, and from the
 * last MEET: when every node knows every master's slots (redis-cli's config signatures agree — it
 * polls at 1 s, 2 s, ...), and the slowest node × master pair. (Not a test.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePortPair } from '../harness/util/ports.js';
import { median, ROOT } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
type Kind = 'splitbrain' | 'redis';

interface Node {
  port: number;
  proc: ChildProcess;
  conn: Redis;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startNode(kind: Kind): Promise<Node> {
  const port = await freePortPair();
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-join-${kind}-`));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'log')];
  if (process.env.LOGLEVEL) args.push('--loglevel', process.env.LOGLEVEL);
  args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000');
  const proc = kind === 'redis' ? spawn('/usr/bin/redis-server', args) : spawn(process.execPath, [join(ROOT, 'dist', 'server', 'main.js'), ...args]);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${kind} exited, see ${dir}/log`);
    const conn = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false, retryStrategy: () => null });
    conn.on('error', () => {});
    try {
      await conn.connect();
      if ((await conn.ping()) === 'PONG') return { port, proc, conn };
    } catch {
      conn.disconnect();
      if (Date.now() > deadline) throw new Error(`${kind} did not start, see ${dir}/log`);
      await sleep(50);
    }
  }
}

/** redis-cli's clusterManagerGetConfigSignature: sorted `name:slots` of the nodes that have slots. */
function signature(nodes: string): { sig: string; known: Set<string> } {
  const cfgs: string[] = [];
  const known = new Set<string>();
  for (const line of nodes.split('\n')) {
    const f = line.trim().split(' ');
    const slots = f.slice(8).filter((s) => s !== '' && !s.startsWith('['));
    if (f.length < 9 || slots.length === 0) continue;
    known.add(f[0]!);
    cfgs.push(`${f[0]}:${slots.sort().join(',')}`);
  }
  return { sig: cfgs.sort().join('|'), known };
}

interface Round {
  startMs: number;
  adminMs: number;
  consistentMs: number;
  /** Per node (in MEET order), when it knew all three masters' slots. */
  perNodeMs: number[];
  sent: Record<string, number>;
}

async function round(kind: Kind): Promise<Round> {
  const t0 = performance.now();
  const nodes = await Promise.all(Array.from({ length: 6 }, () => startNode(kind)));
  try {
    const t1 = performance.now();
    const ids = await Promise.all(nodes.map(async (n) => String(await n.conn.call('CLUSTER', 'MYID'))));
    const ranges = [
      [0, 5460],
      [5461, 10922],
      [10923, 16383],
    ] as const;
    const timed = async (what: string, f: () => Promise<unknown>): Promise<void> => {
      const t = performance.now();
      await f();
      if (process.env.VERBOSE) process.stderr.write(`${what} ${(performance.now() - t).toFixed(1)} ms\n`);
    };
    for (let i = 0; i < 3; i++) {
      const [a, b] = ranges[i]!;
      await timed(`ADDSLOTS ${i}`, () => nodes[i]!.conn.call('CLUSTER', 'ADDSLOTS', ...Array.from({ length: b - a + 1 }, (_, j) => String(a + j))));
    }
    for (let i = 0; i < 6; i++) await timed(`SET-CONFIG-EPOCH ${i}`, () => nodes[i]!.conn.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)));
    for (let i = 1; i < 6; i++) await timed(`MEET ${i}`, () => nodes[i]!.conn.call('CLUSTER', 'MEET', '127.0.0.1', String(nodes[0]!.port)));
    const t2 = performance.now();
    const masters = ids.slice(0, 3);
    const perNode: (number | undefined)[] = new Array(6).fill(undefined);
    for (;;) {
      const views = await Promise.all(nodes.map(async (n) => signature(String(await n.conn.call('CLUSTER', 'NODES')))));
      const now = performance.now() - t2;
      views.forEach((v, i) => {
        if (perNode[i] === undefined && masters.every((m) => v.known.has(m))) perNode[i] = now;
      });
      if (views.every((v) => v.sig === views[0]!.sig) && perNode.every((x) => x !== undefined)) break;
      if (now > 30_000) throw new Error(`${kind}: no consistent config after 30 s`);
      // Every 50 ms: CLUSTER NODES costs our nodes CPU, which polling must not steal from the join.
      await sleep(50);
    }
    const t3 = performance.now();
    // Bus messages sent by all six until then, by type (CLUSTER INFO's cluster_stats_messages_*_sent).
    const sent: Record<string, number> = {};
    for (const n of nodes) {
      for (const m of String(await n.conn.call('CLUSTER', 'INFO')).matchAll(/cluster_stats_messages_(\w+)_sent:(\d+)/g)) {
        if (m[1] !== undefined && m[2] !== undefined) sent[m[1]] = (sent[m[1]] ?? 0) + Number(m[2]);
      }
    }
    return { startMs: t1 - t0, adminMs: t2 - t1, consistentMs: t3 - t2, perNodeMs: perNode.map((x) => Math.round(x!)), sent };
  } finally {
    for (const n of nodes) n.conn.disconnect();
    await Promise.all(
      nodes.map((n) => {
        if (n.proc.exitCode !== null) return undefined;
        const done = new Promise((r) => n.proc.once('exit', r));
        n.proc.kill('SIGKILL');
        return done;
      }),
    );
  }
}

async function main(): Promise<void> {
  const kinds: Kind[] = ['splitbrain', 'redis'];
  const runs: Record<Kind, Round[]> = { splitbrain: [], redis: [] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const k of i % 2 === 0 ? kinds : [...kinds].reverse()) {
      const r = await round(k);
      runs[k].push(r);
      process.stderr.write(
        `round ${i + 1}/${ROUNDS} ${k}: start ${r.startMs.toFixed(0)} ms, admin ${r.adminMs.toFixed(0)} ms, MEET → consistent ${r.consistentMs.toFixed(0)} ms (per node ${r.perNodeMs.join(' ')}; sent ${JSON.stringify(r.sent)})\n`,
      );
    }
  }
  for (const k of kinds) {
    const m = (f: 'startMs' | 'adminMs' | 'consistentMs'): number => Math.round(median(runs[k].map((r) => r[f])));
    console.log(`${k}: medians of ${ROUNDS}: start ${m('startMs')} ms, admin ${m('adminMs')} ms, MEET → consistent ${m('consistentMs')} ms`);
  }
}

await main();
