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
  // Invocations come in id order (ids follow invocation); ok completions sorted by index; merged.
  const oks = txns.filter((t) => t.type === 'ok').map((t) => t.id);
  oks.sort((a, b) => txns[a]!.index - txns[b]!.index);
  let frontier: number[] = []; // completed oks not implied by another completed ok
  // For each ok transaction, the frontier it was linked from at its invocation.
  const linked = new Map<number, number[]>();
  let c = 0;
  for (const t of txns) {
    if (!isVertex(t)) continue;
    while (c < oks.length && txns[oks[c]!]!.index < t.invokeIndex) complete(oks[c++]!);
    for (const a of frontier) edges.add(a, t.id, REALTIME);
    if (t.type === 'ok' && frontier.length > 0) linked.set(t.id, frontier);
  }
  function complete(id: number): void {
    const implied = linked.get(id);
    linked.delete(id);
    // The frontier array may be shared with `linked` entries: build a new one.
    const next = implied === undefined ? [...frontier] : frontier.filter((a) => !implied.includes(a));
    next.push(id);
    frontier = next;
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
