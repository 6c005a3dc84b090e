import { appendFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { onCleanup } from '../util/cleanup.js';
import { OwnerRecord } from '../util/leftovers.js';

export interface NodeProcessSpec {
  name: string;
  /** Executable (node for our server, /usr/bin/redis-server for Redis). */
  file: string;
  args: string[];
  cwd: string;
  logPath: string;
  /** Every PID this node had is appended here, so tests and users can verify nothing outlived the run. */
  pidFile?: string;
  /** A line that says the process is ready. */
  readyLine?: string;
  /** Default 60 s: six Node.js servers (a ts cluster) starting at once on two loaded cores took over 20 s. */
  readyTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * One server process we started: logs go to the run's store, readiness is awaited on the
 * "Ready to accept connections" line, and faults act on our own PID only.
 */
export class NodeProcess {
  private proc: ResultPromise | null = null;
  private log: WriteStream;
  private unregister: (() => void) | null = null;
  paused = false;
  /** Output of the current incarnation (for readiness and error messages). */
  private out = '';

  constructor(public readonly spec: NodeProcessSpec) {
    this.log = createWriteStream(spec.logPath, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(): Promise<void> {
    const { file, args, cwd } = this.spec;
    this.out = '';
    const proc = execa(file, args, { cwd, reject: false, stdin: 'ignore', buffer: false, cleanup: true, forceKillAfterDelay: false });
    this.proc = proc;
    this.paused = false;
    if (this.spec.pidFile && proc.pid) appendFileSync(this.spec.pidFile, `${proc.pid}\n`);
    if (proc.pid) OwnerRecord.addPid(proc.pid);
    const onData = (d: Buffer) => {
      this.log.write(d);
      if (this.out.length < 1 << 20) this.out += d.toString();
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    this.unregister?.();
    this.unregister = onCleanup(`node ${this.spec.name}`, () => this.stop());
    const readyLine = this.spec.readyLine ?? 'Ready to accept connections';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanupListeners();
        reject(
          new Error(`${this.spec.name} did not become ready within ${this.spec.readyTimeoutMs ?? READY_TIMEOUT_MS} ms; its output:\n${this.out.slice(-2000)}`),
        );
      }, this.spec.readyTimeoutMs ?? READY_TIMEOUT_MS);
      const check = () => {
        if (this.out.includes(readyLine)) {
          cleanupListeners();
          resolve();
        }
      };
      const onExit = () => {
        cleanupListeners();
        reject(
          new Error(`${this.spec.name} exited before it was ready (code ${proc.exitCode}, signal ${proc.signalCode}); its output:\n${this.out.slice(-2000)}`),
        );
      };
      const cleanupListeners = () => {
        clearTimeout(timer);
        proc.stdout?.off('data', check);
        proc.off('exit', onExit);
      };
      proc.stdout?.on('data', check);
      proc.once('exit', onExit);
      check();
    });
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.running || !this.proc?.pid) return;
    process.kill(this.proc.pid, sig);
    if (sig === 'SIGSTOP') this.paused = true;
    if (sig === 'SIGCONT') this.paused = false;
  }

  /** kill -9 and wait for the exit. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || !this.running) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    process.kill(p.pid!, 'SIGKILL');
    await exited;
    this.paused = false;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && this.running) {
      if (this.paused) this.signal('SIGCONT');
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      process.kill(p.pid!, 'SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
    }
    this.unregister?.();
    this.unregister = null;
  }

  closeLog(): void {
    this.log.end();
  }
}
