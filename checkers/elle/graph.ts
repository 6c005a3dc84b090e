/**
 * The transaction dependency graph: vertices are transaction ids, each edge carries a bit set of
 * relations (ww, wr, rw, process, realtime). Built from an edge list into compressed adjacency
 * (CSR, typed arrays: a 100k-transaction graph with realtime edges has millions of edges), with
 * Tarjan's strongly connected components over any subset of relations and vertices.
 */

export const WW = 1;
export const WR = 2;
export const RW = 4;
export const PROCESS = 8;
export const REALTIME = 16;

export type Rel = 'ww' | 'wr' | 'rw' | 'process' | 'realtime';
export const REL_NAMES: readonly [number, Rel][] = [
  [WW, 'ww'],
  [WR, 'wr'],
  [RW, 'rw'],
  [PROCESS, 'process'],
  [REALTIME, 'realtime'],
];

/** Grows edge triples; self-edges are dropped (Elle's graphs never hold them). */
export class EdgeList {
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  rel = new Uint8Array(1024);
  size = 0;

  add(a: number, b: number, rel: number): void {
    if (a === b) return;
    if (this.size === this.from.length) {
      const n = this.size * 2;
      const f = new Int32Array(n);
      f.set(this.from);
      const t = new Int32Array(n);
      t.set(this.to);
      const r = new Uint8Array(n);
      r.set(this.rel);
      this.from = f;
      this.to = t;
      this.rel = r;
    }
    this.from[this.size] = a;
    this.to[this.size] = b;
    this.rel[this.size] = rel;
    this.size++;
  }
}

export class DepGraph {
  /** out[offset[v] .. offset[v+1]) are v's successors, sorted, one entry per successor. */
  readonly offset: Int32Array;
  readonly out: Int32Array;
  readonly mask: Uint8Array;
  /** Union of every edge's relations. */
  readonly rels: number;

  constructor(
    readonly n: number,
    edges: EdgeList,
  ) {
    if (n >= 1 << 24) throw new Error(`a dependency graph of ${n} transactions is beyond this checker (2^24)`);
    // One native numeric sort of (from, to, rel) packed in a double, then a pass merging duplicates.
    const m = edges.size;
    const keys = new Float64Array(m);
    for (let i = 0; i < m; i++) keys[i] = (edges.from[i]! * 16_777_216 + edges.to[i]!) * 32 + edges.rel[i]!;
    keys.sort();
    const offset = new Int32Array(n + 1);
    const out = new Int32Array(m);
    const mask = new Uint8Array(m);
    let w = 0;
    let rels = 0;
    let lastFrom = -1;
    let lastTo = -1;
    for (let i = 0; i < m; i++) {
      const k = keys[i]!;
      const rel = k % 32;
      const pair = (k - rel) / 32;
      const to = pair % 16_777_216;
      const from = (pair - to) / 16_777_216;
      rels |= rel;
      if (from === lastFrom && to === lastTo) {
        mask[w - 1]! |= rel;
        continue;
      }
      while (lastFrom < from) offset[++lastFrom] = w;
      lastTo = to;
      out[w] = to;
      mask[w++] = rel;
    }
    while (lastFrom < n) offset[++lastFrom] = w;
    this.offset = offset;
    this.out = out.slice(0, w);
    this.mask = mask.slice(0, w);
    this.rels = rels;
  }

  get edgeCount(): number {
    return this.out.length;
  }

  /** The relations on the edge a → b (0 when there is none). */
  edge(a: number, b: number): number {
    let lo = this.offset[a]!;
    let hi = this.offset[a + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = this.out[mid]!;
      if (t === b) return this.mask[mid]!;
      if (t < b) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }
}

/**
 * Strongly connected components with at least one cycle (more than one vertex; the graph has no
 * self-edges), over edges carrying one of `rels`, restricted to `vertices` when given. Iterative
 * Tarjan: no recursion limit on long chains. Components come out in reverse topological order.
 */
export function cyclicComponents(g: DepGraph, rels: number, vertices?: readonly number[]): number[][] {
  const n = g.n;
  const member = vertices === undefined ? null : new Uint8Array(n);
  if (member !== null) for (const v of vertices!) member[v] = 1;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callV: number[] = [];
  const callE: number[] = [];
  const comps: number[][] = [];
  let counter = 0;
  const { offset, out, mask } = g;
  const roots = vertices ?? Array.from({ length: n }, (_, i) => i);
  for (const root of roots) {
    if (index[root] !== -1) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    callV.push(root);
    callE.push(offset[root]!);
    while (callV.length > 0) {
      const top = callV.length - 1;
      const v = callV[top]!;
      let e = callE[top]!;
      const end = offset[v + 1]!;
      let descended = false;
      while (e < end) {
        const w = out[e]!;
        const m = mask[e]!;
        e++;
        if ((m & rels) === 0 || (member !== null && member[w] === 0)) continue;
        if (index[w] === -1) {
          callE[top] = e;
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callV.push(w);
          callE.push(offset[w]!);
          descended = true;
          break;
        }
        if (onStack[w] === 1 && index[w]! < low[v]!) low[v] = index[w]!;
      }
      if (descended) continue;
      callV.pop();
      callE.pop();
      if (callV.length > 0) {
        const parent = callV[callV.length - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) comps.push(comp.sort((a, b) => a - b));
      }
    }
  }
  return comps;
}
