import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_KINDS, startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { caughtUp, FakeReplica, info, startReplicaOf, waitFor } from './helpers.js';

const PING = '*1\r\n$4\r\nPING\r\n';

describe.each(SERVER_KINDS)('replication stream and protocol on %s', (kind) => {
  const tracked = trackPerTest();
  const { servers } = tracked;
  const conn = (port: number, db = 0): Redis => tracked.conn(port, { db });
  let fakes: FakeReplica[] = [];
  // Runs before trackPerTest's afterEach (hooks after are called in reverse order).
  afterEach(() => {
    for (const f of fakes) f.close();
    fakes = [];
  });

  it('PSYNC ? -1: +FULLRESYNC, RDB, then the exact command stream and offsets', async () => {
    const m = await startServer(kind, ['--repl-diskless-sync-delay', '0']);
    servers.push(m);
    const r0 = conn(m.port);
    const r2 = conn(m.port, 2);
    await r0.set('pre', 'x');
    const f = new FakeReplica(m.port, ['REPLCONF listening-port 4321', 'PSYNC ? -1']);
    fakes.push(f);
    await waitFor('stream phase', async () => f.phase === 'stream');
    expect(f.lines[0]).toBe('+OK');
    const full = /^\+FULLRESYNC ([0-9a-f]{40}) (\d+)$/.exec(f.lines[1]!);
    expect(full).not.toBeNull();
    const startOff = Number(full![2]);
    const mi0 = await info(r0, 'replication');
    expect(mi0['master_replid']).toBe(full![1]);
    await waitFor('online', async () => /state=online/.test((await info(r0, 'replication'))['slave0'] ?? ''));
    // lag is seconds since the last ACK: timing, not format, so any small value is fine.
    expect((await info(r0, 'replication'))['slave0']).toMatch(/^ip=127\.0\.0\.1,port=4321,state=online,offset=0,lag=-?\d+$/);

    await r0.set('a', '1');
    await r0.set('a', '2');
    await r2.set('b', 'x');
    await r0.multi().set('c', '1').incr('c').exec();
    await r0.del('nokey');
    await r0.lpush('l', 'a', 'b');
    await r0.incrbyfloat('f', '1.5');
    await r0.hset('h', 'k', 'v');
    await r0.sadd('s', 'm');
    await r0.zadd('z', '1', 'm');
    expect(await r0.call('wait', '1', '100')).toBe(0); // the fake replica never ACKs: GETACK is in the stream
    f.ack(1); // ACK from a replica is never answered
    const end = Number((await info(r0, 'replication'))['master_repl_offset']);
    await waitFor('stream complete', async () => f.stream.length === end - startOff);
    const expected =
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n' +
      '*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n' +
      '*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n2\r\n' +
      '*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n' +
      '*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\nx\r\n' +
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n' +
      '*1\r\n$5\r\nMULTI\r\n' +
      '*3\r\n$3\r\nset\r\n$1\r\nc\r\n$1\r\n1\r\n' +
      '*2\r\n$4\r\nincr\r\n$1\r\nc\r\n' +
      '*1\r\n$4\r\nEXEC\r\n' +
      '*4\r\n$5\r\nlpush\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n' +
      '*4\r\n$3\r\nSET\r\n$1\r\nf\r\n$3\r\n1.5\r\n$7\r\nKEEPTTL\r\n' +
      '*4\r\n$4\r\nhset\r\n$1\r\nh\r\n$1\r\nk\r\n$1\r\nv\r\n' +
      '*3\r\n$4\r\nsadd\r\n$1\r\ns\r\n$1\r\nm\r\n' +
      '*4\r\n$4\r\nzadd\r\n$1\r\nz\r\n$1\r\n1\r\n$1\r\nm\r\n' +
      '*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n';
    // A cron PING may fall anywhere in the stream; it counts in the offsets too.
    expect(f.stream.split(PING).join('')).toBe(expected);
    expect((await info(r0, 'replication'))['slave0']).toMatch(/^ip=127\.0\.0\.1,port=4321,state=online,offset=1,lag=\d+$/);
    // The backlog serves a partial resync from any offset it holds.
    const g = new FakeReplica(m.port, ['REPLCONF capa psync2', `PSYNC ${full![1]} ${startOff + 1}`]);
    fakes.push(g);
    await waitFor('continue', async () => g.lines.length >= 2);
    expect(g.lines.slice(0, 2)).toEqual(['+OK', `+CONTINUE ${full![1]}`]);
    await waitFor('backlog', async () => g.stream.length >= end - startOff);
    expect(g.stream.slice(0, end - startOff)).toBe(f.stream.slice(0, end - startOff));
    expect((await info(r0, 'stats'))['sync_partial_ok']).toBe('1');
    // A PSYNC for an unknown history or an offset outside the backlog is a full resync.
    const h = new FakeReplica(m.port, ['PSYNC 0123456789012345678901234567890123456789 5']);
    fakes.push(h);
    await waitFor('full', async () => h.lines.length > 0);
    expect(h.lines[0]).toMatch(/^\+FULLRESYNC /);
    await waitFor('stats', async () => (await info(r0, 'stats'))['sync_partial_err'] === '1');
    expect((await info(r0, 'stats'))['sync_full']).toBe('2');
  });

  it('SYNC (old protocol): the payload without +FULLRESYNC, then the stream', async () => {
    const m = await startServer(kind, ['--repl-diskless-sync-delay', '0']);
    servers.push(m);
    const r0 = conn(m.port);
    const f = new FakeReplica(m.port, ['SYNC']);
    fakes.push(f);
    await waitFor('stream phase', async () => f.phase === 'stream');
    expect(f.lines[0]).toMatch(/^\$\d+$/);
    await r0.set('k', 'v');
    await waitFor('stream', async () => f.stream.split(PING).join('').length > 0);
    expect(f.stream.split(PING).join('')).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n');
  });

  it('REPLCONF, PSYNC and REPLICAOF errors', async () => {
    const m = await startServer(kind);
    servers.push(m);
    const r = conn(m.port);
    await expect(r.call('replconf', 'listening-port')).rejects.toThrow('ERR syntax error');
    await expect(r.call('replconf', 'foo', 'bar')).rejects.toThrow('ERR Unrecognized REPLCONF option: foo');
    await expect(r.call('replconf', 'listening-port', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    expect(await r.call('replconf', 'listening-port', '1', 'capa', 'eof', 'capa', 'whatever')).toBe('OK');
    await expect(r.call('replicaof', '127.0.0.1', '70000')).rejects.toThrow('ERR Invalid master port');
    await expect(r.call('replicaof', '127.0.0.1', 'x')).rejects.toThrow('ERR Invalid master port');
    expect(await r.call('replicaof', 'no', 'one')).toBe('OK');
    await expect(r.call('failover', 'abort')).rejects.toThrow('ERR No failover in progress.');
    await expect(r.call('failover')).rejects.toThrow('ERR FAILOVER requires connected replicas.');
    await expect(r.call('failover', 'timeout', '0')).rejects.toThrow('ERR FAILOVER timeout must be greater than 0');
    await expect(r.call('failover', 'bogus')).rejects.toThrow('ERR syntax error');
    await expect(r.call('psync', '?', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    expect(await r.role()).toEqual(['master', 0, []]);
  });

  it('INFO replication has Redis fields in Redis order; ROLE on both sides; replica options', async () => {
    const m = await startServer(kind, ['--repl-diskless-sync-delay', '0', '--min-replicas-to-write', '1']);
    servers.push(m);
    const mr = conn(m.port);
    const rep = await startReplicaOf(kind, m.port, ['--replica-priority', '42', '--replica-serve-stale-data', 'no']);
    servers.push(rep);
    const rr = conn(rep.port);
    await caughtUp(mr, rr);
    await waitFor('online', async () => ((await mr.role())[2] as unknown[]).length === 1);
    const mkeys = Object.keys(await info(mr, 'replication'));
    expect(mkeys).toEqual([
      'role',
      'connected_slaves',
      'min_slaves_good_slaves',
      'slave0',
      'master_failover_state',
      'master_replid',
      'master_replid2',
      'master_repl_offset',
      'second_repl_offset',
      'repl_backlog_active',
      'repl_backlog_size',
      'repl_backlog_first_byte_offset',
      'repl_backlog_histlen',
    ]);
    const ri = await info(rr, 'replication');
    expect(Object.keys(ri)).toEqual([
      'role',
      'master_host',
      'master_port',
      'master_link_status',
      'master_last_io_seconds_ago',
      'master_sync_in_progress',
      'slave_read_repl_offset',
      'slave_repl_offset',
      'slave_priority',
      'slave_read_only',
      'replica_announced',
      'connected_slaves',
      'master_failover_state',
      'master_replid',
      'master_replid2',
      'master_repl_offset',
      'second_repl_offset',
      'repl_backlog_active',
      'repl_backlog_size',
      'repl_backlog_first_byte_offset',
      'repl_backlog_histlen',
    ]);
    expect(ri['slave_priority']).toBe('42');
    const role = (await mr.role()) as [string, number, [string, string, string][]];
    expect(role[0]).toBe('master');
    expect(role[2][0]).toEqual(['127.0.0.1', String(rep.port), expect.stringMatching(/^\d+$/)]);
    // replica-serve-stale-data no: with the master gone, data commands get MASTERDOWN; INFO still works.
    await m.stop();
    await waitFor('link down', async () => (await info(rr, 'replication'))['master_link_status'] === 'down');
    await expect(rr.get('x')).rejects.toThrow("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
    const down = await info(rr, 'replication');
    expect(Number(down['master_link_down_since_seconds'])).toBeGreaterThanOrEqual(0);
    await expect(rr.call('ping')).rejects.toThrow('MASTERDOWN'); // PING is not a 'stale' command
    expect((await rr.role())[0]).toBe('slave');
    expect(['connect', 'connecting']).toContain((await rr.role())[3]);
  });

  it('FAILOVER: the replica becomes master, the old master its replica', async () => {
    const m = await startServer(kind, ['--repl-diskless-sync-delay', '0']);
    servers.push(m);
    const mr = conn(m.port);
    const rep = await startReplicaOf(kind, m.port, ['--repl-diskless-sync-delay', '0']);
    servers.push(rep);
    const rr = conn(rep.port);
    await caughtUp(mr, rr);
    await mr.set('k', 'v');
    await caughtUp(mr, rr);
    await expect(mr.call('failover', 'to', '127.0.0.1', '1')).rejects.toThrow('ERR FAILOVER target HOST and PORT is not a replica.');
    await expect(mr.call('failover', 'to', '127.0.0.1', String(rep.port), 'force')).rejects.toThrow(
      'ERR FAILOVER with force option requires both a timeout and target HOST and IP.',
    );
    await expect(rr.call('failover')).rejects.toThrow('ERR FAILOVER is not valid when server is a replica.');
    expect(await mr.call('failover', 'to', '127.0.0.1', String(rep.port), 'timeout', '10000')).toBe('OK');
    await waitFor('roles swapped', async () => (await rr.role())[0] === 'master' && (await mr.role())[0] === 'slave', 15000);
    await waitFor('failover done', async () => (await info(mr, 'replication'))['master_failover_state'] === 'no-failover');
    await waitFor('old master follows', () => info(mr, 'replication').then((i) => i['master_link_status'] === 'up' && i['master_port'] === String(rep.port)));
    expect((await info(rr, 'stats'))['sync_partial_ok']).toBe('1');
    await rr.set('k2', 'v2');
    await caughtUp(rr, mr);
    expect(await mr.get('k2')).toBe('v2');
    await expect(mr.set('x', '1')).rejects.toThrow('READONLY');
  });

  it('masterauth/masteruser; REPLICAOF to the current master is a no-op; FAILOVER to any replica', async () => {
    // The master gets masterauth too: after the failover it must authenticate to its new master.
    const m = await startServer(kind, ['--repl-diskless-sync-delay', '0', '--requirepass', 's3cret', '--masterauth', 's3cret']);
    servers.push(m);
    const mr = conn(m.port);
    await mr.call('auth', 's3cret');
    await mr.set('k', 'v');
    const rep = await startReplicaOf(kind, m.port, [
      '--masteruser',
      'default',
      '--masterauth',
      's3cret',
      '--repl-diskless-sync-delay',
      '0',
      '--requirepass',
      's3cret',
    ]);
    servers.push(rep);
    const rr = conn(rep.port);
    await rr.call('auth', 's3cret');
    await caughtUp(mr, rr);
    expect(await rr.get('k')).toBe('v');
    expect(await rr.call('replicaof', '127.0.0.1', String(m.port))).toBe('OK Already connected to specified master');
    expect(await mr.call('failover')).toBe('OK');
    await waitFor('roles swapped', async () => (await rr.role())[0] === 'master' && (await mr.role())[0] === 'slave', 15000);
    await waitFor('old master follows', () => info(mr, 'replication').then((i) => i['master_link_status'] === 'up' && i['master_port'] === String(rep.port)));
    expect((await info(mr, 'replication'))['master_failover_state']).toBe('no-failover');
  });
});
