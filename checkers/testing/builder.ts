/**
 * Hand-built histories for checker tests. Times are given in seconds (`at`) or advance by 1 ms per
 * op, so that op order and time order always agree; indices are dense.
 */
import type { AckKind, History, Op, OpType, ProcessId } from '../history/types.js';

export interface WriteOpts {
  /** Completion type; null leaves the write pending (no completion). Default ok. */
  type?: Exclude<OpType, 'invoke'> | null;
  node?: string;
  ack?: AckKind;
  replicas?: number;
  waitFor?: number;
  waitTimeoutMs?: number;
  error?: string;
  /** Time between invoke and completion. Default 1 ms. */
  durationMs?: number;
}

export class HistoryBuilder {
  readonly ops: Op[] = [];
  private t = 0;
  private readonly pending = new Map<ProcessId, Op>();

  /** Moves the clock to `seconds` (never backwards). */
  at(seconds: number): this {
    const ns = Math.round(seconds * 1e9);
    if (ns < this.t) throw new Error(`HistoryBuilder.at(${seconds}): time would go backwards`);
    this.t = ns;
    return this;
  }

  /** Advances the clock. */
  sleep(ms: number): this {
    this.t += Math.round(ms * 1e6);
    return this;
  }

  get nowS(): number {
    return this.t / 1e9;
  }

  private push(op: Omit<Op, 'index' | 'time'>): number {
    const index = this.ops.length;
    this.ops.push({ index, time: this.t, ...op } as Op);
    this.t += 1e6;
    return index;
  }

  invoke(process: ProcessId, f: string, value: unknown, extra: Partial<Op> = {}): number {
    if (this.pending.has(process)) throw new Error(`process ${String(process)} already has an op in flight`);
    const i = this.push({ process, type: 'invoke', f, value, ...extra });
    this.pending.set(process, this.ops[i]!);
    return i;
  }

  complete(process: ProcessId, type: Exclude<OpType, 'invoke'>, value?: unknown, extra: Partial<Op> = {}): number {
    const inv = this.pending.get(process);
    if (!inv) throw new Error(`process ${String(process)} has no op in flight`);
    this.pending.delete(process);
    const { index: _i, time: _t, type: _ty, value: iv, ...rest } = inv;
    return this.push({ ...rest, type, value: value === undefined ? iv : value, ...extra });
  }

  ok(process: ProcessId, value?: unknown, extra?: Partial<Op>): number {
    return this.complete(process, 'ok', value, extra);
  }
  fail(process: ProcessId, value?: unknown, extra?: Partial<Op>): number {
    return this.complete(process, 'fail', value, extra);
  }
  info(process: ProcessId, value?: unknown, extra?: Partial<Op>): number {
    return this.complete(process, 'info', value, extra);
  }

  /** A write (f 'add' by default) of `value` to `key`: returns [invoke index, completion index]. */
  write(process: number, key: string, value: unknown, o: WriteOpts = {}, f = 'write'): [number, number] {
    const extra: Partial<Op> = { key };
    if (o.node !== undefined) extra.node = o.node;
    if (o.waitFor !== undefined) extra.waitFor = o.waitFor;
    if (o.waitTimeoutMs !== undefined) extra.waitTimeoutMs = o.waitTimeoutMs;
    const inv = this.invoke(process, f, value, extra);
    if (o.durationMs !== undefined) this.sleep(o.durationMs - 1);
    const type = o.type === undefined ? 'ok' : o.type;
    if (type === null) return [inv, -1];
    const cextra: Partial<Op> = {};
    if (o.ack !== undefined && type === 'ok') cextra.ack = o.ack;
    if (o.replicas !== undefined) cextra.replicas = o.replicas;
    if (o.error !== undefined) cextra.error = o.error;
    return [inv, this.complete(process, type, value, cextra)];
  }

  add(process: number, key: string, value: unknown, o: WriteOpts = {}): [number, number] {
    return this.write(process, key, value, o, 'add');
  }

  /** A read of `key` returning `values` (type ok), spanning durationMs. */
  read(process: number, key: string, values: unknown, o: { node?: string; durationMs?: number; f?: string } = {}): [number, number] {
    const extra: Partial<Op> = { key };
    if (o.node !== undefined) extra.node = o.node;
    const inv = this.invoke(process, o.f ?? 'read', null, extra);
    if (o.durationMs !== undefined) this.sleep(o.durationMs - 1);
    return [inv, this.ok(process, values)];
  }

  finalRead(process: number, key: string, node: string, values: unknown): [number, number] {
    return this.read(process, key, values, { node, f: 'final-read' });
  }

  /** A nemesis op (invoke + info); returns [invoke index, completion index]. */
  nemesis(f: string, value: unknown, durationMs = 1): [number, number] {
    const inv = this.invoke('nemesis', f, value);
    this.sleep(durationMs - 1);
    return [inv, this.info('nemesis', value)];
  }

  isolate(nodes: string[]): [number, number] {
    return this.nemesis('start-partition', { nodes, kind: 'isolate' });
  }

  heal(): [number, number] {
    return this.nemesis('stop-partition', null);
  }

  build(): History {
    return this.ops.map((o) => ({ ...o }));
  }
}
