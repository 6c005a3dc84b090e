/**
 * The search cache: a set of (linearized-ops key, model state) pairs. Open addressing over a
 * power-of-two Int32Array of slots, keys packed into one growing Int32Array pool: no object per
 * entry, which matters at hundreds of thousands of entries (V8 Map + small typed arrays spent
 * most of the time in allocation and GC).
 */
export class VisitedSet<S> {
  private slots: Int32Array; // entry index + 1; 0 = empty
  private mask: number;
  private hashes: Int32Array;
  private keyOff: Int32Array;
  private keyLen: Int32Array;
  private pool: Int32Array;
  private poolUsed = 0;
  private readonly states: S[] = [];
  size = 0;

  constructor(
    private readonly equal: ((a: S, b: S) => boolean) | undefined,
    initialCapacity = 1024,
  ) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    this.hashes = new Int32Array(initialCapacity);
    this.keyOff = new Int32Array(initialCapacity);
    this.keyLen = new Int32Array(initialCapacity);
    this.pool = new Int32Array(initialCapacity * 4);
  }

  /** Adds the pair unless present; true if it was added (a configuration not seen before). */
  add(hash: number, key: Int32Array, len: number, state: S): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = (Math.imul(hash, 0x9e3779b1) >>> 0) & mask; // spread: hashes may differ only in high bits
    for (;;) {
      const s = slots[i]!;
      if (s === 0) break;
      const e = s - 1;
      if (this.hashes[e] === hash && this.keyLen[e] === len && this.sameKey(e, key, len)) {
        const other = this.states[e]!;
        if (this.equal === undefined ? other === state : this.equal(other, state)) return false;
      }
      i = (i + 1) & mask;
    }
    const e = this.size;
    if (e === this.hashes.length) this.growEntries();
    if (this.poolUsed + len > this.pool.length) this.growPool(len);
    this.hashes[e] = hash;
    this.keyOff[e] = this.poolUsed;
    this.keyLen[e] = len;
    this.pool.set(len === key.length ? key : key.subarray(0, len), this.poolUsed);
    this.poolUsed += len;
    this.states.push(state);
    slots[i] = e + 1;
    this.size = e + 1;
    if (this.size * 2 > slots.length) this.rehash();
    return true;
  }

  private sameKey(e: number, key: Int32Array, len: number): boolean {
    const pool = this.pool;
    const off = this.keyOff[e]!;
    for (let j = 0; j < len; j++) if (pool[off + j] !== key[j]) return false;
    return true;
  }

  private growEntries(): void {
    const n = this.hashes.length * 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes);
    this.keyOff = grow(this.keyOff);
    this.keyLen = grow(this.keyLen);
  }

  private growPool(need: number): void {
    let n = this.pool.length * 2;
    while (n < this.poolUsed + need) n *= 2;
    const b = new Int32Array(n);
    b.set(this.pool.subarray(0, this.poolUsed));
    this.pool = b;
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    const slots = new Int32Array(cap);
    const mask = cap - 1;
    for (let e = 0; e < this.size; e++) {
      let i = (Math.imul(this.hashes[e]!, 0x9e3779b1) >>> 0) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
