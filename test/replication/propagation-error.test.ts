import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningServer, SERVER_KINDS, startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { caughtUp, info, linkUp, startReplicaOf, waitFor } from './helpers.js';

/**
 * propagation-error-behavior and replica-ignore-disk-write-errors.
 *
 * propagation-error-behavior: a command from the master's stream that fails on the replica is
 * logged as CRITICAL and counted (ignore), or makes a read-only replica panic (panic-on-replicas).
 * The replica of each kind under a master of the other kind, which sends the failing command with
 * DEBUG REPLICATE (as Redis's own tests do).
 */
const { servers, conn } = trackPerTest();

const exited = (s: RunningServer): Promise<NodeJS.Signals | number | null> =>
  s.proc.exitCode !== null || s.proc.signalCode !== null
    ? Promise.resolve(s.proc.signalCode ?? s.proc.exitCode)
    : new Promise((r) => s.proc.once('exit', (code, signal) => r(signal ?? code)));

describe.each(SERVER_KINDS)('%s replica: an error in reply to its master', (kind) => {
  it('is logged and counted; with panic-on-replicas the replica panics', async () => {
    const m = await startServer(kind === 'redis' ? 'splitbrain' : 'redis', ['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']);
    servers.push(m);
    const rep = await startReplicaOf(kind, m.port);
    servers.push(rep);
    const mr = conn(m.port);
    const rr = conn(rep.port);
    await waitFor('link up', () => linkUp(rr));
    await mr.set('k', 'v');
    await caughtUp(mr, rr);

    expect(await mr.call('DEBUG', 'REPLICATE', 'fake-command-1')).toBe('OK');
    const critical = /== CRITICAL == This replica is sending an error to its master: '.*fake-command-1.*' after processing the command '<unknown>'/;
    await waitFor('the CRITICAL line', async () => critical.test(rep.output()));
    expect((await info(rr, 'stats'))['unexpected_error_replies']).toBe('1');
    await mr.set('k2', 'v2');
    await caughtUp(mr, rr);
    expect(await rr.get('k2')).toBe('v2');

    expect(await rr.config('SET', 'propagation-error-behavior', 'panic-on-replicas')).toBe('OK');
    expect(await mr.call('DEBUG', 'REPLICATE', 'fake-command-2')).toBe('OK');
    expect(await exited(rep)).toMatch(/^SIG(ABRT|SEGV)$/);
    expect(rep.output()).toContain("Guru Meditation: This replica panicked sending an error to its master after processing the command '<unknown>'");
  }, 60_000);

  it("a replica that cannot write to disk: MISCONF for clients; its master's writes applied (ignore) or a panic", async () => {
    const m = await startServer(kind === 'redis' ? 'splitbrain' : 'redis', ['--repl-diskless-sync-delay', '0']);
    servers.push(m);
    const rep = await startReplicaOf(kind, m.port, ['--save', '3600 1']);
    servers.push(rep);
    const mr = conn(m.port);
    const rr = conn(rep.port);
    await waitFor('link up', () => linkUp(rr));
    // The RDB cannot be renamed over a directory: the BGSAVE fails (redis-server kept the synced RDB there).
    rmSync(join(rep.dir, 'dump.rdb'), { force: true });
    mkdirSync(join(rep.dir, 'dump.rdb'));
    await rr.bgsave();
    await waitFor('the failed BGSAVE', async () => (await info(rr, 'persistence'))['rdb_last_bgsave_status'] === 'err');
    const misconf = /^MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk\./;
    await expect(rr.ping()).rejects.toThrow(misconf);
    await expect(rr.set('x', '1')).rejects.toThrow(misconf);
    expect(await rr.get('nope')).toBeNull();

    expect(await rr.config('SET', 'replica-ignore-disk-write-errors', 'yes')).toBe('OK');
    await mr.set('k', 'v');
    await caughtUp(mr, rr);
    expect(await rr.get('k')).toBe('v');
    expect(rep.output()).toContain('Replica is applying a command even though it is unable to write to disk.');

    expect(await rr.config('SET', 'replica-ignore-disk-write-errors', 'no')).toBe('OK');
    await mr.set('k2', 'v2');
    // Died by a signal: abort() (redis-server's crash report may end in SIGSEGV after its memory test).
    expect(await exited(rep)).toMatch(/^SIG(ABRT|SEGV)$/);
    expect(rep.output()).toContain('Guru Meditation: Replica was unable to write command to disk.');
  }, 60_000);
});
