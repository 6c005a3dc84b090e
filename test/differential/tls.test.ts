import net from 'node:net';
import tls from 'node:tls';
import { execa } from 'execa';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { ex } from '../support/differential.js';
import { freePort } from '../support/ports.js';
import { REDIS_SERVER, SERVER_KINDS, type ServerKind, SPLITBRAIN_SERVER } from '../support/servers.js';
import { makeTestPki, type TestPki, tlsClientOptions, tlsServerArgs } from '../support/tls.js';
import { trackPerTest } from '../support/tracked.js';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});

/** A TLS connection that says whether it got a PONG (null: refused or closed). */
async function tlsPing(
  port: number,
  opts: tls.ConnectionOptions,
): Promise<{ pong: boolean; cipher?: string; version?: string | null; reused?: boolean; session?: Buffer }> {
  return new Promise((resolve) => {
    let session: Buffer | undefined;
    const s = tls.connect({ host: '127.0.0.1', port, checkServerIdentity: () => undefined, ...opts });
    let buf = '';
    const t = setTimeout(() => finish(false), 5000);
    let done = false;
    const finish = (pong: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(t);
      const info = { pong, cipher: s.getCipher()?.name, version: s.getProtocol(), reused: s.isSessionReused(), session };
      s.destroy();
      resolve(info);
    };
    s.on('session', (sess: Buffer) => {
      session = sess;
    });
    s.on('secureConnect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      buf += d.toString();
      // Give TLS 1.3 session tickets a moment to arrive with the reply.
      if (buf.includes('+PONG')) setTimeout(() => finish(true), 50);
    });
    s.on('error', () => finish(false));
    s.on('close', () => finish(buf.includes('+PONG')));
  });
}

function withCa(extra: tls.ConnectionOptions = {}): tls.ConnectionOptions {
  return { ca: tlsClientOptions(pki, 'none').ca as Buffer, ...extra };
}
function withClientCert(who: 'client' | 'rogue' = 'client', extra: tls.ConnectionOptions = {}): tls.ConnectionOptions {
  const o = tlsClientOptions(pki, who);
  return { ca: o.ca as Buffer, cert: o.cert as Buffer, key: o.key as Buffer, ...extra };
}

// The same assertions run against our server and the Debian redis-server.
describe.each(SERVER_KINDS)('TLS on %s', (kind) => {
  const tr = trackPerTest();
  const startTls = async (extra: string[] = []): Promise<{ port: number; tlsPort: number; admin: Redis }> => {
    const tlsPort = await freePort();
    const { s, c } = await tr.start(kind, tlsServerArgs(pki, tlsPort, extra));
    return { port: s.port, tlsPort, admin: c };
  };

  it('ioredis and redis-cli connect with a client certificate; plain text and unknown certificates are refused', async () => {
    const { tlsPort } = await startTls();
    const r = tr.conn(tlsPort, { tls: tlsClientOptions(pki, 'client') });
    expect(await r.set('k', 'v')).toBe('OK');
    expect(await r.get('k')).toBe('v');
    const cli = await execa(
      'redis-cli',
      ['--tls', '--cacert', pki.caCert, '--cert', pki.clientCert, '--key', pki.clientKey, '-p', String(tlsPort), 'GET', 'k'],
      { reject: false },
    );
    expect(cli.stdout.trim()).toBe('v');
    // tls-auth-clients yes (the default): no certificate, or one from another CA, gets nothing.
    expect((await tlsPing(tlsPort, withCa())).pong).toBe(false);
    expect((await tlsPing(tlsPort, withClientCert('rogue'))).pong).toBe(false);
    expect((await tlsPing(tlsPort, withClientCert())).pong).toBe(true);
    // Plain text on the TLS port gets no reply.
    const plain = await new Promise<string>((resolve) => {
      const s = net.connect(tlsPort, '127.0.0.1', () => s.write('PING\r\n'));
      let got = '';
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('error', () => {});
      s.on('close', () => resolve(got));
    });
    expect(plain).not.toContain('PONG');
  });

  it('tls-auth-clients no / optional, CONFIG SET applying to the next connection', async () => {
    const { tlsPort, admin } = await startTls(['--tls-auth-clients', 'no']);
    expect((await tlsPing(tlsPort, withCa())).pong).toBe(true);
    expect((await tlsPing(tlsPort, withClientCert('rogue'))).pong).toBe(true);
    await admin.config('SET', 'tls-auth-clients', 'optional');
    expect((await tlsPing(tlsPort, withCa())).pong).toBe(true);
    expect((await tlsPing(tlsPort, withClientCert())).pong).toBe(true);
    expect((await tlsPing(tlsPort, withClientCert('rogue'))).pong).toBe(false);
    await admin.config('SET', 'tls-auth-clients', 'yes');
    expect((await tlsPing(tlsPort, withCa())).pong).toBe(false);
    expect(await ex(admin, 'CONFIG', 'SET', 'tls-auth-clients', 'maybe')).toBe(
      "ERR:ERR CONFIG SET failed (possibly related to argument 'tls-auth-clients') - argument(s) must be one of the following: no, yes, optional",
    );
  });

  it('an encrypted key with tls-key-file-pass, a CA directory, DH parameters', async () => {
    const { tlsPort } = await startTls([
      '--tls-key-file',
      pki.serverKeyEncrypted,
      '--tls-key-file-pass',
      pki.keyPass,
      '--tls-ca-cert-file',
      '',
      '--tls-ca-cert-dir',
      pki.caDir,
      '--tls-dh-params-file',
      pki.dhParams,
    ]);
    expect((await tlsPing(tlsPort, withClientCert())).pong).toBe(true);
    expect((await tlsPing(tlsPort, withClientCert('rogue'))).pong).toBe(false);
  });

  it('tls-protocols, tls-ciphers, tls-ciphersuites, tls-prefer-server-ciphers', async () => {
    const { tlsPort, admin } = await startTls(['--tls-protocols', 'TLSv1.3', '--tls-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256']);
    const v13 = await tlsPing(tlsPort, withClientCert());
    expect(v13).toMatchObject({ pong: true, version: 'TLSv1.3', cipher: 'TLS_CHACHA20_POLY1305_SHA256' });
    expect((await tlsPing(tlsPort, withClientCert('client', { maxVersion: 'TLSv1.2' }))).pong).toBe(false);
    await admin.config('SET', 'tls-protocols', 'TLSv1.2', 'tls-ciphers', 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384');
    const clientOrder = { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256' };
    expect(await tlsPing(tlsPort, withClientCert('client', clientOrder))).toMatchObject({
      pong: true,
      version: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
    });
    await admin.config('SET', 'tls-prefer-server-ciphers', 'yes');
    expect(await tlsPing(tlsPort, withClientCert('client', clientOrder))).toMatchObject({ pong: true, cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
    expect((await tlsPing(tlsPort, withClientCert('client', { maxVersion: 'TLSv1.3', minVersion: 'TLSv1.3' }))).pong).toBe(false);
    expect(await ex(admin, 'CONFIG', 'SET', 'tls-protocols', 'SSLv3')).toMatch(
      /^ERR:ERR CONFIG SET failed .*Unable to update TLS configuration\. Check server logs\.$/,
    );
    expect(await ex(admin, 'CONFIG', 'SET', 'tls-ciphers', 'NO-SUCH-CIPHER')).toMatch(/Unable to update TLS configuration/);
    // A refused change leaves the working configuration in place.
    expect(await admin.config('GET', 'tls-protocols')).toEqual(['tls-protocols', 'TLSv1.2']);
    expect((await tlsPing(tlsPort, withClientCert('client', clientOrder))).pong).toBe(true);
  });

  it('session caching: a TLS 1.2 session is resumed only while caching is on', async () => {
    const { tlsPort, admin } = await startTls(['--tls-protocols', 'TLSv1.2']);
    const first = await tlsPing(tlsPort, withClientCert());
    expect(first.session).toBeDefined();
    expect((await tlsPing(tlsPort, withClientCert('client', { session: first.session }))).reused).toBe(true);
    await admin.config('SET', 'tls-session-caching', 'no');
    const second = await tlsPing(tlsPort, withClientCert());
    expect(second.pong).toBe(true);
    const again = await tlsPing(tlsPort, withClientCert('client', { session: second.session }));
    expect(again.reused).toBe(false);
    // Ours falls back to a full handshake; redis-server 7.0 aborts it (OpenSSL: verify-peer
    // resumption without a session id context), a difference we keep on purpose.
    if (kind === 'splitbrain') expect(again.pong).toBe(true);
  });

  it('CONFIG GET shows the tls options; a bad file is refused by CONFIG SET', async () => {
    const { admin } = await startTls();
    const all = (await admin.config('GET', 'tls-*')) as string[];
    const names = all.filter((_, i) => i % 2 === 0).sort();
    expect(names).toEqual(
      [
        'tls-auth-clients',
        'tls-ca-cert-dir',
        'tls-ca-cert-file',
        'tls-cert-file',
        'tls-ciphers',
        'tls-ciphersuites',
        'tls-client-cert-file',
        'tls-client-key-file',
        'tls-client-key-file-pass',
        'tls-cluster',
        'tls-dh-params-file',
        'tls-key-file',
        'tls-key-file-pass',
        'tls-port',
        'tls-prefer-server-ciphers',
        'tls-protocols',
        'tls-replication',
        'tls-session-cache-size',
        'tls-session-cache-timeout',
        'tls-session-caching',
      ].sort(),
    );
    expect(await admin.config('GET', 'tls-session-cache-size')).toEqual(['tls-session-cache-size', '20480']);
    expect(await ex(admin, 'CONFIG', 'SET', 'tls-cert-file', `${pki.dir}/missing.crt`)).toMatch(/Unable to update TLS configuration\. Check server logs\.$/);
    expect(await admin.config('GET', 'tls-cert-file')).toEqual(['tls-cert-file', pki.serverCert]);
  });

  it('refuses to start with TLS but without a certificate, or with tls-auth-clients and no CA', async () => {
    const run = async (args: string[]) => {
      const [file, pre] = kind === 'redis' ? [REDIS_SERVER, []] : [process.execPath, [SPLITBRAIN_SERVER]];
      return execa(file, [...pre, '--port', String(await freePort()), '--save', '', ...args], { reject: false, all: true, timeout: 10_000 });
    };
    const noCert = await run(['--tls-port', String(await freePort())]);
    expect(noCert.exitCode).toBe(1);
    expect(noCert.all).toContain('No tls-cert-file configured!');
    expect(noCert.all).toContain('Failed to configure TLS. Check logs for more info.');
    const noCa = await run(['--tls-port', String(await freePort()), '--tls-cert-file', pki.serverCert, '--tls-key-file', pki.serverKey]);
    expect(noCa.exitCode).toBe(1);
    expect(noCa.all).toContain(
      'Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!',
    );
  });
});

/** TLS replication between our server and redis-server, both directions. */
describe('replication over TLS (tls-replication)', () => {
  const tr = trackPerTest();
  const PAIRS: [ServerKind, ServerKind][] = [
    ['splitbrain', 'redis'],
    ['redis', 'splitbrain'],
  ];
  it.each(PAIRS)('%s master, %s replica', async (masterKind, replicaKind) => {
    const mTls = await freePort();
    const { c: mc } = await tr.start(masterKind, tlsServerArgs(pki, mTls, ['--repl-diskless-sync-delay', '0']));
    for (let i = 0; i < 100; i++) await mc.set(`k${i}`, `v${i}`);
    const rTls = await freePort();
    const { c: rc } = await tr.start(replicaKind, tlsServerArgs(pki, rTls, ['--tls-replication', 'yes', '--replicaof', '127.0.0.1', String(mTls)]));
    await mc.set('live', 'x');
    const deadline = Date.now() + 30_000;
    while ((await rc.get('live')) !== 'x' && Date.now() < deadline) await sleep(50);
    expect(await rc.get('live')).toBe('x');
    expect(await rc.dbsize()).toBe(101);
    // The replica's link is the TLS port's connection on the master.
    expect(String(await mc.call('CLIENT', 'LIST', 'TYPE', 'replica'))).toMatch(new RegExp(`laddr=127\\.0\\.0\\.1:${mTls} `));
    // A replica without tls-replication cannot talk to the TLS port.
    const { c: pc } = await tr.start(replicaKind, ['--replicaof', '127.0.0.1', String(mTls)]);
    await sleep(1500);
    expect((await pc.info('replication')) as string).toContain('master_link_status:down');
  });
});
