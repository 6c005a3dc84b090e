import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningServer, SERVER_KINDS, type ServerKind, startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { caughtUp, info, startReplicaOf, waitFor } from './helpers.js';

/**
 * SHUTDOWN and SIGTERM with replicas (Redis 7.0's shutdown-timeout): writes pause and the server
 * waits for lagging replicas to acknowledge everything, up to shutdown-timeout seconds, unless
 * NOW; SHUTDOWN ABORT cancels; a failed final save cancels unless FORCE. The same assertions on
 * both servers as master; the replica is a redis-server, stopped (SIGSTOP) to make it lag.
 */
const { servers, conn } = trackPerTest();

const exited = (s: RunningServer): Promise<number | null> =>
  s.proc.exitCode !== null ? Promise.resolve(s.proc.exitCode) : new Promise((r) => s.proc.once('exit', (code) => r(code)));

/** A settled-or-not view of a promise (its rejection kept, not thrown). */
function track<T>(p: Promise<T>): { settled: () => boolean; result: Promise<T | Error> } {
  let done = false;
  const result = p.then(
    (v) => {
      done = true;
      return v;
    },
    (e: Error) => {
      done = true;
      return e;
    },
  );
  return { settled: () => done, result };
}

describe.each(SERVER_KINDS)('%s master: SHUTDOWN waits for lagging replicas', (kind) => {
  async function lagging(extra: string[]) {
    const m = await start(kind, ['--repl-diskless-sync-delay', '0', ...extra]);
    const mr = conn(m.port);
    const rep = await startReplicaOf('redis', m.port);
    servers.push(rep);
    const rr = conn(rep.port);
    await mr.set('before', '1');
    await caughtUp(mr, rr);
    process.kill(rep.pid, 'SIGSTOP');
    await mr.set('k', 'v');
    return { m, mr, rep, rr };
  }
  async function start(k: ServerKind, extra: string[]): Promise<RunningServer> {
    const s = await startServer(k, extra);
    servers.push(s);
    return s;
  }

  it('pauses writes and waits; ABORT cancels; it exits once the replica acknowledged everything', async () => {
    const { m, mr, rep, rr } = await lagging(['--shutdown-timeout', '60']);
    const first = track(conn(m.port).call('SHUTDOWN'));
    await waitFor('the shutdown to wait', async () => Number((await info(mr, 'server'))['shutdown_in_milliseconds']) > 0);
    // Writes wait, reads are served.
    const write = track(conn(m.port).set('w', '1'));
    expect(await mr.get('k')).toBe('v');
    expect(write.settled()).toBe(false);
    expect(first.settled()).toBe(false);
    // SHUTDOWN ABORT: the blocked SHUTDOWN gets Redis's error, the write goes through.
    await expect(mr.call('SHUTDOWN', 'ABORT', 'NOW')).rejects.toThrow('ERR syntax error');
    expect(await mr.call('SHUTDOWN', 'ABORT')).toBe('OK');
    expect(String(await first.result)).toContain('Errors trying to SHUTDOWN. Check logs.');
    expect(await write.result).toBe('OK');
    expect((await info(mr, 'server'))['shutdown_in_milliseconds']).toBeUndefined();
    await expect(mr.call('SHUTDOWN', 'ABORT')).rejects.toThrow('No shutdown in progress.');
    // Again, and let the replica catch up: the server exits, the replica has every write.
    const second = track(conn(m.port).call('SHUTDOWN'));
    await waitFor('the shutdown to wait', async () => Number((await info(mr, 'server'))['shutdown_in_milliseconds']) > 0);
    process.kill(rep.pid, 'SIGCONT');
    expect(await exited(m)).toBe(0);
    expect(await second.result).toBeInstanceOf(Error);
    expect(await rr.get('w')).toBe('1');
    expect(m.output()).toContain('Waiting for replicas before shutting down.');
    expect(m.output()).toContain('Shutdown manually aborted.');
    expect(m.output()).toContain('1 of 1 replicas are in sync when shutting down.');
  }, 60_000);

  it('SIGTERM: after shutdown-timeout it exits anyway and logs the lagging replica', async () => {
    const { m } = await lagging(['--shutdown-timeout', '1']);
    process.kill(m.pid, 'SIGTERM');
    expect(await exited(m)).toBe(0);
    expect(m.output()).toContain('Waiting for replicas before shutting down.');
    expect(m.output()).toMatch(/Lagging replica 127\.0\.0\.1:\d+ reported offset \d+ behind master, lag=\d+, state=online\./);
    expect(m.output()).toContain('0 of 1 replicas are in sync when shutting down.');
  }, 60_000);

  it('SHUTDOWN NOW does not wait', async () => {
    const { m, mr } = await lagging(['--shutdown-timeout', '60']);
    await mr.call('SHUTDOWN', 'NOW').catch(() => undefined);
    expect(await exited(m)).toBe(0);
    expect(m.output()).not.toContain('Waiting for replicas before shutting down.');
    expect(m.output()).toContain('0 of 1 replicas are in sync when shutting down.');
  }, 60_000);

  it('a failed final save cancels the shutdown unless FORCE', async () => {
    const m = await start(kind, []);
    const mr = conn(m.port);
    await mr.set('k', 'v');
    // The RDB cannot be renamed over a directory.
    mkdirSync(join(m.dir, 'dump.rdb'));
    await expect(mr.call('SHUTDOWN', 'SAVE')).rejects.toThrow('Errors trying to SHUTDOWN. Check logs.');
    expect(await mr.ping()).toBe('PONG');
    expect(m.output()).toContain("Error trying to save the DB, can't exit.");
    await mr.call('SHUTDOWN', 'SAVE', 'FORCE').catch(() => undefined);
    expect(await exited(m)).toBe(0);
    expect(m.output()).toContain('Error trying to save the DB. Exit anyway.');
  }, 60_000);
});
