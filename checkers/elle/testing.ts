/**
 * Hand-built transactional histories for tests, in the small language of Elle's tests:
 * `ax1ay2` appends 1 to x and 2 to y, `rx12` reads x = [1 2], `ry` reads y = [] (list-append);
 * with `register`, `wx1` writes 1 to x, `rx1` reads 1, `rx` reads nil. Keys are letters, values
 * digits.
 */
import type { Op, OpType } from '../history/types.js';

type RawMop = [string, string, unknown];

export function mops(s: string, register = false): RawMop[] {
  const out: RawMop[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    const f = c === 'a' ? 'append' : c === 'w' ? 'w' : c === 'r' ? 'r' : null;
    if (f === null) throw new Error(`bad mop at ${i} in ${s}`);
    const key = s[i + 1]!;
    i += 2;
    let digits = '';
    while (i < s.length && /\d/.test(s[i]!)) digits += s[i++];
    if (f === 'r') out.push(['r', key, register ? (digits === '' ? null : Number(digits)) : [...digits].map(Number)]);
    else out.push([f, key, Number(digits)]);
  }
  return out;
}

/** The invocation's view: reads unknown. */
function invoked(ms: RawMop[]): RawMop[] {
  return ms.map(([f, k, v]) => (f === 'r' ? [f, k, null] : [f, k, v]));
}

export class TxnHistory {
  readonly ops: Op[] = [];
  private readonly pending = new Map<number, RawMop[]>();

  constructor(private readonly register = false) {}

  private push(process: number, type: OpType, value: unknown): number {
    const index = this.ops.length;
    this.ops.push({ index, time: index * 1_000_000, process, type, f: 'txn', value });
    return index;
  }

  invoke(process: number, txn: string | RawMop[]): number {
    const ms = typeof txn === 'string' ? mops(txn, this.register) : txn;
    this.pending.set(process, ms);
    return this.push(process, 'invoke', invoked(ms));
  }

  /** Completes the process's transaction; `txn` overrides what it did (defaults to the invocation with its reads). */
  complete(process: number, type: Exclude<OpType, 'invoke'> = 'ok', txn?: string | RawMop[]): number {
    const ms = txn === undefined ? this.pending.get(process)! : typeof txn === 'string' ? mops(txn, this.register) : txn;
    this.pending.delete(process);
    return this.push(process, type, type === 'ok' ? ms : invoked(ms));
  }

  /** Invokes and completes at once. Returns the completion's index. */
  txn(process: number, txn: string | RawMop[], type: Exclude<OpType, 'invoke'> = 'ok'): number {
    this.invoke(process, txn);
    return this.complete(process, type);
  }
}
