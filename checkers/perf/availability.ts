/**
 * Availability over time, per client group, and the gap that matters. Counting ops (ok / all) calls a
 * partition with near-zero throughput mostly available: the few ops that were sent failed slowly, the
 * many that would have been sent never were. Here time is what counts: the run is cut into buckets
 * (AVAILABILITY_BUCKET_MS) and a group of clients is available in a bucket when one of its writes
 * succeeded in it. Buckets in which the group had no write in flight are idle and not counted.
 *
 * Client groups per fault window: a *client* is a worker process writing a key (workers of a cluster
 * hold one connection per node and reach a key's node; after a failover they follow the key to its
 * new primary). The node it wrote through last before the fault (or first, for a client that starts
 * during it) places it: `cutOff` when that node is one the fault hit (isolated, killed, paused: the
 * fault's `nodes`; or unknown), or when the fault confined the clients to a side without a
 * majority, or when the fault names no nodes; `others` otherwise.
 *
 * Pure: a function of the history and its fault intervals (checkers/faults.ts).
 */

import { type FaultInterval, faultIntervals, pairOps, toS } from '../faults.js';
import type { History, Op } from '../history/types.js';

/** Bucket width, ms: coarse enough for several ops of a loaded client, fine enough for a failover. */
export const AVAILABILITY_BUCKET_MS = 100;

/** Fs that change state (or run a transaction / take a lock): an ok one is a write that succeeded. */
export const WRITE_FS: ReadonlySet<string> = new Set(['add', 'append', 'write', 'cas', 'incr', 'set', 'txn', 'lock']);

export interface GroupAvailability {
  /** Distinct clients (process × key) of the group that wrote in the window. */
  clients: number;
  /** Buckets in which a write of the group was in flight. */
  demanded: number;
  /** Of those, buckets in which a write of the group succeeded. */
  available: number;
  /** available / demanded (3 decimals); null when the group never wrote. */
  availability: number | null;
  /** Demanded buckets without a successful write × the bucket width, ms. */
  unavailableMs: number;
}

export interface GroupGap extends GroupAvailability {
  /** ms from the fault's start to the completion of the group's first ok write invoked after it; null: none. */
  firstOkWriteMs: number | null;
  /**
   * Longest stretch without an ok write of the group that overlaps the fault window, starting no
   * earlier than the fault (it may run past the heal, up to the last write of the run), ms; null when the group wrote nothing.
   */
  longestGapMs: number | null;
  /** ms from the fault's start to the ok write that ended that stretch: writes succeed again; null: never did. */
  recoveredMs: number | null;
}

export interface FaultAvailability {
  faultId: number;
  f: string;
  nodes: string[];
  startS: number;
  endS: number;
  /** The clients the fault cut off (see the file comment). */
  cutOff: GroupGap;
  /** Everyone else. */
  others: GroupGap;
  all: GroupGap;
}

export interface AvailabilityOverTime {
  bucketMs: number;
  /** Every client over the whole workload (from the first write to the last write activity). */
  overall: GroupAvailability;
  /** Per group, summed over the fault windows (non-instant faults). */
  duringFaults: { cutOff: GroupAvailability; others: GroupAvailability; all: GroupAvailability };
  faults: FaultAvailability[];
}

interface Write {
  client: number;
  invoke: number;
  /** Completion time, or the last client time when it never completed. */
  end: number;
  ok: boolean;
}

interface Client {
  /** Invoke times of the client's ops (ascending) and the node each went to (null: unknown). */
  times: number[];
  nodes: Array<string | null>;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const msOf = (ns: number): number => round3(ns / 1e6);

/** The node an op went to: the completion's (the node that finally answered), else the invoke's. */
function nodeOf(inv: Op, comp: Op | undefined): string | null {
  return comp?.node ?? inv.node ?? null;
}

/** Whether the fault cuts off every client: no nodes named, or clients confined to a side without a majority. */
function cutsOffEveryone(f: FaultInterval): boolean {
  if (f.nodes.length === 0) return true;
  if (f.clientSide === undefined || !f.groups) return false;
  const total = f.groups.reduce((n, g) => n + g.length, 0);
  return (f.groups[f.clientSide]?.length ?? 0) * 2 <= total;
}

/** Index of the first element ≥ t. */
function lowerBound(a: readonly number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < t) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Bucket tallies of some writes over [from, to): demanded and available buckets. */
function bucketize(writes: readonly Write[], from: number, to: number, bucketNs: number): GroupAvailability {
  const nb = Math.max(1, Math.ceil((to - from) / bucketNs));
  const demanded = new Uint8Array(nb);
  const available = new Uint8Array(nb);
  const idx = (t: number): number => Math.min(nb - 1, Math.max(0, Math.floor((t - from) / bucketNs)));
  const clients = new Set<number>();
  for (const w of writes) {
    if (w.end < from || w.invoke >= to) continue;
    clients.add(w.client);
    const a = idx(w.invoke);
    const b = idx(w.end);
    for (let k = a; k <= b; k++) demanded[k] = 1;
    if (!w.ok) continue;
    // A quick success shows the group could write throughout its (short) flight; a slow one only
    // when it finally completed (the wait before it was the unavailability).
    if (w.end - w.invoke <= bucketNs) for (let k = a; k <= b; k++) available[k] = 1;
    else if (w.end < to) available[b] = 1;
  }
  let d = 0;
  let av = 0;
  for (let k = 0; k < nb; k++) {
    d += demanded[k]!;
    av += demanded[k]! & available[k]!;
  }
  return tally(clients.size, d, av, bucketNs);
}

function tally(clients: number, demanded: number, available: number, bucketNs: number): GroupAvailability {
  return {
    clients,
    demanded,
    available,
    availability: demanded === 0 ? null : round3(available / demanded),
    unavailableMs: msOf((demanded - available) * bucketNs),
  };
}

function sum(gs: readonly GroupAvailability[], bucketNs: number): GroupAvailability {
  let c = 0;
  let d = 0;
  let a = 0;
  for (const g of gs) {
    c += g.clients;
    d += g.demanded;
    a += g.available;
  }
  return tally(c, d, a, bucketNs);
}

/** The gap figures of one group's writes for a fault starting at `start` and ending at `end`. */
function gap(writes: readonly Write[], start: number, end: number, lastT: number): Pick<GroupGap, 'firstOkWriteMs' | 'longestGapMs' | 'recoveredMs'> {
  if (!writes.some((w) => w.end >= start && w.invoke <= end)) return { firstOkWriteMs: null, longestGapMs: null, recoveredMs: null };
  let first: number | null = null;
  const okEnds: number[] = [];
  for (const w of writes) {
    if (!w.ok) continue;
    if (w.end >= start) okEnds.push(w.end);
    if (w.invoke >= start && (first === null || w.end < first)) first = w.end;
  }
  okEnds.sort((a, b) => a - b);
  let longest = -1;
  let recovered: number | null = null;
  let prev = start;
  let k = 0;
  for (; k < okEnds.length; k++) {
    const t = okEnds[k]!;
    if (t - prev > longest) {
      longest = t - prev;
      recovered = t;
    }
    prev = t;
    if (t > end) break;
  }
  if (k >= okEnds.length && lastT - prev > longest) {
    longest = lastT - prev;
    recovered = null;
  }
  return {
    firstOkWriteMs: first === null ? null : msOf(first - start),
    longestGapMs: msOf(Math.max(0, longest)),
    recoveredMs: recovered === null ? null : msOf(recovered - start),
  };
}

export function availabilityOverTime(
  history: History,
  faults: readonly FaultInterval[] = faultIntervals(history),
  bucketMs: number = AVAILABILITY_BUCKET_MS,
): AvailabilityOverTime {
  const bucketNs = bucketMs * 1e6;
  const { completion } = pairOps(history);
  const clientIds = new Map<string, number>();
  const clients: Client[] = [];
  const writes: Write[] = [];
  // The clients' writing time: from their first write to their last write activity (the harness's
  // own reads after the workload, final reads and node states, are not the clients' demand).
  let firstT: number | null = null;
  let lastT = 0;
  for (const op of history) {
    if (op.process === 'nemesis' || !WRITE_FS.has(op.f)) continue;
    lastT = op.time;
    if (firstT === null) firstT = op.time;
  }
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.process === 'nemesis' || op.type !== 'invoke' || op.f === 'final-read') continue;
    const c = completion[i]!;
    const cop = c >= 0 ? history[c] : undefined;
    const name = `${String(op.process)}\u0000${op.key ?? ''}`;
    let id = clientIds.get(name);
    if (id === undefined) {
      id = clients.length;
      clientIds.set(name, id);
      clients.push({ times: [], nodes: [] });
    }
    const cl = clients[id]!;
    cl.times.push(op.time);
    cl.nodes.push(nodeOf(op, cop));
    if (WRITE_FS.has(op.f)) writes.push({ client: id, invoke: op.time, end: cop ? cop.time : Math.max(op.time, lastT), ok: cop?.type === 'ok' });
  }

  const overall = firstT === null ? tally(0, 0, 0, bucketNs) : bucketize(writes, firstT, lastT + 1, bucketNs);
  const out: FaultAvailability[] = [];
  for (const f of faults) {
    if (f.instant) continue;
    const everyone = cutsOffEveryone(f);
    const cut = new Uint8Array(clients.length);
    clients.forEach((cl, id) => {
      if (!everyone) {
        // The node the client wrote through last before the fault; one that starts during it, its
        // first. Unknown: assume the fault hit it (as checkers/faults.ts affects()).
        const k = lowerBound(cl.times, f.start);
        const node = cl.nodes[k > 0 ? k - 1 : 0] ?? null;
        if (node !== null && !f.nodes.includes(node)) return;
      }
      cut[id] = 1;
    });
    const end = Math.max(f.end, f.start + 1);
    const group = (ws: readonly Write[]): GroupGap => ({ ...bucketize(ws, f.start, end, bucketNs), ...gap(ws, f.start, end, lastT) });
    out.push({
      faultId: f.id,
      f: f.f,
      nodes: f.nodes,
      startS: toS(f.start),
      endS: toS(f.end),
      cutOff: group(writes.filter((w) => cut[w.client] === 1)),
      others: group(writes.filter((w) => cut[w.client] === 0)),
      all: group(writes),
    });
  }
  return {
    bucketMs,
    overall,
    duringFaults: {
      cutOff: sum(
        out.map((f) => f.cutOff),
        bucketNs,
      ),
      others: sum(
        out.map((f) => f.others),
        bucketNs,
      ),
      all: sum(
        out.map((f) => f.all),
        bucketNs,
      ),
    },
    faults: out,
  };
}
