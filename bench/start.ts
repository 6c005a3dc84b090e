/**
 * npm run bench:start — what server processes cost to start: spawn → "Ready to accept connections"
 * (wall ms) and the CPU the processes used until then (ms, utime+stime of all their threads from
 * /proc/<pid>/stat, 10 ms ticks), for splitbrain-server as users run it (the bin, `node
 * dist/server/main.js`) and redis-server 7.0 in the same run, alternating, as cluster nodes (the
 * bootstrap bench's configuration). PARALLEL=N (default 1) starts N processes of a kind at once and
 * measures until all N are ready (CPU summed): with 6, the launch phase of bench:cluster, whose
 * launch → cluster_state:ok is that phase + the masters' 2 s writable delay. FLOOR=1 adds a Node
 * process that does nothing but listen and print the ready line — what any server run by Node pays
 * at the least. Medians of STARTS rounds (default 10) go to
 * bench/results/start.json (start-xN.json with PARALLEL=N).
 * NODE_FLAGS="--flag ..." adds node flags to ours (to try V8 flags); COMPARE=path/to/entry.js also
 * starts that entry of ours in the same rounds (e.g. tsc's unbundled main.js, to measure a change
 * against its predecessor). (Not a test.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortPair } from '../harness/util/ports.js';
import { median, ROOT, writeResult } from './util.js';

const STARTS = Number(process.env.STARTS ?? 10);
const NODE_FLAGS = (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
const COMPARE = process.env.COMPARE;
const PARALLEL = Number(process.env.PARALLEL ?? 1);
const FLOOR = process.env.FLOOR === '1';
type Kind = 'splitbrain' | 'redis' | 'compare' | 'node-floor';

/** The least a Node server can be: listen, answer PING, print the line the others print when ready. */
const FLOOR_SOURCE = `require('node:net').createServer((s) => s.on('data', () => s.write('+PONG\\r\\n')))
  .listen(Number(process.argv[1]), '127.0.0.1', () => console.log('Ready to accept connections'));`;

interface Start {
  wallMs: number;
  cpuMs: number;
}

/** utime + stime of a live process in ms (all threads; Linux reports clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (which may hold spaces) start after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Spawns one process of `kind`; resolves with the wall time to its ready line and its CPU then. */
async function startOne(kind: Kind, t0: number): Promise<{ start: Start; stop: () => Promise<void> }> {
  const port = await freePortPair();
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-start-${kind}-`));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000');
  const entry = kind === 'compare' ? COMPARE! : join(ROOT, 'dist', 'server', 'main.js');
  const proc =
    kind === 'redis'
      ? spawn('/usr/bin/redis-server', args)
      : kind === 'node-floor'
        ? spawn(process.execPath, ['-e', FLOOR_SOURCE, String(port)])
        : spawn(process.execPath, [...NODE_FLAGS, entry, ...args]);
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let out = '';
    const wallMs = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${kind} did not start: ${out}`)), 30_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(t);
          resolve(performance.now() - t0);
        }
      });
      proc.once('exit', () => reject(new Error(`${kind} exited: ${out}`)));
    });
    return { start: { wallMs, cpuMs: cpuMs(proc.pid!) }, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** PARALLEL processes of `kind` at once: wall until the last is ready, CPU summed over them. */
async function startBatch(kind: Kind): Promise<Start> {
  const t0 = performance.now();
  const started = await Promise.allSettled(Array.from({ length: PARALLEL }, () => startOne(kind, t0)));
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  await Promise.all(ok.map((s) => s.stop()));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return {
    wallMs: Math.max(...ok.map((s) => s.start.wallMs)),
    cpuMs: ok.reduce((sum, s) => sum + s.start.cpuMs, 0),
  };
}

async function main(): Promise<void> {
  const kinds: Kind[] = ['splitbrain', 'redis'];
  if (COMPARE) kinds.push('compare');
  if (FLOOR) kinds.push('node-floor');
  const runs: Record<Kind, Start[]> = { splitbrain: [], redis: [], compare: [], 'node-floor': [] };
  const loadBefore = loadavg().map((l) => Math.round(l * 10) / 10);
  for (let i = 0; i < STARTS; i++) {
    for (const k of i % 2 === 0 ? kinds : [...kinds].reverse()) runs[k].push(await startBatch(k));
  }
  const summary = Object.fromEntries(
    kinds.map((k) => [k, { wallMs: Math.round(median(runs[k].map((s) => s.wallMs))), cpuMs: Math.round(median(runs[k].map((s) => s.cpuMs))) }]),
  ) as Record<string, Start>;
  const ours = summary.splitbrain!;
  const redis = summary.redis!;
  const flags = NODE_FLAGS.length ? ` (node ${NODE_FLAGS.join(' ')})` : '';
  const what = PARALLEL === 1 ? 'one cluster-enabled server' : `${PARALLEL} cluster-enabled servers at once (CPU summed)`;
  console.log(`${what}, spawn → ready, medians of ${STARTS} starts${flags}${COMPARE ? `; compare: ${COMPARE}` : ''}:`);
  console.table(summary);
  const ratios = {
    wall: Math.round((ours.wallMs / redis.wallMs) * 10) / 10,
    cpu: Math.round((ours.cpuMs / Math.max(redis.cpuMs, 10)) * 10) / 10,
  };
  console.log(`ours / redis-server: wall ${ratios.wall}, CPU ${ratios.cpu}`);
  const p = writeResult(PARALLEL === 1 ? 'start.json' : `start-x${PARALLEL}.json`, {
    date: new Date().toISOString(),
    starts: STARTS,
    parallel: PARALLEL,
    nodeFlags: NODE_FLAGS,
    compare: COMPARE ?? null,
    loadavg: { before: loadBefore, after: loadavg().map((l) => Math.round(l * 10) / 10) },
    summary,
    ratios,
    runs: Object.fromEntries(kinds.map((k) => [k, runs[k]])),
  });
  console.log(`written ${p}`);
}

await main();
