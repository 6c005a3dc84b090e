import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

export type ServerKind = 'splitbrain' | 'redis';
export const SERVER_KINDS: ServerKind[] = ['splitbrain', 'redis'];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SPLITBRAIN_SERVER = join(ROOT, 'dist', 'server', 'main.js');
export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RunningServer {
  kind: ServerKind;
  port: number;
  pid: number;
  dir: string;
  proc: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<RunningServer>();
// Tests must not leave servers behind, even when a test file crashes.
process.on('exit', () => {
  for (const s of running) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/**
 * Start our server or the Debian redis-server on a free port with the given extra options
 * (`['--maxmemory', '1mb']`), in a fresh temp dir, and wait for "Ready to accept connections".
 */
export async function startServer(
  kind: ServerKind,
  extra: string[] = [],
  opts: { port?: number; dir?: string; readyTimeoutMs?: number /** A config file, given first as redis-server takes it. */; conf?: string } = {},
): Promise<RunningServer> {
  if (kind === 'redis' && !existsSync(REDIS_SERVER)) {
    throw new Error('redis-server is not installed: apt-get install -y redis-server redis-tools');
  }
  if (kind === 'splitbrain' && !existsSync(SPLITBRAIN_SERVER)) {
    throw new Error(`${SPLITBRAIN_SERVER} is missing: run npm run build`);
  }
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `sb-${kind}-`));
  const args = [...(opts.conf ? [opts.conf] : []), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extra];
  const proc =
    kind === 'redis'
      ? spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [SPLITBRAIN_SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const srv: RunningServer = {
    kind,
    port,
    pid: proc.pid!,
    dir,
    proc,
    output: () => out,
    stop: async (signal: NodeJS.Signals = 'SIGKILL') => {
      running.delete(srv);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill(signal);
      await exited;
    },
  };
  running.add(srv);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not ready in time: do not leave it running behind the failed test.
      void srv.stop();
      reject(new Error(`${kind} did not start on port ${port}:\n${out}`));
    }, opts.readyTimeoutMs ?? 15000);
    const check = () => {
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code} before it was ready:\n${out}`));
    });
    check();
  });
  return srv;
}
