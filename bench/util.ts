import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { freePort } from '../harness/util/ports.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS = join(ROOT, 'bench', 'results');

export interface BenchServer {
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Start our server (from dist) or redis-server on a free port and wait until it is ready. */
export async function startBenchServer(kind: 'splitbrain' | 'redis', extra: string[] = []): Promise<BenchServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-${kind}-`));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  const proc = kind === 'redis' ? spawn('/usr/bin/redis-server', args) : spawn(process.execPath, [join(ROOT, 'dist', 'server', 'main.js'), ...args]);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${kind} did not start: ${out}`)), 15000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once('exit', () => reject(new Error(`${kind} exited: ${out}`)));
  });
  return {
    port,
    proc,
    stop: async () => {
      // Killed by a signal, a process has a signalCode and no exitCode; either way its exit event is past.
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await done;
    },
  };
}

/** Run redis-benchmark -q --csv and return requests/s per test. */
export async function redisBenchmark(port: number, args: string[]): Promise<Record<string, number>> {
  const r = await execa('redis-benchmark', ['-p', String(port), '--csv', ...args]);
  const out: Record<string, number> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function writeResult(name: string, data: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const p = join(RESULTS, name);
  writeFileSync(p, JSON.stringify(data, null, 2) + '\n');
  return p;
}
