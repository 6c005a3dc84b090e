/**
 * A list as a ring-buffer deque: O(1) push/pop at both ends and O(1) indexed access, which is what
 * LINDEX/LRANGE/LSET need. Redis uses a quicklist; the observable behaviour is the same.
 */
export class ListValue {
  private buf: (string | undefined)[];
  private head = 0;
  private len = 0;

  constructor(capacity = 8) {
    this.buf = new Array<string | undefined>(capacity);
  }

  get length(): number {
    return this.len;
  }

  private grow(): void {
    const nb = new Array<string | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.len; i++) nb[i] = this.buf[(this.head + i) % this.buf.length];
    this.buf = nb;
    this.head = 0;
  }

  pushTail(v: string): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[(this.head + this.len) % this.buf.length] = v;
    this.len++;
  }

  pushHead(v: string): void {
    if (this.len === this.buf.length) this.grow();
    this.head = (this.head - 1 + this.buf.length) % this.buf.length;
    this.buf[this.head] = v;
    this.len++;
  }

  popHead(): string | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.len--;
    return v;
  }

  popTail(): string | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) % this.buf.length;
    const v = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    return v;
  }

  /** Element at 0-based index (no negative indexes here), or undefined. */
  at(i: number): string | undefined {
    if (i < 0 || i >= this.len) return undefined;
    return this.buf[(this.head + i) % this.buf.length];
  }

  set(i: number, v: string): void {
    this.buf[(this.head + i) % this.buf.length] = v;
  }

  /** Elements [start, end] inclusive, clamped. */
  range(start: number, end: number): string[] {
    const out: string[] = [];
    for (let i = Math.max(0, start); i <= end && i < this.len; i++) out.push(this.buf[(this.head + i) % this.buf.length]!);
    return out;
  }

  toArray(): string[] {
    return this.range(0, this.len - 1);
  }

  /** Replace the whole content (LINSERT, LREM, LTRIM rebuild: O(n) as in Redis). */
  replaceAll(items: string[]): void {
    let cap = 8;
    while (cap < items.length) cap *= 2;
    this.buf = new Array<string | undefined>(cap);
    for (let i = 0; i < items.length; i++) this.buf[i] = items[i];
    this.head = 0;
    this.len = items.length;
  }

  static from(items: string[]): ListValue {
    const l = new ListValue();
    l.replaceAll(items);
    return l;
  }
}
