import { describe, expect, it } from 'vitest';
import { startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { caughtUp, expectSameData, info, linkUp, liveWrites, seed, snapshot, startReplicaOf, waitFor } from './helpers.js';

// Replication between our server and the Debian redis-server, in both directions.
const { servers, conn } = trackPerTest();

describe.each(['yes', 'no'])('our master, redis-server replica (repl-diskless-sync %s)', (diskless) => {
  it('full sync, live stream, partial resync after CLIENT KILL TYPE replica, identical data', async () => {
    const m = await startServer('splitbrain', ['--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0']);
    servers.push(m);
    const mr = conn(m.port);
    await seed(mr);
    const rep = await startReplicaOf('redis', m.port);
    servers.push(rep);
    const rr = conn(rep.port);
    await waitFor('link up', () => linkUp(rr));
    await caughtUp(mr, rr);
    expect(expectSameData(await snapshot(mr), await snapshot(rr))).toEqual([]);
    for (let i = 0; i < 5; i++) await liveWrites(mr, i);
    await caughtUp(mr, rr);
    expect(expectSameData(await snapshot(mr), await snapshot(rr))).toEqual([]);

    const before = await info(mr, 'stats');
    expect(before['sync_full']).toBe('1');
    expect(await mr.call('client', 'kill', 'type', 'replica')).toBe(1);
    // Writes while the link is down come from the backlog on reconnection.
    for (let i = 5; i < 10; i++) await liveWrites(mr, i);
    await waitFor('partial resync', async () => (await info(mr, 'stats'))['sync_partial_ok'] === String(Number(before['sync_partial_ok']) + 1));
    await caughtUp(mr, rr);
    const after = await info(mr, 'stats');
    expect(after['sync_full']).toBe('1');
    expect(expectSameData(await snapshot(mr), await snapshot(rr))).toEqual([]);
    // Offsets agree byte for byte.
    const mi = await info(mr, 'replication');
    const ri = await info(rr, 'replication');
    expect(ri['master_repl_offset']).toBe(mi['master_repl_offset']);
    expect(ri['master_replid']).toBe(mi['master_replid']);
    expect(mi['slave0']).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${rep.port},state=online,offset=\\d+,lag=\\d+$`));
  });
});

describe('redis-server master, our replica', () => {
  it('full sync (listpack/intset encodings), live stream, partial resyncs after link drops on either side', async () => {
    const m = await startServer('redis', ['--repl-diskless-sync-delay', '0']);
    servers.push(m);
    const mr = conn(m.port);
    await seed(mr);
    const rep = await startReplicaOf('splitbrain', m.port);
    servers.push(rep);
    const rr = conn(rep.port);
    await waitFor('link up', () => linkUp(rr));
    await caughtUp(mr, rr);
    expect(expectSameData(await snapshot(mr), await snapshot(rr))).toEqual([]);
    for (let i = 0; i < 5; i++) await liveWrites(mr, i);
    await caughtUp(mr, rr);
    expect(expectSameData(await snapshot(mr), await snapshot(rr))).toEqual([]);
    expect(await rr.role()).toEqual(['slave', '127.0.0.1', m.port, 'connected', Number((await info(mr, 'replication'))['master_repl_offset'])]);
    await expect(rr.set('x', '1')).rejects.toThrow("READONLY You can't write against a read only replica.");

    // Drop from the replica side.
    expect(await rr.call('client', 'kill', 'type', 'master')).toBe(1);
    for (let i = 5; i < 8; i++) await liveWrites(mr, i);
    await waitFor('partial resync 1', async () => (await info(mr, 'stats'))['sync_partial_ok'] === '1');
    await caughtUp(mr, rr);
    // Drop from the master side.
    expect(await mr.call('client', 'kill', 'type', 'replica')).toBe(1);
    for (let i = 8; i < 11; i++) await liveWrites(mr, i);
    await waitFor('partial resync 2', async () => (await info(mr, 'stats'))['sync_partial_ok'] === '2');
    await caughtUp(mr, rr);
    expect((await info(mr, 'stats'))['sync_full']).toBe('1');
    expect(expectSameData(await snapshot(mr), await snapshot(rr))).toEqual([]);
    // Expiries on the master arrive as DEL; the replica does not expire keys itself.
    await mr.set('short', 'x', 'PX', 50);
    await caughtUp(mr, rr);
    await new Promise((r) => setTimeout(r, 150));
    expect(await rr.exists('short')).toBe(0); // logically expired on reads
    await mr.get('short'); // the master expires it and propagates DEL
    await caughtUp(mr, rr);
    expect(await rr.dbsize()).toBe(await mr.dbsize());
  });
});

describe.each(['splitbrain', 'redis'] as const)('promotion with PSYNC2 (%s)', (kind) => {
  it('REPLICAOF NO ONE on a replica; the other replica re-pointed to it continues with a partial resync', async () => {
    const extra = ['--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'];
    const m = await startServer(kind, extra);
    servers.push(m);
    const mr = conn(m.port);
    await seed(mr);
    const a = await startReplicaOf(kind, m.port, extra);
    const b = await startReplicaOf(kind, m.port, extra);
    servers.push(a, b);
    const ar = conn(a.port);
    const br = conn(b.port);
    await caughtUp(mr, ar);
    await caughtUp(mr, br);
    for (let i = 0; i < 3; i++) await liveWrites(mr, i);
    await caughtUp(mr, ar);
    await caughtUp(mr, br);
    const oldId = (await info(mr, 'replication'))['master_replid'];

    expect(await ar.call('replicaof', 'no', 'one')).toBe('OK');
    const ai = await info(ar, 'replication');
    expect(ai['role']).toBe('master');
    expect(ai['master_replid2']).toBe(oldId);
    expect(ai['second_repl_offset']).toBe(String(Number(ai['master_repl_offset']) + 1));
    expect(await br.call('replicaof', '127.0.0.1', String(a.port))).toBe('OK');
    await waitFor('b follows a', async () => (await info(br, 'replication'))['master_port'] === String(a.port) && (await linkUp(br)));
    const as = await info(ar, 'stats');
    expect(as['sync_partial_ok']).toBe('1');
    expect(as['sync_full']).toBe('0');
    await liveWrites(ar, 100);
    await caughtUp(ar, br);
    const bi = await info(br, 'replication');
    expect(bi['master_replid']).toBe((await info(ar, 'replication'))['master_replid']);
    expect(bi['master_replid2']).toBe(oldId);
    expect(expectSameData(await snapshot(ar), await snapshot(br))).toEqual([]);
    expect(await ar.call('debug', 'digest')).toBe(await br.call('debug', 'digest'));
  });
});
