import { lpEntrySize } from '../persistence/listpack.js';
import { cmpID, diffInt64, fmtID, ID_MIN, idEq, isZeroID, type StreamID, U64_MAX } from './stream-id.js';

/**
 * The stream type (Redis's t_stream.c): entries grouped in nodes exactly as Redis groups them in
 * listpacks under its radix tree, because that grouping is observable (approximate trimming
 * removes whole nodes, XINFO shows radix-tree-keys/nodes, RDB stores one listpack per node).
 * A node's listpack size is tracked in bytes as Redis computes it (stream-node-max-bytes), the
 * entries themselves live as JS values. Consumer groups, consumers and pending entries lists
 * (PELs) as in stream.h.
 */

const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

/** Listpack header (6) + terminator (1). */
const LP_OVERHEAD = 7;

function intSize(v: number | bigint): number {
  return lpEntrySize(String(v));
}

export interface StreamEntry {
  id: StreamID;
  /** Field names, or null when they are the node's master fields (SAMEFIELDS). */
  fields: string[] | null;
  values: string[];
  deleted: boolean;
}

export class StreamNode {
  entries: StreamEntry[] = [];
  /** Live and deleted entries (the master entry's count/deleted fields). */
  count = 0;
  deleted = 0;
  /** Listpack bytes without the count and deleted fields (their size varies with their value). */
  bytes: number;

  constructor(
    readonly master: StreamID,
    readonly masterFields: string[],
  ) {
    let b = LP_OVERHEAD + intSize(masterFields.length) + intSize(0);
    for (const f of masterFields) b += lpEntrySize(f);
    this.bytes = b;
  }

  /** lpBytes of the node's listpack. */
  lpBytes(): number {
    return this.bytes + intSize(this.count) + intSize(this.deleted);
  }

  fieldsOf(e: StreamEntry): string[] {
    return e.fields ?? this.masterFields;
  }

  /** Append an entry, as streamAppendItem writes it. */
  push(e: StreamEntry): void {
    const n = e.values.length;
    let b = intSize(e.fields === null ? FLAG_SAMEFIELDS : 0) + intSize(diffInt64(e.id.ms, this.master.ms)) + intSize(diffInt64(e.id.seq, this.master.seq));
    if (e.fields !== null) {
      b += intSize(n);
      for (const f of e.fields) b += lpEntrySize(f);
    }
    for (const v of e.values) b += lpEntrySize(v);
    b += intSize(e.fields === null ? n + 3 : 2 * n + 4);
    this.bytes += b;
    this.entries.push(e);
    this.count++;
  }

  /** Index of the first entry with id >= `id` (entries.length when none). */
  lowerBound(id: StreamID): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpID(this.entries[mid]!.id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first entry with id > `id`. */
  upperBound(id: StreamID): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpID(this.entries[mid]!.id, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  lastID(): StreamID {
    return this.entries[this.entries.length - 1]!.id;
  }
}

export interface Nack {
  id: StreamID;
  deliveryTime: number;
  deliveryCount: number;
  /** Null only transiently (XCLAIM FORCE creates the NACK before it has an owner). */
  consumer: Consumer | null;
}

/**
 * A PEL (a rax keyed by ID in Redis): a Map kept in ID order. Inserts almost always come in
 * increasing ID order (XREADGROUP delivers new entries); an out-of-order insert marks the map
 * unsorted and the next ordered walk re-sorts it once.
 */
export class Pel {
  private map = new Map<string, Nack>();
  private last: StreamID | null = null;
  private sorted = true;

  get size(): number {
    return this.map.size;
  }

  get(id: StreamID): Nack | undefined {
    return this.map.get(fmtID(id));
  }

  has(id: StreamID): boolean {
    return this.map.has(fmtID(id));
  }

  set(nack: Nack): void {
    const k = fmtID(nack.id);
    if (this.map.has(k)) {
      this.map.set(k, nack);
      return;
    }
    if (this.last !== null && cmpID(nack.id, this.last) < 0) this.sorted = false;
    else this.last = nack.id;
    this.map.set(k, nack);
  }

  delete(id: StreamID): boolean {
    return this.map.delete(fmtID(id));
  }

  /** Entries in ID order. */
  ordered(): IterableIterator<Nack> {
    if (!this.sorted) {
      const all = [...this.map.values()].sort((a, b) => cmpID(a.id, b.id));
      this.map = new Map(all.map((n) => [fmtID(n.id), n]));
      this.sorted = true;
      this.last = all.length > 0 ? all[all.length - 1]!.id : null;
    }
    return this.map.values();
  }

  /** Entries with id >= start, in ID order. */
  *from(start: StreamID): Generator<Nack> {
    for (const n of this.ordered()) if (cmpID(n.id, start) >= 0) yield n;
  }

  first(): Nack | undefined {
    for (const n of this.ordered()) return n;
    return undefined;
  }

  lastNack(): Nack | undefined {
    let l: Nack | undefined;
    for (const n of this.ordered()) l = n;
    return l;
  }
}

export class Consumer {
  readonly pel = new Pel();
  constructor(
    readonly name: string,
    public seenTime: number,
  ) {}
}

/** SCG_INVALID_ENTRIES_READ */
export const INVALID_ENTRIES_READ = -1;

export class ConsumerGroup {
  readonly pel = new Pel();
  readonly consumers = new Map<string, Consumer>();
  constructor(
    readonly name: string,
    public lastId: StreamID,
    public entriesRead: number,
  ) {}

  /** Consumers in name order (a rax in Redis). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

export interface NodeLimits {
  maxBytes: number;
  maxEntries: number;
}

/** STREAM_LISTPACK_MAX_SIZE */
const LISTPACK_MAX_SIZE = 1 << 30;

export type TrimStrategy = { kind: 'maxlen'; maxlen: number } | { kind: 'minid'; minid: StreamID };

export class Stream {
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamID = ID_MIN;
  firstId: StreamID = ID_MIN;
  maxDeletedId: StreamID = ID_MIN;
  entriesAdded = 0;
  groups: Map<string, ConsumerGroup> | null = null;

  /**
   * streamAppendItem with an ID already validated (> lastId). Opens a new node when the tail
   * node is full by Redis's rule (bytes + raw field/value bytes >= max, or entries >= max).
   */
  append(id: StreamID, fieldsAndValues: string[], start: number, limits: NodeLimits): void {
    const numFields = (fieldsAndValues.length - start) >> 1;
    let tail = this.nodes.length > 0 ? this.nodes[this.nodes.length - 1]! : null;
    if (tail !== null) {
      let totLen = 0;
      for (let i = start; i < fieldsAndValues.length; i++) totLen += fieldsAndValues[i]!.length;
      let maxBytes = limits.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      if (tail.lpBytes() + totLen >= maxBytes) tail = null;
      else if (limits.maxEntries && tail.count + tail.deleted >= limits.maxEntries) tail = null;
    }
    const values: string[] = new Array<string>(numFields);
    for (let i = 0; i < numFields; i++) values[i] = fieldsAndValues[start + 2 * i + 1]!;
    if (tail === null) {
      const fields: string[] = new Array<string>(numFields);
      for (let i = 0; i < numFields; i++) fields[i] = fieldsAndValues[start + 2 * i]!;
      tail = new StreamNode(id, fields);
      this.nodes.push(tail);
      tail.push({ id, fields: null, values, deleted: false });
    } else {
      const mf = tail.masterFields;
      let same = mf.length === numFields;
      for (let i = 0; same && i < numFields; i++) if (mf[i] !== fieldsAndValues[start + 2 * i]) same = false;
      let fields: string[] | null = null;
      if (!same) {
        fields = new Array<string>(numFields);
        for (let i = 0; i < numFields; i++) fields[i] = fieldsAndValues[start + 2 * i]!;
      }
      tail.push({ id, fields, values, deleted: false });
    }
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** Index of the node that may hold `id` (the last node whose master ID <= id), or -1. */
  private nodeIndexFor(id: StreamID): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpID(this.nodes[mid]!.master, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Live entries with start <= id <= end, in order (or reverse), each with its node. */
  *range(start: StreamID, end: StreamID, rev = false): Generator<[StreamEntry, StreamNode]> {
    if (cmpID(start, end) > 0) return;
    if (!rev) {
      let ni = Math.max(0, this.nodeIndexFor(start));
      for (; ni < this.nodes.length; ni++) {
        const node = this.nodes[ni]!;
        if (cmpID(node.master, end) > 0) return;
        const es = node.entries;
        for (let i = node.lowerBound(start); i < es.length; i++) {
          const e = es[i]!;
          if (cmpID(e.id, end) > 0) return;
          if (!e.deleted) yield [e, node];
        }
      }
    } else {
      for (let ni = this.nodeIndexFor(end); ni >= 0; ni--) {
        const node = this.nodes[ni]!;
        const es = node.entries;
        if (es.length > 0 && cmpID(node.lastID(), start) < 0) return;
        for (let i = node.upperBound(end) - 1; i >= 0; i--) {
          const e = es[i]!;
          if (cmpID(e.id, start) < 0) return;
          if (!e.deleted) yield [e, node];
        }
      }
    }
  }

  /** The live entry with this ID, if any. */
  find(id: StreamID): [StreamEntry, StreamNode] | null {
    const ni = this.nodeIndexFor(id);
    if (ni < 0) return null;
    const node = this.nodes[ni]!;
    const i = node.lowerBound(id);
    const e = node.entries[i];
    if (e === undefined || e.deleted || !idEq(e.id, id)) return null;
    return [e, node];
  }

  /** streamDeleteItem: tombstone the entry; a node left without live entries goes away. */
  deleteEntry(id: StreamID): boolean {
    const ni = this.nodeIndexFor(id);
    if (ni < 0) return false;
    const node = this.nodes[ni]!;
    const i = node.lowerBound(id);
    const e = node.entries[i];
    if (e === undefined || e.deleted || !idEq(e.id, id)) return false;
    if (node.count === 1) {
      this.nodes.splice(ni, 1);
    } else {
      e.deleted = true;
      node.count--;
      node.deleted++;
    }
    this.length--;
    return true;
  }

  /** streamGetEdgeID: the first (or last) live ID; with none, 0-0 (first) / max (last). */
  edgeID(first: boolean): StreamID {
    if (first) {
      for (const [e] of this.range(ID_MIN, { ms: U64_MAX, seq: U64_MAX })) return e.id;
      return { ms: U64_MAX, seq: U64_MAX };
    }
    for (const [e] of this.range(ID_MIN, { ms: U64_MAX, seq: U64_MAX }, true)) return e.id;
    return ID_MIN;
  }

  /** streamLastValidID (0-0 for an empty stream). */
  lastValidID(): StreamID {
    if (this.length === 0) return ID_MIN;
    return this.edgeID(false);
  }

  /**
   * streamTrim: remove entries from the head by MAXLEN or MINID, whole nodes first; with
   * `approx` only whole nodes. `limit` (0 = none) caps the entries removed. Returns the count.
   */
  trim(strategy: TrimStrategy, approx: boolean, limit: number): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (strategy.kind === 'maxlen' && this.length <= strategy.maxlen) break;
      const node = this.nodes[0]!;
      const entries = node.count;
      if (limit && deleted + entries > limit) break;
      let removeNode: boolean;
      if (strategy.kind === 'maxlen') removeNode = this.length - entries >= strategy.maxlen;
      else removeNode = cmpID(node.lastID(), strategy.minid) < 0;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      let fromNode = 0;
      for (const e of node.entries) {
        const stop = strategy.kind === 'maxlen' ? this.length <= strategy.maxlen : cmpID(e.id, strategy.minid) >= 0;
        if (stop) break;
        if (!e.deleted) {
          e.deleted = true;
          fromNode++;
          this.length--;
        }
      }
      node.count -= fromNode;
      node.deleted += fromNode;
      deleted += fromNode;
      break;
    }
    if (this.length === 0) this.firstId = ID_MIN;
    else if (deleted) this.firstId = this.edgeID(true);
    return deleted;
  }

  /** Does [start, end] contain a tombstone (streamRangeHasTombstones)? */
  rangeHasTombstones(start: StreamID | null, end: StreamID | null): boolean {
    if (this.length === 0 || isZeroID(this.maxDeletedId)) return false;
    if (cmpID(this.firstId, this.maxDeletedId) > 0) return false;
    const s = start ?? ID_MIN;
    const e = end ?? { ms: U64_MAX, seq: U64_MAX };
    return cmpID(s, this.maxDeletedId) <= 0 && cmpID(this.maxDeletedId, e) <= 0;
  }

  /** streamEstimateDistanceFromFirstEverEntry: an ID's logical read counter, or -1. */
  estimateDistance(id: StreamID): number {
    if (!this.entriesAdded) return 0;
    if (!this.length && cmpID(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = cmpID(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return INVALID_ENTRIES_READ;
    const cmpFirst = cmpID(id, this.firstId);
    if (isZeroID(this.maxDeletedId) || cmpID(this.maxDeletedId, this.firstId) < 0) {
      if (cmpFirst < 0) return this.entriesAdded - this.length;
      if (cmpFirst === 0) return this.entriesAdded - this.length + 1;
    }
    return INVALID_ENTRIES_READ;
  }

  /** A consumer group's lag (streamReplyWithCGLag), null when unknown. */
  groupLag(g: ConsumerGroup): number | null {
    if (!this.entriesAdded) return 0;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId, null)) return this.entriesAdded - g.entriesRead;
    const read = this.estimateDistance(g.lastId);
    return read !== INVALID_ENTRIES_READ ? this.entriesAdded - read : null;
  }

  createGroup(name: string, lastId: StreamID, entriesRead: number): ConsumerGroup | null {
    if (this.groups === null) this.groups = new Map();
    if (this.groups.has(name)) return null;
    const g = new ConsumerGroup(name, lastId, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  group(name: string): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** Groups in name order (a rax in Redis). */
  sortedGroups(): ConsumerGroup[] {
    if (this.groups === null) return [];
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The number of nodes of Redis's radix tree over the node keys (16-byte big-endian master
   * IDs), in the compressed form rax keeps: the head, every branching point, every leaf, and
   * every child of a branching point (a compressed chain in between is one node).
   */
  raxNodes(): number {
    const keys = this.nodes.map((n) => {
      const b = Buffer.alloc(16);
      b.writeBigUInt64BE(BigInt(n.master.ms), 0);
      b.writeBigUInt64BE(BigInt(n.master.seq), 8);
      return b.toString('latin1');
    });
    if (keys.length === 0) return 1;
    // Prefixes that are branching points: two adjacent sorted keys share exactly one.
    const branch = new Set<string>();
    for (let i = 1; i < keys.length; i++) {
      const a = keys[i - 1]!;
      const b = keys[i]!;
      let l = 0;
      while (l < 16 && a.charCodeAt(l) === b.charCodeAt(l)) l++;
      branch.add(a.slice(0, l));
    }
    const nodes = new Set<string>(['']);
    for (const p of branch) nodes.add(p);
    for (const k of keys) {
      nodes.add(k);
      // The child node under each branching point on the key's path.
      for (let l = 0; l < 16; l++) if (branch.has(k.slice(0, l))) nodes.add(k.slice(0, l + 1));
    }
    return nodes.size;
  }

  /** A deep copy (COPY). */
  clone(): Stream {
    const s = new Stream();
    for (const n of this.nodes) {
      const m = new StreamNode(n.master, n.masterFields);
      m.entries = n.entries.map((e) => ({ ...e }));
      m.count = n.count;
      m.deleted = n.deleted;
      m.bytes = n.bytes;
      s.nodes.push(m);
    }
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups !== null) {
      for (const g of this.groups.values()) {
        const ng = s.createGroup(g.name, g.lastId, g.entriesRead)!;
        for (const c of g.consumers.values()) ng.consumers.set(c.name, new Consumer(c.name, c.seenTime));
        for (const n of g.pel.ordered()) {
          const owner = n.consumer ? ng.consumers.get(n.consumer.name)! : null;
          const nn: Nack = { id: n.id, deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: owner };
          ng.pel.set(nn);
          owner?.pel.set(nn);
        }
      }
    }
    return s;
  }
}
