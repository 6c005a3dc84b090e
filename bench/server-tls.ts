/**
 * The TLS part of bench:server: redis-benchmark --tls set/get against the tls-port of both
 * servers (the same throwaway certificates, no client certificates), alternating servers over
 * rounds as the plain-text part does. Its figures go under `tls` in bench/results/server.json.
 */
import { loadavg } from 'node:os';
import { makeTestPki, tlsServerArgs } from '../harness/util/pki.js';
import { freePort } from '../harness/util/ports.js';
import { median, redisBenchmark, startBenchServer } from './util.js';

type Row = { test: string; pipeline: number; ours: number; redis: number; ratio: number };

export async function measureTls(opts: { rounds: number; requests: number; warmup: number }): Promise<Record<string, unknown>> {
  const pki = makeTestPki();
  const ports = { ours: await freePort(), redis: await freePort() };
  const ours = await startBenchServer('splitbrain', tlsServerArgs(pki, ports.ours, ['--tls-auth-clients', 'no']));
  const redis = await startBenchServer('redis', tlsServerArgs(pki, ports.redis, ['--tls-auth-clients', 'no']));
  const tlsOpts = ['--tls', '--cacert', pki.caCert];
  const samples: Record<string, number[]> = {};
  const before = loadavg();
  try {
    for (const port of [ports.ours, ports.redis]) {
      for (const pipeline of [1, 16])
        await redisBenchmark(port, [...tlsOpts, '-t', 'set,get', '-n', String(opts.warmup), '-c', '50', '-P', String(pipeline), '-q']);
    }
    for (let round = 0; round < opts.rounds; round++) {
      for (const pipeline of [1, 16]) {
        const order = round % 2 === 0 ? (['ours', 'redis'] as const) : (['redis', 'ours'] as const);
        for (const name of order) {
          const res = await redisBenchmark(ports[name], [...tlsOpts, '-t', 'set,get', '-n', String(opts.requests), '-c', '50', '-P', String(pipeline), '-q']);
          for (const [test, rps] of Object.entries(res)) (samples[`${name} ${test} P${pipeline}`] ??= []).push(rps);
          process.stderr.write(`tls round ${round + 1}/${opts.rounds} -P ${pipeline} ${name}: ${JSON.stringify(res)}\n`);
        }
      }
    }
  } finally {
    await ours.stop();
    await redis.stop();
  }
  const rows: Row[] = [];
  for (const pipeline of [1, 16]) {
    for (const test of ['SET', 'GET']) {
      const o = median(samples[`ours ${test} P${pipeline}`] ?? [0]);
      const r = median(samples[`redis ${test} P${pipeline}`] ?? [0]);
      rows.push({ test, pipeline, ours: Math.round(o), redis: Math.round(r), ratio: Math.round((o / r) * 1000) / 1000 });
    }
  }
  console.log('TLS (redis-benchmark --tls)');
  for (const r of rows)
    console.log(
      `${r.test.padEnd(18)} ${String(r.pipeline).padStart(3)} ${String(r.ours).padStart(12)} ${String(r.redis).padStart(13)} ${r.ratio.toFixed(3).padStart(12)}`,
    );
  return { date: new Date().toISOString(), ...opts, clients: 50, loadavg: { before, after: loadavg() }, rows, samples };
}
