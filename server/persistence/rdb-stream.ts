import { Consumer, type Nack, Stream, StreamNode } from '../store/stream.js';
import { addDelta, decodeID, diffInt64, encodeID, type StreamID, type U64, u64, u64Big } from '../store/stream-id.js';
import { FormatError } from './codec-util.js';
import { lpDecode, lpEncode } from './listpack.js';
import type { RdbReader } from './rdb-reader.js';
import type { RdbEncoder } from './rdb-writer.js';

/**
 * Streams in RDB as Redis 7.0 writes them (RDB_TYPE_STREAM_LISTPACKS_2): one listpack per node,
 * keyed by its 16-byte master ID, in the node layout of t_stream.c (master entry, then entries
 * with flags, ID deltas, optional fields, values and lp-count); then length, last/first/max
 * deleted IDs, entries added, and the consumer groups with their PELs and consumers.
 */

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

/** rdbSaveLen of a full uint64 (entries_read -1 is written as 2^64 - 1). */
function lenU64(enc: RdbEncoder, v: U64): void {
  if (typeof v === 'number' && v >= 0) {
    enc.len(v);
    return;
  }
  const b = typeof v === 'bigint' ? v : BigInt.asUintN(64, BigInt(v));
  enc.ensure(9);
  enc.buf[enc.pos] = 0x81;
  enc.buf.writeBigUInt64BE(b, enc.pos + 1);
  enc.pos += 9;
}

function readLenU64(r: RdbReader): U64 {
  const b = r.buf[r.pos];
  if (b === 0x81) {
    r.need(9);
    const v = r.buf.readBigUInt64BE(r.pos + 1);
    r.pos += 9;
    return u64(v);
  }
  return r.len();
}

function msTime(enc: RdbEncoder, t: number): void {
  enc.msTime(t);
}

function nodeListpack(node: StreamNode): Buffer {
  const items: string[] = [String(node.count), String(node.deleted), String(node.masterFields.length), ...node.masterFields, '0'];
  const m = node.master;
  for (const e of node.entries) {
    const same = e.fields === null;
    items.push(String((same ? FLAG_SAMEFIELDS : 0) | (e.deleted ? FLAG_DELETED : 0)), String(diffInt64(e.id.ms, m.ms)), String(diffInt64(e.id.seq, m.seq)));
    const n = e.values.length;
    if (same) {
      for (const v of e.values) items.push(v);
      items.push(String(n + 3));
    } else {
      items.push(String(n));
      for (let i = 0; i < n; i++) items.push(e.fields![i]!, e.values[i]!);
      items.push(String(2 * n + 4));
    }
  }
  return lpEncode(items);
}

function writeID(enc: RdbEncoder, id: StreamID): void {
  lenU64(enc, id.ms);
  lenU64(enc, id.seq);
}

export function encodeStream(enc: RdbEncoder, s: Stream): void {
  enc.len(s.nodes.length);
  const key = Buffer.alloc(16);
  for (const node of s.nodes) {
    encodeID(node.master, key);
    enc.blob(key);
    enc.blob(nodeListpack(node));
  }
  enc.len(s.length);
  writeID(enc, s.lastId);
  writeID(enc, s.firstId);
  writeID(enc, s.maxDeletedId);
  enc.len(s.entriesAdded);
  const groups = s.sortedGroups();
  enc.len(groups.length);
  const raw = Buffer.alloc(16);
  for (const g of groups) {
    enc.string(g.name);
    writeID(enc, g.lastId);
    lenU64(enc, g.entriesRead);
    enc.len(g.pel.size);
    for (const n of g.pel.ordered()) {
      encodeID(n.id, raw);
      enc.bytes(raw);
      msTime(enc, n.deliveryTime);
      enc.len(n.deliveryCount);
    }
    const conss = g.sortedConsumers();
    enc.len(conss.length);
    for (const x of conss) {
      enc.string(x.name);
      msTime(enc, x.seenTime);
      enc.len(x.pel.size);
      for (const n of x.pel.ordered()) {
        encodeID(n.id, raw);
        enc.bytes(raw);
      }
    }
  }
}

function int(s: string | undefined): number | bigint {
  if (s === undefined || !/^-?\d+$/.test(s)) throw new FormatError('stream listpack: integer expected');
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
}

function smallInt(s: string | undefined): number {
  const v = int(s);
  if (typeof v !== 'number' || v < 0) throw new FormatError('stream listpack: bad count');
  return v;
}

/** Rebuild a node from its listpack (streamValidateListpackIntegrity's checks, shallow). */
function decodeNode(master: StreamID, lp: Buffer): StreamNode {
  const items = lpDecode(lp);
  if (items.length === 0) throw new FormatError('Empty listpack inside stream');
  let p = 0;
  const count = smallInt(items[p++]);
  const deleted = smallInt(items[p++]);
  const nf = smallInt(items[p++]);
  const masterFields = items.slice(p, p + nf);
  if (masterFields.length !== nf) throw new FormatError('stream listpack: truncated master entry');
  p += nf;
  if (items[p++] !== '0') throw new FormatError('stream listpack: bad master entry terminator');
  const node = new StreamNode(master, masterFields);
  while (p < items.length) {
    const flags = smallInt(items[p++]);
    const id: StreamID = { ms: addDelta(master.ms, int(items[p++])), seq: addDelta(master.seq, int(items[p++])) };
    let fields: string[] | null = null;
    let values: string[];
    if (flags & FLAG_SAMEFIELDS) {
      values = items.slice(p, p + nf);
      p += nf;
    } else {
      const n = smallInt(items[p++]);
      fields = [];
      values = [];
      for (let i = 0; i < n; i++) {
        fields.push(items[p++]!);
        values.push(items[p++]!);
      }
    }
    if (p >= items.length) throw new FormatError('stream listpack: truncated entry');
    p++; // lp-count
    node.push({ id, fields, values, deleted: false });
    if (flags & FLAG_DELETED) node.entries[node.entries.length - 1]!.deleted = true;
  }
  if (node.entries.filter((e) => !e.deleted).length !== count) throw new FormatError('stream listpack: live count mismatch');
  node.count = count;
  node.deleted = deleted;
  return node;
}

function readID(r: RdbReader): StreamID {
  return { ms: readLenU64(r), seq: readLenU64(r) };
}

function readRawID(r: RdbReader): StreamID {
  r.need(16);
  const id = decodeID(r.buf, r.pos);
  r.pos += 16;
  return id;
}

function readMsTime(r: RdbReader): number {
  r.need(8);
  const v = r.buf.readBigInt64LE(r.pos);
  r.pos += 8;
  return Number(v);
}

/** RDB_TYPE_STREAM_LISTPACKS (15), _2 (19, Redis 7.0) and _3 (21, 7.2: consumers' active time). */
export function decodeStream(r: RdbReader, version: 1 | 2 | 3): Stream {
  const s = new Stream();
  const nodes = r.len();
  for (let i = 0; i < nodes; i++) {
    const key = r.blob();
    if (key.length !== 16) throw new FormatError('Stream node key entry is not the size of a stream ID');
    const master = decodeID(key);
    r.encodedBlobs++;
    const node = decodeNode(master, r.blob());
    const prev = s.nodes[s.nodes.length - 1];
    if (prev !== undefined && u64Big(prev.master.ms) * 2n ** 64n + u64Big(prev.master.seq) >= u64Big(master.ms) * 2n ** 64n + u64Big(master.seq)) {
      throw new FormatError('Listpack re-added with existing key');
    }
    s.nodes.push(node);
  }
  s.length = r.len();
  s.lastId = readID(r);
  if (version >= 2) {
    s.firstId = readID(r);
    s.maxDeletedId = readID(r);
    s.entriesAdded = r.len();
  } else {
    s.entriesAdded = s.length;
    s.firstId = s.length ? s.edgeID(true) : { ms: 0, seq: 0 };
  }
  let live = 0;
  for (const n of s.nodes) live += n.count;
  if (live !== s.length) throw new FormatError('Stream length inconsistent with rax entries');
  const ngroups = r.len();
  for (let i = 0; i < ngroups; i++) {
    const name = r.string();
    const lastId = readID(r);
    let entriesRead: number;
    if (version >= 2) {
      const v = readLenU64(r);
      entriesRead = typeof v === 'bigint' ? -1 : v;
    } else entriesRead = s.estimateDistance(lastId);
    const g = s.createGroup(name, lastId, entriesRead);
    if (g === null) throw new FormatError(`Duplicated consumer group name ${name}`);
    const pelSize = r.len();
    for (let j = 0; j < pelSize; j++) {
      const id = readRawID(r);
      const nack: Nack = { id, deliveryTime: readMsTime(r), deliveryCount: r.len(), consumer: null };
      if (g.pel.has(id)) throw new FormatError('Duplicated global PEL entry loading stream consumer group');
      g.pel.set(nack);
    }
    const nconsumers = r.len();
    for (let j = 0; j < nconsumers; j++) {
      const cname = r.string();
      if (g.consumers.has(cname)) throw new FormatError('Duplicate stream consumer detected.');
      const seen = readMsTime(r);
      if (version >= 3) readMsTime(r); // active-time (7.2)
      const cons = new Consumer(cname, seen);
      g.consumers.set(cname, cons);
      const n = r.len();
      for (let k = 0; k < n; k++) {
        const id = readRawID(r);
        const nack = g.pel.get(id);
        if (nack === undefined) throw new FormatError('Consumer entry not found in group global PEL');
        if (nack.consumer !== null) throw new FormatError('Duplicated consumer PEL entry  loading a stream consumer group');
        nack.consumer = cons;
        cons.pel.set(nack);
      }
    }
    for (const n of g.pel.ordered()) if (n.consumer === null) throw new FormatError('Stream CG PEL entry without consumer');
  }
  return s;
}
