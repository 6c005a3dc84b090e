import { NoNetwork } from '../net/iptables-net.js';
import type { Network } from '../net/network.js';
import type { ToxiproxyServer } from '../toxiproxy/server.js';
import { onCleanup } from '../util/cleanup.js';
import { leasePort, type PortLease } from '../util/port-lease.js';
import type { NodeHandle, ProcessControl } from './target.js';

/**
 * What the local targets (LocalTarget, SentinelTarget) share: nodes that are processes of ours —
 * their ports leased for the whole run, process faults by our own PIDs, and the stop that ends
 * them, the network backend and the proxies.
 */
export abstract class LocalProcessTarget implements ProcessControl {
  nodes: NodeHandle[] = [];
  network: Network = new NoNetwork();
  readonly processes: ProcessControl = this;
  readonly canKill = true;
  readonly canPause = true;
  protected toxiproxy: ToxiproxyServer | null = null;
  private readonly leases: PortLease[] = [];

  /**
   * One port per host, leased below the ephemeral range for the whole run, so no other run or
   * outgoing connection takes a node's port before it binds (or while it is killed); `pair` also
   * leases each port + 10000 (a cluster node's bus).
   */
  protected async leasePorts(hosts: readonly string[], pair = false): Promise<number[]> {
    if (this.leases.length === 0) onCleanup('port leases', () => this.releasePorts());
    const ports: number[] = [];
    for (const host of hosts) {
      const lease = await leasePort({ host, pair });
      this.leases.push(lease);
      ports.push(lease.port);
    }
    return ports;
  }

  // ---- Process faults (by our own PIDs) ----

  async kill(n: NodeHandle): Promise<void> {
    await n.process?.kill();
  }
  async restart(n: NodeHandle): Promise<void> {
    if (n.process && !n.process.running) await n.process.start();
  }
  async pause(n: NodeHandle): Promise<void> {
    n.process?.signal('SIGSTOP');
  }
  async resume(n: NodeHandle): Promise<void> {
    n.process?.signal('SIGCONT');
  }
  async recover(): Promise<void> {
    for (const n of this.nodes) {
      if (n.process?.paused) await this.resume(n);
      if (n.process && !n.process.running) await this.restart(n);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.process?.stop()));
    for (const n of this.nodes) n.process?.closeLog();
    await this.network.close();
    await this.toxiproxy?.close();
    await this.afterStop();
    this.releasePorts();
  }

  /** What a target releases once its processes are gone (before the port leases). */
  protected async afterStop(): Promise<void> {}

  private releasePorts(): void {
    for (const l of this.leases.splice(0)) l.release();
  }
}
