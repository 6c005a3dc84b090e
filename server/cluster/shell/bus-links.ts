import net from 'node:net';
import { connectOut } from '../../replication/routes.js';
import type { Server } from '../../server.js';
import { BusFramer } from '../bus/framer.js';
import type { LinkId } from '../types.js';

/** What the link layer reports (the node turns these into brain events). */
export interface BusLinkEvents {
  accepted(link: LinkId, peerIp: string, localIp: string): void;
  connected(link: LinkId, localIp: string): void;
  closed(link: LinkId): void;
  frame(link: LinkId, bytes: Uint8Array): void;
}

interface Link {
  id: LinkId;
  sock: net.Socket;
  inbound: boolean;
  reader: BusFramer;
  /** Closed on the brain's request: no `closed` event goes back. */
  dropped: boolean;
}

function plainIp(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/**
 * The cluster bus sockets: the listener on the bus port and one TCP connection per link, in both
 * directions. Outgoing links go through the route table and bind-source-addr (routes.ts), so the
 * harness can put a proxy on every directed link. Bytes in are framed (bus/framer.ts) and handed up
 * whole; bytes out are queued on the socket. No decisions are taken here.
 */
export class BusLinks {
  private readonly links = new Map<LinkId, Link>();
  private readonly listeners: net.Server[] = [];
  private inboundSeq = 0;
  /** Links with messages queued this turn. */
  private readonly corked = new Set<Link>();
  /** Links freed because their send buffer passed cluster-link-sendbuf-limit (CLUSTER INFO). */
  limitExceeded = 0;

  constructor(
    private readonly server: Server,
    private readonly events: BusLinkEvents,
  ) {}

  /** Listen on the bus port on every bind address (Redis: "Failed listening on port %u (cluster), aborting."). */
  async listen(port: number): Promise<void> {
    const binds = this.server.config.bind;
    for (const b of binds) {
      const optional = b.startsWith('-');
      const raw = optional ? b.slice(1) : b;
      const host = raw === '*' ? '0.0.0.0' : raw === '::*' ? '::' : raw;
      // tls-cluster: the bus listener speaks TLS, client certificates checked as on tls-port.
      const srv = this.server.config.tlsCluster
        ? this.server.tls.createSecureServer((sock) => this.accept(sock))
        : net.createServer({ noDelay: true }, (sock) => this.accept(sock));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ host, port, ipv6Only: host === '::' }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch {
        if (optional) continue;
        throw new Error(`Failed listening on port ${port} (cluster), aborting.`);
      }
      this.listeners.push(srv);
    }
    if (this.listeners.length === 0) throw new Error(`Failed listening on port ${port} (cluster), aborting.`);
  }

  private accept(sock: net.Socket): void {
    if (this.server.shuttingDown) {
      sock.destroy();
      return;
    }
    sock.setNoDelay(true);
    const timeout = this.server.config.clusterNodeTimeout;
    sock.setKeepAlive(true, Math.max(1000, Math.floor(timeout / 1000) * 2 * 1000));
    const id = `in:${++this.inboundSeq}`;
    this.server.log.verbose(`Accepting cluster node connection from ${plainIp(sock.remoteAddress)}:${sock.remotePort}`);
    const link = this.track(id, sock, true);
    this.events.accepted(link.id, plainIp(sock.remoteAddress), plainIp(sock.localAddress));
  }

  /** Open an outgoing link (the brain names it). */
  connect(id: LinkId, ip: string, cport: number): void {
    const old = this.links.get(id);
    if (old) this.drop(old);
    const sock = connectOut(this.server, ip, cport, this.server.config.tlsCluster);
    const link = this.track(id, sock, false);
    sock.once('connect', () => {
      if (link.dropped) return;
      this.events.connected(id, plainIp(sock.localAddress));
    });
  }

  private track(id: LinkId, sock: net.Socket, inbound: boolean): Link {
    const link: Link = { id, sock, inbound, reader: new BusFramer(), dropped: false };
    this.links.set(id, link);
    sock.on('data', (chunk: Buffer) => {
      if (link.dropped) return;
      const frames = link.reader.push(chunk);
      for (const f of frames) {
        if (link.dropped) return;
        this.events.frame(id, f);
      }
      if (link.reader.error !== '') {
        this.server.log.warning(link.reader.error);
        this.fail(link);
      }
    });
    sock.on('error', () => this.fail(link));
    sock.on('close', () => this.fail(link));
    return link;
  }

  /** A link broke on its own: forget it and tell the brain. */
  private fail(link: Link): void {
    if (link.dropped) return;
    this.drop(link);
    this.events.closed(link.id);
  }

  private drop(link: Link): void {
    link.dropped = true;
    if (this.links.get(link.id) === link) this.links.delete(link.id);
    link.sock.destroy();
  }

  /**
   * Queue a message. Like Redis's send buffers, queued bytes leave at the end of the event-loop
   * turn (`flush`, after beforeSleep): a vote goes out only after the nodes.conf save that records
   * it, never before.
   */
  send(id: LinkId, bytes: Uint8Array): void {
    const link = this.links.get(id);
    if (!link || link.dropped) return;
    if (!this.corked.has(link)) {
      link.sock.cork();
      this.corked.add(link);
    }
    link.sock.write(bytes);
  }

  /** Let the queued messages go (end of the turn). */
  flush(): void {
    for (const link of this.corked) if (!link.dropped) link.sock.uncork();
    this.corked.clear();
  }

  /** The brain closes a link: no event back. */
  close(id: LinkId): void {
    const link = this.links.get(id);
    if (link) this.drop(link);
  }

  /** CLUSTER LINKS: events ("r", "w") and send buffer bytes of a link. */
  describe(id: LinkId): { events: string; sendBuffer: number } | null {
    const link = this.links.get(id);
    if (!link) return null;
    const pending = link.sock.writableLength;
    return { events: link.sock.connecting ? 'w' : pending > 0 ? 'rw' : 'r', sendBuffer: pending };
  }

  /**
   * clusterCron's cluster-link-sendbuf-limit check: a link whose unsent bytes pass the limit is
   * freed (the brain reconnects it). Returns the freed link ids.
   */
  enforceSendBufferLimit(limit: number, describeNode: (id: LinkId) => string): LinkId[] {
    if (limit <= 0) return [];
    const freed: LinkId[] = [];
    for (const link of [...this.links.values()]) {
      const used = link.sock.writableLength;
      if (used <= limit) continue;
      this.server.log.warning(
        `Freeing cluster link(${link.inbound ? 'from' : 'to'} node ${describeNode(link.id)}, used memory: ${used}) due to exceeding send buffer memory limit.`,
      );
      this.limitExceeded++;
      freed.push(link.id);
      this.fail(link);
    }
    return freed;
  }

  /** Close everything (shutdown). */
  async closeAll(): Promise<void> {
    for (const link of [...this.links.values()]) this.drop(link);
    await Promise.all(this.listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
  }
}
