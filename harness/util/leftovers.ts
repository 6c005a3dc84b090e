/**
 * What a run started, recorded in the store while it runs (`<store>/.owners/<id>.json`): its own PID
 * and start time, the node PIDs with their start times, its iptables chain. A run that ends removes
 * its record; a record whose owner is dead is a leftover, reaped by the next run, by
 * `splitbrain clean`, and at once by the run's watchdog (harness/util/watchdog.ts). Start times
 * (from /proc) make sure a recycled PID is never killed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Proc {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); '' where /proc is missing. */
  start: string;
}

interface OwnerFile {
  owner: Proc;
  dir: string;
  pids: Proc[];
  chains: string[];
}

/** Start time and state of a process, or null when there is none (a zombie counts as gone). */
function procInfo(pid: number): { start: string; zombie: boolean } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { start: fields[19] ?? '', zombie: fields[0] === 'Z' || fields[0] === 'X' };
  } catch {
    if (!existsSync('/proc')) {
      try {
        process.kill(pid, 0);
        return { start: '', zombie: false };
      } catch {
        return null;
      }
    }
    return null;
  }
}

const me = (pid: number): Proc => ({ pid, start: procInfo(pid)?.start ?? '' });

/** The same process as recorded: alive, not a zombie, same start time. */
function alive(p: Proc): boolean {
  const i = procInfo(p.pid);
  return i !== null && !i.zombie && i.start === p.start;
}

const ownersDir = (storeRoot: string): string => join(resolve(storeRoot), '.owners');

/** The record of the run in progress; node processes and networks add to it as they start. */
let current: OwnerRecord | null = null;

export class OwnerRecord {
  readonly file: string;
  private readonly data: OwnerFile;

  constructor(storeRoot: string, dir: string) {
    mkdirSync(ownersDir(storeRoot), { recursive: true });
    this.data = { owner: me(process.pid), dir, pids: [], chains: [] };
    this.file = join(ownersDir(storeRoot), `${process.pid}-${Date.now().toString(36)}.json`);
    this.write();
    current = this;
  }

  private write(): void {
    writeFileSync(this.file, JSON.stringify(this.data) + '\n');
  }

  /** The run ended (its own cleanup ran): nothing is left over. */
  close(): void {
    if (current === this) current = null;
    rmSync(this.file, { force: true });
  }

  static addPid(pid: number): void {
    current?.data.pids.push(me(pid));
    current?.write();
  }

  static addChain(chain: string): void {
    current?.data.chains.push(chain);
    current?.write();
  }
}

/** Kill what a record lists (same start time only) and remove its chains; says what it did. */
export async function reapRecord(file: string): Promise<string[]> {
  let data: OwnerFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as OwnerFile;
  } catch {
    rmSync(file, { force: true });
    return [];
  }
  const done: string[] = [];
  for (const p of data.pids) {
    if (!alive(p)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
      done.push(`killed node process ${p.pid}`);
    } catch {
      /* gone meanwhile */
    }
  }
  for (const chain of data.chains) if (await removeChain(chain)) done.push(`removed iptables chain ${chain}`);
  rmSync(file, { force: true });
  return done.map((d) => `${d} (left by run ${data.dir}, owner pid ${data.owner.pid} is dead)`);
}

/** Unhook a chain from INPUT (every jump to it), flush and delete it; false when it was not there. */
async function removeChain(chain: string): Promise<boolean> {
  const ipt = (...args: string[]) =>
    run('iptables', ['-w', ...args]).then(
      () => true,
      () => false,
    );
  if (!(await ipt('-S', chain))) return false;
  while (await ipt('-D', 'INPUT', '-j', chain)) {}
  await ipt('-F', chain);
  await ipt('-X', chain);
  return true;
}

/** Reap every record of the store whose owner is dead. */
export async function reapLeftovers(storeRoot: string): Promise<string[]> {
  const d = ownersDir(storeRoot);
  if (!existsSync(d)) return [];
  const out: string[] = [];
  for (const name of readdirSync(d).filter((n) => n.endsWith('.json'))) {
    const file = join(d, name);
    let owner: Proc;
    try {
      owner = (JSON.parse(readFileSync(file, 'utf8')) as OwnerFile).owner;
    } catch {
      owner = { pid: 0, start: '' };
    }
    if (owner.pid > 0 && alive(owner)) continue;
    out.push(...(await reapRecord(file)));
  }
  return out;
}
