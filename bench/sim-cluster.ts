/**
 * Cluster simulator throughput (`npm run bench:sim-cluster`): seeds per CPU-second of
 * `npm run sim:cluster` (6–9 node clusters, 30 s fault phases, healing and convergence), and of the
 * short seeds `npm test` runs. The anchor, measured in the same run, is a fixed JS workload (the bus
 * codec encoding and decoding a PING with gossip), so figures from a loaded and a quiet machine compare
 * by their ratio to it. Writes bench/results/sim-cluster.json.
 *
 * SIM_BENCH_SEEDS=<n> changes the number of seeds of the long run (default 40).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeMessage, encodeMessage } from '../server/cluster/bus/codec.js';
import type { PingMsg } from '../server/cluster/bus/message.js';
import { runSeed } from '../server/cluster/sim/simulator.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/ -> repo root

function cpuSeconds(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const c = process.cpuUsage(t);
  return (c.user + c.system) / 1e6;
}

/** The anchor: PING round trips through the codec per CPU-second. */
function anchor(): number {
  const ping: PingMsg = {
    kind: 'ping',
    type: 0,
    port: 30001,
    pport: 0,
    cport: 40001,
    currentEpoch: 7,
    configEpoch: 3,
    offset: 123456,
    sender: 'a'.repeat(40),
    myslots: new Uint8Array(2048).fill(0x55),
    slaveof: null,
    myip: '',
    flags: 1,
    state: 0,
    mflags: [0, 0, 0],
    gossip: [0, 1, 2].map((i) => ({
      nodename: String(i).repeat(40),
      pingSent: 0,
      pongReceived: 1_700_000_000,
      ip: '127.0.0.1',
      port: 30002 + i,
      cport: 40002 + i,
      flags: 1,
      pport: 0,
    })),
    extensions: [],
  };
  const n = 100_000;
  const secs = cpuSeconds(() => {
    for (let i = 0; i < n; i++) decodeMessage(encodeMessage(ping));
  });
  return n / secs;
}

interface Run {
  seeds: number;
  faultMs: number;
  cpuSeconds: number;
  seedsPerCpuSecond: number;
  virtualSecondsPerSeed: number;
  stepsPerCpuSecond: number;
  failures: number[];
}

function run(first: number, seeds: number, faultMs: number): Run {
  let steps = 0;
  let virtual = 0;
  const failures: number[] = [];
  const secs = cpuSeconds(() => {
    for (let s = first; s < first + seeds; s++) {
      const r = runSeed({ seed: s, faultMs });
      steps += r.stats.steps;
      virtual += r.stats.virtualMs;
      if (!r.ok) failures.push(s);
    }
  });
  return {
    seeds,
    faultMs,
    cpuSeconds: secs,
    seedsPerCpuSecond: seeds / secs,
    virtualSecondsPerSeed: virtual / seeds / 1000,
    stepsPerCpuSecond: steps / secs,
    failures,
  };
}

const seeds = Number(process.env.SIM_BENCH_SEEDS ?? 40);
// Warm up the JIT on a few seeds outside the measurement.
run(1_000_000, 3, 5000);
const anchorBefore = anchor();
const long = run(1, seeds, 30_000);
const short = run(1, seeds * 2, 5000);
const anchorAfter = anchor();
const codecRoundTrips = (anchorBefore + anchorAfter) / 2;
const result = {
  date: new Date().toISOString(),
  node: process.version,
  anchor: { what: 'PING (3 gossip entries) encode + decode round trips per CPU-second', perCpuSecond: Math.round(codecRoundTrips) },
  simCluster: { ...long, perAnchor: long.seedsPerCpuSecond / codecRoundTrips },
  npmTestSeeds: { ...short, perAnchor: short.seedsPerCpuSecond / codecRoundTrips },
};
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/sim-cluster.json`, `${JSON.stringify(result, null, 2)}\n`);
const f = (x: number) => x.toFixed(1);
process.stdout.write(
  [
    `anchor: ${Math.round(codecRoundTrips)} codec PING round trips per CPU-second`,
    `sim:cluster (30 s faults): ${f(long.seedsPerCpuSecond)} seeds per CPU-second (${f(long.virtualSecondsPerSeed)} virtual s per seed, ${Math.round(long.stepsPerCpuSecond)} brain steps per CPU-second)`,
    `npm test seeds (5 s faults): ${f(short.seedsPerCpuSecond)} seeds per CPU-second (${f(short.virtualSecondsPerSeed)} virtual s per seed)`,
    long.failures.length + short.failures.length > 0 ? `FAILING SEEDS: ${[...long.failures, ...short.failures].join(' ')}` : 'all seeds held their invariants',
    '',
  ].join('\n'),
);
