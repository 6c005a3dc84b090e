import { constants } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import type { ConfigValues } from '../config/definitions.js';

/** The TLS options of the server side (our listeners) and the client side (our outgoing links). */
export interface TlsContexts {
  /** tls.createServer / setSecureContext options. */
  server: tls.SecureContextOptions & { sessionIdContext?: string; sessionTimeout?: number };
  /** tls.connect options (replication, cluster bus). */
  client: tls.ConnectionOptions;
}

const PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
type Protocol = (typeof PROTOCOLS)[number];
const NO_PROTOCOL: Record<Protocol, number> = {
  TLSv1: constants.SSL_OP_NO_TLSv1,
  'TLSv1.1': constants.SSL_OP_NO_TLSv1_1,
  'TLSv1.2': constants.SSL_OP_NO_TLSv1_2,
  'TLSv1.3': constants.SSL_OP_NO_TLSv1_3,
};

/** tls-protocols ("TLSv1.2 TLSv1.3", case-insensitive; unset: those two), or null when invalid. */
function parseProtocols(text: string): Protocol[] | null {
  if (text === '') return ['TLSv1.2', 'TLSv1.3'];
  const out: Protocol[] = [];
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const p = PROTOCOLS.find((x) => x.toLowerCase() === word.toLowerCase());
    if (p === undefined) return null;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** The TLS 1.2 and TLS 1.3 halves of Node's default cipher string (used for the half not configured). */
function defaultCiphers(): { v12: string; v13: string } {
  const all = tls.DEFAULT_CIPHERS.split(':');
  return { v13: all.filter((c) => c.startsWith('TLS_')).join(':'), v12: all.filter((c) => !c.startsWith('TLS_')).join(':') };
}

/** A CA directory as OpenSSL's CApath: every certificate file in it (the hashed links included). */
function readCaDir(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      const text = readFileSync(p, 'latin1');
      if (text.includes('-----BEGIN CERTIFICATE-----')) out.push(text);
    } catch {
      /* unreadable entries are skipped, as OpenSSL does */
    }
  }
  return out;
}

function fsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  return (err as Error).message;
}

/** Whether this configuration needs TLS contexts at all (Redis configures TLS only then). */
export function tlsWanted(cfg: ConfigValues): boolean {
  return cfg.tlsPort !== 0 || cfg.tlsReplication || cfg.tlsCluster;
}

/**
 * Build the server and client TLS options from the tls-* options (Redis's tlsConfigure): the
 * certificate and key (with its pass phrase), the CA file or directory peers are verified
 * against, protocols, TLS 1.2 ciphers and TLS 1.3 cipher suites, server cipher preference, DH
 * parameters, session caching; the client side uses tls-client-cert-file/-key-file when both are
 * set, else the server's own. Every file is loaded and checked now, so a bad configuration is
 * refused whole: `warn` receives Redis's log line and null is returned.
 */
export function buildTlsContexts(cfg: ConfigValues, warn: (msg: string) => void): TlsContexts | null {
  if (cfg.tlsCertFile === '') return fail(warn, 'No tls-cert-file configured!');
  if (cfg.tlsKeyFile === '') return fail(warn, 'No tls-key-file configured!');
  if ((cfg.tlsAuthClients !== 'no' || cfg.tlsCluster || cfg.tlsReplication) && cfg.tlsCaCertFile === '' && cfg.tlsCaCertDir === '') {
    return fail(warn, 'Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!');
  }
  const protocols = parseProtocols(cfg.tlsProtocols);
  if (protocols === null || protocols.length === 0) {
    return fail(warn, "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
  }
  const ordered = PROTOCOLS.filter((p) => protocols.includes(p));
  let secureOptions = constants.SSL_OP_NO_SSLv2 | constants.SSL_OP_NO_SSLv3 | constants.SSL_OP_NO_COMPRESSION;
  for (const p of PROTOCOLS) if (!protocols.includes(p)) secureOptions |= NO_PROTOCOL[p];
  const base: tls.SecureContextOptions = { minVersion: ordered[0], maxVersion: ordered[ordered.length - 1], secureOptions };

  let ca: string[] | undefined;
  try {
    if (cfg.tlsCaCertFile !== '' || cfg.tlsCaCertDir !== '') {
      ca = [];
      if (cfg.tlsCaCertFile !== '') ca.push(readFileSync(cfg.tlsCaCertFile, 'latin1'));
      if (cfg.tlsCaCertDir !== '') ca.push(...readCaDir(cfg.tlsCaCertDir));
      tls.createSecureContext({ ca });
    }
  } catch (err) {
    return fail(warn, `Failed to configure CA certificate(s) file/directory: ${fsError(err)}`);
  }
  const defaults = defaultCiphers();
  const ciphers = `${cfg.tlsCiphersuites || defaults.v13}:${cfg.tlsCiphers || defaults.v12}`;
  try {
    tls.createSecureContext({ ...base, ciphers: cfg.tlsCiphers || defaults.v12 });
  } catch {
    return fail(warn, `Failed to configure ciphers: ${cfg.tlsCiphers}`);
  }
  try {
    tls.createSecureContext({ ...base, ciphers });
  } catch {
    return fail(warn, `Failed to configure ciphersuites: ${cfg.tlsCiphersuites}`);
  }

  const identity = (certFile: string, keyFile: string, pass: string): { cert: string; key: string; passphrase?: string } | null => {
    let cert: string;
    let key: string;
    try {
      cert = readFileSync(certFile, 'latin1');
      tls.createSecureContext({ cert });
    } catch (err) {
      warn(`Failed to load certificate: ${certFile}: ${fsError(err)}`);
      return null;
    }
    try {
      key = readFileSync(keyFile, 'latin1');
      tls.createSecureContext({ cert, key, passphrase: pass || undefined });
    } catch (err) {
      warn(`Failed to load private key: ${keyFile}: ${fsError(err)}`);
      return null;
    }
    return { cert, key, ...(pass ? { passphrase: pass } : {}) };
  };
  const serverId = identity(cfg.tlsCertFile, cfg.tlsKeyFile, cfg.tlsKeyFilePass);
  if (serverId === null) return null;
  let clientId = serverId;
  if (cfg.tlsClientCertFile !== '' && cfg.tlsClientKeyFile !== '') {
    const id = identity(cfg.tlsClientCertFile, cfg.tlsClientKeyFile, cfg.tlsClientKeyFilePass);
    if (id === null) return null;
    clientId = id;
  }

  let dhparam: string | undefined;
  if (cfg.tlsDhParamsFile !== '') {
    try {
      dhparam = readFileSync(cfg.tlsDhParamsFile, 'latin1');
    } catch (err) {
      return fail(warn, `Failed to load ${cfg.tlsDhParamsFile}: ${fsError(err)}`);
    }
    try {
      tls.createSecureContext({ dhparam });
    } catch {
      return fail(warn, `${cfg.tlsDhParamsFile}: failed to read DH params.`);
    }
  }

  const server: TlsContexts['server'] = {
    ...base,
    ...serverId,
    ca,
    ciphers,
    honorCipherOrder: cfg.tlsPreferServerCiphers,
    ...(dhparam ? { dhparam } : {}),
  };
  if (cfg.tlsSessionCaching) {
    server.sessionIdContext = 'redis';
    server.sessionTimeout = cfg.tlsSessionCacheTimeout;
  } else {
    server.secureOptions = secureOptions | constants.SSL_OP_NO_TICKET;
  }
  const client: tls.ConnectionOptions = {
    ...base,
    ...clientId,
    ca,
    ciphers,
    rejectUnauthorized: true,
    // Redis verifies the peer's chain, not its host name.
    checkServerIdentity: () => undefined,
  };
  try {
    tls.createSecureContext(server);
  } catch (err) {
    return fail(warn, `Failed to configure TLS: ${(err as Error).message}`);
  }
  return { server, client };
}

function fail(warn: (msg: string) => void, msg: string): null {
  warn(msg);
  return null;
}
