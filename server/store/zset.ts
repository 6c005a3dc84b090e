/**
 * Sorted set: a skiplist with spans (O(log n) insert, delete, rank and rank lookup) plus a Map
 * member → score for O(1) ZSCORE. Ordering is Redis's: by score, then by member bytes (members
 * are latin1 binary strings, so JS `<` compares them bytewise, shorter prefix first).
 *
 * Persistence and DEBUG DIGEST build zsets with `new ZSet()` + `add()` and read `dict` or iterate
 * in order; commands use the rank/range API below.
 */

const MAX_LEVEL = 32;
const P = 0.25;

export class ZNode {
  /** forward[i]: next node at level i; span[i]: how many level-0 steps that link skips. */
  readonly forward: (ZNode | null)[];
  readonly span: number[];
  backward: ZNode | null = null;
  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    this.forward = new Array<ZNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
  /** The next node in order (level 0). */
  get next(): ZNode | null {
    return this.forward[0]!;
  }
}

/** A score interval; `minex`/`maxex` make a bound exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * A lexicographic interval. `min`/`max` are members; `minInf`/`maxInf` encode "-" and "+":
 * -1 = minus infinity, 1 = plus infinity, 0 = the string bound.
 */
export interface LexRange {
  min: string;
  max: string;
  minex: boolean;
  maxex: boolean;
  minInf: -1 | 0 | 1;
  maxInf: -1 | 0 | 1;
}

function lessThan(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}
export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** Compare a member with a lex bound (the bound may be ±infinity). */
function cmpLex(v: string, bound: string, inf: -1 | 0 | 1): number {
  if (inf !== 0) return -inf;
  return v < bound ? -1 : v > bound ? 1 : 0;
}
export function lexGteMin(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.min, r.minInf);
  return r.minex ? c > 0 : c >= 0;
}
export function lexLteMax(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.max, r.maxInf);
  return r.maxex ? c < 0 : c <= 0;
}

/** Redis's zslIsInRange empty-interval test for scores. */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** Redis's zslIsInLexRange empty-interval test. */
export function lexRangeEmpty(r: LexRange): boolean {
  let c: number;
  if (r.minInf !== 0 && r.minInf === r.maxInf) c = 0;
  else if (r.minInf !== 0) c = r.minInf;
  else if (r.maxInf !== 0) c = -r.maxInf;
  else c = r.min < r.max ? -1 : r.min > r.max ? 1 : 0;
  return c > 0 || (c === 0 && (r.minex || r.maxex));
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

export class ZSet {
  /** member → score. Read-only for callers: change the set through add()/delete(). */
  readonly dict = new Map<string, number>();
  private readonly header = new ZNode('', 0, MAX_LEVEL);
  private tail: ZNode | null = null;
  private level = 1;

  get size(): number {
    return this.dict.size;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Insert or update. Returns true when the member is new. */
  add(member: string, score: number): boolean {
    const cur = this.dict.get(member);
    if (cur === undefined) {
      this.insertNode(member, score);
      this.dict.set(member, score);
      return true;
    }
    if (cur !== score) {
      this.deleteNode(member, cur);
      this.insertNode(member, score);
      this.dict.set(member, score);
    }
    return false;
  }

  delete(member: string): boolean {
    const cur = this.dict.get(member);
    if (cur === undefined) return false;
    this.deleteNode(member, cur);
    this.dict.delete(member);
    return true;
  }

  private insertNode(member: string, score: number): ZNode {
    const update = new Array<ZNode>(MAX_LEVEL);
    const rank = new Array<number>(MAX_LEVEL);
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      for (let f = x.forward[i]; f && lessThan(f.score, f.member, score, member); f = x.forward[i]) {
        rank[i]! += x.span[i]!;
        x = f;
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.dict.size;
      }
      this.level = level;
    }
    const node = new ZNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.forward[i] = u.forward[i]!;
      u.forward[i] = node;
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    if (node.forward[0]) node.forward[0].backward = node;
    else this.tail = node;
    return node;
  }

  private deleteNode(member: string, score: number): void {
    const update = new Array<ZNode>(MAX_LEVEL);
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f && lessThan(f.score, f.member, score, member); f = x.forward[i]) x = f;
      update[i] = x;
    }
    const node = x.forward[0];
    if (!node || node.member !== member) throw new Error('zset skiplist out of sync with dict');
    this.unlink(node, update);
  }

  private unlink(node: ZNode, update: ZNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.forward[i] === node) {
        u.span[i]! += node.span[i]! - 1;
        u.forward[i] = node.forward[i]!;
      } else {
        u.span[i]!--;
      }
    }
    if (node.forward[0]) node.forward[0].backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.header.forward[this.level - 1] === null) this.level--;
  }

  first(): ZNode | null {
    return this.header.forward[0]!;
  }

  last(): ZNode | null {
    return this.tail;
  }

  /** 0-based rank of a member in ascending order, or -1. */
  rank(member: string): number {
    const score = this.dict.get(member);
    if (score === undefined) return -1;
    let r = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f && (lessThan(f.score, f.member, score, member) || f.member === member); f = x.forward[i]) {
        r += x.span[i]!;
        x = f;
      }
      if (x !== this.header && x.member === member) return r - 1;
    }
    return -1;
  }

  /** The node at a 0-based rank, or null. */
  byRank(rank: number): ZNode | null {
    if (rank < 0 || rank >= this.dict.size) return null;
    const target = rank + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && traversed + x.span[i]! <= target) {
        traversed += x.span[i]!;
        x = x.forward[i]!;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  /** First node with score within the range, or null. */
  firstInScore(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r) || !this.tail || !scoreGteMin(this.tail.score, r)) return null;
    const first = this.header.forward[0];
    if (!first || !scoreLteMax(first.score, r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f && !scoreGteMin(f.score, r); f = x.forward[i]) x = f;
    }
    const n = x.forward[0];
    return n && scoreLteMax(n.score, r) ? n : null;
  }

  /** Last node with score within the range, or null. */
  lastInScore(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r) || !this.tail || !scoreGteMin(this.tail.score, r)) return null;
    const first = this.header.forward[0];
    if (!first || !scoreLteMax(first.score, r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f && scoreLteMax(f.score, r); f = x.forward[i]) x = f;
    }
    return x !== this.header && scoreGteMin(x.score, r) ? x : null;
  }

  firstInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r) || !this.tail || !lexGteMin(this.tail.member, r)) return null;
    const first = this.header.forward[0];
    if (!first || !lexLteMax(first.member, r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f && !lexGteMin(f.member, r); f = x.forward[i]) x = f;
    }
    const n = x.forward[0];
    return n && lexLteMax(n.member, r) ? n : null;
  }

  lastInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r) || !this.tail || !lexGteMin(this.tail.member, r)) return null;
    const first = this.header.forward[0];
    if (!first || !lexLteMax(first.member, r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f && lexLteMax(f.member, r); f = x.forward[i]) x = f;
    }
    return x !== this.header && lexGteMin(x.member, r) ? x : null;
  }

  /** Number of members with score in range (ZCOUNT): O(log n) via ranks. */
  countInScore(r: ScoreRange): number {
    const a = this.firstInScore(r);
    if (!a) return 0;
    const b = this.lastInScore(r)!;
    return this.rank(b.member) - this.rank(a.member) + 1;
  }

  countInLex(r: LexRange): number {
    const a = this.firstInLex(r);
    if (!a) return 0;
    const b = this.lastInLex(r)!;
    return this.rank(b.member) - this.rank(a.member) + 1;
  }

  /** Remove the nodes of ranks [start, end] (0-based, inclusive, already clamped); returns the count. */
  deleteRangeByRank(start: number, end: number): number {
    let n = this.byRank(start);
    let removed = 0;
    for (let i = start; i <= end && n; i++) {
      const next: ZNode | null = n.forward[0]!;
      this.delete(n.member);
      removed++;
      n = next;
    }
    return removed;
  }

  deleteRangeByScore(r: ScoreRange): number {
    let n = this.firstInScore(r);
    let removed = 0;
    while (n && scoreLteMax(n.score, r)) {
      const next: ZNode | null = n.forward[0]!;
      this.delete(n.member);
      removed++;
      n = next;
    }
    return removed;
  }

  deleteRangeByLex(r: LexRange): number {
    let n = this.firstInLex(r);
    let removed = 0;
    while (n && lexLteMax(n.member, r)) {
      const next: ZNode | null = n.forward[0]!;
      this.delete(n.member);
      removed++;
      n = next;
    }
    return removed;
  }

  /** In-order [member, score] pairs. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (let n = this.header.forward[0]; n; n = n.forward[0]!) yield [n.member, n.score];
  }

  /** Check the skiplist invariants (tests). */
  validate(): void {
    let count = 0;
    let prev: ZNode | null = null;
    for (let n = this.header.forward[0]; n; n = n.forward[0]!) {
      if (n.backward !== prev) throw new Error('bad backward link');
      if (prev && !lessThan(prev.score, prev.member, n.score, n.member)) throw new Error('bad order');
      if (this.dict.get(n.member) !== n.score) throw new Error('dict mismatch');
      prev = n;
      count++;
    }
    if (count !== this.dict.size) throw new Error('size mismatch');
    if (this.tail !== prev) throw new Error('bad tail');
    for (let r = 0; r < count; r++) {
      const n = this.byRank(r)!;
      if (this.rank(n.member) !== r) throw new Error('rank mismatch');
    }
  }
}
