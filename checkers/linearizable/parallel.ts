/**
 * Per-partition parallelism with worker_threads: a queue of partitions, largest first, handed to
 * a pool of workers one at a time (a slow partition does not hold up the rest of a batch).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PartitionResult } from './partition.js';
import { unsearchedPartition } from './partition.js';
import type { PreparedPartition } from './prepare.js';

export interface WorkerRequest {
  slot: number;
  model: string;
  partition: PreparedPartition;
  deadline?: number;
}

export type WorkerReply = { slot: number; result: PartitionResult } | { slot: number; error: string };

/** Extra time given to workers past the deadline before they are terminated. */
const DEADLINE_GRACE_MS = 5000;

/**
 * The worker module: next to this file in the compiled build; when running from the TypeScript
 * sources (vitest), the compiled copy in dist/ if the project was built. Undefined: no workers.
 */
export function resolveWorkerUrl(): URL | undefined {
  const here = import.meta.url;
  const candidates = here.endsWith('.js') ? [new URL('./worker.js', here)] : [new URL('../../dist/checkers/linearizable/worker.js', here)];
  for (const url of candidates) if (existsSync(fileURLToPath(url))) return url;
  return undefined;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

export interface ParallelOptions {
  workerUrl: URL;
  workers: number;
  deadline?: number;
  /** Finish as soon as one partition is not linearizable; the others are reported cancelled. */
  stopOnIllegal?: boolean;
}

export function checkInWorkers(model: string, partitions: PreparedPartition[], opts: ParallelOptions): Promise<PartitionResult[]> {
  const results: (PartitionResult | undefined)[] = new Array(partitions.length);
  const queue = partitions.map((_, i) => i).sort((a, b) => partitions[b]!.inputs.length - partitions[a]!.inputs.length);
  const poolSize = Math.max(1, Math.min(opts.workers, partitions.length));
  const pool: Worker[] = [];
  const retired = new Set<Worker>(); // terminated by us once the queue ran dry

  return new Promise<PartitionResult[]>((resolve, reject) => {
    let settled = false;
    let outstanding = partitions.length;
    let timer: NodeJS.Timeout | undefined;

    let cancelled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolve(Array.from(partitions, (p, i) => results[i] ?? unsearchedPartition(p, cancelled))); // results may have holes
    };

    const feed = (w: Worker): void => {
      const slot = queue.shift();
      if (slot === undefined) {
        retired.add(w);
        void w.terminate();
        return;
      }
      if (opts.deadline !== undefined && Date.now() > opts.deadline) {
        results[slot] = unsearchedPartition(partitions[slot]!);
        if (--outstanding === 0) return finish();
        return feed(w);
      }
      const req: WorkerRequest = { slot, model, partition: partitions[slot]!, deadline: opts.deadline };
      w.postMessage(req);
    };

    for (let i = 0; i < poolSize; i++) {
      const w = new Worker(opts.workerUrl);
      pool.push(w);
      w.on('message', (reply: WorkerReply) => {
        if ('error' in reply) return finish(new Error(`linearizable worker failed on partition "${partitions[reply.slot]!.key}": ${reply.error}`));
        results[reply.slot] = reply.result;
        if (--outstanding === 0) return finish();
        if (reply.result.valid === false && opts.stopOnIllegal) {
          cancelled = true;
          return finish();
        }
        feed(w);
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (!settled && !retired.has(w) && code !== 0) finish(new Error(`linearizable worker exited with code ${code}`));
      });
      feed(w);
    }
    if (outstanding === 0) finish();
    if (opts.deadline !== undefined) {
      // A model step that never returns must not hang the check: past the grace period, give up.
      timer = setTimeout(() => finish(), Math.max(0, opts.deadline - Date.now()) + DEADLINE_GRACE_MS);
      timer.unref();
    }
  });
}
