/**
 * npm run bench:start — what one server process costs to start: spawn → "Ready to accept connections"
 * (wall ms) and the CPU the process used until then (ms, utime+stime of all its threads from
 * /proc/<pid>/stat, 10 ms ticks), for splitbrain-server as users run it (the bin, `node
 * dist/server/main.js`) and redis-server 7.0 in the same run, alternating, as a cluster node (the
 * bootstrap bench's configuration). Medians of STARTS starts each (default 10) go to
 * bench/results/start.json. NODE_FLAGS="--flag ..." adds node flags to ours (to try V8 flags);
 * COMPARE=path/to/entry.js also starts that entry of ours in the same rounds (e.g. tsc's unbundled
 * main.js, to measure a change against its predecessor). (Not a test.)
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
type Kind = 'splitbrain' | 'redis' | 'compare';

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

async function startOnce(kind: Kind): Promise<Start> {
  const port = await freePortPair();
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-start-${kind}-`));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000');
  const t0 = performance.now();
  const entry = kind === 'compare' ? COMPARE! : join(ROOT, 'dist', 'server', 'main.js');
  const proc = kind === 'redis' ? spawn('/usr/bin/redis-server', args) : spawn(process.execPath, [...NODE_FLAGS, entry, ...args]);
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
    return { wallMs, cpuMs: cpuMs(proc.pid!) };
  } finally {
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await done;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const kinds: Kind[] = COMPARE ? ['splitbrain', 'redis', 'compare'] : ['splitbrain', 'redis'];
  const runs: Record<Kind, Start[]> = { splitbrain: [], redis: [], compare: [] };
  const loadBefore = loadavg().map((l) => Math.round(l * 10) / 10);
  for (let i = 0; i < STARTS; i++) {
    for (const k of i % 2 === 0 ? kinds : [...kinds].reverse()) runs[k].push(await startOnce(k));
  }
  const summary = Object.fromEntries(
    kinds.map((k) => [k, { wallMs: Math.round(median(runs[k].map((s) => s.wallMs))), cpuMs: Math.round(median(runs[k].map((s) => s.cpuMs))) }]),
  ) as Record<string, Start>;
  const ours = summary.splitbrain!;
  const redis = summary.redis!;
  const flags = NODE_FLAGS.length ? ` (node ${NODE_FLAGS.join(' ')})` : '';
  console.log(`one cluster-enabled server, spawn → ready, medians of ${STARTS} starts${flags}${COMPARE ? `; compare: ${COMPARE}` : ''}:`);
  console.table(summary);
  const ratios = {
    wall: Math.round((ours.wallMs / redis.wallMs) * 10) / 10,
    cpu: Math.round((ours.cpuMs / Math.max(redis.cpuMs, 10)) * 10) / 10,
  };
  console.log(`ours / redis-server: wall ${ratios.wall}, CPU ${ratios.cpu}`);
  const p = writeResult('start.json', {
    date: new Date().toISOString(),
    starts: STARTS,
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
