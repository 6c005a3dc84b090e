import { describe, expect, it } from 'vitest';
import type { ServerKind } from '../support/servers.js';
import { startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';
import { caughtUp, expectSameData, info, liveWrites, seed, snapshot, waitFor } from './helpers.js';

// Replication through ACL users (masteruser/masterauth) between our server and redis-server.
const { servers, conn } = trackPerTest();

/** A master whose default user needs a password and a `repl` user allowed only what a replica sends. */
const MASTER_ACL = ['--requirepass', 'adminpw', '--user', 'repl', 'on', '>replpw', '+psync', '+replconf', '+ping'];

const PAIRS: [ServerKind, ServerKind][] = [
  ['splitbrain', 'redis'],
  ['redis', 'splitbrain'],
];

describe.each(PAIRS)('%s master, %s replica, replicating as an ACL user', (masterKind, replicaKind) => {
  it('refuses bad credentials, then syncs and streams with masteruser/masterauth', async () => {
    const m = await startServer(masterKind, MASTER_ACL);
    servers.push(m);
    const mr = conn(m.port, { password: 'adminpw' });
    await seed(mr);
    const rep = await startServer(replicaKind, ['--replicaof', '127.0.0.1', String(m.port), '--masteruser', 'repl', '--masterauth', 'wrong']);
    servers.push(rep);
    const rr = conn(rep.port);
    await waitFor('the refused AUTH in the replica log', async () => rep.output().includes('Unable to AUTH to MASTER'));
    expect((await info(rr, 'replication'))['master_link_status']).toBe('down');
    // The master logged the failed AUTH under the user the replica named.
    const log = (await mr.call('ACL', 'LOG')) as unknown[][];
    expect(log[0]!.slice(0, 10)).toEqual(['count', expect.any(Number), 'reason', 'auth', 'context', 'toplevel', 'object', 'AUTH', 'username', 'repl']);

    await rr.config('SET', 'masterauth', 'replpw');
    await caughtUp(mr, rr, 30_000);
    expect(expectSameData(await snapshot(mr), await snapshot(rr))).toEqual([]);
    for (let i = 0; i < 3; i++) await liveWrites(mr, i);
    await caughtUp(mr, rr);
    expect(expectSameData(await snapshot(mr), await snapshot(rr))).toEqual([]);
    // The replica's link is a client of the repl user on the master.
    expect(String(await mr.call('CLIENT', 'LIST', 'TYPE', 'replica'))).toMatch(/ user=repl /);
    // The repl user may do no more than replicate.
    const asRepl = conn(m.port);
    await asRepl.call('AUTH', 'repl', 'replpw');
    await expect(asRepl.get('x')).rejects.toThrow("NOPERM this user has no permissions to run the 'get' command");
  });
});
