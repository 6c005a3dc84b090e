import type { Stream } from './stream.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import type { Db } from './db.js';
import type { Entry } from './entry.js';

/**
 * Used-memory estimate (INFO used_memory, maxmemory enforcement, MEMORY USAGE).
 *
 * Node gives no per-object allocation figures, so we estimate the way Redis's allocator would
 * count, close enough that a maxmemory limit bounds a dataset about where Redis would:
 *
 *   used_memory = BASELINE (what an empty Redis 7.0 reports, ~0.86 MB)
 *               + per connected client CLIENT_OVERHEAD + its pending output
 *               + per key: DICT_ENTRY (dictEntry + robj + key sds header) + key bytes
 *                          + EXPIRE_ENTRY when the key has a TTL
 *                          + the value: a string's bytes (+ sds header),
 *                            a collection's elements: count × (ELEM_OVERHEAD + average length)
 *
 * A collection's average element length is estimated from up to SAMPLE elements, so the cost
 * per key is O(1) even for a million-element list. Per-element overhead is that of Redis's big
 * encodings (dict entry + sds, quicklist node share, skiplist node); small collections in Redis
 * use listpacks and are cheaper, so we over-estimate those by a constant factor, which only
 * makes eviction start a little earlier.
 *
 * The dataset figure is maintained incrementally (every key change goes through
 * server.signalModifiedKey → hooks.onKeyModified), and re-computed from scratch after
 * FLUSH*, SWAPDB, loading, and once a second by the cron to correct any drift.
 */
export const BASELINE = 860_000;
export const CLIENT_OVERHEAD = 20_496;

/**
 * One client's memory as we approximate it (INFO mem_clients_*, maxmemory-clients): the fixed
 * overhead plus its query buffer (a big argument being received included) and the output not yet
 * written (ours and the socket's).
 */
export function clientMemory(c: Client): number {
  return CLIENT_OVERHEAD + c.out.length + c.parser.buffered + (c.socket?.writableLength ?? 0);
}
const DICT_ENTRY = 24 /* dictEntry */ + 16 /* robj */ + 3 /* sds hdr */ + 1 /* nul */ + 8 /* bucket share */;
const EXPIRE_ENTRY = 24 + 8;
const ELEM_OVERHEAD: Record<string, number> = { list: 11, set: 40, hash: 56, zset: 72 };
const SAMPLE = 8;

/** Estimated bytes of one key with its value (MEMORY USAGE's figure). */
export function entrySize(e: Entry): number {
  let n = DICT_ENTRY + e.key.length + (e.expireAt >= 0 ? EXPIRE_ENTRY : 0);
  switch (e.type) {
    case 'string': {
      const v = e.value as string;
      // Integers fitting a long are stored in the robj itself (no sds allocation).
      n += v.length <= 20 && isIntLike(v) ? 0 : v.length + 4;
      break;
    }
    case 'list': {
      const l = e.value as { length: number; at(i: number): string | undefined };
      const cnt = l.length;
      let sum = 0;
      const k = Math.min(cnt, SAMPLE);
      for (let i = 0; i < k; i++) sum += l.at(Math.floor((i * cnt) / k))?.length ?? 0;
      n += 48 + cnt * (ELEM_OVERHEAD.list! + (k ? sum / k : 0));
      break;
    }
    case 'set':
    case 'hash':
    case 'zset': {
      const coll = collectionOf(e);
      const cnt = coll.size;
      let sum = 0;
      let k = 0;
      for (const [a, b] of coll.sample) {
        sum += a.length + (typeof b === 'string' ? b.length : 0);
        if (++k >= SAMPLE) break;
      }
      n += 64 + cnt * (ELEM_OVERHEAD[e.type]! + (k ? sum / k : 0));
      break;
    }
    case 'stream': {
      // Listpack nodes (their byte sizes are tracked as Redis lays them out) plus the rax.
      const s = e.value as Stream;
      for (const node of s.nodes) n += node.lpBytes() + 32;
      n += 128;
      break;
    }
  }
  return Math.round(n);
}

/** Uniform view over set/hash/zset values: element count and an iterator of [member, value]. */
function collectionOf(e: Entry): { size: number; sample: Iterable<[string, unknown]> } {
  const v = e.value as unknown;
  if (v instanceof Set) return { size: v.size, sample: pairsOfSet(v) };
  if (v instanceof Map) return { size: v.size, sample: v.entries() };
  // Sorted sets expose their member → score dict (store/zset.ts).
  const z = v as { dict?: Map<string, number>; size?: number };
  if (z.dict instanceof Map) return { size: z.dict.size, sample: z.dict.entries() };
  return { size: z.size ?? 0, sample: [] };
}

function* pairsOfSet(s: Set<string>): Generator<[string, unknown]> {
  for (const m of s) yield [m, undefined];
}

function isIntLike(s: string): boolean {
  if (s.length === 0) return false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === s.length) return false;
  if (s.charCodeAt(i) === 48 && s.length > i + 1) return false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Incremental dataset accounting for one server. */
export class MemoryTracker {
  /** Estimated bytes per key, "dbid\0key" → bytes. */
  private sizes = new Map<string, number>();
  dataset = 0;
  peak = 0;
  /**
   * Per-key tracking costs a map update per write, so it runs only while maxmemory is set;
   * otherwise INFO re-scans after writes (at most once a second for big datasets).
   */
  private enabled = false;
  private scannedAt = -Infinity;
  private scannedDirty = -1;

  constructor(private readonly server: Server) {}

  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    if (on) this.rescan();
    else this.sizes.clear();
  }

  get tracking(): boolean {
    return this.enabled;
  }

  /** Recompute everything from the keyspace. */
  rescan(): void {
    this.sizes.clear();
    this.dataset = 0;
    this.scannedAt = Date.now();
    this.scannedDirty = this.server.dirty;
    for (const db of this.server.dbs) {
      for (const e of db.dict.values()) {
        const n = entrySize(e);
        if (this.enabled) this.sizes.set(db.id + '\0' + e.key, n);
        this.dataset += n;
      }
    }
  }

  /** A key changed (written, deleted, expired, evicted). */
  keyChanged(db: Db, key: string): void {
    if (!this.enabled) return;
    const id = db.id + '\0' + key;
    const old = this.sizes.get(id) ?? 0;
    const e = db.dict.get(key);
    const now = e ? entrySize(e) : 0;
    if (e) this.sizes.set(id, now);
    else this.sizes.delete(id);
    this.dataset += now - old;
  }

  /**
   * Client-side memory, as Redis counts it in used_memory: connection structures, query buffers
   * (a big argument being received included) and output not yet written. `replicas`: only the
   * replica links (mem_clients_slaves), else only the others (mem_clients_normal).
   */
  clientsMemory(replicas?: boolean): number {
    let n = 0;
    for (const c of this.server.clients.values()) {
      if (replicas !== undefined && c.isReplica !== replicas) continue;
      n += clientMemory(c);
    }
    return n;
  }

  /** The replication backlog's buffers (mem_replication_backlog). */
  backlogMemory(): number {
    return this.server.repl.backlog?.allocated ?? 0;
  }

  /** INFO used_memory. */
  used(): number {
    if (!this.enabled && this.server.dirty !== this.scannedDirty) {
      // Small datasets are re-scanned after any write; big ones at most once a second.
      let keys = 0;
      for (const db of this.server.dbs) keys += db.size;
      if (keys < 100_000 || Date.now() - this.scannedAt > 1000) this.rescan();
    }
    const u = BASELINE + this.dataset + this.clientsMemory() + this.backlogMemory();
    if (u > this.peak) this.peak = u;
    return u;
  }
}

/** Redis's bytesToHuman: B, K, M, G, T, P with two decimals. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n;
  for (let i = 0; i < units.length; i++) {
    d /= 1024;
    if (d < 1024 || i === units.length - 1) return `${d.toFixed(2)}${units[i]}`;
  }
  return `${n}B`;
}
