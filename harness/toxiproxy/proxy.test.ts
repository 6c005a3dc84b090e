/**
 * Properties of our proxy beyond Toxiproxy conformance: no byte is lost or reordered while the
 * toxic chain is rebuilt under load, the seed makes toxicity rolls reproducible, and the CLI
 * command parses its options.
 */
import { randomBytes } from 'node:crypto';
import { type ToxicType, Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../checkers/util/prng.js';
import { sleep } from '../util/sleep.js';
import { toxiproxyCommand } from './command.js';
import { startToxiproxyServer, type ToxiproxyServer } from './server.js';
import { startEchoServer, type TcpServer, TestClient } from './testkit.js';

let echo: TcpServer;
const servers: ToxiproxyServer[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  echo = await startEchoServer();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const s of servers) await s.close();
  await echo.close();
});

async function server(seed: number): Promise<{ client: Toxiproxy; url: string }> {
  const s = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed });
  servers.push(s);
  return { client: new Toxiproxy(s.url), url: s.url };
}

const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1));

describe('data path', () => {
  it('keeps every byte in order while toxics are added, updated and removed mid-stream', async () => {
    const { client } = await server(7);
    const proxy = await client.createProxy({ name: 'stream', listen: '127.0.0.1:0', upstream: echo.address });
    const c = await TestClient.connect(portOf(proxy.listen));
    clients.push(c);
    const payload = randomBytes(16 << 20);
    let sent = 0;
    let toggling = true;
    // Paced so that the stream is still flowing while the chain is rebuilt below.
    const writer = (async () => {
      while (toggling && sent < payload.length) {
        const n = Math.min(8192, payload.length - sent);
        const ok = c.socket.write(payload.subarray(sent, sent + n));
        sent += n;
        if (!ok) await new Promise((r) => c.socket.once('drain', r));
        else await sleep(1);
      }
    })();
    // 'noop' is a registered Toxiproxy type that the client's type union lacks.
    const noop = 'noop' as unknown as ToxicType;
    for (let i = 0; i < 12; i++) {
      const stream = i % 2 ? 'upstream' : 'downstream';
      const lat = await proxy.addToxic({ name: `lat${i}`, type: 'latency', stream, toxicity: 1, attributes: { latency: 2, jitter: 2 } });
      const sl = await proxy.addToxic({
        name: `sl${i}`,
        type: 'slicer',
        stream,
        toxicity: 1,
        attributes: { average_size: 700, size_variation: 300, delay: 0 },
      });
      const nop = await proxy.addToxic({ name: `noop${i}`, type: noop, stream, toxicity: 0.5, attributes: {} });
      await sleep(5);
      await lat.update({ ...lat.toJson(), attributes: { latency: 1, jitter: 1 } });
      await sl.remove();
      await sleep(5);
      await lat.remove();
      await nop.remove();
    }
    toggling = false;
    await writer;
    expect(sent).toBeGreaterThan(100_000);
    const got = await c.waitForBytes(sent, 60_000);
    expect(got.length).toBe(sent);
    expect(got.equals(payload.subarray(0, sent))).toBe(true);
  });

  it('keeps every byte under backpressure on the plain path (slow reader, bulk writer)', async () => {
    const { client } = await server(9);
    const proxy = await client.createProxy({ name: 'bulk', listen: '127.0.0.1:0', upstream: echo.address });
    const c = await TestClient.connect(portOf(proxy.listen));
    clients.push(c);
    const payload = randomBytes(24 << 20);
    // Read in stop-and-go fashion so the proxy's write queues fill up both ways.
    const stall = setInterval(() => {
      c.socket.pause();
      setTimeout(() => c.socket.resume(), 5);
    }, 10);
    let sent = 0;
    while (sent < payload.length) {
      const n = Math.min(1 << 16, payload.length - sent);
      const ok = c.socket.write(payload.subarray(sent, sent + n));
      sent += n;
      if (!ok) await new Promise((r) => c.socket.once('drain', r));
    }
    const got = await c.waitForBytes(payload.length, 60_000);
    clearInterval(stall);
    expect(got.equals(payload)).toBe(true);
  });

  it('closes the client when the upstream cannot be reached', async () => {
    const { client } = await server(8);
    // A port from the echo server that has been closed is refused.
    const dead = await startEchoServer();
    await dead.close();
    const proxy = await client.createProxy({ name: 'dead', listen: '127.0.0.1:0', upstream: dead.address });
    const c = await TestClient.connect(portOf(proxy.listen));
    clients.push(c);
    await c.closed;
    expect(c.received.length).toBe(0);
  });
});

describe('seed', () => {
  /** Which of `n` sequential connections lost the toxicity roll of a limit_data 0 toxic. */
  async function pattern(seed: number, n: number): Promise<string> {
    const { client } = await server(seed);
    const proxy = await client.createProxy({ name: 'coin', listen: '127.0.0.1:0', upstream: echo.address });
    await proxy.addToxic({ name: 'cut', type: 'limit_data', stream: 'downstream', toxicity: 0.5, attributes: { bytes: 0 } });
    let out = '';
    for (let i = 0; i < n; i++) {
      const c = await TestClient.connect(portOf(proxy.listen));
      clients.push(c);
      c.write('?');
      const outcome = await Promise.race([c.waitForBytes(1).then(() => 'p'), c.closed.then(() => 'x')]);
      out += outcome;
      c.destroy();
      await c.closed;
    }
    return out;
  }

  it('makes toxicity rolls reproducible', async () => {
    const a = await pattern(1234, 16);
    const b = await pattern(1234, 16);
    expect(a).toBe(b);
    expect(a).toMatch(/p/);
    expect(a).toMatch(/x/);
  });

  it('derives an independent stream per proxy name', () => {
    const a = new Prng(99).fork('n1');
    const b = new Prng(99).fork('n1');
    const c = new Prng(99).fork('n2');
    const xs = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(xs);
    // Seeds beyond 32 bits still give distinct streams (fork hashes the whole seed).
    expect(Array.from({ length: 8 }, () => new Prng(99 + 2 ** 40).fork('n1').next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('command', () => {
  it('parses --host, --port and --seed', () => {
    const cmd = toxiproxyCommand();
    cmd.exitOverride();
    cmd.action(() => undefined);
    cmd.parse(['--host', '0.0.0.0', '--port', '9000', '--seed', '5'], { from: 'user' });
    expect(cmd.opts()).toMatchObject({ host: '0.0.0.0', port: 9000, seed: 5 });
    const bad = toxiproxyCommand();
    bad.exitOverride();
    bad.configureOutput({ writeErr: () => undefined });
    expect(() => bad.parse(['--port', 'abc'], { from: 'user' })).toThrow();
  });
});
