import v8 from 'node:v8';
import vm from 'node:vm';
import type { Server } from '../server.js';

type Gc = (opts: { type: 'major'; execution: 'async' }) => unknown;

/**
 * V8's gc(), without starting node with --expose-gc: the flag set at run time exposes it in
 * any context created afterwards. Null if the runtime refuses (then memory is freed whenever V8
 * decides to collect).
 */
function loadGc(): Gc | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Gc) : null;
  } catch {
    return null;
  }
}

// Loaded on first need: creating the context costs a process start several ms.
let gc: Gc | null | undefined;
const MB = 1024 * 1024;

/**
 * Gives memory back to the OS after large frees. Redis frees a value's memory when it deletes
 * it; V8 frees garbage only when it collects, and with no allocation going on (a 500 MB value
 * deleted, then silence) it never does, so RSS stays where it was. Once a second this asks V8 for
 * a major collection (incremental, off the command path) when either
 *   - used memory fell well below its level since the last collection (DEL, FLUSHALL, expiry,
 *     eviction of big values: their memory is now garbage), or
 *   - RSS grew well beyond what the dataset and the process's own start-up footprint explain
 *     and beyond its level after the last collection (transient garbage: a big argument's read
 *     buffer, big replies).
 * Live data never triggers a collection twice: the levels are reset after each one.
 */
export class MemoryReclaimer {
  private lastRun = 0;
  /** RSS when the server started listening (Node's own footprint). */
  private baselineRss = 0;
  /** RSS measured after the last collection. */
  private rssAfterGc = 0;
  /** The highest used_memory seen since the last collection. */
  private peakUsed = 0;
  private measureAfterGc = false;
  collections = 0;

  constructor(private readonly server: Server) {}

  start(): void {
    this.baselineRss = this.rssAfterGc = process.memoryUsage.rss();
  }

  /** Called by the server cron; does its work once a second. */
  cron(now: number): void {
    if (gc === null || now - this.lastRun < 1000) return;
    this.lastRun = now;
    const rss = process.memoryUsage.rss();
    if (this.measureAfterGc) {
      this.measureAfterGc = false;
      this.rssAfterGc = rss;
    }
    const used = this.server.memory.used();
    if (used > this.peakUsed) this.peakUsed = used;
    const shrank = this.peakUsed - used >= Math.max(4 * MB, this.peakUsed / 4);
    const grew = rss > Math.max(this.rssAfterGc * 1.2, this.baselineRss + 1.5 * used + 64 * MB);
    if (!shrank && !grew) return;
    gc ??= loadGc();
    if (gc === null) return;
    this.peakUsed = used;
    this.measureAfterGc = true;
    this.collections++;
    void gc({ type: 'major', execution: 'async' });
  }
}
