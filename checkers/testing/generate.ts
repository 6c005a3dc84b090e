/**
 * Deterministic synthetic `set` histories for benchmarks and scale tests: concurrent adds and reads
 * over many keys, partitions from the nemesis, a few writes acknowledged during a partition then
 * lost at heal (inside the node-timeout window), info adds that half the time took effect, and
 * final reads. Not a model of Redis; a realistic shape and size for the checkers.
 */

import type { History, Op } from '../history/types.js';
import { Prng } from '../util/prng.js';

export interface SetHistoryOptions {
  /** Approximate number of ops (invokes + completions + nemesis ops). */
  ops: number;
  keys?: number;
  processes?: number;
  /** Fraction of client ops that are reads. */
  readRatio?: number;
  /** Seconds between partitions (each lasts a third of that). */
  faultEveryS?: number;
  /** Fraction of adds acked during a partition that are lost at heal. */
  lossRate?: number;
  seed?: number;
}

interface InFlight {
  process: number;
  key: number;
  f: 'add' | 'read';
  value: number;
}

export function generateSetHistory(o: SetHistoryOptions): History {
  const rnd = new Prng(o.seed ?? 1);
  const K = o.keys ?? 100;
  const P = o.processes ?? 20;
  const readRatio = o.readRatio ?? 0.01;
  const faultEveryNs = (o.faultEveryS ?? 20) * 1e9;
  const lossRate = o.lossRate ?? 0.05;
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const h: History = [];
  const sets: number[][] = Array.from({ length: K }, () => []);
  let t = 0;
  let nextValue = 0;
  let nextProcess = P;
  const idle: number[] = Array.from({ length: P }, (_, i) => i);
  const inflight: InFlight[] = [];
  const push = (op: Omit<Op, 'index'>): void => {
    h.push({ index: h.length, ...op } as Op);
  };
  // Partition state: isolated node and the adds it acknowledged meanwhile.
  let partition: { node: string; start: number; acked: Array<[number, number]> } | null = null;
  let nextFault = faultEveryNs / 2;
  const budget = o.ops - 2 * K - 4;

  while (h.length < budget) {
    t += Math.floor(20_000 + rnd.next() * 80_000); // 20–100 µs between events
    if (partition === null && t >= nextFault) {
      const node = nodes[rnd.int(nodes.length)]!;
      push({ time: t, process: 'nemesis', type: 'invoke', f: 'start-partition', value: { nodes: [node], kind: 'isolate' } });
      t += 1_000_000;
      push({ time: t, process: 'nemesis', type: 'info', f: 'start-partition', value: { nodes: [node], kind: 'isolate' } });
      partition = { node, start: t, acked: [] };
      continue;
    }
    if (partition !== null && t >= nextFault + faultEveryNs / 3) {
      push({ time: t, process: 'nemesis', type: 'invoke', f: 'stop-partition', value: null });
      t += 1_000_000;
      push({ time: t, process: 'nemesis', type: 'info', f: 'stop-partition', value: null });
      // Lose some of the writes the isolated node acknowledged.
      for (const [k, v] of partition.acked) {
        if (rnd.next() < lossRate) {
          const s = sets[k]!;
          const at = s.lastIndexOf(v);
          if (at >= 0) s.splice(at, 1);
        }
      }
      partition = null;
      nextFault += faultEveryNs;
      continue;
    }
    if (idle.length > 0 && (inflight.length === 0 || rnd.next() < 0.5)) {
      const process = idle.splice(rnd.int(idle.length), 1)[0]!;
      const key = rnd.int(K);
      const isRead = rnd.next() < readRatio;
      const f = isRead ? 'read' : 'add';
      const value = isRead ? 0 : nextValue++;
      inflight.push({ process, key, f, value });
      push({ time: t, process, type: 'invoke', f, key: `k${key}`, value: isRead ? null : value, node: nodes[key % nodes.length]! });
      continue;
    }
    const j = rnd.int(inflight.length);
    const op = inflight[j]!;
    inflight[j] = inflight[inflight.length - 1]!;
    inflight.pop();
    const node = nodes[op.key % nodes.length]!;
    if (op.f === 'read') {
      push({ time: t, process: op.process, type: 'ok', f: 'read', key: `k${op.key}`, value: sets[op.key]!.slice(), node });
      idle.push(op.process);
      continue;
    }
    const r = rnd.next();
    if (r < 0.01) {
      // Timed out: took effect half the time; the process is replaced, as in Jepsen.
      if (rnd.next() < 0.5) sets[op.key]!.push(op.value);
      push({ time: t, process: op.process, type: 'info', f: 'add', key: `k${op.key}`, value: op.value, node, error: 'timeout' });
      idle.push(nextProcess++);
    } else if (r < 0.02) {
      push({ time: t, process: op.process, type: 'fail', f: 'add', key: `k${op.key}`, value: op.value, node, error: 'CLUSTERDOWN' });
      idle.push(op.process);
    } else {
      sets[op.key]!.push(op.value);
      if (partition && partition.node === node) partition.acked.push([op.key, op.value]);
      push({ time: t, process: op.process, type: 'ok', f: 'add', key: `k${op.key}`, value: op.value, node });
      idle.push(op.process);
    }
  }
  // Drain in-flight ops as info, heal, then final reads.
  for (const op of inflight) {
    t += 50_000;
    push({ time: t, process: op.process, type: 'info', f: op.f, key: `k${op.key}`, value: op.f === 'read' ? null : op.value, error: 'timeout' });
  }
  if (partition) {
    push({ time: t, process: 'nemesis', type: 'invoke', f: 'stop-partition', value: null });
    t += 1_000_000;
    push({ time: t, process: 'nemesis', type: 'info', f: 'stop-partition', value: null });
  }
  t += 5e9;
  for (let k = 0; k < K; k++) {
    const node = nodes[k % nodes.length]!;
    t += 100_000;
    push({ time: t, process: nextProcess, type: 'invoke', f: 'final-read', key: `k${k}`, value: null, node });
    t += 100_000;
    push({ time: t, process: nextProcess, type: 'ok', f: 'final-read', key: `k${k}`, value: sets[k]!.slice(), node });
  }
  return h;
}
