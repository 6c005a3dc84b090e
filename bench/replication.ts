/**
 * npm run bench:replication — replication of our server vs redis-server, master → replica of
 * the same kind, in the same run:
 *  - full resync: time from the replica's start until its link is up and it holds a dataset of
 *    KEYS keys (default 1M; diskless sync, delay 0),
 *  - steady state: redis-benchmark SETs at the master's max rate (-P 16, 50 clients) while the
 *    replica follows; we sample the replica's lag (master_repl_offset − slave_repl_offset) and
 *    the time it needs to catch up once the load stops.
 * Writes bench/results/replication.json. (Not a test: speed lives here.)
 */
import { Redis } from 'ioredis';
import { type BenchServer, median, redisBenchmark, startBenchServer, writeResult } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 2);
const KEYS = Number(process.env.KEYS ?? 1_000_000);
const N = Number(process.env.N ?? 500_000);
type Kind = 'splitbrain' | 'redis';
const FAST = ['--repl-diskless-sync-delay', '0'];

function connect(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null, enableReadyCheck: false });
}

async function infoMap(r: Redis, section: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of ((await r.info(section)) as string).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

async function populate(r: Redis, keys: number): Promise<void> {
  const batch = 10_000;
  for (let i = 0; i < keys; i += batch) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(keys, i + batch); j++) p.set(`key:${j}`, `value:${j}`);
    await p.exec();
  }
}

async function fullResync(kind: Kind, master: BenchServer): Promise<number> {
  const t0 = performance.now();
  const rep = await startBenchServer(kind, [...FAST, '--replicaof', '127.0.0.1', String(master.port)]);
  const rr = connect(rep.port);
  try {
    for (;;) {
      const i = await infoMap(rr, 'replication');
      if (i['master_link_status'] === 'up' && Number(await rr.dbsize()) === KEYS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return (performance.now() - t0) / 1000;
  } finally {
    rr.disconnect();
    await rep.stop();
  }
}

interface Steady {
  masterOpsPerSec: number;
  maxLagBytes: number;
  meanLagBytes: number;
  catchUpMs: number;
}

async function steadyState(kind: Kind): Promise<Steady> {
  const m = await startBenchServer(kind, FAST);
  const rep = await startBenchServer(kind, [...FAST, '--replicaof', '127.0.0.1', String(m.port)]);
  const mr = connect(m.port);
  const rr = connect(rep.port);
  try {
    while ((await infoMap(rr, 'replication'))['master_link_status'] !== 'up') await new Promise((r) => setTimeout(r, 20));
    const lags: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [mi, ri] = await Promise.all([infoMap(mr, 'replication'), infoMap(rr, 'replication')]);
        lags.push(Math.max(0, Number(mi['master_repl_offset']) - Number(ri['slave_repl_offset'])));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const res = await redisBenchmark(m.port, ['-t', 'set', '-n', String(N), '-c', '50', '-P', '16', '-r', '100000', '-q']);
    const stopAt = performance.now();
    for (;;) {
      const [mi, ri] = await Promise.all([infoMap(mr, 'replication'), infoMap(rr, 'replication')]);
      if (Number(ri['slave_repl_offset']) >= Number(mi['master_repl_offset'])) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const catchUpMs = performance.now() - stopAt;
    sampling = false;
    await sampler;
    return {
      masterOpsPerSec: Math.round(res['SET'] ?? 0),
      maxLagBytes: Math.max(0, ...lags),
      meanLagBytes: Math.round(lags.reduce((a, b) => a + b, 0) / Math.max(1, lags.length)),
      catchUpMs: Math.round(catchUpMs),
    };
  } finally {
    mr.disconnect();
    rr.disconnect();
    await rep.stop();
    await m.stop();
  }
}

async function main(): Promise<void> {
  const kinds: Kind[] = ['splitbrain', 'redis'];
  const resync: Record<Kind, number[]> = { splitbrain: [], redis: [] };
  const steady: Record<Kind, Steady[]> = { splitbrain: [], redis: [] };
  // One populated master per kind, reused by every full-resync round.
  const masters = new Map<Kind, BenchServer>();
  try {
    for (const k of kinds) {
      const m = await startBenchServer(k, FAST);
      masters.set(k, m);
      const r = connect(m.port);
      const t0 = performance.now();
      await populate(r, KEYS);
      r.disconnect();
      process.stderr.write(`${k}: populated ${KEYS} keys in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? kinds : [...kinds].reverse();
      for (const k of order) {
        const s = await fullResync(k, masters.get(k)!);
        resync[k].push(s);
        process.stderr.write(`round ${round + 1}/${ROUNDS} ${k}: full resync of ${KEYS} keys in ${s.toFixed(2)} s\n`);
      }
    }
  } finally {
    for (const m of masters.values()) await m.stop();
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const k of order) {
      const s = await steadyState(k);
      steady[k].push(s);
      process.stderr.write(`round ${round + 1}/${ROUNDS} ${k}: ${JSON.stringify(s)}\n`);
    }
  }
  const summary = Object.fromEntries(
    kinds.map((k) => [
      k,
      {
        fullResyncSeconds: Math.round(median(resync[k]) * 100) / 100,
        masterSetOpsPerSec: median(steady[k].map((s) => s.masterOpsPerSec)),
        maxLagBytes: median(steady[k].map((s) => s.maxLagBytes)),
        meanLagBytes: median(steady[k].map((s) => s.meanLagBytes)),
        catchUpMs: median(steady[k].map((s) => s.catchUpMs)),
      },
    ]),
  );
  console.log(`full resync of ${KEYS} keys (s), master SET ops/s at -P 16, replica lag (bytes) and catch-up (ms), medians of ${ROUNDS} rounds:`);
  console.table(summary);
  const p = writeResult('replication.json', { date: new Date().toISOString(), rounds: ROUNDS, keys: KEYS, requests: N, summary, resync, steady });
  console.log(`written ${p}`);
}

await main();
