/**
 * Synthetic histories for property tests and benchmarks: a sequential execution of the model's
 * real semantics, observed by concurrent processes. Each op is invoked, takes effect at some later
 * moment while other ops are in flight, then completes; so every generated history is
 * linearizable by construction (the effect order is a linearization). Optional `info` completions
 * (effect may or may not have happened), failures (no effect) and ops left without completion.
 */

import type { Op, ProcessId } from '../history/types.js';
import { Prng } from '../util/prng.js';

export type GenModel = 'register' | 'kv' | 'set' | 'list-append' | 'counter';

export interface GenOptions {
  seed: number;
  model: GenModel;
  /** Concurrent processes. */
  processes: number;
  /** Invocations to generate. */
  ops: number;
  /** Keys; 1 means a single unkeyed object. */
  keys?: number;
  /** Register write values are drawn from [0, values). */
  values?: number;
  /** Fraction of ops that complete `info` (of those, half took effect). */
  infoRate?: number;
  /** Fraction of ops that `fail` with an error (no effect). */
  failRate?: number;
  /** Leave the ops still pending at the end without completion. Default true. */
  leavePending?: boolean;
  /** Register: every write a fresh value, no cas (read-mapping histories). */
  uniqueWrites?: boolean;
}

interface InFlight {
  invoke: Op;
  /** What the op does to the state and what it observes; run at its linearization point. */
  effect: (key: string) => unknown;
  effected: boolean;
  result: unknown;
  outcome: 'ok' | 'info' | 'fail';
}

export function generateHistory(o: GenOptions): Op[] {
  const rnd = new Prng(o.seed);
  const int = (n: number): number => rnd.int(n);
  const keys = o.keys ?? 1;
  const values = o.values ?? 5;
  const infoRate = o.infoRate ?? 0;
  const failRate = o.failRate ?? 0;
  const state = new Map<string, unknown>();
  const init = (): unknown => (o.model === 'register' ? null : o.model === 'kv' ? '' : o.model === 'counter' ? 0 : []);
  const get = (k: string): unknown => (state.has(k) ? state.get(k) : init());
  let unique = 0;

  const history: Op[] = [];
  let time = 0;
  const emit = (process: ProcessId, type: Op['type'], f: string, value: unknown, key: string | undefined, error?: string): Op => {
    time += 1 + int(3);
    const op: Op = { index: history.length, time: time * 1000, process, type, f, value };
    if (key !== undefined) op.key = key;
    if (error !== undefined) op.error = error;
    history.push(op);
    return op;
  };

  const newOp = (process: number): InFlight => {
    const key = keys > 1 ? String(int(keys)) : undefined;
    const r = rnd.next();
    let f: string;
    let value: unknown = null;
    let effect: (k: string) => unknown;
    switch (o.model) {
      case 'register':
        if (r < 0.4) {
          f = 'read';
          effect = (k) => get(k);
        } else if (r < 0.8 || o.uniqueWrites) {
          f = 'write';
          const v = o.uniqueWrites ? unique++ : int(values);
          value = v;
          effect = (k) => {
            state.set(k, v);
            return v;
          };
        } else {
          f = 'cas';
          const cas = [int(values), int(values)];
          value = cas;
          effect = (k) => {
            if (get(k) !== cas[0]) return false;
            state.set(k, cas[1]);
            return true;
          };
        }
        break;
      case 'kv':
        if (r < 0.4) {
          f = 'get';
          effect = (k) => get(k);
        } else {
          f = r < 0.5 ? 'put' : 'append';
          const v = `x ${process} ${unique++} y`;
          value = v;
          effect = (k) => {
            state.set(k, f === 'put' ? v : (get(k) as string) + v);
            return v;
          };
        }
        break;
      case 'set':
      case 'list-append':
        if (r < 0.4) {
          f = 'read';
          effect = (k) => [...(get(k) as unknown[])].sort((a, b) => (o.model === 'set' ? (a as number) - (b as number) : 0));
        } else {
          f = o.model === 'set' ? 'add' : 'append';
          const v = unique++;
          value = v;
          effect = (k) => {
            state.set(k, [...(get(k) as unknown[]), v]);
            return v;
          };
        }
        break;
      case 'counter':
        if (r < 0.4) {
          f = 'read';
          effect = (k) => get(k);
        } else {
          f = 'incr';
          const d = 1 + int(3);
          value = d;
          effect = (k) => {
            state.set(k, (get(k) as number) + d);
            return d;
          };
        }
        break;
    }
    const u = rnd.next();
    const outcome = u < failRate ? 'fail' : u < failRate + infoRate ? 'info' : 'ok';
    const invoke = emit(process, 'invoke', f, value, key);
    return { invoke, effect: (k) => effect(k), effected: false, result: undefined, outcome };
  };

  // Slot i runs process ids i, i + n, i + 2n ...: a process whose op ended info is replaced.
  const procs: number[] = [];
  const flight: (InFlight | undefined)[] = [];
  for (let i = 0; i < o.processes; i++) procs.push(i);
  let invoked = 0;
  while (invoked < o.ops || flight.some((x) => x !== undefined)) {
    const slot = int(o.processes);
    const cur = flight[slot];
    const key = cur?.invoke.key ?? '';
    if (cur === undefined) {
      if (invoked >= o.ops) continue;
      flight[slot] = newOp(procs[slot]!);
      invoked++;
    } else if (cur.outcome === 'fail') {
      emit(cur.invoke.process, 'fail', cur.invoke.f, cur.invoke.value, cur.invoke.key, 'NOREPLICAS');
      flight[slot] = undefined;
    } else if (!cur.effected) {
      if (cur.outcome === 'info' && rnd.next() < 0.5) {
        // Timed out before taking effect, and never will.
        emit(cur.invoke.process, 'info', cur.invoke.f, cur.invoke.value, cur.invoke.key, 'timeout');
        flight[slot] = undefined;
        procs[slot]! += o.processes;
      } else {
        cur.result = cur.effect(key);
        cur.effected = true;
      }
    } else {
      const inv = cur.invoke;
      if (cur.outcome === 'info') {
        emit(inv.process, 'info', inv.f, inv.value, inv.key, 'timeout');
        procs[slot]! += o.processes;
      } else if (inv.f === 'cas') {
        emit(inv.process, cur.result === true ? 'ok' : 'fail', inv.f, inv.value, inv.key);
      } else {
        const isRead = inv.f === 'read' || inv.f === 'get';
        emit(inv.process, 'ok', inv.f, isRead ? cur.result : inv.value, inv.key);
      }
      flight[slot] = undefined;
    }
    // Near the end, optionally stop with some ops still in flight (the run was cut short).
    if ((o.leavePending ?? true) && invoked >= o.ops && rnd.next() < 0.02) break;
  }
  return history;
}

/** A value no generated op ever writes, in the shape the model's reads return. */
export function neverWritten(model: GenModel, read: unknown): unknown {
  switch (model) {
    case 'register':
    case 'counter':
      return -1;
    case 'kv':
      return 'never written';
    case 'set':
    case 'list-append':
      return [...(read as unknown[]), -1];
  }
}

/** Replaces the value of the `which`-th ok read (modulo their count) with a never-written value. */
export function corruptOneRead(history: Op[], model: GenModel, which: number): Op[] | undefined {
  const reads = history.filter((op) => op.type === 'ok' && (op.f === 'read' || op.f === 'get'));
  if (reads.length === 0) return undefined;
  const target = reads[which % reads.length]!;
  return history.map((op) => (op === target ? { ...op, value: neverWritten(model, op.value) } : op));
}
