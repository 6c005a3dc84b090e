import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

export type SentinelKind = 'splitbrain' | 'redis';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SPLITBRAIN_SENTINEL = join(ROOT, 'dist', 'server', 'sentinel', 'main.js');
export const REDIS_SENTINEL = '/usr/bin/redis-sentinel';

export interface RunningSentinel {
  kind: SentinelKind;
  port: number;
  pid: number;
  dir: string;
  conf: string;
  proc: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<RunningSentinel>();
process.on('exit', () => {
  for (const s of running) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

export interface SentinelOptions {
  /** The master to monitor. */
  master: { name?: string; port: number; host?: string };
  quorum: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  /** Extra config lines. */
  lines?: string[];
  port?: number;
  /** Start on this existing config file (a restart) instead of writing a fresh one. */
  conf?: string;
}

/** Write a sentinel config in a fresh dir and start redis-sentinel or splitbrain-sentinel on it. */
export async function startSentinel(kind: SentinelKind, opts: SentinelOptions): Promise<RunningSentinel> {
  const exe = kind === 'redis' ? REDIS_SENTINEL : SPLITBRAIN_SENTINEL;
  if (!existsSync(exe))
    throw new Error(kind === 'redis' ? 'redis-sentinel is not installed: apt-get install -y redis-sentinel' : `${exe} is missing: npm run build`);
  const port = opts.port ?? (await freePort());
  const dir = opts.conf ? dirname(opts.conf) : mkdtempSync(join(tmpdir(), `sb-sentinel-${kind}-`));
  const conf = opts.conf ?? join(dir, 'sentinel.conf');
  const name = opts.master.name ?? 'mymaster';
  const lines = [
    `port ${port}`,
    'bind 127.0.0.1',
    `sentinel monitor ${name} ${opts.master.host ?? '127.0.0.1'} ${opts.master.port} ${opts.quorum}`,
    `sentinel down-after-milliseconds ${name} ${opts.downAfterMs ?? 1000}`,
    `sentinel failover-timeout ${name} ${opts.failoverTimeoutMs ?? 10000}`,
    ...(opts.lines ?? []),
  ];
  if (!opts.conf) writeFileSync(conf, lines.join('\n') + '\n');
  const proc =
    kind === 'redis'
      ? spawn(exe, [conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [exe, conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const s: RunningSentinel = {
    kind,
    port,
    pid: proc.pid!,
    dir,
    conf,
    proc,
    output: () => out,
    stop: async (signal: NodeJS.Signals = 'SIGKILL') => {
      running.delete(s);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill(signal);
      await exited;
    },
  };
  running.add(s);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} sentinel did not start on port ${port}:\n${out}`)), 15000);
    const check = (): void => {
      if (out.includes('+monitor master')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} sentinel exited with ${code} before it was ready:\n${out}`));
    });
    check();
  });
  return s;
}

/** A plain client (no retries beyond reconnecting) for SENTINEL commands. */
export function sentinelClient(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 1, enableReadyCheck: false });
}

/** Poll `f` until it returns a value that is not undefined, or fail after `ms`. */
export async function waitFor<T>(what: string, f: () => Promise<T | undefined>, ms = 60000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
