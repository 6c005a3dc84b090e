/**
 * npm run bench:server — our server vs redis-server under redis-benchmark, in the same run,
 * alternating servers over several rounds. Prints a table and writes bench/results/server.json
 * with the median ops/s and the ratio ours/redis; then the same over TLS (`tls` in the file;
 * `--tls-only` measures just that). (Not a test: speed lives here.)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, tlsServerArgs } from '../harness/util/pki.js';
import { freePort } from '../harness/util/ports.js';
import { type BenchServer, median, RESULTS, redisBenchmark, startBenchServer, writeResult } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const N = Number(process.env.N ?? 200_000);
const WARMUP = Number(process.env.WARMUP ?? 50_000);

type Row = { test: string; pipeline: number; ours: number; redis: number; ratio: number };

/**
 * Rounds of redis-benchmark set/get against both servers, alternating which goes first;
 * `extra` are redis-benchmark options (--tls ...), `port` picks the port to target.
 */
async function measure(
  ours: BenchServer,
  redis: BenchServer,
  port: (s: BenchServer) => number,
  extra: string[],
  label: string,
): Promise<{ rows: Row[]; samples: Record<string, number[]> }> {
  const samples: Record<string, number[]> = {};
  // Warm-up, not measured, the same for both: our server's first seconds run unoptimised code
  // (JIT tiers) and would otherwise count against round 1 only.
  for (const srv of [ours, redis]) {
    for (const pipeline of [1, 16])
      await redisBenchmark(port(srv), [...extra, '-t', 'set,get', '-n', String(WARMUP), '-c', '50', '-P', String(pipeline), '-q']);
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
        const res = await redisBenchmark(port(srv), [...extra, '-t', 'set,get', '-n', String(N), '-c', '50', '-P', String(pipeline), '-q']);
        for (const [test, rps] of Object.entries(res)) (samples[`${name} ${test} P${pipeline}`] ??= []).push(rps);
        process.stderr.write(`${label}round ${round + 1}/${ROUNDS} -P ${pipeline} ${name}: ${JSON.stringify(res)}\n`);
      }
    }
  }
  const rows: Row[] = [];
  for (const pipeline of [1, 16]) {
    for (const test of ['SET', 'GET']) {
      const o = median(samples[`ours ${test} P${pipeline}`] ?? [0]);
      const r = median(samples[`redis ${test} P${pipeline}`] ?? [0]);
      rows.push({ test, pipeline, ours: Math.round(o), redis: Math.round(r), ratio: Math.round((o / r) * 1000) / 1000 });
    }
  }
  return { rows, samples };
}

function printRows(title: string, rows: Row[]): void {
  console.log(title);
  console.log('test  -P   ours ops/s   redis ops/s   ours/redis');
  for (const r of rows)
    console.log(
      `${r.test.padEnd(5)} ${String(r.pipeline).padStart(3)} ${String(r.ours).padStart(12)} ${String(r.redis).padStart(13)} ${r.ratio.toFixed(3).padStart(12)}`,
    );
}

/**
 * The same over TLS (redis-benchmark --tls against tls-port, both servers with the same
 * throwaway certificates, no client certificates), in the same run.
 */
async function measureTls(): Promise<{ loadavg: { before: number[]; after: number[] }; rows: Row[]; samples: Record<string, number[]> }> {
  const pki = makeTestPki();
  const tlsArgs = async (): Promise<string[]> => tlsServerArgs(pki, await freePort(), ['--tls-auth-clients', 'no']);
  const ours = await startBenchServer('splitbrain', await tlsArgs());
  const redis = await startBenchServer('redis', await tlsArgs());
  const before = loadavg();
  try {
    const tlsPort = (s: BenchServer): number => Number(s.args[s.args.indexOf('--tls-port') + 1]);
    const res = await measure(ours, redis, tlsPort, ['--tls', '--cacert', pki.caCert], 'tls ');
    return { loadavg: { before, after: loadavg() }, ...res };
  } finally {
    await ours.stop();
    await redis.stop();
  }
}

async function main(): Promise<void> {
  // --tls-only: measure TLS alone and keep the plain-text figures already in server.json.
  const tlsOnly = process.argv.includes('--tls-only');
  let result: Record<string, unknown>;
  if (tlsOnly) {
    result = JSON.parse(readFileSync(join(RESULTS, 'server.json'), 'utf8')) as Record<string, unknown>;
  } else {
    const ours = await startBenchServer('splitbrain');
    const redis = await startBenchServer('redis');
    const loadBefore = loadavg();
    process.stderr.write(`load average: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}\n`);
    let plain: { rows: Row[]; samples: Record<string, number[]> };
    try {
      plain = await measure(ours, redis, (s) => s.port, [], '');
    } finally {
      await ours.stop();
      await redis.stop();
    }
    printRows('plain TCP', plain.rows);
    result = {
      date: new Date().toISOString(),
      rounds: ROUNDS,
      requests: N,
      warmup: WARMUP,
      clients: 50,
      loadavg: { before: loadBefore, after: loadavg() },
      rows: plain.rows,
      samples: plain.samples,
    };
  }
  const tls = await measureTls();
  printRows('TLS (redis-benchmark --tls)', tls.rows);
  result.tls = { date: new Date().toISOString(), rounds: ROUNDS, requests: N, warmup: WARMUP, clients: 50, ...tls };
  const p = writeResult('server.json', result);
  console.log(
    `load average now ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`written ${p}`);
}

await main();
