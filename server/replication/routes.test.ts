import { describe, expect, it } from 'vitest';
import { Config } from '../config/config.js';
import type { Server } from '../server.js';
import { resolveRoute } from './routes.js';

function fakeServer(route: string): Server {
  const config = new Config();
  config.set('route', route);
  return { config: config.values } as unknown as Server;
}

describe('route table for outgoing links', () => {
  it('maps a peer to its proxy, and leaves other peers alone', () => {
    const s = fakeServer('127.0.0.1:7001=127.0.0.1:17001 10.0.0.2:7002=proxy.local:27002');
    expect(resolveRoute(s, '127.0.0.1', 7001)).toEqual({ host: '127.0.0.1', port: 17001 });
    expect(resolveRoute(s, 'localhost', 7001)).toEqual({ host: '127.0.0.1', port: 17001 });
    expect(resolveRoute(s, '10.0.0.2', 7002)).toEqual({ host: 'proxy.local', port: 27002 });
    expect(resolveRoute(s, '127.0.0.1', 7002)).toEqual({ host: '127.0.0.1', port: 7002 });
    expect(resolveRoute(fakeServer(''), '127.0.0.1', 7001)).toEqual({ host: '127.0.0.1', port: 7001 });
  });

  it('the config refuses malformed routes', () => {
    const config = new Config();
    expect(() => config.set('route', '127.0.0.1=127.0.0.1:1')).toThrow(/Invalid route/);
  });
});
