import { ConfigError } from '../config/option.js';
import type { Server } from '../server.js';
import { tlsWanted } from './contexts.js';

/** The tls-* options whose change rebuilds the contexts (Redis's applyTlsCfg). */
const CONTEXT_OPTIONS = [
  'tls-cert-file',
  'tls-key-file',
  'tls-key-file-pass',
  'tls-client-cert-file',
  'tls-client-key-file',
  'tls-client-key-file-pass',
  'tls-dh-params-file',
  'tls-ca-cert-file',
  'tls-ca-cert-dir',
  'tls-protocols',
  'tls-ciphers',
  'tls-ciphersuites',
  'tls-prefer-server-ciphers',
  'tls-session-caching',
  'tls-session-cache-size',
  'tls-session-cache-timeout',
  'tls-replication',
  'tls-cluster',
] as const;

const UNABLE = 'Unable to update TLS configuration. Check server logs.';

/**
 * TLS at startup and on CONFIG SET: configure when tls-port, tls-replication or tls-cluster asks
 * for it (refusing to start otherwise, as Redis), listen on tls-port, rebuild the contexts when
 * a tls-* option changes, move the listeners when tls-port changes.
 */
export async function installTls(server: Server): Promise<void> {
  const cfg = server.config;
  const t = server.tls;
  if (tlsWanted(cfg) && !t.configure()) {
    server.log.warning('Failed to configure TLS. Check logs for more info.');
    throw new Error('Failed to configure TLS. Check logs for more info.');
  }
  if (cfg.tlsPort !== 0) await t.listen(cfg.tlsPort);
  for (const name of CONTEXT_OPTIONS) {
    server.configStore.onApply(name, () => {
      if (!t.reconfigure()) throw new ConfigError(UNABLE);
    });
  }
  server.configStore.onApply('tls-port', () => {
    if (t.contexts === null && !t.configure()) throw new ConfigError(UNABLE);
    // Binding is asynchronous in Node: a port that cannot be bound is logged, not refused.
    t.listen(cfg.tlsPort).catch((err: Error) => server.log.warning(err.message));
  });
  server.hooks.beforeShutdown.push(() => {
    void t.close();
  });
}
