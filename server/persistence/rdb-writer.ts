import type { Server } from '../server.js';
import type { Entry } from '../store/entry.js';
import type { ListValue } from '../store/list.js';
import type { Stream } from '../store/stream.js';
import type { ZSet } from '../store/zset.js';
import { REDIS_VERSION } from '../version.js';
import { ByteBuilder, exactInt64 } from './codec-util.js';
import { Crc64 } from './crc64.js';
import { asIntsetMembers, intsetEncode } from './intset.js';
import { lpEncode, lpEntrySize } from './listpack.js';
import { lzfCompress } from './lzf.js';
import { OP, QUICKLIST_NODE_CONTAINER_PACKED, RDB_VERSION, T } from './rdb-format.js';
import { encodeStream } from './rdb-stream.js';
import { d2string, zsetSorted } from './values.js';

/** Replication info stored in aux fields (set by the replication layer). */
export interface RdbSaveOptions {
  replId?: string;
  replOffset?: number;
  /** repl-stream-db aux field (Redis writes it with repl-id/repl-offset); default 0. */
  replStreamDb?: number;
  /** Written as the base of an AOF (aof-base 1; expired keys are kept on load). */
  aofBase?: boolean;
}

/** Encoding thresholds and switches read from the config once per save. */
export interface EncodeParams {
  compress: boolean;
  checksum: boolean;
  hashEntries: number;
  hashValue: number;
  zsetEntries: number;
  zsetValue: number;
  intsetEntries: number;
  listFill: number;
  saveLru: boolean;
  saveLfu: boolean;
}

export function encodeParams(server: Server): EncodeParams {
  const cfg = server.config;
  const policy = cfg.maxmemoryPolicy;
  return {
    compress: cfg.rdbcompression,
    checksum: cfg.rdbchecksum,
    hashEntries: cfg.hashMaxListpackEntries,
    hashValue: cfg.hashMaxListpackValue,
    zsetEntries: cfg.zsetMaxListpackEntries,
    zsetValue: cfg.zsetMaxListpackValue,
    intsetEntries: cfg.setMaxIntsetEntries,
    listFill: cfg.listMaxListpackSize,
    saveLru: policy.endsWith('-lru'),
    saveLfu: policy.endsWith('-lfu'),
  };
}

/** Default parameters (Redis's defaults) for DUMP-like uses without a server at hand. */
export const DEFAULT_PARAMS: EncodeParams = {
  compress: true,
  checksum: true,
  hashEntries: 128,
  hashValue: 64,
  zsetEntries: 128,
  zsetValue: 64,
  intsetEntries: 512,
  listFill: -2,
  saveLru: false,
  saveLfu: false,
};

/** quicklist's optimization_level: node byte limits for negative list-max-listpack-size. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;

/** Serialises RDB primitives and objects (rdbSave* of rdb.c) into a growable buffer. */
export class RdbEncoder extends ByteBuilder {
  private lp = new ByteBuilder(256);

  constructor(
    public params: EncodeParams,
    initial = 4096,
  ) {
    super(initial);
  }

  type(t: number): void {
    this.u8(t);
  }

  len(n: number): void {
    if (n < 1 << 6) {
      this.u8(n);
    } else if (n < 1 << 14) {
      this.u8(0x40 | (n >> 8));
      this.u8(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.ensure(5);
      this.buf[this.pos] = 0x80;
      this.buf.writeUInt32BE(n, this.pos + 1);
      this.pos += 5;
    } else {
      this.ensure(9);
      this.buf[this.pos] = 0x81;
      this.buf.writeBigUInt64BE(BigInt(n), this.pos + 1);
      this.pos += 9;
    }
  }

  /** rdbTryIntegerEncoding: a canonical int that fits in 32 bits is stored as an integer. */
  private tryInt(s: string): boolean {
    // Fast reject: a canonical integer starts with a digit or '-'.
    const c = s.charCodeAt(0);
    if (c !== 45 && (c < 48 || c > 57)) return false;
    const v = exactInt64(s);
    if (v === null || typeof v === 'bigint') return false;
    if (v >= -128 && v <= 127) {
      this.u8(0xc0);
      this.u8(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      this.ensure(3);
      this.buf[this.pos] = 0xc1;
      this.buf.writeInt16LE(v, this.pos + 1);
      this.pos += 3;
    } else if (v >= -2147483648 && v <= 2147483647) {
      this.ensure(5);
      this.buf[this.pos] = 0xc2;
      this.buf.writeInt32LE(v, this.pos + 1);
      this.pos += 5;
    } else {
      return false;
    }
    return true;
  }

  /** rdbSaveRawString for a latin1 string: integer encoding, LZF when > 20 bytes, else raw. */
  string(s: string): void {
    const n = s.length;
    if (n <= 11 && this.tryInt(s)) return;
    if (this.params.compress && n > 20) {
      const raw = Buffer.from(s, 'latin1');
      if (this.lzf(raw)) return;
      this.len(n);
      this.bytes(raw);
      return;
    }
    this.len(n);
    this.latin1(s);
  }

  /** rdbSaveRawString for a binary blob (listpack, intset). */
  blob(b: Buffer): void {
    if (b.length <= 11 && this.tryInt(b.toString('latin1', 0, b.length))) return;
    if (this.params.compress && b.length > 20 && this.lzf(b)) return;
    this.len(b.length);
    this.bytes(b);
  }

  private lzf(raw: Buffer): boolean {
    const comp = lzfCompress(raw, raw.length - 4);
    if (comp === null) return false;
    this.u8(0xc3);
    this.len(comp.length);
    this.len(raw.length);
    this.bytes(comp);
    return true;
  }

  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  msTime(t: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(Math.trunc(t)), this.pos);
    this.pos += 8;
  }

  auxStr(key: string, value: string): void {
    this.type(OP.AUX);
    this.string(key);
    this.string(value);
  }

  auxInt(key: string, value: number): void {
    this.auxStr(key, String(value));
  }

  /** The RDB object type byte for a value, choosing the encoding as Redis 7.0 would hold it. */
  objectType(e: Entry): number {
    const p = this.params;
    switch (e.type) {
      case 'string':
        return T.STRING;
      case 'list':
        return T.LIST_QUICKLIST_2;
      case 'set': {
        const s = e.value as Set<string>;
        if (!e.big && s.size <= p.intsetEntries && asIntsetMembers(s) !== null) return T.SET_INTSET;
        return T.SET;
      }
      case 'zset':
        return !e.big && zsetFits(e.value as ZSet, p) ? T.ZSET_LISTPACK : T.ZSET_2;
      case 'hash':
        return !e.big && hashFits(e.value as Map<string, string>, p) ? T.HASH_LISTPACK : T.HASH;
      case 'stream':
        return T.STREAM_LISTPACKS_2;
    }
  }

  /** rdbSaveObjectType + rdbSaveObject. */
  object(e: Entry): void {
    const t = this.objectType(e);
    this.type(t);
    this.value(t, e.value);
  }

  value(t: number, v: Entry['value']): void {
    switch (t) {
      case T.STRING:
        this.string(v as string);
        return;
      case T.LIST_QUICKLIST_2:
        this.quicklist(v as ListValue);
        return;
      case T.SET_INTSET:
        this.blob(intsetEncode(asIntsetMembers(v as Set<string>)!));
        return;
      case T.SET: {
        const s = v as Set<string>;
        this.len(s.size);
        for (const m of s) this.string(m);
        return;
      }
      case T.ZSET_LISTPACK: {
        const flat: string[] = [];
        for (const [m, sc] of zsetSorted(v as ZSet)) flat.push(m, d2string(sc));
        this.blob(lpEncode(flat, this.lp));
        return;
      }
      case T.ZSET_2: {
        const pairs = zsetSorted(v as ZSet);
        this.len(pairs.length);
        // Greatest first, as Redis walks the skiplist backwards (loading then appends at the head).
        for (let i = pairs.length - 1; i >= 0; i--) {
          this.string(pairs[i]![0]);
          this.binaryDouble(pairs[i]![1]);
        }
        return;
      }
      case T.HASH_LISTPACK: {
        const flat: string[] = [];
        for (const [f, val] of v as Map<string, string>) flat.push(f, val);
        this.blob(lpEncode(flat, this.lp));
        return;
      }
      case T.HASH: {
        const h = v as Map<string, string>;
        this.len(h.size);
        for (const [f, val] of h) {
          this.string(f);
          this.string(val);
        }
        return;
      }
      case T.STREAM_LISTPACKS_2:
        encodeStream(this, v as Stream);
        return;
      default:
        throw new Error(`cannot encode RDB type ${t}`);
    }
  }

  /** QUICKLIST_2: node count, then per node its container and listpack, split like quicklist. */
  private quicklist(l: ListValue): void {
    const fill = this.params.listFill;
    const items = l.toArray();
    const nodes: string[][] = [];
    let cur: string[] = [];
    let curSize = 7; // listpack header + terminator
    for (const s of items) {
      if (cur.length > 0 && !nodeAllowsInsert(curSize, cur.length, s.length, fill)) {
        nodes.push(cur);
        cur = [];
        curSize = 7;
      }
      cur.push(s);
      curSize += lpEntrySize(s);
    }
    if (cur.length > 0) nodes.push(cur);
    this.len(nodes.length);
    for (const n of nodes) {
      this.len(QUICKLIST_NODE_CONTAINER_PACKED);
      this.blob(lpEncode(n, this.lp));
    }
  }
}

/** quicklist's _quicklistNodeAllowInsert for a packed node of `sz` bytes and `count` elements. */
function nodeAllowsInsert(sz: number, count: number, elemLen: number, fill: number): boolean {
  const newSz = sz + elemLen + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) {
    const limit = OPTIMIZATION_LEVEL[Math.min(-fill - 1, OPTIMIZATION_LEVEL.length - 1)]!;
    return newSz <= limit;
  }
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return count < fill;
}

function zsetFits(z: ZSet, p: EncodeParams): boolean {
  if (z.size > p.zsetEntries) return false;
  for (const m of z.dict.keys()) if (m.length > p.zsetValue) return false;
  return true;
}

function hashFits(h: Map<string, string>, p: EncodeParams): boolean {
  if (h.size > p.hashEntries) return false;
  for (const [f, v] of h) if (f.length > p.hashValue || v.length > p.hashValue) return false;
  return true;
}

/** One key: expiry, LRU/LFU info, type, key, value (rdbSaveKeyValuePair). */
export function encodeKeyValue(enc: RdbEncoder, e: Entry, now: number): void {
  if (e.expireAt >= 0) {
    enc.type(OP.EXPIRETIME_MS);
    enc.msTime(e.expireAt);
  }
  if (enc.params.saveLru) {
    enc.type(OP.IDLE);
    enc.len(Math.max(0, Math.floor((now - e.lru) / 1000)));
  }
  if (enc.params.saveLfu) {
    enc.type(OP.FREQ);
    enc.u8(Math.max(0, Math.min(255, e.lfu)));
  }
  const t = enc.objectType(e);
  enc.type(t);
  enc.string(e.key);
  enc.value(t, e.value);
}

/** "REDIS0010" and the aux fields (rdbSaveInfoAuxFields). */
export function encodeHeader(enc: RdbEncoder, opts: RdbSaveOptions, functions: string[] = []): void {
  enc.latin1('REDIS' + String(RDB_VERSION).padStart(4, '0'));
  enc.auxStr('redis-ver', REDIS_VERSION);
  enc.auxInt('redis-bits', 64);
  enc.auxInt('ctime', Math.floor(Date.now() / 1000));
  enc.auxInt('used-mem', process.memoryUsage().rss);
  if (opts.replId !== undefined) {
    enc.auxInt('repl-stream-db', opts.replStreamDb ?? 0);
    enc.auxStr('repl-id', opts.replId);
    enc.auxInt('repl-offset', opts.replOffset ?? 0);
  }
  enc.auxInt('aof-base', opts.aofBase ? 1 : 0);
  // Function libraries (rdbSaveFunctions), before the databases.
  for (const code of functions) {
    enc.type(OP.FUNCTION2);
    enc.string(code);
  }
}

export function encodeDbHeader(enc: RdbEncoder, dbid: number, size: number, expires: number): void {
  enc.type(OP.SELECTDB);
  enc.len(dbid);
  enc.type(OP.RESIZEDB);
  enc.len(size);
  enc.len(expires);
}

/** A full RDB v10 image of the dataset, built synchronously (SAVE, DEBUG RELOAD, tests). */
export function rdbSave(server: Server, opts: RdbSaveOptions = {}): Buffer {
  const enc = new RdbEncoder(encodeParams(server));
  encodeHeader(enc, opts, server.functions.codes());
  const now = Date.now();
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    encodeDbHeader(enc, db.id, db.size, db.expiresCount);
    for (const e of db.dict.values()) encodeKeyValue(enc, e, now);
  }
  enc.type(OP.EOF);
  const crc = enc.params.checksum ? new Crc64().update(enc.buf, 0, enc.pos).digestLE() : Buffer.alloc(8);
  enc.bytes(crc);
  return enc.toBuffer();
}

/**
 * DUMP payload: object type + value as in RDB, the RDB version (u16 LE) and the CRC-64 of all
 * that (8 bytes LE), as Redis's createDumpPayload.
 */
export function dumpValue(entry: Entry, params: EncodeParams = DEFAULT_PARAMS): Buffer {
  const enc = new RdbEncoder(params);
  enc.object(entry);
  enc.ensure(2);
  enc.buf.writeUInt16LE(RDB_VERSION, enc.pos);
  enc.pos += 2;
  enc.bytes(new Crc64().update(enc.buf, 0, enc.pos).digestLE());
  return enc.toBuffer();
}
