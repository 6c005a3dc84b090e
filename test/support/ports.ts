/**
 * Ports for the servers a test starts. A port picked here is bound later by another process, so it
 * is leased (harness/util/port-lease.ts): below the kernel's ephemeral range, where no outgoing
 * connection or bind-to-0 listener can take it meanwhile, and locked against the other test
 * workers. The lease is held until this test process exits (a killed node restarts on its port).
 */
import { leasePort, type PortLease } from '../../harness/util/port-lease.js';

const held: PortLease[] = [];

function hold(lease: PortLease): number {
  if (held.length === 0)
    process.once('exit', () => {
      for (const l of held.splice(0)) l.release();
    });
  held.push(lease);
  return lease.port;
}

/** A leased port on loopback (or `host`) that a server process will bind. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return hold(await leasePort({ host }));
}

/** A leased port p with p + 10000 leased too (a cluster node and its bus). */
export async function freePortPair(host = '127.0.0.1'): Promise<number> {
  return hold(await leasePort({ host, pair: true }));
}
