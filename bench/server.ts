/**
 * npm run bench:server — our server vs redis-server under redis-benchmark, in the same run,
 * alternating servers over several rounds. Prints a table and writes bench/results/server.json
 * with the median ops/s and the ratio ours/redis. (Not a test: speed lives here.)
 * ONLY=scripts-streams measures just the scripting/stream rows and keeps the SET/GET rows of
 * the existing results file (each row's two figures always come from one run); ONLY=tls measures
 * just the TLS set/get rows (`tls` in the file, see server-tls.ts) and keeps the rest.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { measureTls } from './server-tls.js';
import { median, RESULTS, redisBenchmark, startBenchServer, writeResult } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const N = Number(process.env.N ?? 200_000);
const WARMUP = Number(process.env.WARMUP ?? 50_000);
/** Requests per round for the scripting and stream tests (each round starts from fresh keys). */
const N_EXTRA = Number(process.env.N_EXTRA ?? 50_000);
const ONLY_EXTRA = process.env.ONLY === 'scripts-streams';

/**
 * Scripting and streams under redis-benchmark (pipeline 1, 50 clients): EVAL of a script of
 * three commands, XADD with an auto ID, XREADGROUP of one new entry per call (a consumer group
 * over the entries the XADD run added).
 */
const EXTRA: { name: string; setup?: string[][]; args: string[] }[] = [
  {
    name: 'EVAL (3 commands)',
    args: ['EVAL', "redis.call('incr', KEYS[1]) redis.call('set', KEYS[2], ARGV[1]) return redis.call('get', KEYS[2])", '2', 'bench:cnt', 'bench:val', 'x'],
  },
  { name: 'XADD', setup: [['DEL', 'bench:stream']], args: ['XADD', 'bench:stream', '*', 'field', 'value'] },
  {
    name: 'XREADGROUP',
    setup: [['XGROUP', 'CREATE', 'bench:stream', 'g', '0']],
    args: ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'bench:stream', '>'],
  },
];

async function main(): Promise<void> {
  if (process.env.ONLY === 'tls') {
    const prev = JSON.parse(readFileSync(join(RESULTS, 'server.json'), 'utf8')) as Record<string, unknown>;
    prev.tls = await measureTls({ rounds: ROUNDS, requests: N, warmup: WARMUP });
    console.log(`written ${writeResult('server.json', prev)}`);
    return;
  }
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
    for (let round = 0; round < (ONLY_EXTRA ? 0 : ROUNDS); round++) {
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
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [ours, redis] : [redis, ours];
      for (const srv of order) {
        const name = srv === ours ? 'ours' : 'redis';
        for (const x of EXTRA) {
          for (const s of x.setup ?? []) await execa('redis-cli', ['-p', String(srv.port), ...s]);
          const res = await redisBenchmark(srv.port, ['-n', String(N_EXTRA), '-c', '50', '-P', '1', '-q', ...x.args]);
          const rps = Object.values(res)[0] ?? 0;
          (samples[`${name} ${x.name} P1`] ??= []).push(rps);
          process.stderr.write(`round ${round + 1}/${ROUNDS} ${x.name} ${name}: ${rps}\n`);
        }
      }
    }
  } finally {
    await ours.stop();
    await redis.stop();
  }
  const rows: { test: string; pipeline: number; ours: number; redis: number; ratio: number }[] = [];
  let setGetDate: string | undefined;
  const row = (test: string, pipeline: number): void => {
    const o = median(samples[`ours ${test} P${pipeline}`] ?? [0]);
    const r = median(samples[`redis ${test} P${pipeline}`] ?? [0]);
    rows.push({ test, pipeline, ours: Math.round(o), redis: Math.round(r), ratio: Math.round((o / r) * 1000) / 1000 });
  };
  if (ONLY_EXTRA) {
    const prev = JSON.parse(readFileSync(join(RESULTS, 'server.json'), 'utf8')) as {
      date: string;
      setGetDate?: string;
      rows: typeof rows;
      samples: Record<string, number[]>;
    };
    setGetDate = prev.setGetDate ?? prev.date;
    for (const r of prev.rows) if (!EXTRA.some((x) => x.name === r.test)) rows.push(r);
    for (const [k, v] of Object.entries(prev.samples)) samples[k] ??= v;
  } else {
    for (const pipeline of [1, 16]) for (const test of ['SET', 'GET']) row(test, pipeline);
  }
  for (const x of EXTRA) row(x.name, 1);
  console.log('test  -P   ours ops/s   redis ops/s   ours/redis');
  for (const r of rows)
    console.log(
      `${r.test.padEnd(18)} ${String(r.pipeline).padStart(3)} ${String(r.ours).padStart(12)} ${String(r.redis).padStart(13)} ${r.ratio.toFixed(3).padStart(12)}`,
    );
  const p = writeResult('server.json', {
    date: new Date().toISOString(),
    ...(setGetDate ? { setGetDate } : {}),
    rounds: ROUNDS,
    requests: N,
    requestsScriptsStreams: N_EXTRA,
    warmup: WARMUP,
    clients: 50,
    loadavg: { before: loadBefore, after: loadavg() },
    rows,
    samples,
    tls: await measureTls({ rounds: ROUNDS, requests: N, warmup: WARMUP }),
  });
  console.log(
    `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`written ${p}`);
}

await main();
