/**
 * Checker benchmark (`npm run bench:checker`): median time to check each Porcupine test history,
 * generated 100k-op register histories with 20 processes (with 5% info ops and unique writes: the
 * issue's target case), 50-client KV histories (verdict + visualization data), and 100k-transaction
 * Elle histories (list-append, rw-register) — time and peak memory, each case in a fresh process so
 * the peak RSS is its own. Writes bench/results/checker.json and prints a table with the targets.
 *
 * PORCUPINE_KV_DIR=<dir> adds Porcupine's own c50-ok.txt / c50-bad.txt from that directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { checkElle } from '../checkers/elle/checker.js';
import { generateTxnHistory } from '../checkers/elle/generate.js';
import { type ParsedHistory, parseHistoryText } from '../checkers/history/parse.js';
import type { Op } from '../checkers/history/types.js';
import { checkLinearizable, checkLinearizableSync, type LinearizableResult } from '../checkers/linearizable/checker.js';
import { corruptOneRead, generateHistory } from '../checkers/linearizable/generate.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/ -> repo root
const testdata = `${root}../shared/testdata/porcupine/`;
const RUNS = 9;
/** Safety net for the generated cases: past it the verdict is unknown rather than an OOM. */
const CASE_TIME_LIMIT_MS = 20_000;

/** Go Porcupine on this machine class (from the brief): whole set 157 ms, etcd_002 136 ms, most files < 1 ms. */
const GO_MS: Record<string, number> = { 'etcd/etcd_002.log': 136 };
const GO_TOTAL_MS = 157;
const goalMs = (file: string): number => Math.max(2, 1.5 * (GO_MS[file] ?? 1));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const verdict = (r: LinearizableResult): string => (r.valid === true ? 'ok' : r.valid === false ? 'illegal' : 'unknown');

interface FileRow {
  file: string;
  ops: number;
  expected: string;
  verdict: string;
  parseMs: number;
  medianMs: number;
  minMs: number;
  goalMs: number;
  steps: number;
}

function benchFiles(): FileRow[] {
  const rows = readFileSync(testdata + 'EXPECTED.tsv', 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
  const out: FileRow[] = [];
  for (const [file, , expected] of rows) {
    const text = readFileSync(testdata + file!, 'utf8');
    let h!: ParsedHistory;
    const parseMs = median(Array.from({ length: 3 }, () => time(() => (h = parseHistoryText(text, file)))));
    let r!: LinearizableResult;
    for (let i = 0; i < 2; i++) checkLinearizableSync(h.ops, { model: h.modelHint }); // warm-up (JIT)
    const times = Array.from({ length: RUNS }, () => time(() => (r = checkLinearizableSync(h.ops, { model: h.modelHint }))));
    out.push({
      file: file!,
      ops: h.ops.length,
      expected: expected!,
      verdict: verdict(r),
      parseMs,
      medianMs: median(times),
      minMs: Math.min(...times),
      goalMs: goalMs(file!),
      steps: r.partitions.reduce((a, p) => a + p.steps, 0),
    });
  }
  return out;
}

interface CaseResult {
  name: string;
  ops: number;
  partitions: number;
  verdict: string;
  checkMs: number;
  /** CPU time (user + system) of the check: what the wall time would be on an idle core. */
  cpuMs: number;
  /** Size of the JSON result (verdict + visualization data). */
  resultBytes: number;
  maxRssMb: number;
  steps: number;
  cacheEntries: number;
  workers: number;
  /** Linearizability: the reductions that applied; Elle: graph size and anomaly types. */
  notes: string[];
  /** The bound for this case, if any (compared with cpuMs: see loadavg). */
  targetMs?: number;
}

/** The targets (issue 15): decided in < 10 s and < 1 GB; 50-client KV with visualisation < 1 s. */
const TARGET_MS: Record<string, number> = {
  'register-100k-20p-unique-5pct-info': 10_000,
  'elle-list-append-100k': 10_000,
  'elle-rw-register-100k': 10_000,
  'kv-c50-ok': 1000,
  'kv-c50-bad': 1000,
  'porcupine-c50-ok': 1000,
  'porcupine-c50-bad': 1000,
};
const TARGET_RSS_MB = 1024;

function caseHistory(name: string): Op[] {
  switch (name) {
    // All ops complete: every pending info write multiplies the search space (Porcupine's too).
    case 'register-100k-20p-1key':
      return generateHistory({ seed: 42, model: 'register', processes: 20, ops: 100_000, values: 1000, leavePending: false });
    case 'register-100k-5p-1key':
      return generateHistory({ seed: 42, model: 'register', processes: 5, ops: 100_000, values: 1000, leavePending: false });
    // The case: unique writes (so unread info writes can be dropped), 5% info ops.
    case 'register-100k-20p-unique-5pct-info':
      return generateHistory({ seed: 42, model: 'register', processes: 20, ops: 100_000, uniqueWrites: true, infoRate: 0.05 });
    case 'elle-list-append-100k':
      return generateTxnHistory({ seed: 42, workload: 'list-append', processes: 20, txns: 100_000, infoRate: 0.01, failRate: 0.01 });
    case 'elle-rw-register-100k':
      return generateTxnHistory({ seed: 42, workload: 'rw-register', processes: 20, txns: 100_000, infoRate: 0.01, failRate: 0.01 });
    case 'register-100k-20p-100keys':
      return generateHistory({ seed: 42, model: 'register', processes: 20, ops: 100_000, keys: 100, values: 1000, leavePending: false });
    case 'kv-c50-ok':
      return generateHistory({ seed: 50, model: 'kv', processes: 50, ops: 2000, keys: 10, leavePending: false });
    case 'kv-c50-bad':
      return corruptOneRead(generateHistory({ seed: 50, model: 'kv', processes: 50, ops: 2000, keys: 10, leavePending: false }), 'kv', 17)!;
    default: {
      const dir = process.env.PORCUPINE_KV_DIR;
      const file = `${dir}/${name.replace('porcupine-', '')}.txt`;
      return parseHistoryText(readFileSync(file, 'utf8'), file).ops;
    }
  }
}

/** Child-process mode: one case, fresh heap; prints one JSON line. */
async function runCase(name: string): Promise<void> {
  const h = caseHistory(name);
  if (name.startsWith('elle-')) return runElleCase(name, h);
  const model = name.startsWith('register') ? 'register' : 'kv';
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await checkLinearizable(h, { model, timeLimitMs: CASE_TIME_LIMIT_MS });
  const checkMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const json = JSON.stringify(r);
  const res: CaseResult = {
    name,
    ops: h.length,
    partitions: r.partitionCount,
    verdict: verdict(r),
    checkMs,
    cpuMs: (c.user + c.system) / 1000,
    resultBytes: json.length,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    steps: r.partitions.reduce((a, p) => a + p.steps, 0),
    cacheEntries: r.partitions.reduce((a, p) => a + p.cacheSize, 0),
    workers: r.workers,
    notes: r.reductions.applied,
    ...(TARGET_MS[name] !== undefined ? { targetMs: TARGET_MS[name] } : {}),
  };
  process.stdout.write(JSON.stringify(res) + '\n');
}

function runElleCase(name: string, h: Op[]): void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = checkElle(h, { consistencyModels: ['strict-serializable'], lostAppends: true, wfrKeys: true });
  const checkMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const res: CaseResult = {
    name,
    ops: h.length,
    partitions: 1,
    verdict: r.valid === true ? 'ok' : r.valid === false ? 'illegal' : 'unknown',
    checkMs,
    cpuMs: (c.user + c.system) / 1000,
    resultBytes: JSON.stringify(r).length,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    steps: 0,
    cacheEntries: 0,
    workers: 0,
    notes: [
      `${r.txnCount} transactions, ${r.graph.edges} edges (${r.graph.relations.join(', ')}), ${r.graph.cyclicComponents} cyclic components`,
      ...r.anomalyTypes,
    ],
    targetMs: TARGET_MS[name],
  };
  process.stdout.write(JSON.stringify(res) + '\n');
}

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padEnd(n) : t.padStart(n);
}

async function main(): Promise<void> {
  const caseIdx = process.argv.indexOf('--case');
  if (caseIdx >= 0) return runCase(process.argv[caseIdx + 1]!);

  const files = benchFiles();
  console.log(`${pad('file', 20, true)} ${pad('ops', 5)} ${pad('expect', 8)} ${pad('got', 8)} ${pad('median ms', 10)} ${pad('goal ms', 8)} ${pad('steps', 9)}`);
  for (const f of files) {
    const flag = f.verdict !== f.expected ? '  WRONG VERDICT' : f.medianMs > f.goalMs ? '  over goal' : '';
    console.log(
      `${pad(f.file, 20, true)} ${pad(f.ops, 5)} ${pad(f.expected, 8)} ${pad(f.verdict, 8)} ${pad(f.medianMs.toFixed(2), 10)} ${pad(f.goalMs.toFixed(0), 8)} ${pad(f.steps, 9)}${flag}`,
    );
  }
  const total = files.reduce((a, f) => a + f.medianMs, 0);
  console.log(
    `total (sum of medians): ${total.toFixed(1)} ms (Go Porcupine ≈ ${GO_TOTAL_MS} ms); over goal: ${files.filter((f) => f.medianMs > f.goalMs).length}; wrong verdicts: ${files.filter((f) => f.verdict !== f.expected).length}`,
  );

  const cases = [
    'register-100k-20p-unique-5pct-info',
    'register-100k-20p-1key',
    'register-100k-5p-1key',
    'register-100k-20p-100keys',
    'kv-c50-ok',
    'kv-c50-bad',
    'elle-list-append-100k',
    'elle-rw-register-100k',
  ];
  const kvDir = process.env.PORCUPINE_KV_DIR;
  if (kvDir !== undefined) for (const n of ['c50-ok', 'c50-bad']) if (existsSync(`${kvDir}/${n}.txt`)) cases.push(`porcupine-${n}`);
  const self = fileURLToPath(import.meta.url);
  const results: CaseResult[] = [];
  console.log(
    `\n${pad('case', 36, true)} ${pad('ops', 7)} ${pad('parts', 5)} ${pad('verdict', 8)} ${pad('median ms', 10)} ${pad('result KB', 9)} ${pad('peak RSS MB', 11)} ${pad('steps', 9)}  (cpu ms in the notes)`,
  );
  for (const name of cases) {
    const runs: CaseResult[] = [];
    for (let i = 0; i < 3; i++)
      runs.push(JSON.parse(execFileSync(process.execPath, [self, '--case', name], { encoding: 'utf8', maxBuffer: 1 << 26 })) as CaseResult);
    const med = {
      ...runs[0]!,
      checkMs: median(runs.map((r) => r.checkMs)),
      cpuMs: median(runs.map((r) => r.cpuMs)),
      maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
    };
    results.push(med);
    const target =
      med.targetMs === undefined
        ? ''
        : // CPU time: on a shared machine the wall time stretches with the load (loadavg in the results).
          med.cpuMs < med.targetMs && med.maxRssMb < TARGET_RSS_MB
          ? `  within target (cpu < ${med.targetMs} ms, < ${TARGET_RSS_MB} MB)`
          : `  OVER TARGET (${med.targetMs} ms, ${TARGET_RSS_MB} MB)`;
    console.log(
      `${pad(name, 36, true)} ${pad(med.ops, 7)} ${pad(med.partitions, 5)} ${pad(med.verdict, 8)} ${pad(med.checkMs.toFixed(1), 10)} ${pad((med.resultBytes / 1024).toFixed(0), 9)} ${pad(med.maxRssMb.toFixed(0), 11)} ${pad(med.steps, 9)}${target}`,
    );
    console.log(`    cpu ${med.cpuMs.toFixed(0)} ms`);
    for (const n of med.notes) console.log(`    ${n}`);
  }

  const out = {
    date: new Date().toISOString(),
    node: process.version,
    /** 1/5/15-minute load averages at the end: wall times on a shared machine stretch with them; cpuMs does not. */
    loadavg: loadavg(),
    runsPerFile: RUNS,
    goReference: { totalMs: GO_TOTAL_MS, perFileMs: GO_MS, note: 'files not listed: Go < 1 ms, goal 2 ms' },
    totalMs: total,
    files,
    cases: results,
  };
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/checker.json`, JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwrote ${root}bench/results/checker.json`);
}

await main();
