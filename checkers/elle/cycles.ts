/**
 * Cycle search, as Elle does it: cut the graph into strongly connected components (no cycle can
 * leave one), then in each component look for the worst kind of cycle first (G0 before G1c before
 * G-single …, data dependencies before process order before real time), skipping kinds already
 * implied by one found or ruled out by which models still have a cycle at all.
 *
 * A cycle of a kind is found as the shortest cycle through an anchor edge (an edge of the label
 * the kind needs: ww for G0, wr for G1c, rw for the anti-dependency kinds): a breadth-first search
 * from the anchor's target back to its source over the product of the component and a small
 * automaton that counts rw edges, remembers whether rw edges were adjacent and whether a required
 * edge (wr, process, real time) was seen. Each edge is labelled by the first of its relations the
 * kind allows, in the order ww, wr, rw, process, real time (as Elle's explainers pick them), so a
 * cycle is classified by the labels the search used. Work is bounded by a deadline per component;
 * past it the search reports `cycle-search-timeout` and some cycle of the component.
 */

import { cyclicComponents, DepGraph, EdgeList, PROCESS, REALTIME, RW, WR, WW } from './graph.js';
import { anomaliesProhibitedBy, impliedAnomalies, impossibleModels } from './models.js';

export type CycleKind = 'G0' | 'G1c' | 'G-single-item' | 'G-nonadjacent-item' | 'G2-item';

interface CycleSpec {
  type: string;
  kind: CycleKind;
  variant: 0 | typeof PROCESS | typeof REALTIME;
  allowed: number;
  anchor: number;
}

const KINDS: [CycleKind, number, number][] = [
  ['G0', WW, WW],
  ['G1c', WW | WR, WR],
  ['G-single-item', WW | WR | RW, RW],
  ['G-nonadjacent-item', WW | WR | RW, RW],
  ['G2-item', WW | WR | RW, RW],
];

/** In search order: data dependencies, then with process edges, then with real-time edges. */
const SPECS: CycleSpec[] = [
  ...KINDS.map(([kind, allowed, anchor]): CycleSpec => ({ type: kind, kind, variant: 0, allowed, anchor })),
  ...KINDS.map(([kind, allowed, anchor]): CycleSpec => ({ type: `${kind}-process`, kind, variant: PROCESS, allowed: allowed | PROCESS, anchor })),
  ...KINDS.map(([kind, allowed, anchor]): CycleSpec => ({ type: `${kind}-realtime`, kind, variant: REALTIME, allowed: allowed | REALTIME, anchor })),
];

export const CYCLE_TYPES: ReadonlySet<string> = new Set(SPECS.map((s) => s.type));

/** A cycle: vertices in order and the label of each edge (labels[i]: vertices[i] → vertices[i+1 mod n]). */
export interface FoundCycle {
  type: string;
  vertices: number[];
  labels: number[];
}

export interface CycleExistsCase {
  type: string;
  /** The model that cannot hold. */
  not: string;
  /** Relations of the subgraph that has a cycle (Elle's :subgraph). */
  subgraph: string;
  sccSize: number;
  /** Vertices of the smallest such component. */
  scc: number[];
}

export interface SearchTimeout {
  type: 'cycle-search-timeout';
  anomalySpecType: string;
  doesNotContain: string[];
  sccSize: number;
}

// ---- the automaton ----
const CNT = 3; // rw count 0, 1, 2 (= two or more)
const WRSEEN = 4;
const VARSEEN = 8;
const FIRSTRW = 16;
const LASTRW = 32;
const ADJ = 64;

function relevantBits(kind: CycleKind): number {
  switch (kind) {
    case 'G0':
      return VARSEEN;
    case 'G1c':
      return WRSEEN | VARSEEN;
    case 'G-single-item':
      return CNT | VARSEEN;
    case 'G-nonadjacent-item':
      return CNT | FIRSTRW | LASTRW | VARSEEN;
    case 'G2-item':
      return CNT | FIRSTRW | LASTRW | ADJ | VARSEEN;
  }
}

function step(state: number, label: number, first: boolean, variant: number): number {
  let s = state;
  if (label === RW) {
    const c = s & CNT;
    s = (s & ~CNT) | (c < 2 ? c + 1 : 2);
    if (s & LASTRW) s |= ADJ;
    s |= LASTRW;
    if (first) s |= FIRSTRW;
  } else s &= ~LASTRW;
  if (label === WR) s |= WRSEEN;
  if (label === variant) s |= VARSEEN;
  return s;
}

function dead(kind: CycleKind, s: number): boolean {
  if (kind === 'G-single-item') return (s & CNT) === 2;
  if (kind === 'G-nonadjacent-item') return (s & ADJ) !== 0;
  return false;
}

function accepts(spec: CycleSpec, s: number): boolean {
  if (spec.variant !== 0 && (s & VARSEEN) === 0) return false;
  const wrapAdj = (s & ADJ) !== 0 || ((s & LASTRW) !== 0 && (s & FIRSTRW) !== 0);
  switch (spec.kind) {
    case 'G0':
      return true;
    case 'G1c':
      return (s & WRSEEN) !== 0;
    case 'G-single-item':
      return (s & CNT) === 1;
    case 'G-nonadjacent-item':
      return (s & CNT) === 2 && !wrapAdj;
    case 'G2-item':
      return (s & CNT) === 2 && wrapAdj;
  }
}

/** The label a kind gives an edge: its first relation the kind allows (ww, wr, rw, process, real time). */
function labelOf(mask: number, allowed: number): number {
  const m = mask & allowed;
  return m & -m;
}

/** Does a closed walk (as labelled) satisfy the spec? */
function walkAccepted(spec: CycleSpec, labels: readonly number[]): boolean {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    s = step(s, labels[i]!, i === 0, spec.variant);
    if (dead(spec.kind, s)) return false;
  }
  return accepts(spec, s);
}

/** Elle's classification of a cycle by its labels. */
export function classify(labels: readonly number[]): string {
  let rw = 0;
  let wr = 0;
  let adj = false;
  let rt = 0;
  let pr = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === RW) {
      rw++;
      if (labels[(i + 1) % labels.length] === RW) adj = true;
    } else if (l === WR) wr++;
    else if (l === REALTIME) rt++;
    else if (l === PROCESS) pr++;
  }
  const base = rw === 1 ? 'G-single-item' : rw > 1 ? (adj ? 'G2-item' : 'G-nonadjacent-item') : wr > 0 ? 'G1c' : 'G0';
  return base + (rt > 0 ? '-realtime' : pr > 0 ? '-process' : '');
}

class Timeout extends Error {}

/** Splits a closed walk at repeated vertices into simple cycles. */
function simpleCycles(vs: number[], ls: number[]): [number[], number[]][] {
  const at = new Map<number, number>();
  for (let i = 0; i < vs.length; i++) {
    const j = at.get(vs[i]!);
    if (j === undefined) {
      at.set(vs[i]!, i);
      continue;
    }
    const inner: [number[], number[]] = [vs.slice(j, i), ls.slice(j, i)];
    const outer: [number[], number[]] = [
      [...vs.slice(0, j), ...vs.slice(i)],
      [...ls.slice(0, j), ...ls.slice(i)],
    ];
    return [...simpleCycles(...inner), ...simpleCycles(...outer)];
  }
  return [[vs, ls]];
}

/** Search state shared by the specs of one component. */
/** Search state shared by the specs of one component; `g` is the component alone (local ids). */
class ComponentSearch {
  private stamps = new Int32Array(0);
  private stamp = 0;
  private work = 0;
  private queue = { v: new Int32Array(0), s: new Int32Array(0), p: new Int32Array(0), l: new Int32Array(0) };

  constructor(
    private readonly g: DepGraph,
    private readonly deadline: number,
  ) {}

  private tick(): void {
    if ((++this.work & 1023) === 0 && Date.now() > this.deadline) throw new Timeout();
  }

  /** The shortest cycle of the spec found through up to a bounded number of anchors, or null. */
  find(spec: CycleSpec): FoundCycle | null {
    const { g } = this;
    const subs = cyclicComponents(g, spec.allowed);
    if (subs.length === 0) return null;
    const sub = new Int32Array(g.n).fill(-1);
    subs.forEach((c, i) => {
      for (const v of c) sub[v] = i;
    });
    // Compact automaton states.
    const bits = relevantBits(spec.kind);
    const compact = new Int32Array(128).fill(-1);
    let S = 0;
    for (let s = 0; s < 128; s++) if ((s & ~bits) === 0) compact[s] = S++;
    const need = g.n * S;
    if (this.stamps.length < need) {
      this.stamps = new Int32Array(need);
      this.stamp = 0;
      this.queue = { v: new Int32Array(need + 1), s: new Int32Array(need + 1), p: new Int32Array(need + 1), l: new Int32Array(need + 1) };
    }
    let best: FoundCycle | null = null;
    let anchorsAfterHit = 0;
    for (const c of subs) {
      for (const u of c) {
        for (let e = g.offset[u]!; e < g.offset[u + 1]!; e++) {
          const v = g.out[e]!;
          if (sub[v] !== sub[u] || labelOf(g.mask[e]!, spec.allowed) !== spec.anchor) continue;
          const cyc = this.throughAnchor(spec, u, v, sub, compact, S, bits);
          if (cyc !== null && (best === null || cyc.vertices.length < best.vertices.length)) best = cyc;
          if (best !== null && (best.vertices.length === 2 || ++anchorsAfterHit > 8)) return best;
        }
      }
    }
    return best;
  }

  private throughAnchor(spec: CycleSpec, u: number, v: number, sub: Int32Array, compact: Int32Array, S: number, bits: number): FoundCycle | null {
    const { g } = this;
    const stamp = ++this.stamp;
    const stamps = this.stamps;
    const { v: qv, s: qs, p: qp, l: ql } = this.queue;
    const s0 = step(0, spec.anchor, true, spec.variant) & bits;
    let tail = 0;
    qv[tail] = v;
    qs[tail] = s0;
    qp[tail] = -1;
    ql[tail++] = spec.anchor;
    stamps[v * S + compact[s0]!] = stamp;
    const comp = sub[u];
    for (let head = 0; head < tail; head++) {
      this.tick();
      const x = qv[head]!;
      const s = qs[head]!;
      if (x === u) {
        if (!accepts(spec, s)) continue;
        const vs: number[] = [];
        const ls: number[] = [];
        for (let q = head; q !== -1; q = qp[q]!) {
          vs.push(qv[q]!);
          ls.push(ql[q]!);
        }
        vs.reverse();
        ls.reverse();
        // vs = v … u, ls[i] = label into vs[i] (ls[0] is the anchor into v). As a cycle from u:
        const vertices = [u, ...vs.slice(0, -1)];
        for (const [cv, cl] of simpleCycles(vertices, ls)) {
          if (walkAccepted(spec, cl)) return { type: spec.type, vertices: cv, labels: cl };
        }
        continue;
      }
      for (let e = g.offset[x]!; e < g.offset[x + 1]!; e++) {
        const y = g.out[e]!;
        if (sub[y] !== comp) continue;
        const l = labelOf(g.mask[e]!, spec.allowed);
        if (l === 0) continue;
        const ns = step(s, l, false, spec.variant) & bits;
        if (dead(spec.kind, ns)) continue;
        const k = y * S + compact[ns]!;
        if (stamps[k] === stamp) continue;
        stamps[k] = stamp;
        qv[tail] = y;
        qs[tail] = ns;
        qp[tail] = head;
        ql[tail++] = l;
      }
    }
    return null;
  }

  /** Some cycle of the component over every relation (the fallback after a timeout). */
  anyCycle(): FoundCycle {
    const { g } = this;
    const u = 0;
    const parent = new Map<number, [number, number]>();
    const queue = [u];
    for (let head = 0; head < queue.length; head++) {
      const x = queue[head]!;
      for (let e = g.offset[x]!; e < g.offset[x + 1]!; e++) {
        const y = g.out[e]!;
        const l = labelOf(g.mask[e]!, 0xff);
        if (y === u) {
          const vs = [x];
          const ls = [l];
          for (let z = x; z !== u; ) {
            const [p, pl] = parent.get(z)!;
            vs.push(p);
            ls.push(pl);
            z = p;
          }
          vs.reverse();
          ls.reverse(); // ls[i] labels vs[i] → vs[i+1]
          return { type: classify(ls), vertices: vs, labels: ls };
        }
        if (!parent.has(y) && y !== u) {
          parent.set(y, [x, l]);
          queue.push(y);
        }
      }
    }
    throw new Error('a strongly connected component without a cycle');
  }
}

// ---- cycle existence (Elle's fallback evidence per model) ----

interface ExistsSpec {
  model: string;
  type: string;
  rels: number;
  /** Sequential extension A ∪ (A;B): a cycle where every B edge follows an A edge. */
  ext?: [number, number];
}

const EXISTS: ExistsSpec[] = [
  { model: 'read-uncommitted', type: 'PL-1-cycle-exists', rels: WW },
  { model: 'read-committed', type: 'PL-2-cycle-exists', rels: WW | WR },
  { model: 'snapshot-isolation', type: 'PL-SI-cycle-exists', rels: 0, ext: [WW | WR, RW] },
  { model: 'repeatable-read', type: 'PL-2.99-cycle-exists', rels: WW | WR | RW },
  { model: 'serializable', type: 'PL-3-cycle-exists', rels: WW | WR | RW },
  { model: 'strong-session-read-uncommitted', type: 'strong-session-PL-1-cycle-exists', rels: WW | PROCESS },
  { model: 'strong-session-read-committed', type: 'strong-session-PL-2-cycle-exists', rels: WW | WR | PROCESS },
  { model: 'strong-session-snapshot-isolation', type: 'strong-session-snapshot-isolation-cycle-exists', rels: 0, ext: [WW | WR | PROCESS, RW] },
  { model: 'strong-session-serializable', type: 'strong-session-serializable-cycle-exists', rels: WW | WR | RW | PROCESS },
  { model: 'strong-read-uncommitted', type: 'strong-PL-1-cycle-exists', rels: WW | REALTIME },
  { model: 'strong-read-committed', type: 'strong-PL-2-cycle-exists', rels: WW | WR | REALTIME },
  { model: 'strong-snapshot-isolation', type: 'strong-snapshot-isolation-cycle-exists', rels: 0, ext: [WW | WR | REALTIME, RW] },
  { model: 'strict-serializable', type: 'PL-SS-cycle-exists', rels: WW | WR | RW | REALTIME },
];

export const CYCLE_EXISTS_TYPES: ReadonlySet<string> = new Set(EXISTS.map((s) => s.type));
const EXISTS_MODELS = EXISTS.map((s) => s.model);

function relsText(rels: number): string {
  const names: string[] = [];
  if (rels & WW) names.push('ww');
  if (rels & WR) names.push('wr');
  if (rels & RW) names.push('rw');
  if (rels & PROCESS) names.push('process');
  if (rels & REALTIME) names.push('realtime');
  return names.join(' ∪ ');
}

/** Components of A ∪ (A;B) over `vertices`, as components of the (vertex, came-by-B) product. */
function extensionComponents(g: DepGraph, vertices: readonly number[], a: number, b: number): number[][] {
  const local = new Map<number, number>();
  for (let i = 0; i < vertices.length; i++) local.set(vertices[i]!, i);
  const m = vertices.length;
  const edges = new EdgeList();
  for (const v of vertices) {
    const lv = local.get(v)!;
    for (let e = g.offset[v]!; e < g.offset[v + 1]!; e++) {
      const lw = local.get(g.out[e]!);
      if (lw === undefined) continue;
      const mask = g.mask[e]!;
      if (mask & a) {
        edges.add(lv, lw, 1);
        edges.add(lv + m, lw, 1);
      }
      if (mask & b) edges.add(lv, lw + m, 1);
    }
  }
  const pg = new DepGraph(2 * m, edges);
  return cyclicComponents(pg, 1).map((c) => [...new Set(c.map((x) => vertices[x % m]!))].sort((p, q) => p - q));
}

function cycleExistsCases(g: DepGraph): CycleExistsCase[] {
  const vertices = Array.from({ length: g.n }, (_, i) => i);
  const cases: CycleExistsCase[] = [];
  const ruledOut = new Set<string>();
  for (const spec of EXISTS) {
    if (ruledOut.has(spec.model)) continue;
    const comps = spec.ext ? extensionComponents(g, vertices, spec.ext[0], spec.ext[1]) : cyclicComponents(g, spec.rels);
    if (comps.length === 0) continue;
    comps.sort((x, y) => x.length - y.length);
    const scc = comps[0]!;
    cases.push({
      type: spec.type,
      not: spec.model,
      subgraph: spec.ext ? `${relsText(spec.ext[0])} extended by ${relsText(spec.ext[1])}` : relsText(spec.rels),
      sccSize: scc.length,
      scc,
    });
    for (const m of impossibleModels([spec.type])) ruledOut.add(m);
  }
  return cases;
}

export interface ComponentResult {
  cycles: FoundCycle[];
  exists: CycleExistsCase[];
  timeout?: SearchTimeout;
}

/** The subgraph induced by `vertices`, numbered by position in it. */
function induced(g: DepGraph, vertices: readonly number[]): DepGraph {
  const local = new Map<number, number>();
  for (let i = 0; i < vertices.length; i++) local.set(vertices[i]!, i);
  const edges = new EdgeList();
  for (let i = 0; i < vertices.length; i++) {
    const v = vertices[i]!;
    for (let e = g.offset[v]!; e < g.offset[v + 1]!; e++) {
      const w = local.get(g.out[e]!);
      if (w !== undefined) edges.add(i, w, g.mask[e]!);
    }
  }
  return new DepGraph(vertices.length, edges);
}

/** Searches one strongly connected component. */
export function searchComponent(whole: DepGraph, vertices: readonly number[], timeoutMs: number): ComponentResult {
  const deadline = Date.now() + timeoutMs;
  const g = induced(whole, vertices);
  const toGlobal = (c: FoundCycle): FoundCycle => ({ ...c, vertices: c.vertices.map((v) => vertices[v]!) });
  const exists = cycleExistsCases(g).map((c) => ({ ...c, scc: c.scc.map((v) => vertices[v]!) }));
  // Kinds of cycle that cannot be here: those prohibited by models that still have no cycle.
  const impossible = impossibleModels(exists.map((c) => c.type));
  const possible = EXISTS_MODELS.filter((m) => !impossible.has(m));
  const skip = new Set([...anomaliesProhibitedBy(possible)].filter((a) => CYCLE_TYPES.has(a)));
  const search = new ComponentSearch(g, deadline);
  const cycles: FoundCycle[] = [];
  const searched: string[] = [];
  for (const spec of SPECS) {
    if (skip.has(spec.type)) continue;
    if (spec.variant !== 0 && (g.rels & spec.variant) === 0) continue;
    searched.push(spec.type);
    try {
      const c = search.find(spec);
      if (c !== null) {
        cycles.push(toGlobal(c));
        for (const a of impliedAnomalies([spec.type])) skip.add(a);
      }
    } catch (e) {
      if (!(e instanceof Timeout)) throw e;
      const found = new Set(cycles.map((c) => c.type));
      const fallback = toGlobal(search.anyCycle());
      return {
        cycles: [...cycles, ...(found.has(fallback.type) ? [] : [fallback])],
        exists,
        timeout: {
          type: 'cycle-search-timeout',
          anomalySpecType: spec.type,
          doesNotContain: searched.slice(0, -1).filter((t) => !found.has(t)),
          sccSize: vertices.length,
        },
      };
    }
  }
  return { cycles, exists };
}

/** Every component with a cycle over all relations. */
export function components(g: DepGraph): number[][] {
  return cyclicComponents(g, 0xff);
}

/**
 * Shortens a cycle found over the transitive reduction of the real-time (or process) order: a run
 * of edges without anti-dependencies from T_a to T_c becomes one order edge when T_a precedes T_c
 * directly (completed before it began, or earlier in the same process), as long as the cycle keeps
 * its type. Real-time paths in the reduced graph are chains through every transaction in between;
 * the witness should not be.
 */
export function shortcut(c: FoundCycle, rel: number, precedes: (a: number, b: number) => boolean): FoundCycle {
  let vs = c.vertices;
  let ls = c.labels;
  for (let i = 0; i < vs.length && vs.length > 2; i++) {
    // Edges i .. j-1 lead from vs[i] to vs[j] (indices modulo the length).
    for (let len = vs.length - 1; len >= 2; len--) {
      const j = (i + len) % vs.length;
      let rwInside = false;
      for (let k = 0; k < len; k++) if (ls[(i + k) % vs.length] === RW) rwInside = true;
      if (rwInside || !precedes(vs[i]!, vs[j]!)) continue;
      // Rotate so that i is first, then drop the vertices strictly between i and j.
      const rv = [...vs.slice(i), ...vs.slice(0, i)];
      const rl = [...ls.slice(i), ...ls.slice(0, i)];
      const nv = [rv[0]!, ...rv.slice(len)];
      const nl = [rel, ...rl.slice(len)];
      if (classify(nl) !== c.type) continue;
      vs = nv;
      ls = nl;
      i = -1; // start over on the shorter cycle
      break;
    }
  }
  return { type: c.type, vertices: vs, labels: ls };
}
