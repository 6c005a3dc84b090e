/**
 * host:port handling with Go's net semantics: SplitHostPort's errors, "localhost" resolved to
 * its IPv4 address (Go's Listen prefers IPv4), an empty host meaning every interface, and
 * addresses printed back as Go's TCPAddr.String() does ("127.0.0.1:1234", "[::1]:1234").
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

export class AddressError extends Error {}

export function splitHostPort(address: string, op = 'listen tcp'): HostPort {
  const fail = (why: string) => new AddressError(`${op}: address ${address}: ${why}`);
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) throw fail("missing ']' in address");
    host = address.slice(1, close);
    if (address[close + 1] !== ':') throw fail('missing port in address');
    portText = address.slice(close + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw fail('missing port in address');
    host = address.slice(0, colon);
    if (host.includes(':')) throw fail('too many colons in address');
    portText = address.slice(colon + 1);
  }
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new AddressError(`${op}: lookup port ${portText}: invalid port`);
  return { host, port: Number(portText) };
}

/** Resolves the host part to an IP literal ('' stays '': all interfaces). */
export async function resolveHostPort(address: string, op = 'listen tcp'): Promise<HostPort> {
  const hp = splitHostPort(address, op);
  if (hp.host === '' || isIP(hp.host)) return hp;
  try {
    const found = await lookup(hp.host, { all: true });
    const v4 = found.find((a) => a.family === 4) ?? found[0];
    if (!v4) throw new Error('no such host');
    return { host: v4.address, port: hp.port };
  } catch {
    throw new AddressError(`${op}: lookup ${hp.host}: no such host`);
  }
}

export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** What a resolved listen address prints as before binding (Go's ResolveTCPAddr().String()). */
export function formatResolved(hp: HostPort): string {
  return hp.host === '' ? `:${hp.port}` : formatHostPort(hp.host, hp.port);
}
