/**
 * A harness that dies without cleaning up (SIGKILL) leaves nothing behind: its watchdog reaps the
 * nodes and the iptables chain at once, and the records in the store let the next run or
 * `splitbrain clean` reap what a dead owner left.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, iptablesRules, readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** /proc/<pid>/stat after the command name: state is field 0, start time field 19. */
const statFields = (pid: number): string[] | null => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
};
const alive = (pid: number): boolean => {
  const f = statFields(pid);
  return f !== null && f[0] !== 'Z';
};
const startTime = (pid: number): string => statFields(pid)![19]!;

function nodePids(dir: string): number[] {
  const nodes = join(dir, 'nodes');
  return readdirSync(nodes).flatMap((n) =>
    existsSync(join(nodes, n, 'pids'))
      ? readFileSync(join(nodes, n, 'pids'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map(Number)
      : [],
  );
}

describe('leftovers of a dead harness', () => {
  it('SIGKILL mid-run: the nodes die and the iptables chain goes at once (the watchdog)', async () => {
    const store = tempStore();
    const args = ['run', '--target', 'redis', '--replicas', '1', '--net', 'iptables', '--nemesis', 'partition-primary'];
    const child = execa(process.execPath, [CLI, ...args, '--interval', '1', '--fault-duration', '60', '--time-limit', '120', '--store', store], {
      reject: false,
      all: true,
    });
    let dir = '';
    let chain = '';
    await waitFor(
      () => {
        dir = runDirs(store)[0] ?? '';
        if (!dir || !existsSync(join(dir, 'scenario.json'))) return false;
        chain = (JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as { iptablesChain?: string }).iptablesChain ?? '';
        // The partition is in place: DROP rules in the run's chain.
        return readHistory(dir).length > 50 && iptablesRules().includes(`-A ${chain} `);
      },
      60_000,
      'a running, partitioned run',
    );
    const pids = nodePids(dir);
    expect(pids.length).toBe(2);
    expect(pids.every(alive)).toBe(true);
    child.kill('SIGKILL');
    await child;
    await waitFor(() => !pids.some(alive) && !iptablesRules().includes(chain), 20_000, 'nodes dead and chain gone');
    // The watchdog removes the record once it has reaped it.
    await waitFor(() => readdirSync(join(store, '.owners')).length === 0, 10_000, 'the record removed');
  }, 120_000);

  it('splitbrain clean reaps a dead owner’s processes (same start time only) and leaves live owners alone', async () => {
    const store = tempStore();
    const owners = join(store, '.owners');
    mkdirSync(owners);
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const node = spawn('sleep', ['600'], { stdio: 'ignore' });
    const recycled = spawn('sleep', ['600'], { stdio: 'ignore' });
    const kept = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      await waitFor(() => [node, recycled, kept].every((p) => statFields(p.pid!) !== null), 5000, 'sleepers');
      writeFileSync(
        join(owners, 'dead.json'),
        JSON.stringify({
          owner: { pid: dead.pid, start: '1' },
          dir: '/store/x/run',
          pids: [
            { pid: node.pid, start: startTime(node.pid!) },
            // A PID the dead run had, now another process's (another start time): not ours to kill.
            { pid: recycled.pid, start: '1' },
          ],
          chains: ['SB-never-existed'],
        }),
      );
      writeFileSync(
        join(owners, 'live.json'),
        JSON.stringify({
          owner: { pid: process.pid, start: startTime(process.pid) },
          dir: '/store/y/run',
          pids: [{ pid: kept.pid, start: startTime(kept.pid!) }],
          chains: [],
        }),
      );
      const r = await splitbrain(['clean', '--store', store]);
      expect(r.exitCode, r.all).toBe(0);
      expect(r.stdout).toContain(`killed node process ${node.pid} (left by run /store/x/run, owner pid ${dead.pid} is dead)`);
      await waitFor(() => !alive(node.pid!), 5000, 'the leftover node killed');
      expect(alive(recycled.pid!)).toBe(true);
      expect(alive(kept.pid!)).toBe(true);
      expect(readdirSync(owners)).toEqual(['live.json']);
      const again = await splitbrain(['clean', '--store', store]);
      expect(again.all).toContain('nothing left over');
    } finally {
      for (const p of [node, recycled, kept]) p.kill('SIGKILL');
    }
  }, 60_000);
});
