/**
 * Proxy overhead bench: redis-benchmark against redis-server directly, through our Toxiproxy
 * (fast path, no toxic), through our Toxiproxy with a noop toxic on both links (the toxic-chain
 * path), and through a bare `socket.pipe` relay (the anchor: what Node itself costs).
 * Variants alternate within each round so drift hits them all alike; medians are reported.
 *
 *   npm run bench:proxy          (env: ROUNDS=5, REQUESTS=100000)
 *
 * Writes bench/results/proxy.json. Kills only the processes it started, by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ToxicType, Toxiproxy } from 'toxiproxy-node-client';
import { startToxiproxyServer } from '../harness/toxiproxy/server.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const REQUESTS = Number(process.env.REQUESTS ?? 100_000);
const LATENCY_REQUESTS = Number(process.env.LATENCY_REQUESTS ?? 20_000);
const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_BENCHMARK = process.env.REDIS_BENCHMARK ?? 'redis-benchmark';

type Variant = 'direct' | 'ours' | 'ours_noop' | 'pipe';
const VARIANTS: Variant[] = ['direct', 'ours', 'pipe', 'ours_noop'];

interface Row {
  test: string;
  rps: number;
  p50_ms: number;
  avg_ms: number;
  p99_ms: number;
}

const started: ChildProcess[] = [];

function killStarted(): void {
  for (const child of started) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  }
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeoutMs / 1000}s`);
    process.stdout.write(`waiting for ${path} (apt install in progress?)\n`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('error', () => resolve(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}

async function startRedis(): Promise<{ port: number; child: ChildProcess }> {
  await waitForFile(REDIS_SERVER, 15 * 60_000);
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  started.push(child);
  for (let i = 0; i < 100; i++) {
    if (await ping(port)) return { port, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not answer PING');
}

/** The anchor: what a Node relay costs with nothing but pipe. */
async function startPipeRelay(upstreamPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ port: upstreamPort, host: '127.0.0.1', noDelay: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function parseCsv(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    const cells = line
      .trim()
      .split(',')
      .map((c) => c.replace(/^"|"$/g, ''));
    if (cells.length < 8 || cells[0] === 'test') continue;
    rows.push({ test: cells[0]!, rps: Number(cells[1]), avg_ms: Number(cells[2]), p50_ms: Number(cells[4]), p99_ms: Number(cells[6]) });
  }
  return rows;
}

function runBenchmark(port: number, args: string[]): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(REDIS_BENCHMARK, ['-h', '127.0.0.1', '-p', String(port), '--csv', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      started.splice(started.indexOf(child), 1);
      if (code !== 0) reject(new Error(`redis-benchmark exited ${code}: ${err}`));
      else resolve(parseCsv(out));
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Config {
  key: string;
  args: string[];
  metric: 'rps' | 'p50';
}

async function main(): Promise<void> {
  const loadStart = os.loadavg();
  const redis = await startRedis();
  const tp = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 1 });
  const client = new Toxiproxy(tp.url);
  const plain = await client.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redis.port}` });
  const noopProxy = await client.createProxy({ name: 'redis_noop', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redis.port}` });
  for (const stream of ['upstream', 'downstream'] as const) {
    await noopProxy.addToxic({
      name: `noop_${stream}`, // The client's type union lacks Toxiproxy's (real, registered) noop toxic.
      type: 'noop' as unknown as ToxicType,
      stream,
      toxicity: 1,
      attributes: {},
    });
  }
  const relay = await startPipeRelay(redis.port);
  const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1));
  const ports: Record<Variant, number> = {
    direct: redis.port,
    ours: portOf(plain.listen),
    ours_noop: portOf(noopProxy.listen),
    pipe: relay.port,
  };

  const configs: Config[] = [
    { key: 'P1', args: ['-t', 'set,get', '-n', String(REQUESTS), '-c', '50', '-P', '1'], metric: 'rps' },
    { key: 'P16', args: ['-t', 'set,get', '-n', String(REQUESTS), '-c', '50', '-P', '16'], metric: 'rps' },
    { key: 'c1', args: ['-t', 'get', '-n', String(LATENCY_REQUESTS), '-c', '1', '-P', '1', '--precision', '3'], metric: 'p50' },
  ];

  // samples[config][variant][test] = values over rounds
  const samples: Record<string, Record<Variant, Record<string, { rps: number[]; p50_ms: number[]; avg_ms: number[] }>>> = {};
  for (const c of configs) samples[c.key] = { direct: {}, ours: {}, ours_noop: {}, pipe: {} };

  // Warm-up (JIT, connection setup) not recorded.
  for (const v of VARIANTS) await runBenchmark(ports[v], ['-t', 'get', '-n', '20000', '-c', '50']);

  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of configs) {
      // Rotate the order each round so no variant always runs first.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const v of order) {
        const rows = await runBenchmark(ports[v], c.args);
        for (const r of rows) {
          const slot = (samples[c.key]![v][r.test] ??= { rps: [], p50_ms: [], avg_ms: [] });
          slot.rps.push(r.rps);
          slot.p50_ms.push(r.p50_ms);
          slot.avg_ms.push(r.avg_ms);
        }
      }
    }
    process.stdout.write(`round ${round}/${ROUNDS} done\n`);
  }

  await relay.close();
  await tp.close();
  redis.child.kill('SIGTERM');

  const summary: Record<string, Record<string, Record<string, number>>> = {};
  const lines: string[] = [];
  const pad = (s: string, n: number): string => s.padEnd(n);
  lines.push(
    `${pad('run', 10)}${pad('test', 6)}${pad('direct', 12)}${pad('ours', 12)}${pad('ours/dir', 10)}${pad('pipe', 12)}${pad('pipe/dir', 10)}${pad('noop-toxic', 12)}${pad('noop/dir', 10)}`,
  );
  for (const c of configs) {
    summary[c.key] = {};
    for (const test of Object.keys(samples[c.key]!.direct)) {
      const of = (v: Variant) => samples[c.key]![v][test]!;
      const med = (v: Variant): { rps: number; p50_us: number } => ({
        rps: median(of(v).rps),
        p50_us: median(of(v).p50_ms) * 1000,
      });
      // Ratios and differences are taken per round (runs minutes apart drift; runs seconds apart
      // less so), then the median over rounds.
      const ratio = (v: Variant): number => median(of(v).rps.map((x, i) => x / of('direct').rps[i]!));
      const added = (v: Variant): number => median(of(v).p50_ms.map((x, i) => (x - of('direct').p50_ms[i]!) * 1000));
      // redis-benchmark's p50 comes from a coarse histogram (16 µs steps at this range); its mean
      // is printed to the µs, so the added mean is reported beside the added p50.
      const addedAvg = (v: Variant): number => median(of(v).avg_ms.map((x, i) => (x - of('direct').avg_ms[i]!) * 1000));
      const d = med('direct');
      const o = med('ours');
      const p = med('pipe');
      const n = med('ours_noop');
      if (c.metric === 'rps') {
        summary[c.key]![test] = {
          direct_rps: d.rps,
          ours_rps: o.rps,
          pipe_rps: p.rps,
          ours_noop_rps: n.rps,
          ours_ratio: ratio('ours'),
          pipe_ratio: ratio('pipe'),
          ours_noop_ratio: ratio('ours_noop'),
        };
        const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
        lines.push(
          `${pad(c.key, 10)}${pad(test, 6)}${pad(d.rps.toFixed(0), 12)}${pad(o.rps.toFixed(0), 12)}${pad(pct(ratio('ours')), 10)}${pad(p.rps.toFixed(0), 12)}${pad(pct(ratio('pipe')), 10)}${pad(n.rps.toFixed(0), 12)}${pad(pct(ratio('ours_noop')), 10)}`,
        );
      } else {
        summary[c.key]![test] = {
          direct_p50_us: d.p50_us,
          ours_p50_us: o.p50_us,
          pipe_p50_us: p.p50_us,
          ours_noop_p50_us: n.p50_us,
          ours_added_p50_us: added('ours'),
          pipe_added_p50_us: added('pipe'),
          ours_noop_added_p50_us: added('ours_noop'),
          direct_avg_us: median(of('direct').avg_ms) * 1000,
          ours_added_avg_us: addedAvg('ours'),
          pipe_added_avg_us: addedAvg('pipe'),
          ours_noop_added_avg_us: addedAvg('ours_noop'),
        };
        const us = (x: number): string => `${x.toFixed(0)}µs`;
        lines.push(
          `${pad(c.key + ' p50', 10)}${pad(test, 6)}${pad(us(d.p50_us), 12)}${pad(us(o.p50_us), 12)}${pad('+' + us(added('ours')), 10)}${pad(us(p.p50_us), 12)}${pad('+' + us(added('pipe')), 10)}${pad(us(n.p50_us), 12)}${pad('+' + us(added('ours_noop')), 10)}`,
        );
        const avg = (v: Variant): number => median(of(v).avg_ms) * 1000;
        lines.push(
          `${pad(c.key + ' mean', 10)}${pad(test, 6)}${pad(us(avg('direct')), 12)}${pad(us(avg('ours')), 12)}${pad('+' + us(addedAvg('ours')), 10)}${pad(us(avg('pipe')), 12)}${pad('+' + us(addedAvg('pipe')), 10)}${pad(us(avg('ours_noop')), 12)}${pad('+' + us(addedAvg('ours_noop')), 10)}`,
        );
      }
    }
  }

  const here = dirname(fileURLToPath(import.meta.url));
  // dist/bench/proxy.js → <repo>/bench/results
  const outDir = join(here, '..', '..', 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    // Other work on the machine skews everything: recorded so a noisy run can be recognised.
    loadavg_start: loadStart,
    loadavg_end: os.loadavg(),
    rounds: ROUNDS,
    requests: REQUESTS,
    latency_requests: LATENCY_REQUESTS,
    variants: {
      direct: 'redis-benchmark → redis-server',
      ours: 'through harness/toxiproxy, no toxic (fast path)',
      ours_noop: 'through harness/toxiproxy with a noop toxic on both links (toxic-chain path)',
      pipe: 'through a bare Node socket.pipe relay (anchor)',
    },
    commands: Object.fromEntries(configs.map((c) => [c.key, `redis-benchmark ${c.args.join(' ')} --csv`])),
    summary,
    samples,
  };
  writeFileSync(join(outDir, 'proxy.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    '\n' +
      lines.join('\n') +
      `\n\nmedians of ${ROUNDS} rounds (ratios per round); load average ${loadStart[0]!.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs; written to ${join(outDir, 'proxy.json')}\n`,
  );
}

process.on('SIGINT', () => {
  killStarted();
  process.exit(130);
});

main().then(
  () => killStarted(),
  (err: unknown) => {
    killStarted();
    process.stderr.write(`bench:proxy failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
