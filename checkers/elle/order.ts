/**
 * Orders that do not come from the data: real time (a completed before b was invoked) and process
 * order (a process ran a before b). As in Elle, only `ok` transactions can precede anything (an
 * `info` one may still be running), and the real-time order is kept as its transitive reduction:
 * each invocation is linked from the completed transactions not already implied by a later one,
 * so the edges stay about (transactions × concurrency) instead of quadratic.
 */
import { type EdgeList, PROCESS, REALTIME } from './graph.js';
import type { Txn } from './txn.js';

/** Transactions that are vertices of the graph: ok and info (fail ones changed nothing). */
export function isVertex(t: Txn): boolean {
  return t.type !== 'fail';
}

export function realtimeEdges(txns: readonly Txn[], edges: EdgeList): void {
  // Events in history order: invocations and ok completions.
  const events: number[] = []; // txn id * 2 (+1 for an ok completion)
  for (const t of txns) {
    if (!isVertex(t)) continue;
    events.push(t.id * 2);
    if (t.type === 'ok') events.push(t.id * 2 + 1);
  }
  const pos = (e: number): number => {
    const t = txns[e >> 1]!;
    return e & 1 ? t.index : t.invokeIndex;
  };
  events.sort((a, b) => pos(a) - pos(b));
  const frontier = new Set<number>(); // completed oks not implied by another completed ok
  const linkedAtInvoke = new Map<number, number[]>();
  for (const e of events) {
    const id = e >> 1;
    if ((e & 1) === 0) {
      const srcs = [...frontier];
      for (const a of srcs) edges.add(a, id, REALTIME);
      if (txns[id]!.type === 'ok') linkedAtInvoke.set(id, srcs);
    } else {
      for (const a of linkedAtInvoke.get(id) ?? []) frontier.delete(a);
      linkedAtInvoke.delete(id);
      frontier.add(id);
    }
  }
}

export function processEdges(txns: readonly Txn[], edges: EdgeList): void {
  const last = new Map<number, number>();
  const oks = txns.filter((t) => t.type === 'ok').sort((a, b) => a.index - b.index);
  for (const t of oks) {
    const prev = last.get(t.process);
    if (prev !== undefined) edges.add(prev, t.id, PROCESS);
    last.set(t.process, t.id);
  }
}
