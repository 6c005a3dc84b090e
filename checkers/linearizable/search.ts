/**
 * The Wing–Gong–Lowe search with Porcupine's memoisation, over one partition.
 *
 * Events (call/return) sorted by time form a doubly linked list held in Int32Arrays. The search
 * walks the list: at a call it tries to linearize the op now (model step); on success the op's
 * call and return are lifted out of the list and the search restarts from the head. Reaching a
 * return means the op it belongs to can no longer be placed after what is linearized, so the
 * search backtracks (unlift the last op, try the next candidate). The cache holds every
 * (set of linearized ops, model state) already explored, so no configuration is searched twice.
 *
 * Differences from Porcupine, all for speed or memory, none for the verdict:
 *  - the set-of-linearized-ops hash is Zobrist (XOR of a random word per op), updated in O(1) on
 *    set/clear instead of hashing the whole bitset;
 *  - large partitions store the set compactly as (max linearized id + 1, ids below it that are
 *    not linearized): ids follow call order, so this is the concurrency window plus pending
 *    `info` ops, where a full bitset copy per cache entry would be O(n) (GBs at 100k ops);
 *  - only the single longest partial linearization is kept (Porcupine's verbose mode keeps the
 *    longest one through every op, which is what blows up on its 50-client histories). Keeping
 *    it costs O(1) amortised per step: the copy shares its prefix with the call stack.
 */
import { hashScalar, type Model } from '../models/model.js';
import type { PreparedPartition } from './prepare.js';
import { VisitedSet } from './visited.js';

export type SearchVerdict = true | false | 'unknown';

export interface SearchOutcome {
  valid: SearchVerdict;
  /** Op ids (positions in the partition) of the longest linearizable prefix found, in order. */
  best: Int32Array;
  /** Op id whose return could not be met right after `best` (illegal or unknown), else -1. */
  stuck: number;
  /** Loop iterations, for benchmarks. */
  steps: number;
  cacheSize: number;
}

export interface SearchOptions {
  /** Absolute wall-clock deadline (Date.now() ms); past it the result is 'unknown'. */
  deadline?: number;
  /** Prune with the model's `monotone` hook (default true when it has one). */
  prune?: boolean;
}

/** Up to this many ops the cache stores plain bitsets (cheapest for small partitions). */
const SMALL_OPS = 256;
/** Events the monotone-state pruning looks ahead. */
const PRUNE_WINDOW = 64;
/** How often (loop iterations) the deadline is checked; Date.now() is not free. */
const DEADLINE_EVERY = 1023;

function defaultHash(s: unknown): number {
  return typeof s === 'object' && s !== null ? 0 : hashScalar(s);
}

/** Sorts call/return events: by time, a call before a return at the same time (closed intervals). */
function sortedEvents(call: readonly number[], ret: readonly number[]): Int32Array {
  const n = call.length;
  const ev = new Int32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) ev[i] = i; // code = id * 2 + (1 if return)
  const time = (code: number): number => {
    const id = code >> 1;
    const c = call[id]!;
    if ((code & 1) === 0) return c;
    const r = ret[id]!;
    return r < c ? c : r; // a return never precedes its own call
  };
  ev.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta < tb) return -1;
    if (ta > tb) return 1;
    const ka = a & 1;
    const kb = b & 1;
    if (ka !== kb) return ka - kb;
    return a - b;
  });
  return ev;
}

/**
 * A resumable search over one partition: `run` advances it by up to `budget` loop steps, so several
 * partitions can be interleaved in one thread and a hopeless one cannot starve the others.
 */
export class Search<S, I, O> {
  private readonly inputs: I[];
  private readonly outputs: O[];
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly nodeOp: Int32Array;
  private readonly match: Int32Array;
  private readonly small: boolean;
  private readonly bits: Int32Array;
  private readonly scratch: Int32Array;
  private readonly zobrist: Int32Array;
  private readonly cache: VisitedSet<S>;
  private readonly callsNode: Int32Array;
  private readonly callsState: S[];
  private readonly callsHi: Int32Array;
  private readonly best: Int32Array;
  // Scalars of the loop, saved between runs.
  private zh = 0;
  private depth = 0;
  private state: S;
  private bestLen = 0;
  private agree = 0; // best[0..agree) equals the current call stack's op ids
  private stuck = -1;
  private steps = 0;
  private entry: number;
  private outcome: SearchOutcome | undefined;

  private readonly prune: boolean;

  constructor(
    private readonly model: Model<S, I, O>,
    p: PreparedPartition,
    opts: { prune?: boolean; init?: S } = {},
  ) {
    this.prune = (opts.prune ?? true) && model.monotone !== undefined;
    const n = p.inputs.length;
    this.inputs = p.inputs as I[];
    this.outputs = p.outputs as O[];
    // ---- the linked list: node 0 is the head sentinel, nodes 1..2n the events in time order ----
    const size = 2 * n + 1;
    const next = (this.next = new Int32Array(size));
    const prev = (this.prev = new Int32Array(size));
    const nodeOp = (this.nodeOp = new Int32Array(size));
    const match = (this.match = new Int32Array(size)); // call node -> its return node; -1 on return nodes
    const ev = sortedEvents(p.call, p.ret);
    const callNode = new Int32Array(n);
    const retNode = new Int32Array(n);
    for (let k = 1; k < size; k++) {
      const code = ev[k - 1]!;
      const id = code >> 1;
      nodeOp[k] = id;
      if (code & 1) {
        retNode[id] = k;
        match[k] = -1;
      } else callNode[id] = k;
      next[k] = k + 1 < size ? k + 1 : -1;
      prev[k] = k - 1;
    }
    next[0] = n === 0 ? -1 : 1;
    prev[0] = -1;
    match[0] = -1;
    nodeOp[0] = -1;
    for (let id = 0; id < n; id++) match[callNode[id]!] = retNode[id]!;

    this.small = n <= SMALL_OPS;
    this.bits = new Int32Array(this.small ? (n + 31) >>> 5 : 0);
    this.scratch = new Int32Array(this.small ? 0 : n + 1);
    this.zobrist = new Int32Array(n);
    let seed = 0x9e3779b9 | 0;
    for (let i = 0; i < n; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      this.zobrist[i] = seed;
    }
    this.cache = new VisitedSet<S>(model.equal, Math.min(1 << 16, 4 * n + 16));
    this.callsNode = new Int32Array(n);
    this.callsState = new Array<S>(n);
    this.callsHi = new Int32Array(n + 1); // max linearized id + 1, per stack depth
    this.best = new Int32Array(n);
    this.state = opts.init === undefined ? model.init() : opts.init;
    this.entry = next[0]!;
    if (n === 0) this.outcome = { valid: true, best: new Int32Array(0), stuck: -1, steps: 0, cacheSize: 0 };
  }

  get done(): boolean {
    return this.outcome !== undefined;
  }

  /** Stops the search for good: 'unknown', with the longest prefix found so far. */
  abandon(): SearchOutcome {
    if (this.outcome !== undefined) return this.outcome;
    if (this.depth > this.bestLen) {
      for (let i = this.agree; i < this.depth; i++) this.best[i] = this.nodeOp[this.callsNode[i]!]!;
      this.bestLen = this.depth;
      this.stuck = -1;
    }
    return (this.outcome = { valid: 'unknown', best: this.best.slice(0, this.bestLen), stuck: this.stuck, steps: this.steps, cacheSize: this.cache.size });
  }

  /** Runs up to `budget` more steps; the outcome once decided (or past the deadline), else undefined. */
  run(budget: number, deadline?: number): SearchOutcome | undefined {
    if (this.outcome !== undefined) return this.outcome;
    const { next, prev, nodeOp, match, small, bits, scratch, zobrist, cache, callsNode, callsState, callsHi, best, inputs, outputs } = this;
    const step = this.model.step;
    const hash = this.model.hash ?? defaultHash;
    const mono = this.prune ? this.model.monotone : undefined;
    let { zh, depth, state, bestLen, agree, stuck, steps, entry } = this;
    const stopAt = steps + budget;
    let result: SearchOutcome | undefined;
    while (next[0] !== -1) {
      if ((++steps & DEADLINE_EVERY) === 0) {
        if (deadline !== undefined && Date.now() > deadline) {
          Object.assign(this, { zh, depth, state, bestLen, agree, stuck, steps, entry });
          return this.abandon();
        }
        if (steps >= stopAt) break;
      }
      const ret = match[entry]!;
      if (ret !== -1) {
        // A call: try to linearize this op next.
        const id = nodeOp[entry]!;
        const r = step(state, inputs[id]!, outputs[id]!);
        if (!r[0]) {
          entry = next[entry]!;
          continue;
        }
        const ns = r[1];
        if (mono !== undefined) {
          // Prune: an upcoming observation (an unlinearized op whose return comes before any
          // pending reset's call) that the new state can no longer grow into.
          let viable = true;
          let scanned = 0;
          for (let k = next[0]!; k !== -1 && scanned < PRUNE_WINDOW; k = next[k]!) {
            if (k === entry || k === ret) continue;
            scanned++;
            const o = nodeOp[k]!;
            if (match[k] !== -1) {
              if (mono.reset(inputs[o]!)) break;
            } else if (!mono.reachable(ns, inputs[o]!, outputs[o]!)) {
              viable = false;
              break;
            }
          }
          if (!viable) {
            entry = next[entry]!;
            continue;
          }
        }
        const nzh = zh ^ zobrist[id]!;
        const key = (nzh ^ Math.imul(hash(ns), 0x85ebca6b)) | 0;
        const hi = callsHi[depth]! > id ? callsHi[depth]! : id + 1;
        let keyArr: Int32Array;
        let keyLen: number;
        if (small) {
          bits[id >> 5]! |= 1 << (id & 31);
          keyArr = bits;
          keyLen = bits.length;
        } else {
          // (hi, ids < hi not yet linearized): call nodes still in the list come in id order.
          scratch[0] = hi;
          keyLen = 1;
          for (let k = next[0]!; k !== -1; k = next[k]!) {
            if (match[k] === -1) continue;
            const o = nodeOp[k]!;
            if (o >= hi) break;
            if (o !== id) scratch[keyLen++] = o;
          }
          keyArr = scratch;
        }
        if (!cache.add(key, keyArr, keyLen, ns)) {
          if (small) bits[id >> 5]! &= ~(1 << (id & 31));
          entry = next[entry]!;
          continue;
        }
        callsNode[depth] = entry;
        callsState[depth] = state;
        if (agree === depth && depth < bestLen && best[depth] === id) agree = depth + 1;
        depth++;
        callsHi[depth] = hi;
        zh = nzh;
        state = ns;
        // lift: unlink the call and its return
        next[prev[entry]!] = next[entry]!;
        prev[next[entry]!] = prev[entry]!; // a call always has a later node (its return)
        next[prev[ret]!] = next[ret]!;
        if (next[ret] !== -1) prev[next[ret]!] = prev[ret]!;
        entry = next[0]!;
      } else {
        // A return: its op can no longer be placed; record the prefix and backtrack.
        if (depth > bestLen) {
          for (let i = agree; i < depth; i++) best[i] = nodeOp[callsNode[i]!]!;
          bestLen = depth;
          agree = depth;
          stuck = nodeOp[entry]!;
        }
        if (depth === 0) {
          if (bestLen === 0) stuck = nodeOp[entry]!;
          result = { valid: false, best: best.slice(0, bestLen), stuck, steps, cacheSize: cache.size };
          break;
        }
        depth--;
        const ce = callsNode[depth]!;
        const id = nodeOp[ce]!;
        state = callsState[depth]!;
        zh ^= zobrist[id]!;
        if (small) bits[id >> 5]! &= ~(1 << (id & 31));
        if (agree > depth) agree = depth;
        // unlift, in reverse order of lift
        const rn = match[ce]!;
        next[prev[rn]!] = rn;
        if (next[rn] !== -1) prev[next[rn]!] = rn;
        next[prev[ce]!] = ce;
        prev[next[ce]!] = ce;
        entry = next[ce]!;
      }
    }
    if (result === undefined && next[0] === -1) {
      const lin = new Int32Array(depth);
      for (let i = 0; i < depth; i++) lin[i] = nodeOp[callsNode[i]!]!;
      result = { valid: true, best: lin, stuck: -1, steps, cacheSize: cache.size };
    }
    Object.assign(this, { zh, depth, state, bestLen, agree, stuck, steps, entry });
    if (result !== undefined) this.outcome = result;
    return result;
  }
}

/** Searches one partition to the end (or the deadline), segment by segment where it can. */
export function search<S, I, O>(model: Model<S, I, O>, p: PreparedPartition, opts: SearchOptions = {}): SearchOutcome {
  return searchFor(model, p, opts.prune ?? true).run(Infinity, opts.deadline)!;
}

/** What a resumable search offers (Search, SegmentedSearch). */
export interface Resumable {
  run(budget: number, deadline?: number): SearchOutcome | undefined;
  abandon(): SearchOutcome;
}

/** Partitions at least this long are split at quiescent points (their caches would be large; shorter ones gain nothing, and a wrong end-state guess costs a second search). */
export const SEGMENT_MIN_OPS = 2048;

/** Op ids where a segment starts: every op invoked after all earlier ops returned (ids follow invocation). */
export function quiescentCuts(p: PreparedPartition): number[] {
  const cuts: number[] = [];
  let maxRet = -Infinity;
  for (let i = 0; i < p.call.length; i++) {
    if (i > 0 && p.call[i]! > maxRet) cuts.push(i);
    maxRet = Math.max(maxRet, p.ret[i]!);
  }
  return cuts;
}

export function searchFor<S, I, O>(model: Model<S, I, O>, p: PreparedPartition, prune = true): Resumable {
  if (p.inputs.length >= SEGMENT_MIN_OPS) {
    const cuts = quiescentCuts(p);
    if (cuts.length > 0) return new SegmentedSearch(model, p, cuts, prune);
  }
  return new Search(model, p, { prune });
}

function slice(p: PreparedPartition, lo: number, hi: number): PreparedPartition {
  return {
    key: p.key,
    opIndex: p.opIndex.slice(lo, hi),
    retIndex: p.retIndex.slice(lo, hi),
    process: p.process.slice(lo, hi),
    call: p.call.slice(lo, hi),
    ret: p.ret.slice(lo, hi),
    inputs: p.inputs.slice(lo, hi),
    outputs: p.outputs.slice(lo, hi),
  };
}

/**
 * A partition split at quiescent points (no op in flight): every op of a segment precedes every op
 * of the next, so a linearization is one of each segment in turn, each starting from the state the
 * previous one ended in. Segments are searched one after the other from the end state of the
 * linearization found for the previous one, with a cache per segment (memory stays that of the
 * largest segment). When a segment has none from that state, an earlier segment may have had
 * another end state: the whole partition is then searched as one, so the verdict is always the
 * plain search's.
 */
class SegmentedSearch<S, I, O> implements Resumable {
  private readonly bounds: number[];
  private seg = 0;
  private current: Search<S, I, O>;
  private state: S;
  private readonly best: number[] = [];
  private steps = 0;
  private cacheSize = 0;
  private whole: Search<S, I, O> | undefined;
  private outcome: SearchOutcome | undefined;

  constructor(
    private readonly model: Model<S, I, O>,
    private readonly p: PreparedPartition,
    cuts: number[],
    private readonly prune: boolean,
  ) {
    this.bounds = [0, ...cuts, p.inputs.length];
    this.state = model.init();
    this.current = this.open(0);
  }

  private open(i: number): Search<S, I, O> {
    return new Search(this.model, slice(this.p, this.bounds[i]!, this.bounds[i + 1]!), { prune: this.prune, init: this.state });
  }

  abandon(): SearchOutcome {
    if (this.outcome !== undefined) return this.outcome;
    if (this.whole !== undefined) return (this.outcome = this.whole.abandon());
    const o = this.current.abandon();
    const lo = this.bounds[this.seg]!;
    return (this.outcome = {
      valid: 'unknown',
      best: Int32Array.from([...this.best, ...Array.from(o.best, (id) => id + lo)]),
      stuck: o.stuck < 0 ? -1 : o.stuck + lo,
      steps: this.steps + o.steps,
      cacheSize: Math.max(this.cacheSize, o.cacheSize),
    });
  }

  run(budget: number, deadline?: number): SearchOutcome | undefined {
    if (this.outcome !== undefined) return this.outcome;
    if (this.whole !== undefined) {
      const o = this.whole.run(budget, deadline);
      if (o !== undefined) this.outcome = { ...o, steps: o.steps + this.steps };
      return this.outcome;
    }
    for (;;) {
      const o = this.current.run(budget, deadline);
      if (o === undefined) return undefined;
      if (o.valid === 'unknown') return this.abandon();
      this.steps += o.steps;
      this.cacheSize = Math.max(this.cacheSize, o.cacheSize);
      if (o.valid === false) {
        if (this.seg === 0) {
          // Nothing before it to choose differently: the partition is not linearizable.
          return (this.outcome = { ...o, steps: this.steps, cacheSize: this.cacheSize });
        }
        this.whole = new Search(this.model, this.p, { prune: this.prune });
        return this.run(budget, deadline);
      }
      const lo = this.bounds[this.seg]!;
      const inputs = this.p.inputs as I[];
      const outputs = this.p.outputs as O[];
      for (const id of o.best) {
        this.best.push(id + lo);
        this.state = this.model.step(this.state, inputs[id + lo]!, outputs[id + lo]!)[1];
      }
      if (++this.seg === this.bounds.length - 1) {
        return (this.outcome = { valid: true, best: Int32Array.from(this.best), stuck: -1, steps: this.steps, cacheSize: this.cacheSize });
      }
      this.current = this.open(this.seg);
    }
  }
}

/** Time the unpruned search gets to rebuild the view of a partition found not linearizable. */
export const VIEW_BUDGET_MS = 2000;

/**
 * Pruning cuts the search short before the longest linearizable prefix is found, so for a partition
 * found not linearizable the view comes from an unpruned search when that finishes in a short
 * budget; otherwise the pruned prefix (shorter, still genuine) stays.
 */
export function viewOutcome<S, I, O>(model: Model<S, I, O>, p: PreparedPartition, out: SearchOutcome, deadline?: number): SearchOutcome {
  if (out.valid !== false || model.monotone === undefined) return out;
  const budget = Date.now() + VIEW_BUDGET_MS;
  const full = searchFor(model, p, false).run(Infinity, deadline === undefined ? budget : Math.min(deadline, budget))!;
  return full.valid === false ? { ...full, steps: full.steps + out.steps } : out;
}
