import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../replication/helpers.js';
import { useServer } from '../support/differential.js';
import { SERVER_KINDS } from '../support/servers.js';

/**
 * maxmemory-clients: when the clients' memory reaches the limit, the client using the most (here
 * a big argument still being received) is closed, logged and counted; CLIENT NO-EVICT clients are
 * kept. Same assertions on both servers.
 */
describe.each(SERVER_KINDS)('client eviction on %s', (kind) => {
  const t = useServer(kind);

  /** A raw connection that sends `bytes` of a big argument without finishing the command. */
  async function bigArgument(bytes: number, noEvict = false): Promise<{ sock: net.Socket; closed: Promise<void>; id: number }> {
    const sock = net.connect(t.srv.port, '127.0.0.1');
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.on('error', () => undefined);
    let got = '';
    sock.on('data', (d) => (got += d.toString('latin1')));
    sock.write(`${noEvict ? 'CLIENT NO-EVICT ON\r\n' : ''}CLIENT ID\r\n`);
    await waitFor('CLIENT ID', async () => /:(\d+)\r\n/.test(got));
    const id = Number(/:(\d+)\r\n/.exec(got)![1]);
    sock.write(`*2\r\n$4\r\nECHO\r\n$${bytes + 1000}\r\n`);
    sock.write(Buffer.alloc(bytes, 'x'));
    return { sock, closed, id };
  }

  const evicted = async (): Promise<number> => Number(/evicted_clients:(\d+)/.exec(String(await t.r.info('stats')))![1]);

  it('evicts the client using the most memory; CLIENT NO-EVICT ones stay', async () => {
    expect(await t.r.call('CLIENT', 'NO-EVICT', 'ON')).toBe('OK');
    expect(await t.r.config('SET', 'maxmemory-clients', '1mb')).toBe('OK');
    const before = await evicted();
    const big = await bigArgument(1_200_000);
    await big.closed;
    await waitFor('the eviction counted', async () => (await evicted()) === before + 1);
    expect(t.srv.output()).toMatch(new RegExp(`Evicting client: id=${big.id} addr=`));

    // A NO-EVICT client over half the limit stays; the next big one goes.
    const kept = await bigArgument(400_000, true);
    const other = await bigArgument(800_000);
    await other.closed;
    await waitFor('the second eviction counted', async () => (await evicted()) === before + 2);
    const list = String(await t.r.call('CLIENT', 'LIST'));
    expect(list).toMatch(new RegExp(`id=${kept.id} .*flags=e`));
    expect(list).not.toMatch(new RegExp(`id=${other.id} `));
    kept.sock.destroy();
    await t.r.config('SET', 'maxmemory-clients', '0');
  });
});
