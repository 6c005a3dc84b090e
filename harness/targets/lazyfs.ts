/**
 * A node's data directory on the LazyFS-style FUSE layer (harness/fs/lazyfs.py): what the node
 * writes stays in the layer's memory until it fsyncs, and `crash()` drops it — the page cache a
 * power loss takes, which kill -9 alone never does. Needs /dev/fuse, Debian's fuse3 (fusermount)
 * and python3-fusepy.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { sleep } from '../util/sleep.js';

const PYTHON = '/usr/bin/python3';
const FUSEPY = '/usr/lib/python3/dist-packages/fusepy.py';
const FUSERMOUNT = '/usr/bin/fusermount';
const SCRIPT = fileURLToPath(
  import.meta.url.endsWith('.ts') ? new URL('../fs/lazyfs.py', import.meta.url) : new URL('../../../harness/fs/lazyfs.py', import.meta.url),
);

/** Why the FUSE layer cannot run here, or null when it can. */
export function lazyFsUnavailable(): string | null {
  if (!existsSync('/dev/fuse')) return '/dev/fuse is missing (a container without FUSE: run it with --device /dev/fuse)';
  if (!existsSync(FUSERMOUNT)) return `${FUSERMOUNT} is missing: apt-get install -y fuse3`;
  if (!existsSync(FUSEPY)) return `${FUSEPY} is missing: apt-get install -y python3-fusepy`;
  return null;
}

export class LazyMount {
  private constructor(
    readonly mountpoint: string,
    private readonly proc: ChildProcess,
  ) {}

  /** Mounts `backing` at `mountpoint` and waits until the mount is there. */
  static async mount(backing: string, mountpoint: string, logPath: string): Promise<LazyMount> {
    const why = lazyFsUnavailable();
    if (why) throw new Error(`the lazyfs layer cannot run: ${why}`);
    mkdirSync(backing, { recursive: true });
    mkdirSync(mountpoint, { recursive: true });
    const proc = spawn(PYTHON, [SCRIPT, backing, mountpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const m = new LazyMount(mountpoint, proc);
    for (let i = 0; i < 200; i++) {
      if (isMounted(mountpoint)) return m;
      if (proc.exitCode !== null) break;
      await sleep(50);
    }
    proc.kill('SIGKILL');
    writeFileSync(logPath, out);
    throw new Error(`lazyfs did not mount ${mountpoint}: ${out.slice(-1000)}`);
  }

  /** Drops every byte written but not fsynced (the node must be dead first). */
  crash(): void {
    writeFileSync(`${this.mountpoint}/.lazyfs-ctl`, 'crash');
  }

  async unmount(): Promise<void> {
    if (isMounted(this.mountpoint)) await execa(FUSERMOUNT, ['-u', '-z', this.mountpoint], { reject: false });
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await Promise.race([exited, sleep(2000)]);
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    }
  }
}

function isMounted(path: string): boolean {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === path);
}
