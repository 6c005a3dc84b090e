import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralLow, leasePort } from './port-lease.js';

/** A random source that yields the ports given, in order (then the last one forever). */
function ports(...ps: number[]): () => number {
  const span = ephemeralLow() - 10_000;
  let i = 0;
  return () => (ps[Math.min(i++, ps.length - 1)]! - 10_000 + 0.5) / span;
}

describe('port leases (the node-start EADDRINUSE race)', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const lockDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'sb-lease-'));
    dirs.push(d);
    return d;
  };

  it('leases ports below the ephemeral range (outgoing connections never hold them); a pair leases the bus port too', async () => {
    const dir = lockDir();
    for (let i = 0; i < 20; i++) {
      const l = await leasePort({ dir, pair: i % 2 === 0 });
      expect(l.port).toBeGreaterThanOrEqual(10_000);
      expect(l.port + (i % 2 === 0 ? 10_000 : 0)).toBeLessThan(ephemeralLow());
      expect(readFileSync(join(dir, String(l.port)), 'utf8')).toBe(String(process.pid));
      if (i % 2 === 0) expect(existsSync(join(dir, String(l.port + 10_000)))).toBe(true);
      l.release();
      expect(existsSync(join(dir, String(l.port)))).toBe(false);
    }
  });

  it('never hands out a port another live run holds, until it is released', async () => {
    const dir = lockDir();
    const a = await leasePort({ dir, random: ports(21_000) });
    // The same pick in a second run: it moves on to the next candidate.
    const b = await leasePort({ dir, random: ports(21_000, 21_000, 21_001) });
    expect([a.port, b.port]).toEqual([21_000, 21_001]);
    a.release();
    const c = await leasePort({ dir, random: ports(21_000) });
    expect(c.port).toBe(21_000);
    b.release();
    c.release();
  });

  it('skips a port held by a lock of another live process; takes over the lock of a dead one', async () => {
    const dir = lockDir();
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(other);
    writeFileSync(join(dir, '22000'), String(other.pid));
    const a = await leasePort({ dir, random: ports(22_000, 22_002) });
    expect(a.port).toBe(22_002);
    const exited = new Promise((r) => other.once('exit', r));
    other.kill('SIGKILL');
    await exited;
    const b = await leasePort({ dir, random: ports(22_000) });
    expect(b.port).toBe(22_000);
    expect(readFileSync(join(dir, '22000'), 'utf8')).toBe(String(process.pid));
    a.release();
    b.release();
  });

  it('skips a port something already listens on, and lets its lock go', async () => {
    const dir = lockDir();
    const busy = net.createServer();
    const port = await new Promise<number>((resolve) => {
      // Below the ephemeral range, like a leased one: try until one binds.
      const tryPort = (p: number) => {
        busy.once('error', () => tryPort(p + 1));
        busy.listen(p, '127.0.0.1', () => resolve(p));
      };
      tryPort(23_000 + Math.floor(Math.random() * 500));
    });
    try {
      const l = await leasePort({ dir, random: ports(port, port + 700) });
      expect(l.port).toBe(port + 700);
      expect(existsSync(join(dir, String(port)))).toBe(false);
      l.release();
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
