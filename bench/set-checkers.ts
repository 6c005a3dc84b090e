/**
 * Set-checker bench: a generated 1M-operation `set` history (100 keys, partitions, some writes lost
 * at heal, info adds, final reads) checked with set-full and lost-writes. Prints wall time per
 * phase and peak RSS; the goal is < 10 s and < 1 GB for the checking.
 *
 *   node dist/bench/set-checkers.js        (env: OPS=1000000, KEYS=100, SEED=1)
 *
 * Writes bench/results/set-checkers.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { checkLostWrites } from '../checkers/lost-writes/index.js';
import { checkSetFull } from '../checkers/set-full/index.js';
import { generateSetHistory } from '../checkers/testing/generate.js';

const OPS = Number(process.env.OPS ?? 1_000_000);
const KEYS = Number(process.env.KEYS ?? 100);
const SEED = Number(process.env.SEED ?? 1);

const mb = (bytes: number): number => Math.round(bytes / 1048576);
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in KiB

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, Math.round(performance.now() - t0)];
}

const [history, genMs] = timed(() => generateSetHistory({ ops: OPS, keys: KEYS, seed: SEED }));
let readElements = 0;
for (const op of history) if (op.type === 'ok' && Array.isArray(op.value) && op.f !== 'add') readElements += op.value.length;
const rssAfterGen = peakRssMb();

const [setFull, setFullMs] = timed(() => checkSetFull(history));
const [lost, lostMs] = timed(() => checkLostWrites(history, { nodeTimeoutMs: 15_000 }));
const [json, jsonMs] = timed(() => JSON.stringify({ setFull, lost }));
const peak = peakRssMb();
const checkMs = setFullMs + lostMs;

const result = {
  date: new Date().toISOString(),
  node: process.version,
  history: { ops: history.length, keys: KEYS, seed: SEED, readElements },
  generateMs: genMs,
  setFullMs,
  lostWritesMs: lostMs,
  checkMs,
  resultJsonMs: jsonMs,
  resultJsonMB: mb(json.length),
  peakRssMB: peak,
  rssAfterGenerateMB: rssAfterGen,
  heapUsedMB: mb(process.memoryUsage().heapUsed),
  goal: { checkMs: 10_000, peakRssMB: 1024 },
  met: checkMs < 10_000 && peak < 1024,
  verdicts: {
    setFull: {
      valid: setFull.valid,
      attempts: setFull.attemptCount,
      stable: setFull.stableCount,
      lost: setFull.lostCount,
      neverRead: setFull.neverReadCount,
      stale: setFull.staleCount,
    },
    lostWrites: {
      valid: lost.valid,
      acknowledged: lost.acknowledged,
      lost: lost.lost,
      lostExpected: lost.lostExpected,
      lostAnomalous: lost.lostAnomalous,
      recovered: lost.recovered,
    },
  },
};

console.log(
  `set-checkers: ${history.length} ops (${readElements} read elements) generated in ${genMs} ms; ` +
    `set-full ${setFullMs} ms, lost-writes ${lostMs} ms (check ${checkMs} ms), JSON ${jsonMs} ms / ${result.resultJsonMB} MB; ` +
    `peak RSS ${peak} MB (${rssAfterGen} MB after generation) — goal < 10 s and < 1 GB: ${result.met ? 'met' : 'NOT met'}`,
);
console.log(JSON.stringify(result.verdicts));

// dist/bench/set-checkers.js → <repo>/bench/results
const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', '..', 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'set-checkers.json'), JSON.stringify(result, null, 2) + '\n');
