import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'harness', 'cli', 'main.js');

/** Run the splitbrain CLI from the build. */
export function splitbrain(args: string[], opts: { timeout?: number } = {}): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, [CLI, ...args], { reject: false, all: true, timeout: opts.timeout ?? 180_000 }) as ResultPromise<{ reject: false; all: true }>;
}

export function tempStore(): string {
  return mkdtempSync(join(tmpdir(), 'sb-store-'));
}

/** The single run directory inside a store (store/<scenario>/<ts>). */
export function runDirs(store: string): string[] {
  const out: string[] = [];
  for (const s of readdirSync(store)) {
    if (s === 'latest' || s.startsWith('.') || s.endsWith('.html') || s.endsWith('.json')) continue;
    const d = join(store, s);
    for (const t of readdirSync(d)) out.push(join(d, t));
  }
  return out.sort();
}

export function readHistory(dir: string): Record<string, unknown>[] {
  const p = join(dir, 'history.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** PIDs of processes whose command line mentions `needle` (e.g. a run directory). */
export function processesMentioning(needle: string): string[] {
  const out = execSync('ps -eo pid=,args=', { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'))
    .map((l) => l.trim());
}

export function iptablesRules(): string {
  try {
    return execSync('iptables -S', { encoding: 'utf8' });
  } catch {
    return '';
  }
}

/** PIDs a run recorded for its nodes (nodes/<n>/pids) that are still alive. */
export function livePids(dir: string): number[] {
  const nodes = join(dir, 'nodes');
  if (!existsSync(nodes)) return [];
  const out: number[] = [];
  for (const n of readdirSync(nodes)) {
    const f = join(nodes, n, 'pids');
    if (!existsSync(f)) continue;
    for (const l of readFileSync(f, 'utf8').split('\n')) {
      const pid = Number(l);
      if (!pid) continue;
      try {
        process.kill(pid, 0);
        out.push(pid);
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

/**
 * The server option for test runs that are not about the initial sync: Redis's default 5 s
 * repl-diskless-sync-delay is otherwise waited out before every replicated, sentinel or cluster run
 * starts its workload (the harness starts from synced replicas), and again when a node resyncs.
 */
export const NO_SYNC_DELAY = '--repl-diskless-sync-delay 0';

/** `splitbrain run` flags by their CLI names (`{ target: 'ts', 'time-limit': 5 }`); an array repeats the flag. */
export type RunFlags = Record<string, string | number | readonly string[] | undefined>;

export interface StoredRun {
  exitCode: number | undefined;
  /** Everything the CLI printed (stdout and stderr interleaved). */
  all: string;
  store: string;
  /** The run directory (store/<scenario>/<timestamp>); undefined when the run never started. */
  dir: string | undefined;
  /** Its results.json, when it was written. */
  results: { checkers: Record<string, { valid: unknown } & Record<string, unknown>> } & Record<string, unknown>;
}

/** One `splitbrain run` into a fresh store: what it printed, its run directory and results.json. */
export async function runScenario(flags: RunFlags, opts: { timeout?: number } = {}): Promise<StoredRun> {
  const store = tempStore();
  const argv = ['run'];
  for (const [k, v] of Object.entries(flags)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) argv.push(`--${k}`, String(x));
  }
  argv.push('--store', store);
  const r = await splitbrain(argv, { timeout: opts.timeout ?? 120_000 });
  const [dir] = runDirs(store);
  const resultsPath = dir === undefined ? undefined : join(dir, 'results.json');
  const results = resultsPath !== undefined && existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : { checkers: {} };
  return { exitCode: r.exitCode, all: r.all, store, dir, results };
}
