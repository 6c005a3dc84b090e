/**
 * npm run bench:server — our server vs redis-server under redis-benchmark, in the same run,
 * alternating servers over several rounds. Prints a table and writes bench/results/server.json
 * with the median ops/s and the ratio ours/redis. (Not a test: speed lives here.)
 */
import { loadavg } from 'node:os';
import { median, redisBenchmark, startBenchServer, writeResult } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const N = Number(process.env.N ?? 200_000);
const WARMUP = Number(process.env.WARMUP ?? 50_000);

async function main(): Promise<void> {
  const ours = await startBenchServer('splitbrain');
  const redis = await startBenchServer('redis');
  const samples: Record<string, number[]> = {};
  const loadBefore = loadavg();
  process.stderr.write(`load average: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}\n`);
  try {
    // Warm-up, not measured, the same for both: our server's first seconds run unoptimised code
    // (JIT tiers) and would otherwise count against round 1 only.
    for (const srv of [ours, redis]) {
      for (const pipeline of [1, 16]) await redisBenchmark(srv.port, ['-t', 'set,get', '-n', String(WARMUP), '-c', '50', '-P', String(pipeline), '-q']);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const pipeline of [1, 16]) {
        // Alternate which server goes first so drift (thermal, other load) hits both alike.
        const order =
          round % 2 === 0
            ? ([
                ['ours', ours],
                ['redis', redis],
              ] as const)
            : ([
                ['redis', redis],
                ['ours', ours],
              ] as const);
        for (const [name, srv] of order) {
          const res = await redisBenchmark(srv.port, ['-t', 'set,get', '-n', String(N), '-c', '50', '-P', String(pipeline), '-q']);
          for (const [test, rps] of Object.entries(res)) (samples[`${name} ${test} P${pipeline}`] ??= []).push(rps);
          process.stderr.write(`round ${round + 1}/${ROUNDS} -P ${pipeline} ${name}: ${JSON.stringify(res)}\n`);
        }
      }
    }
  } finally {
    await ours.stop();
    await redis.stop();
  }
  const rows: { test: string; pipeline: number; ours: number; redis: number; ratio: number }[] = [];
  for (const pipeline of [1, 16]) {
    for (const test of ['SET', 'GET']) {
      const o = median(samples[`ours ${test} P${pipeline}`] ?? [0]);
      const r = median(samples[`redis ${test} P${pipeline}`] ?? [0]);
      rows.push({ test, pipeline, ours: Math.round(o), redis: Math.round(r), ratio: Math.round((o / r) * 1000) / 1000 });
    }
  }
  console.log('test  -P   ours ops/s   redis ops/s   ours/redis');
  for (const r of rows)
    console.log(
      `${r.test.padEnd(5)} ${String(r.pipeline).padStart(3)} ${String(r.ours).padStart(12)} ${String(r.redis).padStart(13)} ${r.ratio.toFixed(3).padStart(12)}`,
    );
  const p = writeResult('server.json', {
    date: new Date().toISOString(),
    rounds: ROUNDS,
    requests: N,
    warmup: WARMUP,
    clients: 50,
    loadavg: { before: loadBefore, after: loadavg() },
    rows,
    samples,
  });
  console.log(
    `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`written ${p}`);
}

await main();
