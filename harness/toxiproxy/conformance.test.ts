/**
 * Toxiproxy API conformance, through toxiproxy-node-client. Runs against our proxy, or against a
 * real toxiproxy-server when TOXIPROXY_URL is set (e.g. TOXIPROXY_URL=http://127.0.0.1:8474).
 *
 * The client only reports "Request failed with status code N" for errors, so error *bodies* are
 * checked with plain fetch against the same URL. Delays are asserted as lower bounds only.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { type ICreateToxicBody, type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../util/sleep.js';
import { startToxiproxyServer, type ToxiproxyServer } from './server.js';
import { startEchoServer, startTcpServer, type TcpServer, TestClient } from './testkit.js';

const external = process.env.TOXIPROXY_URL;
let ours: ToxiproxyServer | null = null;
let url = '';
let toxiproxy: Toxiproxy;
let echo: TcpServer;
/** Upstream that greets and closes at once (for slow_close). */
let greeter: TcpServer;
const clients: TestClient[] = [];
/** Unique per run, so a shared real toxiproxy-server is not disturbed by leftovers. */
const run = randomBytes(3).toString('hex');
let seq = 0;

beforeAll(async () => {
  if (external) {
    url = external.replace(/\/$/, '');
  } else {
    ours = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 42 });
    url = ours.url;
  }
  toxiproxy = new Toxiproxy(url);
  echo = await startEchoServer();
  greeter = await startTcpServer((s) => s.end('bye'));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  const all = await toxiproxy.getAll();
  for (const p of Object.values(all)) if (p.name.startsWith(`conf_${run}_`)) await p.remove();
  await echo.close();
  await greeter.close();
  await ours?.close();
});

const freshName = (): string => `conf_${run}_${++seq}`;

function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

async function newProxy(upstream = echo.address): Promise<Proxy> {
  return toxiproxy.createProxy({ name: freshName(), listen: '127.0.0.1:0', upstream });
}

async function connect(proxy: Proxy): Promise<TestClient> {
  const c = await TestClient.connect(portOf(proxy.listen));
  clients.push(c);
  return c;
}

function toxic<T>(type: ICreateToxicBody<T>['type'], attributes: T, extra: Partial<ICreateToxicBody<T>> = {}): ICreateToxicBody<T> {
  return { name: `${type}_${++seq}`, type, stream: 'downstream', toxicity: 1, attributes, ...extra };
}

async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(url + path, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('API', () => {
  it('GET /version returns a JSON version', async () => {
    const text = await toxiproxy.getVersion();
    const parsed = JSON.parse(text) as { version: unknown };
    expect(typeof parsed.version).toBe('string');
  });

  it('creates, lists, gets, updates and deletes proxies', async () => {
    const name = freshName();
    const created = await toxiproxy.createProxy({ name, listen: '127.0.0.1:0', upstream: echo.address });
    expect(created.name).toBe(name);
    expect(created.upstream).toBe(echo.address);
    expect(created.enabled).toBe(true);
    expect(created.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    const port = portOf(created.listen);
    expect(port).toBeGreaterThan(0);

    const shown = await raw('GET', `/proxies/${name}`);
    expect(shown.status).toBe(200);
    // Real Toxiproxy also leaks a `"Logger":{}` field; we mirror it, the test does not insist.
    expect(shown.json).toMatchObject({ name, listen: created.listen, upstream: echo.address, enabled: true, toxics: [] });

    const all = await toxiproxy.getAll();
    expect(all[name]?.listen).toBe(created.listen);

    const c = await connect(created);
    await c.roundTrip('ping');
    expect(c.received.toString()).toBe('ping');

    // Disabling closes the listener and existing connections.
    const disabled = await created.update({ enabled: false, listen: created.listen, upstream: created.upstream });
    expect(disabled.enabled).toBe(false);
    await c.closed;
    expect(await refused(port)).toBe(true);
    expect((await toxiproxy.get(name)).enabled).toBe(false);

    // Re-enabling listens again on the same port.
    const enabled = await created.update({ enabled: true, listen: created.listen, upstream: created.upstream });
    expect(enabled.enabled).toBe(true);
    expect(enabled.listen).toBe(created.listen);
    const c2 = await connect(enabled);
    await c2.roundTrip('again');

    await enabled.remove();
    await expect(toxiproxy.get(name)).rejects.toThrow(/status code 404/);
    await c2.closed;
    expect(await refused(port)).toBe(true);
  });

  it('creates a proxy disabled when asked to', async () => {
    const name = freshName();
    const p = await toxiproxy.createProxy({ name, listen: '127.0.0.1:0', upstream: echo.address, enabled: false });
    expect(p.enabled).toBe(false);
    await p.remove();
  });

  it('populates proxies idempotently', async () => {
    const a = freshName();
    const b = freshName();
    const body = [
      { name: a, listen: '127.0.0.1:0', upstream: echo.address },
      { name: b, listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ];
    const res = await raw('POST', '/populate', body);
    expect(res.status).toBe(201);
    const proxies = (res.json as { proxies: Array<{ name: string; listen: string; enabled: boolean }> }).proxies;
    expect(proxies.map((p) => p.name)).toEqual([a, b]);
    expect(proxies[0]!.enabled).toBe(true);
    expect(proxies[1]!.enabled).toBe(false);

    // Same listen (the real one) and upstream: left untouched.
    const again = await toxiproxy.populate([{ name: a, listen: proxies[0]!.listen, upstream: echo.address }]);
    expect(again[a]?.listen).toBe(proxies[0]!.listen);

    const missing = await raw('POST', '/populate', [{ name: freshName(), listen: '127.0.0.1:0' }]);
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: 'missing required field: upstream at proxy 1', status: 400 });
    await expect(toxiproxy.populate([{ name: '', listen: '127.0.0.1:0', upstream: echo.address }])).rejects.toThrow(/status code 400/);
  });

  it('answers errors with Toxiproxy statuses and texts', async () => {
    const p = await newProxy();
    await expect(toxiproxy.createProxy({ name: p.name, listen: '127.0.0.1:0', upstream: echo.address })).rejects.toThrow(/status code 409/);
    const dup = await raw('POST', '/proxies', { name: p.name, listen: '127.0.0.1:0', upstream: echo.address });
    expect(dup.status).toBe(409);
    expect(dup.json).toEqual({ error: 'proxy already exists', status: 409 });

    const missingProxy = await raw('GET', `/proxies/nope_${run}`);
    expect(missingProxy.status).toBe(404);
    expect(missingProxy.json).toEqual({ error: 'proxy not found', status: 404 });
    await expect(toxiproxy.get(`nope_${run}`)).rejects.toThrow(/status code 404/);

    const noName = await raw('POST', '/proxies', { listen: '127.0.0.1:0', upstream: echo.address });
    expect(noName.json).toEqual({ error: 'missing required field: name', status: 400 });
    const noUpstream = await raw('POST', '/proxies', { name: freshName(), listen: '127.0.0.1:0' });
    expect(noUpstream.json).toEqual({ error: 'missing required field: upstream', status: 400 });
    const badJson = await raw('POST', '/proxies', '{nope');
    expect(badJson.status).toBe(400);
    expect(badJson.json).toEqual({
      error: "bad request body: invalid character 'n' looking for beginning of object key string",
      status: 400,
    });
    const emptyBody = await raw('POST', '/proxies', '');
    expect(emptyBody.json).toEqual({ error: 'bad request body: EOF', status: 400 });

    const busy = await raw('POST', '/proxies', { name: freshName(), listen: p.listen, upstream: echo.address });
    expect(busy.status).toBe(500);
    expect((busy.json as { error: string }).error).toMatch(/address already in use/);

    await expect(p.getToxic('nope')).rejects.toThrow(/status code 404/);
    const missingToxic = await raw('GET', `/proxies/${p.name}/toxics/nope`);
    expect(missingToxic.json).toEqual({ error: 'toxic not found', status: 404 });
    const delMissingToxic = await raw('DELETE', `/proxies/${p.name}/toxics/nope`);
    expect(delMissingToxic.status).toBe(404);

    await p.addToxic(toxic('latency', { latency: 1, jitter: 0 }, { name: 'dup' }));
    await expect(p.addToxic(toxic('latency', { latency: 1, jitter: 0 }, { name: 'dup' }))).rejects.toThrow(/status code 409/);
    const dupToxic = await raw('POST', `/proxies/${p.name}/toxics`, { name: 'dup', type: 'latency' });
    expect(dupToxic.json).toEqual({ error: 'toxic already exists', status: 409 });

    const badType = await raw('POST', `/proxies/${p.name}/toxics`, { type: 'nonsense' });
    expect(badType.json).toEqual({ error: 'invalid toxic type', status: 400 });
    const badStream = await raw('POST', `/proxies/${p.name}/toxics`, { type: 'latency', stream: 'sideways' });
    expect(badStream.json).toEqual({
      error: 'stream was invalid, can be either upstream or downstream',
      status: 400,
    });
    const badAttr = await raw('POST', `/proxies/${p.name}/toxics`, { type: 'latency', attributes: { latency: 'slow' } });
    expect(badAttr.status).toBe(400);
    expect((badAttr.json as { error: string }).error).toMatch(/^bad request body: json: cannot unmarshal string/);
    const toxicOfMissingProxy = await raw('POST', `/proxies/nope_${run}/toxics`, { type: 'latency' });
    expect(toxicOfMissingProxy.json).toEqual({ error: 'proxy not found', status: 404 });
  });

  it('adds, lists, gets, updates and removes toxics with Toxiproxy JSON shapes', async () => {
    const p = await newProxy();
    // Defaults: downstream, toxicity 1, name <type>_<stream>, all attributes shown.
    const created = await raw('POST', `/proxies/${p.name}/toxics`, { type: 'latency', attributes: { latency: 5 } });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({
      attributes: { latency: 5, jitter: 0 },
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
    });
    const up = await p.addToxic(toxic('bandwidth', { rate: 1000 }, { name: 'bw', stream: 'upstream', toxicity: 0.5 }));
    expect(up.toJson()).toEqual({ attributes: { rate: 1000 }, name: 'bw', stream: 'upstream', toxicity: 0.5, type: 'bandwidth' });

    const list = await raw('GET', `/proxies/${p.name}/toxics`);
    expect((list.json as Array<{ name: string }>).map((t) => t.name).sort()).toEqual(['bw', 'latency_downstream']);
    const shown = await toxiproxy.get(p.name);
    expect(shown.name).toBe(p.name);
    const full = await raw('GET', `/proxies/${p.name}`);
    expect((full.json as { toxics: unknown[] }).toxics).toHaveLength(2);

    const fetched = await p.getToxic<{ latency: number; jitter: number }>('latency_downstream');
    expect(fetched.attributes).toEqual({ latency: 5, jitter: 0 });
    const updated = await fetched.update({ ...fetched.toJson(), attributes: { latency: 7, jitter: 2 }, toxicity: 0.75 });
    expect(updated.attributes).toEqual({ latency: 7, jitter: 2 });
    expect(updated.toxicity).toBe(0.75);
    // A partial update keeps the other attributes.
    const partial = await raw('POST', `/proxies/${p.name}/toxics/latency_downstream`, { attributes: { jitter: 1 } });
    expect(partial.json).toMatchObject({ attributes: { latency: 7, jitter: 1 }, toxicity: 0.75 });

    await updated.remove();
    await up.remove();
    expect((await raw('GET', `/proxies/${p.name}/toxics`)).json).toEqual([]);
  });

  it('POST /reset enables all proxies and removes all toxics', async () => {
    const p = await newProxy();
    await p.addToxic(toxic('latency', { latency: 1000, jitter: 0 }));
    await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
    await toxiproxy.reset();
    const after = await raw('GET', `/proxies/${p.name}`);
    expect(after.json).toMatchObject({ enabled: true, toxics: [] });
    const c = await connect(p);
    await c.roundTrip('reset ok');
  });
});

describe('toxics', () => {
  it('latency delays by at least latency ms, on new and existing connections', async () => {
    const p = await newProxy();
    const existing = await connect(p);
    await existing.roundTrip('warm');
    const t = await p.addToxic(toxic('latency', { latency: 150, jitter: 0 }));
    expect(await existing.roundTrip('x')).toBeGreaterThanOrEqual(150);
    const fresh = await connect(p);
    expect(await fresh.roundTrip('y')).toBeGreaterThanOrEqual(150);
    // Upstream latency adds to downstream latency.
    await p.addToxic(toxic('latency', { latency: 100, jitter: 0 }, { stream: 'upstream' }));
    expect(await fresh.roundTrip('z')).toBeGreaterThanOrEqual(250);
    const updated = await t.update({ ...t.toJson(), attributes: { latency: 300, jitter: 0 } });
    expect(await fresh.roundTrip('w')).toBeGreaterThanOrEqual(400);
    await updated.remove();
    expect(fresh.received.toString()).toBe('yzw');
  });

  it('latency with jitter keeps byte order', async () => {
    const p = await newProxy();
    await p.addToxic(toxic('latency', { latency: 20, jitter: 15 }));
    const c = await connect(p);
    let expected = '';
    for (let i = 0; i < 50; i++) {
      const s = `<${i}>`;
      expected += s;
      c.write(s);
      await sleep(1);
    }
    await c.waitForBytes(expected.length);
    expect(c.received.toString()).toBe(expected);
  });

  it('timeout 0 black-holes data and holds the connection open until removed', async () => {
    const p = await newProxy();
    const c = await connect(p);
    await c.roundTrip('before');
    const t = await p.addToxic(toxic('timeout', { timeout: 0 }));
    c.write('lost');
    await sleep(400);
    expect(c.received.toString()).toBe('before');
    expect(c.isClosed).toBe(false);
    // Toxiproxy closes a connection whose stream had a hole once the timeout toxic goes.
    await t.remove();
    await c.closed;
    const fresh = await connect(p);
    await fresh.roundTrip('after');
  });

  it('timeout > 0 drops data and closes after timeout ms', async () => {
    const p = await newProxy();
    await p.addToxic(toxic('timeout', { timeout: 200 }, { stream: 'upstream' }));
    const t0 = performance.now();
    const c = await connect(p);
    c.write('lost');
    const closed = await c.closed;
    expect(closed.at - t0).toBeGreaterThanOrEqual(200);
    expect(c.received.length).toBe(0);
  });

  it('reset_peer resets the connection (after timeout ms)', async () => {
    const p = await newProxy();
    await p.addToxic(toxic('reset_peer', { timeout: 0 }));
    const c = await connect(p);
    c.write('hello');
    expect((await c.closed).kind).toBe('reset');

    const q = await newProxy();
    await q.addToxic(toxic('reset_peer', { timeout: 200 }));
    const d = await connect(q);
    const t0 = performance.now();
    d.write('hello');
    const closed = await d.closed;
    expect(closed.kind).toBe('reset');
    expect(closed.at - t0).toBeGreaterThanOrEqual(200);
  });

  it('limit_data closes the connection after N bytes', async () => {
    const p = await newProxy();
    await p.addToxic(toxic('limit_data', { bytes: 10 }));
    const c = await connect(p);
    c.write('0123456789abcdefghij');
    const closed = await c.closed;
    expect(closed.kind).toBe('end');
    expect(c.received.toString()).toBe('0123456789');
  });

  it('slicer splits writes into smaller pieces', async () => {
    const p = await newProxy();
    await p.addToxic(toxic('slicer', { average_size: 5, size_variation: 0, delay: 20_000 }));
    const c = await connect(p);
    const payload = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD';
    c.write(payload);
    await c.waitForBytes(payload.length);
    expect(c.received.toString()).toBe(payload);
    expect(c.chunks.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...c.chunks.map((b) => b.length))).toBeLessThan(payload.length);
  });

  it('bandwidth throttles to rate KB/s', async () => {
    const p = await newProxy();
    await p.addToxic(toxic('bandwidth', { rate: 20 }));
    const c = await connect(p);
    const payload = Buffer.alloc(10_000, 7);
    // 10 000 bytes at 20 KB/s: 500 ms.
    const ms = await c.roundTrip(payload);
    expect(ms).toBeGreaterThanOrEqual(450);
  });

  it('slow_close delays the close by delay ms', async () => {
    const p = await newProxy(greeter.address);
    await p.addToxic(toxic('slow_close', { delay: 300 }));
    const t0 = performance.now();
    const c = await connect(p);
    const closed = await c.closed;
    expect(c.received.toString()).toBe('bye');
    expect(closed.at - t0).toBeGreaterThanOrEqual(300);
  });

  it('toxicity 0 never applies a toxic', async () => {
    const p = await newProxy();
    await p.addToxic(toxic('timeout', { timeout: 0 }, { toxicity: 0 }));
    await p.addToxic(toxic('limit_data', { bytes: 0 }, { toxicity: 0, stream: 'upstream' }));
    for (let i = 0; i < 5; i++) {
      const c = await connect(p);
      await c.roundTrip(`conn ${i}`);
      c.destroy();
    }
  });

  it('removing a toxic restores the plain path without losing or reordering bytes', async () => {
    const p = await newProxy();
    const c = await connect(p);
    const t = await p.addToxic(toxic('latency', { latency: 300, jitter: 0 }));
    c.write('first,');
    await sleep(50);
    await t.remove(); // held data must be flushed, not dropped
    c.write('second');
    await c.waitForBytes('first,second'.length);
    expect(c.received.toString()).toBe('first,second');
  });
});
