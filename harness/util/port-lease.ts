/**
 * Ports for a run's nodes that no other run — and no outgoing connection — can take between the
 * pick and the node's bind (the node-start EADDRINUSE race).
 *
 * Two causes, two guards: (1) a port from the kernel's ephemeral range (bind to 0) is also what
 * every outgoing connection of the machine draws its source port from, so a client or proxy of any
 * process can hold it by the time the node binds: leased ports lie BELOW that range; (2) two runs
 * picking the same free port at the same moment: each leased port is claimed by an exclusive lock
 * file (O_EXCL) holding the owner's PID, kept for the whole run (across kill/restart of the node)
 * and released at its end; a lock whose owner is dead is taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOW = 10_000;
/** A cluster node's bus listens at port + 10000. */
const BUS_OFFSET = 10_000;

export interface PortLease {
  readonly port: number;
  release(): void;
}

export interface LeaseOptions {
  host?: string;
  /** Also lease port + 10000 (a cluster node's bus). */
  pair?: boolean;
  /** The lock directory (tests use their own). */
  dir?: string;
  /** The random source (tests). */
  random?: () => number;
}

/** The first port of the kernel's ephemeral range (Linux; 32768 elsewhere, the usual default). */
export function ephemeralLow(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > LOW + 2 * BUS_OFFSET) return first;
  } catch {
    /* not Linux: the IANA default below */
  }
  return 32_768;
}

export const defaultLockDir = (): string => join(tmpdir(), 'splitbrain-ports');

/** A port below the ephemeral range, locked against other runs, that `host` can bind right now. */
export async function leasePort(o: LeaseOptions = {}): Promise<PortLease> {
  const host = o.host ?? '127.0.0.1';
  const dir = o.dir ?? defaultLockDir();
  const random = o.random ?? Math.random;
  mkdirSync(dir, { recursive: true });
  const high = ephemeralLow() - (o.pair ? BUS_OFFSET : 0);
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = LOW + Math.floor(random() * (high - LOW));
    const ports = o.pair ? [port, port + BUS_OFFSET] : [port];
    const held: string[] = [];
    for (const p of ports) {
      const file = join(dir, String(p));
      if (!claim(file)) break;
      held.push(file);
    }
    if (held.length === ports.length && (await allBindable(ports, host))) {
      return { port, release: () => held.forEach(unclaim) };
    }
    held.forEach(unclaim);
  }
  throw new Error(`no free port below the ephemeral range (${LOW}-${high}) on ${host}: too many leased (${dir})`);
}

/** Creates the lock file exclusively; takes over a lock whose owner process is gone. */
function claim(file: string): boolean {
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (ownerAlive(file)) return false;
      unclaim(file);
    }
  }
  return false;
}

function ownerAlive(file: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8'));
  } catch {
    return true; // being written or just released: let it be
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unclaim(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

async function allBindable(ports: number[], host: string): Promise<boolean> {
  for (const p of ports) if (!(await canBind(p, host))) return false;
  return true;
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}
