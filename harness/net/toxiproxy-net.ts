import { type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import type { NodeHandle } from '../targets/target.js';
import type { CutMode, Degradation, Link, Network, NetworkCapabilities } from './network.js';

/**
 * Network faults through the Toxiproxy HTTP API (our server or a real toxiproxy-server): one
 * proxy per client→node link, and one per directed node→node link for nodes that take a route
 * table (our server). `reset` disables the proxy (refused + existing connections closed);
 * `drop` adds a timeout=0 toxic both ways (a black hole that holds connections open).
 */
export class ToxiproxyNetwork implements Network {
  readonly kind = 'toxiproxy' as const;
  readonly capabilities: NetworkCapabilities;
  private readonly tp: Toxiproxy;
  private proxies = new Map<string, Proxy>();
  private addresses = new Map<string, { host: string; port: number }>();
  /** Toxics we added, per proxy, so heal removes exactly ours. */
  private toxics = new Map<string, string[]>();
  private disabled = new Set<string>();

  constructor(
    url: string,
    private readonly prefix: string,
    routedLinks: boolean,
  ) {
    this.tp = new Toxiproxy(url);
    this.capabilities = {
      pairPartitions: routedLinks,
      clientPartitions: true,
      oneWay: routedLinks,
      latency: true,
      packetLoss: false,
      bandwidth: true,
      resetPeer: true,
      linkChannels: routedLinks,
    };
  }

  /** The proxy's name for a link: `from-to` (data), `from-to-bus` (cluster bus). */
  static linkName(l: Link): string {
    return l.channel === 'bus' ? `${l.from}-${l.to}-bus` : `${l.from}-${l.to}`;
  }

  /** The proxied links a requested link stands for: a node→node link without a channel is both its data and its bus link (where a bus proxy exists). */
  private expand(links: Link[]): Link[] {
    return links.flatMap((l) => {
      if (l.channel !== undefined || l.from === 'client') return [l];
      const bus = { ...l, channel: 'bus' as const };
      return this.proxies.has(ToxiproxyNetwork.linkName(bus)) ? [l, bus] : [l];
    });
  }

  /** Create the proxy for a link; returns the address it listens on. */
  async addLink(link: Link, upstream: { host: string; port: number }): Promise<{ host: string; port: number }> {
    const name = `${this.prefix}${ToxiproxyNetwork.linkName(link)}`;
    const p = await this.tp.createProxy({ name, listen: '127.0.0.1:0', upstream: `${upstream.host}:${upstream.port}` });
    this.proxies.set(ToxiproxyNetwork.linkName(link), p);
    const m = /^(.*):(\d+)$/.exec(p.listen)!;
    const addr = { host: m[1] === '[::]' || m[1] === '0.0.0.0' ? '127.0.0.1' : m[1]!, port: Number(m[2]) };
    this.addresses.set(ToxiproxyNetwork.linkName(link), addr);
    return addr;
  }

  linkAddress(link: Link): { host: string; port: number } | undefined {
    return this.addresses.get(ToxiproxyNetwork.linkName(link));
  }

  clientAddress(node: NodeHandle): { host: string; port: number } {
    return this.addresses.get(ToxiproxyNetwork.linkName({ from: 'client', to: node.name })) ?? { host: node.host, port: node.port };
  }

  private proxy(link: Link): Proxy {
    const p = this.proxies.get(ToxiproxyNetwork.linkName(link));
    if (!p) throw new Error(`no proxy for link ${ToxiproxyNetwork.linkName(link)}: this target does not route that link through a proxy`);
    return p;
  }

  async cut(links: Link[], mode: CutMode): Promise<void> {
    await this.heal();
    await Promise.all(
      this.expand(links).map(async (l) => {
        const p = this.proxy(l);
        if (mode === 'reset') {
          await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
          this.disabled.add(ToxiproxyNetwork.linkName(l));
        } else {
          await this.addToxic(l, p, 'timeout', { timeout: 0 });
        }
      }),
    );
  }

  private async addToxic(l: Link, p: Proxy, type: 'timeout' | 'latency' | 'bandwidth' | 'reset_peer', attributes: Record<string, number>): Promise<void> {
    const names = this.toxics.get(ToxiproxyNetwork.linkName(l)) ?? [];
    for (const stream of ['upstream', 'downstream'] as const) {
      const name = `sb-${type}-${stream}`;
      // The client library types attributes per toxic type; ours are checked by the server.
      await p.addToxic({ name, type, stream, toxicity: 1, attributes } as Parameters<Proxy['addToxic']>[0]);
      names.push(name);
    }
    this.toxics.set(ToxiproxyNetwork.linkName(l), names);
  }

  async degrade(links: Link[], how: Degradation): Promise<void> {
    if (how.loss !== undefined)
      throw new Error('the toxiproxy network backend cannot drop a fraction of packets (Toxiproxy has no packet loss); use --net iptables');
    await this.heal();
    await Promise.all(
      this.expand(links).map(async (l) => {
        const p = this.proxy(l);
        if (how.latencyMs !== undefined) await this.addToxic(l, p, 'latency', { latency: how.latencyMs, jitter: how.jitterMs ?? 0 });
        if (how.rateKBs !== undefined) await this.addToxic(l, p, 'bandwidth', { rate: how.rateKBs });
        if (how.resetPeer) await this.addToxic(l, p, 'reset_peer', { timeout: 0 });
      }),
    );
  }

  async heal(): Promise<void> {
    const work: Promise<unknown>[] = [];
    for (const [link, names] of this.toxics) {
      const p = this.proxies.get(link)!;
      for (const n of names)
        work.push(
          p
            .getToxic(n)
            .then((t) => t.remove())
            .catch(() => undefined),
        );
    }
    this.toxics.clear();
    for (const link of this.disabled) {
      const p = this.proxies.get(link)!;
      work.push(p.update({ enabled: true, listen: p.listen, upstream: p.upstream }));
    }
    this.disabled.clear();
    await Promise.all(work);
  }

  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.remove().catch(() => undefined)));
    this.proxies.clear();
  }
}
