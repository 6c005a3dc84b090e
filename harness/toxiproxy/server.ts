/** Our Toxiproxy-compatible server, in-process: `startToxiproxyServer({host, port, seed})`. */

import { randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ToxiproxyApi } from './api.js';

export interface ToxiproxyServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8474 (Toxiproxy's); 0 picks a free port. */
  port?: number;
  /** Seed of every proxy's PRNG (jitter, toxicity, slicer). Random when absent; see `seed` on the result. */
  seed?: number;
}

export interface ToxiproxyServer {
  /** Base URL for toxiproxy-node-client, e.g. http://127.0.0.1:8474 */
  url: string;
  port: number;
  host: string;
  seed: number;
  api: ToxiproxyApi;
  /** Stops every proxy (closing their connections) and the HTTP server. */
  close(): Promise<void>;
}

export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? randomInt(0, 2 ** 48 - 1);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
  const api = new ToxiproxyApi(seed);
  const server = http.createServer({ keepAliveTimeout: 60_000 }, api.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8474, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    seed,
    api,
    close: () =>
      (closing ??= (async () => {
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await api.closeAll();
        await done;
      })()),
  };
}
