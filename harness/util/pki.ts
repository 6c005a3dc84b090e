import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PKI made with openssl (tests, benches): a CA, certificates it signed, and a rogue CA's. */
export interface TestPki {
  dir: string;
  caCert: string;
  /** A directory with the CA certificate under its OpenSSL hash name (tls-ca-cert-dir). */
  caDir: string;
  serverCert: string;
  serverKey: string;
  /** serverKey encrypted with `keyPass`. */
  serverKeyEncrypted: string;
  keyPass: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by a CA the servers do not trust. */
  rogueCert: string;
  rogueKey: string;
  /** DH parameters (tls-dh-params-file). */
  dhParams: string;
}

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A key and a certificate for `cn` signed by the CA `ca` (basename: ca.crt, ca.key). */
function issue(dir: string, ca: string, name: string, cn: string): void {
  openssl(dir, 'req', '-new', '-nodes', '-newkey', 'rsa:2048', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=digitalSignature,keyEncipherment\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sb-pki-'));
  for (const ca of ['ca', 'rogue-ca']) {
    openssl(
      dir,
      'req',
      '-x509',
      '-new',
      '-nodes',
      '-newkey',
      'rsa:2048',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=splitbrain test ${ca}`,
    );
  }
  issue(dir, 'ca', 'server', 'localhost');
  issue(dir, 'ca', 'client', 'client');
  issue(dir, 'rogue-ca', 'rogue', 'rogue');
  const keyPass = 'key-secret';
  openssl(dir, 'pkey', '-in', 'server.key', '-aes256', '-passout', `pass:${keyPass}`, '-out', 'server-enc.key');
  // A named group: instant, and in the PEM form both OpenSSL (redis-server) and Node read.
  openssl(dir, 'genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'dh_param:ffdhe2048', '-out', 'dh.pem');
  const caDir = join(dir, 'cadir');
  mkdirSync(caDir);
  const hash = execFileSync('openssl', ['x509', '-hash', '-noout', '-in', join(dir, 'ca.crt')], { encoding: 'utf8' }).trim();
  copyFileSync(join(dir, 'ca.crt'), join(caDir, `${hash}.0`));
  const p = (f: string): string => join(dir, f);
  return {
    dir,
    caCert: p('ca.crt'),
    caDir,
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    serverKeyEncrypted: p('server-enc.key'),
    keyPass,
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.crt'),
    rogueKey: p('rogue.key'),
    dhParams: p('dh.pem'),
  };
}

/** Server options for TLS on `tlsPort` with the test PKI. */
export function tlsServerArgs(pki: TestPki, tlsPort: number, extra: string[] = []): string[] {
  return ['--tls-port', String(tlsPort), '--tls-cert-file', pki.serverCert, '--tls-key-file', pki.serverKey, '--tls-ca-cert-file', pki.caCert, ...extra];
}

/** ioredis `tls` options: trust the test CA, present the client certificate (or another). */
export function tlsClientOptions(pki: TestPki, who: 'client' | 'rogue' | 'none' = 'client'): Record<string, unknown> {
  const ca = readFileSync(pki.caCert);
  if (who === 'none') return { ca, checkServerIdentity: () => undefined };
  const [cert, key] = who === 'client' ? [pki.clientCert, pki.clientKey] : [pki.rogueCert, pki.rogueKey];
  return { ca, cert: readFileSync(cert), key: readFileSync(key), checkServerIdentity: () => undefined };
}
