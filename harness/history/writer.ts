import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Op, OpType, ProcessId } from '../../checkers/history/types.js';

export type OpFields = Omit<Op, 'index' | 'time'>;

/**
 * Streams the history as JSON lines while the run goes on. Each line is written with one
 * write(2) (so a crash tears at most the last line) and the file is fsync'd every second and on
 * close: a run killed half-way leaves a valid, checkable prefix.
 */
export class HistoryWriter {
  private fd: number;
  private index = 0;
  private readonly t0 = process.hrtime.bigint();
  /** Wall-clock time (unix ms) of history time 0, so reports can show clock times. */
  readonly startedAtMs = Date.now();
  private timer: NodeJS.Timeout;
  private dirty = false;
  closed = false;
  /** Counts per completion type, for live progress. */
  readonly counts: Record<OpType, number> = { invoke: 0, ok: 0, fail: 0, info: 0 };
  /** Optional in-memory copy (the checkers run on it at the end of a normal run). */
  readonly ops: Op[] = [];

  constructor(
    public readonly path: string,
    private keepInMemory = true,
  ) {
    this.fd = openSync(path, 'w');
    this.timer = setInterval(() => this.sync(), 1000);
    this.timer.unref();
  }

  /** Nanoseconds since the start of the run. */
  now(): number {
    return Number(process.hrtime.bigint() - this.t0);
  }

  append(fields: OpFields): Op {
    const op = { index: this.index++, time: this.now(), ...fields } as Op;
    if (this.closed) return op;
    this.counts[op.type]++;
    writeSync(this.fd, JSON.stringify(op) + '\n');
    this.dirty = true;
    if (this.keepInMemory) this.ops.push(op);
    return op;
  }

  invoke(process: ProcessId, f: string, value: unknown, extra: Partial<OpFields> = {}): Op {
    return this.append({ process, type: 'invoke', f, value, ...extra });
  }

  sync(): void {
    if (this.closed || !this.dirty) return;
    this.dirty = false;
    try {
      fsyncSync(this.fd);
    } catch {
      /* fsync can fail on exotic filesystems; the data is still written */
    }
  }

  close(): void {
    if (this.closed) return;
    this.sync();
    clearInterval(this.timer);
    closeSync(this.fd);
    this.closed = true;
  }
}
