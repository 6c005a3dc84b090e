import type net from 'node:net';
import tls from 'node:tls';
import type { Server } from '../server.js';
import { buildTlsContexts, type TlsContexts, tlsWanted } from './contexts.js';

/** A bounded server-side TLS session cache (tls-session-cache-size entries, tls-session-cache-timeout seconds). */
class SessionCache {
  private readonly sessions = new Map<string, { data: Buffer; expires: number }>();

  store(id: Buffer, data: Buffer, size: number, timeoutSec: number): void {
    const key = id.toString('hex');
    this.sessions.delete(key);
    this.sessions.set(key, { data, expires: Date.now() + timeoutSec * 1000 });
    // Size 0 is unbounded, as OpenSSL's cache.
    while (size > 0 && this.sessions.size > size) this.sessions.delete(this.sessions.keys().next().value as string);
  }

  find(id: Buffer): Buffer | null {
    const key = id.toString('hex');
    const s = this.sessions.get(key);
    if (s === undefined) return null;
    if (s.expires <= Date.now()) {
      this.sessions.delete(key);
      return null;
    }
    return s.data;
  }

  clear(): void {
    this.sessions.clear();
  }
}

/**
 * TLS of one server (Redis's tls.c with Node's tls module): the contexts built from the tls-*
 * options, the listeners on tls-port (each bind address), client certificate checks per
 * tls-auth-clients, the session cache, and the client options of outgoing links (replication with
 * tls-replication; the cluster bus with tls-cluster uses connectOut(..., secure) the same way).
 */
export class TlsState {
  private readonly server: Server;
  /** The current contexts; null until TLS is configured. */
  contexts: TlsContexts | null = null;
  private listeners: tls.Server[] = [];
  private readonly sessions = new SessionCache();
  /** The port the listeners are bound to (tls-port, or the one picked for 0 ... never: 0 is no listener). */
  boundPort = 0;

  constructor(server: Server) {
    this.server = server;
  }

  /** Build the contexts from the current options (Redis's tlsConfigure); false (logged) when they are unusable. */
  configure(): boolean {
    const contexts = buildTlsContexts(this.server.config, (m) => this.server.log.warning(m));
    if (contexts === null) return false;
    this.contexts = contexts;
    this.sessions.clear();
    for (const l of this.listeners) l.setSecureContext(contexts.server);
    return true;
  }

  /** applyTlsCfg: reconfigure when TLS is in use. */
  reconfigure(): boolean {
    return !tlsWanted(this.server.config) || this.configure();
  }

  /** Options for an outgoing TLS link. */
  clientOptions(): tls.ConnectionOptions {
    if (this.contexts === null && !this.configure()) throw new Error('TLS is not configured');
    return this.contexts!.client;
  }

  /** Listen on `port` (tls-port) on every bind address, replacing the current listeners. */
  async listen(port: number): Promise<void> {
    await this.close();
    if (port === 0) return;
    const contexts = this.contexts;
    if (contexts === null) throw new Error(`Failed listening on port ${port} (TLS), aborting.`);
    const opened: tls.Server[] = [];
    for (const b of this.server.config.bind) {
      const optional = b.startsWith('-');
      const addr = optional ? b.slice(1) : b;
      const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
      const srv = this.createListener(contexts);
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ host, port, backlog: this.server.config.tcpBacklog, ipv6Only: host === '::' }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        if (optional) continue;
        for (const o of opened) o.close();
        throw new Error(`Failed listening on port ${port} (TLS), aborting. (${(err as Error).message})`);
      }
      opened.push(srv);
    }
    if (opened.length === 0) throw new Error(`Failed listening on port ${port} (TLS), aborting.`);
    this.listeners = opened;
    this.boundPort = port;
  }

  /**
   * A TLS listener with the current contexts whose accepted, checked sockets go to `onSocket`
   * (the cluster bus with tls-cluster); configures TLS first if it is not yet.
   */
  createSecureServer(onSocket: (sock: net.Socket) => void): tls.Server {
    if (this.contexts === null && !this.configure()) throw new Error('Failed to configure TLS. Check logs for more info.');
    return this.createListener(this.contexts!, onSocket);
  }

  private createListener(contexts: TlsContexts, onSocket: (sock: net.Socket) => void = (sock) => this.server.accept(sock)): tls.Server {
    // Certificates are requested from every client and checked per tls-auth-clients on each
    // connection, so CONFIG SET tls-auth-clients applies to the next connection.
    const srv = tls.createServer({ ...contexts.server, requestCert: true, rejectUnauthorized: false }, (sock) => this.onSecure(sock, onSocket));
    srv.on('tlsClientError', (err) => this.server.log.verbose(`Error accepting a client connection: ${err.message}`));
    srv.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      const cfg = this.server.config;
      if (cfg.tlsSessionCaching) this.sessions.store(id, data, cfg.tlsSessionCacheSize, cfg.tlsSessionCacheTimeout);
      done();
    });
    srv.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
      done(null, this.server.config.tlsSessionCaching ? this.sessions.find(id) : null);
    });
    return srv;
  }

  private onSecure(sock: tls.TLSSocket, onSocket: (sock: net.Socket) => void): void {
    const mode = this.server.config.tlsAuthClients;
    const presented = Object.keys(sock.getPeerCertificate()).length > 0;
    if ((mode === 'yes' && !sock.authorized) || (mode === 'optional' && presented && !sock.authorized)) {
      const why = sock.authorizationError ? String(sock.authorizationError) : 'peer did not return a certificate';
      this.server.log.verbose(`Error accepting a client connection: ${why} (addr=${sock.remoteAddress}:${sock.remotePort})`);
      sock.destroy();
      return;
    }
    onSocket(sock);
  }

  async close(): Promise<void> {
    const ls = this.listeners;
    this.listeners = [];
    this.boundPort = 0;
    await Promise.all(ls.map((l) => new Promise<void>((r) => l.close(() => r()))));
  }
}
