/** Writers for the two history formats we read: history.jsonl and Jepsen-style EDN. */
import { kw, toEdn } from './edn.js';
import type { History, Op } from './types.js';

/** One jsonl line (no newline); field order follows types.ts, absent optionals omitted. */
export function opToJsonl(op: Op): string {
  return JSON.stringify(op);
}

export function historyToJsonl(ops: History): string {
  let s = '';
  for (const op of ops) s += opToJsonl(op) + '\n';
  return s;
}

/** A Jepsen op map; type, f and the nemesis process become keywords as Jepsen writes them. */
export function opToEdn(op: Op): string {
  const m = new Map<unknown, unknown>([
    [kw('index'), op.index],
    [kw('time'), op.time],
    [kw('type'), kw(op.type)],
    [kw('process'), op.process === 'nemesis' ? kw('nemesis') : op.process],
    [kw('f'), kw(op.f)],
    [kw('value'), op.value],
  ]);
  if (op.key !== undefined) m.set(kw('key'), op.key);
  if (op.node !== undefined) m.set(kw('node'), op.node);
  if (op.error !== undefined) m.set(kw('error'), op.error);
  if (op.ack !== undefined) m.set(kw('ack'), op.ack);
  if (op.replicas !== undefined) m.set(kw('replicas'), op.replicas);
  return toEdn(m);
}

export function historyToEdn(ops: History): string {
  let s = '';
  for (const op of ops) s += opToEdn(op) + '\n';
  return s;
}
