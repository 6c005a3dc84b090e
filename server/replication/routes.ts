import net from 'node:net';
import tls from 'node:tls';
import type { Server } from '../server.js';

/**
 * Outgoing node-to-node links (replication, the cluster bus, MIGRATE). The harness puts a fault
 * proxy on every directed link and tells each node, through the `route` config
 * (`route host:port=proxyhost:proxyport ...`), where its links to a peer really connect.
 * `bind-source-addr` is the local address of every outgoing link, as in redis-server.
 */

/** The address to dial for a peer: its route when one is configured, else the peer itself. */
export function resolveRoute(server: Server, host: string, port: number): { host: string; port: number } {
  const routes = server.config.route;
  if (routes.length === 0) return { host, port };
  const want = `${host}:${port}`;
  const alt = host === 'localhost' ? `127.0.0.1:${port}` : host === '127.0.0.1' ? `localhost:${port}` : null;
  for (const r of routes) {
    if (r.from === want || r.from === alt) return { host: r.host, port: r.port };
  }
  return { host, port };
}

/**
 * Open an outgoing link to host:port through its route, bound to bind-source-addr when set; over
 * TLS when `secure` (tls-replication for replication links, tls-cluster for the cluster bus).
 */
export function connectOut(server: Server, host: string, port: number, secure = false): net.Socket {
  const target = resolveRoute(server, host, port);
  const localAddress = server.config.bindSourceAddr || undefined;
  const sock = net.connect({ host: target.host, port: target.port, localAddress, noDelay: true });
  // The TLS socket wraps the TCP one (so it keeps the source address) and emits its 'connect'.
  return secure ? tls.connect({ ...server.tls.clientOptions(), socket: sock }) : sock;
}
