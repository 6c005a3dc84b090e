import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { SERVER_KINDS, type ServerKind, startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { caughtUp, expectSameData, info, linkUp, liveWrites, seed, snapshot, startReplicaOf, waitFor, whileStopped } from './helpers.js';

const { servers, conn, cleanups } = trackPerTest();

/**
 * A TCP proxy from a free port to `target` on loopback, torn down after the test. The client's
 * bytes are piped to the target; `relay` forwards the target's to the client (a pipe by default).
 */
async function tcpProxy(
  target: number,
  opts: { onAccept?: () => void; relay?: (out: net.Socket, inbound: net.Socket) => void } = {},
): Promise<{ port: number; sockets: Set<net.Socket> }> {
  const relay = opts.relay ?? ((out, inbound) => out.pipe(inbound));
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((inbound) => {
    opts.onAccept?.();
    const out = net.connect(target, '127.0.0.1');
    sockets.add(inbound).add(out);
    inbound.pipe(out);
    relay(out, inbound);
    const close = () => {
      inbound.destroy();
      out.destroy();
    };
    inbound.on('error', close).on('close', close);
    out.on('error', close).on('close', close);
  });
  await new Promise<void>((res) => proxy.listen(port, '127.0.0.1', () => res()));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    proxy.close();
  });
  return { port, sockets };
}

const FAST = ['--repl-diskless-sync-delay', '0'];

const chains: [ServerKind, ServerKind, ServerKind][] = [
  ['redis', 'splitbrain', 'redis'],
  ['splitbrain', 'splitbrain', 'splitbrain'],
  ['splitbrain', 'redis', 'splitbrain'],
];

describe.each(chains)('chained replication %s → %s → %s', (mk, ak, bk) => {
  it('the middle node forwards the stream verbatim: same offsets, same data, selected db kept across the sync', async () => {
    const m = await startServer(mk, FAST);
    servers.push(m);
    const mr = conn(m.port);
    await seed(mr);
    const a = await startReplicaOf(ak, m.port, FAST);
    servers.push(a);
    const ar = conn(a.port);
    await caughtUp(mr, ar);
    // The stream's selected db is 3 when B syncs: B must apply the next db-3 write (no SELECT) in db 3.
    await mr.select(3);
    await mr.set('in-db3', '1');
    await caughtUp(mr, ar);
    const b = await startReplicaOf(bk, a.port, FAST);
    servers.push(b);
    const br = conn(b.port);
    await caughtUp(ar, br);
    await mr.set('in-db3-after', '2');
    await mr.select(0);
    for (let i = 0; i < 3; i++) await liveWrites(mr, i);
    await caughtUp(mr, ar);
    await caughtUp(ar, br);
    const mi = await info(mr, 'replication');
    const bi = await info(br, 'replication');
    expect(bi['master_repl_offset']).toBe(mi['master_repl_offset']);
    expect(bi['master_replid']).toBe(mi['master_replid']);
    expect(expectSameData(await snapshot(mr), await snapshot(br))).toEqual([]);
    // The middle node loses its master briefly: partial resync, B stays attached (same history).
    const syncsBefore = (await info(mr, 'stats'))['sync_partial_ok'];
    await ar.call('client', 'kill', 'type', 'master');
    await liveWrites(mr, 10);
    await waitFor('a partial resync', async () => (await info(mr, 'stats'))['sync_partial_ok'] === String(Number(syncsBefore) + 1));
    await caughtUp(mr, ar);
    await caughtUp(ar, br);
    expect((await info(ar, 'stats'))['sync_full']).toBe('1');
    // B reconnects to A with a partial resync.
    await ar.call('client', 'kill', 'type', 'replica');
    await liveWrites(mr, 11);
    await waitFor('b partial resync', async () => (await info(ar, 'stats'))['sync_partial_ok'] === '1');
    await caughtUp(mr, ar);
    await caughtUp(ar, br);
    expect(expectSameData(await snapshot(mr), await snapshot(br))).toEqual([]);
    expect((await info(br, 'replication'))['master_repl_offset']).toBe((await info(mr, 'replication'))['master_repl_offset']);
  });
});

describe.each(SERVER_KINDS)('link liveness on %s', (kind) => {
  it('repl-timeout on both sides; bind-source-addr is the source address of the link', async () => {
    const opts = [...FAST, '--repl-timeout', '2', '--repl-ping-replica-period', '1'];
    // protected-mode no: redis-server only treats exactly 127.0.0.1 and ::1 as local.
    const m = await startServer(kind, [...opts, '--protected-mode', 'no']);
    servers.push(m);
    const mr = conn(m.port);
    const r = await startReplicaOf(kind, m.port, [...opts, '--bind-source-addr', '127.0.0.2']);
    servers.push(r);
    const rr = conn(r.port);
    await caughtUp(mr, rr);
    await waitFor('online', async () => /^ip=127\.0\.0\.2,/.test((await info(mr, 'replication'))['slave0'] ?? ''));
    // Master stopped: the replica notices the silence after repl-timeout.
    await whileStopped(m, async () => {
      const t0 = Date.now();
      await waitFor('replica sees master timeout', async () => !(await linkUp(rr)), 10000, 100);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    });
    await waitFor('relinked', () => linkUp(rr), 15000);
    // Replica stopped: the master drops it after repl-timeout without ACKs.
    await whileStopped(r, async () => {
      await waitFor('master drops replica', async () => (await info(mr, 'replication'))['connected_slaves'] === '0', 10000, 100);
    });
    await waitFor('replica back', async () => (await info(mr, 'replication'))['connected_slaves'] === '1', 15000);
    await mr.set('after', '1');
    await caughtUp(mr, rr);
    expect(await rr.get('after')).toBe('1');
  });
});

describe.each(SERVER_KINDS)('replica output buffer limit on %s', (kind) => {
  it('a stopped replica past the hard limit is dropped, then resyncs in full (the backlog is too small)', async () => {
    const m = await startServer(kind, [...FAST, '--client-output-buffer-limit', 'replica 2mb 0 0']);
    servers.push(m);
    const mr = conn(m.port);
    const r = await startReplicaOf(kind, m.port, FAST);
    servers.push(r);
    const rr = conn(r.port);
    await caughtUp(mr, rr);
    const big = 'x'.repeat(100_000);
    await whileStopped(r, async () => {
      for (let i = 0; i < 400 && (await info(mr, 'replication'))['connected_slaves'] !== '0'; i++) {
        const p = mr.pipeline();
        for (let j = 0; j < 10; j++) p.set(`big:${j}`, big);
        await p.exec();
      }
      expect((await info(mr, 'replication'))['connected_slaves']).toBe('0');
    });
    await waitFor('resynced', async () => (await info(mr, 'stats'))['sync_full'] === '2' && (await linkUp(rr)), 20000);
    await caughtUp(mr, rr);
    expect(await rr.get('big:3')).toBe(big);
  });
});

describe('route: outgoing replication links go through the configured proxy', () => {
  it('connects to the proxy address and survives the proxy cutting the link', async () => {
    const m = await startServer('splitbrain', FAST);
    servers.push(m);
    const mr = conn(m.port);
    await mr.set('k', 'v');
    let accepted = 0;
    const { port: proxyPort, sockets } = await tcpProxy(m.port, { onAccept: () => accepted++ });
    const r = await startReplicaOf('splitbrain', m.port, ['--route', `127.0.0.1:${m.port}=127.0.0.1:${proxyPort}`]);
    servers.push(r);
    const rr = conn(r.port);
    await caughtUp(mr, rr);
    expect(accepted).toBe(1);
    expect(await rr.get('k')).toBe('v');
    // The INFO still names the real master.
    expect((await info(rr, 'replication'))['master_port']).toBe(String(m.port));
    for (const s of sockets) s.destroy();
    await mr.set('k2', 'v2');
    await waitFor('reconnected via proxy', async () => accepted === 2 && (await linkUp(rr)));
    await caughtUp(mr, rr);
    expect(await rr.get('k2')).toBe('v2');
    expect((await info(mr, 'stats'))['sync_partial_ok']).toBe('1');
  });
});

describe('a link lost inside a transaction of the stream', () => {
  it('resumes from before MULTI: the transaction is applied exactly once', async () => {
    const m = await startServer('redis', FAST);
    servers.push(m);
    const mr = conn(m.port);
    await mr.set('n', '0');
    let cutOnExec = false;
    const { port: proxyPort } = await tcpProxy(m.port, {
      relay: (out, inbound) =>
        out.on('data', (d: Buffer) => {
          const i = d.indexOf('EXEC');
          if (cutOnExec && i >= 0) {
            // Deliver MULTI and the queued commands, never the EXEC.
            cutOnExec = false;
            inbound.write(d.subarray(0, i - 8), () => {
              inbound.destroy();
              out.destroy();
            });
            return;
          }
          inbound.write(d);
        }),
    });
    const r = await startReplicaOf('splitbrain', m.port, ['--route', `127.0.0.1:${m.port}=127.0.0.1:${proxyPort}`]);
    servers.push(r);
    const rr = conn(r.port);
    await caughtUp(mr, rr);
    cutOnExec = true;
    await mr.multi().incr('n').incr('n').set('t', 'x').exec();
    await waitFor('partial resync', async () => (await info(mr, 'stats'))['sync_partial_ok'] === '1');
    await caughtUp(mr, rr);
    expect(await rr.get('n')).toBe('2');
    expect(await rr.get('t')).toBe('x');
    expect((await info(rr, 'replication'))['master_repl_offset']).toBe((await info(mr, 'replication'))['master_repl_offset']);
  });
});
