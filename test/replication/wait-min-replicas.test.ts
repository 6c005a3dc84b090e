import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { type RunningServer, SERVER_KINDS, startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { caughtUp, info, startReplicaOf, waitFor, whileStopped } from './helpers.js';

// The same assertions against our server and the Debian redis-server (master and replicas of one kind).
describe.each(SERVER_KINDS)('WAIT and min-replicas-to-write on %s', (kind) => {
  const { servers, conn } = trackPerTest();
  const extra = ['--repl-diskless-sync-delay', '0'];
  async function cluster(replicas: number, masterArgs: string[] = []): Promise<{ m: RunningServer; mr: Redis; reps: RunningServer[]; rrs: Redis[] }> {
    const m = await startServer(kind, [...extra, ...masterArgs]);
    servers.push(m);
    const mr = conn(m.port);
    const reps: RunningServer[] = [];
    const rrs: Redis[] = [];
    for (let i = 0; i < replicas; i++) {
      const r = await startReplicaOf(kind, m.port, extra);
      servers.push(r);
      reps.push(r);
      rrs.push(conn(r.port));
    }
    for (const rr of rrs) await caughtUp(mr, rr);
    await waitFor('replicas online', async () => ((await mr.role())[2] as unknown[]).length === replicas);
    return { m, mr, reps, rrs };
  }

  it('WAIT with no replicas returns 0 at the timeout; argument errors', async () => {
    const { mr } = await cluster(0);
    expect(await mr.call('wait', '0', '0')).toBe(0);
    await mr.set('k', 'v');
    const t0 = Date.now();
    expect(await mr.call('wait', '1', '200')).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    await expect(mr.call('wait', 'x', '0')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(mr.call('wait', '1', 'x')).rejects.toThrow('ERR timeout is not an integer or out of range');
    await expect(mr.call('wait', '1', '-1')).rejects.toThrow('ERR timeout is negative');
    await expect(mr.call('wait', '1')).rejects.toThrow("ERR wrong number of arguments for 'wait' command");
  });

  it('WAIT with 1 and 2 replicas, a stopped replica, inside MULTI, on a replica', async () => {
    const { mr, reps, rrs } = await cluster(2);
    await mr.set('a', '1');
    expect(await mr.call('wait', '1', '0')).toBeGreaterThanOrEqual(1);
    await mr.set('a', '2');
    expect(await mr.call('wait', '2', '5000')).toBe(2);
    // numreplicas already reached without a write: immediate.
    expect(await mr.call('wait', '0', '0')).toBe(2);

    await whileStopped(reps[1]!, async () => {
      await mr.set('a', '3');
      const t0 = Date.now();
      expect(await mr.call('wait', '2', '700')).toBe(1);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
      // Enough replicas: returns before the timeout although one is stopped.
      expect(await mr.call('wait', '1', '10000')).toBe(1);
      // Inside MULTI WAIT never blocks, even with timeout 0: it answers the current count, which
      // cannot include the stopped replica.
      const fresh = conn(mr.options.port as number);
      const t0m = Date.now();
      const r0 = await fresh.multi().call('wait', '5', '0').exec();
      expect(Date.now() - t0m).toBeLessThan(3000);
      expect([0, 1]).toContain(r0![0]![1]);
      // After a write inside MULTI the stopped replica cannot have acked it: WAIT answers at once.
      const t1 = Date.now();
      const res = await fresh.multi().set('b', '1').call('wait', '2', '0').exec();
      expect(Date.now() - t1).toBeLessThan(3000);
      expect(res![0]).toEqual([null, 'OK']);
      expect([0, 1]).toContain(res![1]![1]);
    });
    await expect(rrs[0]!.call('wait', '1', '0')).rejects.toThrow(
      'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.',
    );
    // The SIGCONTed replica catches up and both ack again.
    await mr.set('a', '4');
    expect(await mr.call('wait', '2', '10000')).toBe(2);
  });

  it('min-replicas-to-write: NOREPLICAS while the replica is stopped, writes resume after SIGCONT', async () => {
    const maxLag = 2;
    const { mr, reps } = await cluster(1, ['--min-replicas-to-write', '1', '--min-replicas-max-lag', String(maxLag)]);
    await waitFor('good replica', async () => (await info(mr, 'replication'))['min_slaves_good_slaves'] === '1');
    expect(await mr.set('k', '1')).toBe('OK');
    // More replicas required than connected: refused right after CONFIG SET.
    expect(await mr.config('SET', 'min-replicas-to-write', '2')).toBe('OK');
    await expect(mr.set('k', '2')).rejects.toThrow('NOREPLICAS Not enough good replicas to write.');
    expect(await mr.get('k')).toBe('1'); // reads are fine
    expect(await mr.config('SET', 'min-slaves-to-write', '1')).toBe('OK');
    expect(await mr.set('k', '3')).toBe('OK');

    let stoppedFor = 0;
    await whileStopped(reps[0]!, async () => {
      const t0 = Date.now();
      await waitFor(
        'NOREPLICAS',
        async () => {
          try {
            await mr.set('k', 'x');
            return false;
          } catch (err) {
            return String(err).includes('NOREPLICAS Not enough good replicas to write.');
          }
        },
        (maxLag + 4) * 1000,
        100,
      );
      stoppedFor = Date.now() - t0;
      expect((await info(mr, 'replication'))['min_slaves_good_slaves']).toBe('0');
      // A write queued in MULTI is refused, so EXEC aborts.
      const m = mr.multi();
      m.set('k', 'in-multi');
      await expect(m.exec()).rejects.toThrow(/EXECABORT Transaction discarded because of previous errors/);
    });
    expect(stoppedFor).toBeLessThanOrEqual((maxLag + 3) * 1000);
    const t1 = Date.now();
    await waitFor('writes accepted again', async () => (await mr.set('k', 'back').catch(() => null)) === 'OK', 5000, 100);
    expect(Date.now() - t1).toBeLessThan(3000);
    expect(await mr.get('k')).toBe('back');
  });
});
