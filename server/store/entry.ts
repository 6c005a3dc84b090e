import type { ListValue } from './list.js';
import type { Stream } from './stream.js';
import type { ZSet } from './zset.js';

export type RType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** Value representation per type. Strings are latin1 "binary" JS strings (one char per byte). */
export interface TypeValues {
  string: string;
  list: ListValue;
  set: Set<string>;
  zset: ZSet;
  hash: Map<string, string>;
  stream: Stream;
}

export type AnyValue = TypeValues[RType];

/**
 * One key of the keyspace. Metadata lives on the entry (expiry, LRU/LFU clocks, positions in the
 * sampling arrays) so that random sampling for eviction/RANDOMKEY and active expiry are O(1).
 */
export class Entry<T extends RType = RType> {
  /** Absolute unix time in ms, or -1 for no expiry. */
  expireAt = -1;
  /** Last access time in ms (LRU clock). */
  lru: number;
  /** Logarithmic access counter (LFU), as Redis: starts at LFU_INIT_VAL = 5. */
  lfu = 5;
  /** Minutes timestamp of the last LFU decrement. */
  lfuDecr: number;
  /** Index in Db.all (for O(1) random sampling). */
  pos = -1;
  /** Index in Db.volatile, or -1. */
  vpos = -1;
  /**
   * Position of the key in its dict's iteration order (monotonic, global): SCAN stops at keys
   * inserted after the iteration started, so a full SCAN terminates even under constant inserts.
   */
  seq = 0;
  /** Sticky "converted to the big encoding" flag, for OBJECT ENCODING emulation. */
  big = false;

  constructor(
    public readonly key: string,
    public readonly type: T,
    public value: TypeValues[T],
    now: number,
  ) {
    this.lru = now;
    this.lfuDecr = Math.floor(now / 60000);
  }
}
