import { Entry, type RType, type TypeValues } from './entry.js';

/** What a database needs from the server around it: time, role, and side effects of changes. */
export interface DbHooks {
  /** Current unix time in ms (cached per event-loop turn, as Redis's mstime cache). */
  now(): number;
  /** Replicas never expire keys themselves: they wait for the master's DEL (Redis semantics). */
  isReplica(): boolean;
  /**
   * True while a replica applies its master's stream: the master's commands see keys as they
   * are, expired or not (Redis's expireIfNeeded for the master client). Set by replication.
   */
  applyingMasterStream?: boolean;
  /** A key expired on access or in the active cycle: propagate DEL, notify, count. */
  onExpired(db: Db, key: string): void;
  /** A key was changed: invalidate WATCH, wake blocked clients. */
  onModified(db: Db, key: string): void;
  /** A key that did not exist was added (Redis's dbAdd: the "new" keyspace event). */
  onNewKey?: (db: Db, key: string) => void;
  /** Optional access bookkeeping beyond the LRU clock (LFU counters). */
  touchEntry?: (e: Entry) => void;
}

/**
 * A secondary index over a db's keys (the cluster's per-slot key index). Null on a Db unless
 * cluster mode attached one, so a standalone server pays one null check per insert/delete.
 */
export interface KeyIndex {
  add(key: string): void;
  remove(key: string): void;
  clear(): void;
}

/** Global insertion counter behind Entry.seq (global so SWAPDB keeps every dict's order monotonic). */
let seqCounter = 0;
export function currentSeq(): number {
  return seqCounter;
}

/** One logical database (SELECT n): the dict plus sampling arrays for random access. */
export class Db {
  dict = new Map<string, Entry>();
  /** Every entry, for O(1) random sampling (RANDOMKEY, allkeys-* eviction). */
  all: Entry[] = [];
  /** Entries with an expiry, for volatile-* eviction and the active expire cycle. */
  volatile: Entry[] = [];
  /** Cursor for the active expire cycle (round-robin over `volatile`). */
  expireCursor = 0;
  /**
   * Set by persistence while a snapshot is being written (persistence/snapshot.ts): called with
   * every entry handed out by lookup/peek, before the caller can change it, so that the
   * snapshot can copy the entry's old state first (copy-on-write without fork).
   */
  onAccess: ((e: Entry) => void) | null = null;
  /** Cluster mode's per-slot index of db 0 (see KeyIndex). */
  index: KeyIndex | null = null;

  constructor(
    public id: number,
    public hooks: DbHooks,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  get expiresCount(): number {
    return this.volatile.length;
  }

  /** Whether an entry is logically expired (works on replicas too, which only hide it). */
  isExpired(e: Entry, now = this.hooks.now()): boolean {
    return e.expireAt >= 0 && e.expireAt <= now;
  }

  /**
   * Look up a key, expiring it lazily. On a replica an expired key is reported missing but kept
   * (the master will send DEL). Touches the LRU/LFU clocks unless `noTouch`.
   */
  lookup(key: string, noTouch = false): Entry | undefined {
    const e = this.dict.get(key);
    if (e === undefined) return undefined;
    if (this.onAccess !== null) this.onAccess(e);
    if (e.expireAt >= 0 && e.expireAt <= this.hooks.now()) {
      if (this.hooks.isReplica()) {
        if (!this.hooks.applyingMasterStream) return undefined;
      } else {
        this.delete(key);
        this.hooks.onExpired(this, key);
        return undefined;
      }
    }
    if (!noTouch) {
      e.lru = this.hooks.now();
      if (this.hooks.touchEntry) this.hooks.touchEntry(e);
    }
    return e;
  }

  /** Look up without expiring or touching (for SCAN-like iteration, DEBUG, persistence). */
  peek(key: string): Entry | undefined {
    const e = this.dict.get(key);
    if (e !== undefined && this.onAccess !== null) this.onAccess(e);
    return e;
  }

  /** Add or overwrite a key with a fresh entry (clears any TTL, as SET does). */
  set<T extends RType>(key: string, type: T, value: TypeValues[T]): Entry<T> {
    const old = this.dict.get(key);
    if (old !== undefined) this.unlinkEntry(old);
    const e = new Entry<T>(key, type, value, this.hooks.now());
    // Overwriting keeps the key's place in the Map's iteration order, so it keeps its seq.
    e.seq = old !== undefined ? old.seq : ++seqCounter;
    e.pos = this.all.length;
    this.all.push(e);
    this.dict.set(key, e);
    if (old === undefined && this.index !== null) this.index.add(key);
    if (old === undefined) this.hooks.onNewKey?.(this, key);
    return e;
  }

  /** Insert an existing entry object (RENAME/MOVE/COPY/RESTORE keep metadata). */
  insert(e: Entry): void {
    const old = this.dict.get(e.key);
    if (old !== undefined) this.unlinkEntry(old);
    e.seq = old !== undefined ? old.seq : ++seqCounter;
    e.pos = this.all.length;
    this.all.push(e);
    e.vpos = -1;
    if (e.expireAt >= 0) {
      e.vpos = this.volatile.length;
      this.volatile.push(e);
    }
    this.dict.set(e.key, e);
    if (old === undefined && this.index !== null) this.index.add(e.key);
    if (old === undefined) this.hooks.onNewKey?.(this, e.key);
  }

  delete(key: string): boolean {
    const e = this.dict.get(key);
    if (e === undefined) return false;
    this.unlinkEntry(e);
    this.dict.delete(key);
    if (this.index !== null) this.index.remove(key);
    return true;
  }

  private unlinkEntry(e: Entry): void {
    swapRemove(this.all, e.pos, 'pos');
    e.pos = -1;
    if (e.vpos >= 0) {
      swapRemove(this.volatile, e.vpos, 'vpos');
      e.vpos = -1;
    }
  }

  setExpire(e: Entry, at: number): void {
    e.expireAt = at;
    if (e.vpos < 0) {
      e.vpos = this.volatile.length;
      this.volatile.push(e);
    }
  }

  removeExpire(e: Entry): boolean {
    if (e.expireAt < 0) return false;
    e.expireAt = -1;
    if (e.vpos >= 0) {
      swapRemove(this.volatile, e.vpos, 'vpos');
      e.vpos = -1;
    }
    return true;
  }

  /** A uniformly random live key (expired ones are removed on the way, as dictGetRandomKey + expire). */
  randomKey(): string | null {
    for (let tries = 0; this.all.length > 0; tries++) {
      const e = this.all[Math.floor(Math.random() * this.all.length)]!;
      if (this.isExpired(e)) {
        // On a replica we cannot delete; after many tries return the expired key, as Redis does.
        if (this.hooks.isReplica()) {
          if (tries > 100) return e.key;
          continue;
        }
        this.lookup(e.key, true);
        continue;
      }
      return e.key;
    }
    return null;
  }

  clear(): void {
    this.dict = new Map();
    this.all = [];
    this.volatile = [];
    this.expireCursor = 0;
    if (this.index !== null) this.index.clear();
  }

  /** Rebuild the index from the dict (after the dict was swapped in wholesale: a rolled-back load). */
  reindex(): void {
    if (this.index === null) return;
    this.index.clear();
    for (const key of this.dict.keys()) this.index.add(key);
  }

  /** Exchange contents with another db (SWAPDB). */
  swapWith(other: Db): void {
    const t = { dict: this.dict, all: this.all, volatile: this.volatile };
    this.dict = other.dict;
    this.all = other.all;
    this.volatile = other.volatile;
    other.dict = t.dict;
    other.all = t.all;
    other.volatile = t.volatile;
    this.expireCursor = other.expireCursor = 0;
    this.reindex();
    other.reindex();
  }
}

function swapRemove(arr: Entry[], i: number, field: 'pos' | 'vpos'): void {
  const last = arr.pop()!;
  if (i < arr.length) {
    arr[i] = last;
    last[field] = i;
  }
}
