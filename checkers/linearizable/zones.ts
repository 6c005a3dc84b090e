/**
 * Linearizability of a read/write register whose writes are unique, without search. With unique
 * values every read names its write (Gibbons & Korach's "read-mapping"), and the question is
 * decidable in O(n log n) (Gibbons & Korach, "Testing shared memories", SIAM J. Comput. 1997):
 * group each write with the reads of its value (a cluster; reads of nil go with a virtual write
 * before everything). With f the earliest return and s the latest invocation in a cluster, its
 * value must hold throughout (f, s) when f < s (a forward zone); otherwise the cluster fits in
 * [s, f] (a backward zone). The history is linearizable iff every write is invoked no later than
 * its reads return, no two forward zones overlap, and no backward zone lies inside a forward one.
 *
 * Before that, two reductions, sound for unique writes: a write with an unknown outcome (`info`)
 * whose value nobody read can be dropped (placed last, it changes nothing anyone saw), and one
 * whose value was read must have taken effect before the first such read returned, so that read's
 * return is its return.
 */
import type { RegisterInput, RegisterOutput } from '../models/register.js';
import type { PreparedPartition } from './prepare.js';

const READ = 0;
const WRITE = 1;

type Val = string | boolean | null;

/** Does the partition qualify: reads and writes only, write values unique and not nil? */
export function uniqueWriteRegister(p: PreparedPartition): boolean {
  const seen = new Set<Val>();
  const inputs = p.inputs as RegisterInput[];
  for (const input of inputs) {
    if (input.f === READ) continue;
    if (input.f !== WRITE || input.a === null || seen.has(input.a)) return false;
    seen.add(input.a);
  }
  return true;
}

export interface InfoReduction {
  partition: PreparedPartition;
  dropped: number;
  tightened: number;
}

/** Drops unread info writes and gives read ones the first reader's return (unique writes only). */
export function reduceInfoWrites(p: PreparedPartition): InfoReduction {
  const inputs = p.inputs as RegisterInput[];
  const outputs = p.outputs as RegisterOutput[];
  const firstRet = new Map<Val, number>(); // value → earliest return of a read of it
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i]!.f !== READ || outputs[i]!.unknown) continue;
    const v = outputs[i]!.value;
    const r = p.ret[i]!;
    if (r < (firstRet.get(v) ?? Infinity)) firstRet.set(v, r);
  }
  const keep: number[] = [];
  let dropped = 0;
  let tightened = 0;
  const ret = [...p.ret];
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i]!.f === WRITE && ret[i] === Infinity) {
      const r = firstRet.get(inputs[i]!.a);
      if (r === undefined) {
        dropped++;
        continue;
      }
      ret[i] = Math.max(r, p.call[i]!);
      tightened++;
    }
    keep.push(i);
  }
  if (dropped === 0 && tightened === 0) return { partition: p, dropped, tightened };
  const pick = <T>(a: readonly T[]): T[] => keep.map((i) => a[i]!);
  return {
    partition: {
      key: p.key,
      opIndex: pick(p.opIndex),
      retIndex: pick(p.retIndex),
      process: pick(p.process),
      call: pick(p.call),
      ret: pick(ret),
      inputs: pick(p.inputs),
      outputs: pick(p.outputs),
    },
    dropped,
    tightened,
  };
}

export interface ZoneOutcome {
  valid: boolean;
  /** Op ids in a linearization order: all ops when valid, the longest valid prefix of the zone order otherwise. */
  order: number[];
  /** The op the prefix could not be extended with (not valid only), else -1. */
  stuck: number;
}

interface Cluster {
  write: number; // op id, -1 for the initial nil
  reads: number[];
  f: number; // earliest return
  s: number; // latest invocation
}

/** Decides a unique-write register partition (after reduceInfoWrites: no infinite returns left). */
export function decideByZones(p: PreparedPartition): ZoneOutcome {
  const inputs = p.inputs as RegisterInput[];
  const outputs = p.outputs as RegisterOutput[];
  const n = inputs.length;
  const byValue = new Map<Val, Cluster>();
  const init: Cluster = { write: -1, reads: [], f: -Infinity, s: -Infinity };
  for (let i = 0; i < n; i++) {
    if (inputs[i]!.f === WRITE) byValue.set(inputs[i]!.a, { write: i, reads: [], f: p.ret[i]!, s: p.call[i]! });
  }
  let badRead = -1;
  for (let i = 0; i < n; i++) {
    if (inputs[i]!.f !== READ) continue;
    const v = outputs[i]!.value;
    const c = v === null ? init : byValue.get(v);
    if (c === undefined) {
      // A value nobody wrote.
      if (badRead < 0 || p.ret[i]! < p.ret[badRead]!) badRead = i;
      continue;
    }
    c.reads.push(i);
    c.f = Math.min(c.f, p.ret[i]!);
    c.s = Math.max(c.s, p.call[i]!);
  }
  const clusters = [init, ...byValue.values()];
  let valid = badRead < 0;
  // A read cannot return before its write was invoked.
  for (const c of clusters) if (c.write >= 0 && p.call[c.write]! > c.f) valid = false;
  const forward = clusters.filter((c) => c.f < c.s).sort((a, b) => a.f - b.f);
  for (let i = 1; i < forward.length; i++) if (forward[i]!.f < forward[i - 1]!.s) valid = false;
  // Backward zones: a point of [s, f] outside every forward zone (the zones are disjoint when valid).
  const point = new Map<Cluster, number>();
  for (const c of clusters) {
    if (c.f < c.s) continue;
    let lo = 0;
    let hi = forward.length - 1;
    let inside = -1; // the forward zone with the largest start below s
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (forward[mid]!.f < c.s) {
        inside = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let q = c.s;
    if (inside >= 0 && forward[inside]!.s > c.s) {
      q = forward[inside]!.s; // the end of the zone that holds s
      if (q > c.f) valid = false; // [s, f] lies inside that forward zone
    }
    point.set(c, q);
  }
  return { valid, ...linearize(p, clusters, point) };
}

/**
 * A linearization from the zones: a forward cluster's write at f and each read at max(call, f); a
 * backward cluster as one block at its point. At equal times: reads ending a zone, then blocks,
 * then writes, then reads starting a zone. Replayed against the register and real time, so the
 * prefix returned is a genuine linearization even where the history is not linearizable.
 */
function linearize(p: PreparedPartition, clusters: Cluster[], point: Map<Cluster, number>): { order: number[]; stuck: number } {
  const placed: { t: number; rank: number; c: number; sub: number; id: number }[] = [];
  clusters.forEach((c, ci) => {
    if (c.f < c.s) {
      if (c.write >= 0) placed.push({ t: c.f, rank: 2, c: ci, sub: 0, id: c.write });
      for (const r of c.reads) {
        const q = Math.max(p.call[r]!, c.f);
        placed.push({ t: q, rank: q === c.s ? 0 : q === c.f ? 3 : 1, c: ci, sub: 1, id: r });
      }
    } else {
      const q = point.get(c)!;
      if (c.write >= 0) placed.push({ t: q, rank: 1.5, c: ci, sub: 0, id: c.write });
      for (const r of c.reads) placed.push({ t: q, rank: 1.5, c: ci, sub: 1, id: r });
    }
  });
  placed.sort((a, b) => a.t - b.t || a.rank - b.rank || a.c - b.c || a.sub - b.sub || a.id - b.id);
  const inputs = p.inputs as RegisterInput[];
  const outputs = p.outputs as RegisterOutput[];
  const order: number[] = [];
  let state: Val = null;
  let maxCall = -Infinity;
  for (const { id } of placed) {
    if (p.ret[id]! < maxCall) return { order, stuck: id }; // returned before an op placed earlier began
    if (inputs[id]!.f === WRITE) state = inputs[id]!.a;
    else if (!outputs[id]!.unknown && outputs[id]!.value !== state) return { order, stuck: id };
    maxCall = Math.max(maxCall, p.call[id]!);
    order.push(id);
  }
  return { order, stuck: -1 };
}
