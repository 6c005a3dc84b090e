import type { Server } from '../server.js';
import { Entry, type RType, type TypeValues } from '../store/entry.js';
import { ListValue } from '../store/list.js';
import type { ZSet } from '../store/zset.js';
import { parseDouble } from '../util/numbers.js';
import { type FastBuffer, FormatError } from './codec-util.js';
import { Crc64 } from './crc64.js';
import { intsetDecode } from './intset.js';
import { lpDecode } from './listpack.js';
import { LzfError, lzfDecompress } from './lzf.js';
import { OP, QUICKLIST_NODE_CONTAINER_PACKED, QUICKLIST_NODE_CONTAINER_PLAIN, RDB_VERSION, T } from './rdb-format.js';
import { decodeStream } from './rdb-stream.js';
import { DEFAULT_PARAMS, type EncodeParams, encodeParams } from './rdb-writer.js';
import { zsetFromPairs } from './values.js';
import { zipmapDecode, zlDecode } from './ziplist.js';

/** A corrupt or unsupported RDB file or DUMP payload. */
export class RdbError extends Error {}

/** Highest RDB version we read: 7.0 writes 10; 7.2+ files (11, 12) use types we also accept. */
const MAX_READ_VERSION = 12;

class ShortRead extends Error {}

/** Cursor over an RDB image: the rdbLoad* primitives of rdb.c. */
export class RdbReader {
  pos = 0;
  /** Encoded blobs (listpacks, intsets) read so far: what Redis deep-sanitizes and counts (dump_payload_sanitizations). */
  encodedBlobs = 0;
  private readonly fb: FastBuffer;
  constructor(public readonly buf: Buffer) {
    this.fb = buf as FastBuffer;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new ShortRead();
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** rdbLoadLen: returns the length, or -(encoding+1) for a special string encoding. */
  lenOrEnc(): number {
    const b = this.u8();
    const kind = b >> 6;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.u8();
    if (kind === 3) return -((b & 0x3f) + 1);
    if (b === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (b === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError('length out of range');
      return Number(v);
    }
    throw new FormatError(`unknown length encoding 0x${b.toString(16)}`);
  }

  len(): number {
    const n = this.lenOrEnc();
    if (n < 0) throw new FormatError('unexpected encoded value where a length was expected');
    return n;
  }

  /** rdbGenericLoadStringObject as raw bytes. */
  blob(): Buffer {
    const n = this.lenOrEnc();
    if (n >= 0) {
      this.need(n);
      const b = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      return b;
    }
    const enc = -n - 1;
    if (enc === 0) return Buffer.from(String(this.readInt(1)), 'latin1');
    if (enc === 1) return Buffer.from(String(this.readInt(2)), 'latin1');
    if (enc === 2) return Buffer.from(String(this.readInt(4)), 'latin1');
    if (enc === 3) {
      const clen = this.len();
      const len = this.len();
      this.need(clen);
      const c = this.buf.subarray(this.pos, this.pos + clen);
      this.pos += clen;
      return lzfDecompress(c, len);
    }
    throw new FormatError(`unknown string encoding ${enc}`);
  }

  private readInt(n: 1 | 2 | 4): number {
    this.need(n);
    const v = n === 1 ? this.buf.readInt8(this.pos) : n === 2 ? this.buf.readInt16LE(this.pos) : this.buf.readInt32LE(this.pos);
    this.pos += n;
    return v;
  }

  string(): string {
    const b0 = this.buf[this.pos];
    // Fast path for the common short raw string (6-bit length): no intermediate Buffer.
    if (b0 !== undefined && b0 < 0x40) {
      const end = this.pos + 1 + b0;
      if (end > this.buf.length) throw new ShortRead();
      const s = this.fb.latin1Slice(this.pos + 1, end);
      this.pos = end;
      return s;
    }
    const b = this.blob();
    return b.toString('latin1', 0, b.length);
  }

  /** rdbLoadDoubleValue: the old textual double of RDB_TYPE_ZSET. */
  textDouble(): number {
    const n = this.u8();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    this.need(n);
    const s = this.buf.toString('latin1', this.pos, this.pos + n);
    this.pos += n;
    const v = parseDouble(s);
    if (v === null) throw new FormatError(`invalid double '${s}'`);
    return v;
  }

  binaryDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  msTime(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  secTime(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v * 1000;
  }
}

export interface LoadedValue<T extends RType = RType> {
  type: T;
  value: TypeValues[T];
  /** Whether Redis would hold it in the big encoding (hashtable/skiplist) after loading. */
  big: boolean;
}

function scoreOf(s: string): number {
  const v = parseDouble(s);
  if (v === null) throw new FormatError(`invalid score '${s}'`);
  return v;
}

function pairsToHash(flat: string[]): Map<string, string> {
  if (flat.length % 2 !== 0) throw new FormatError('odd number of hash elements');
  const h = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) {
    if (h.has(flat[i]!)) throw new FormatError('duplicate hash field');
    h.set(flat[i]!, flat[i + 1]!);
  }
  return h;
}

function pairsToZset(flat: string[]): ZSet {
  if (flat.length % 2 !== 0) throw new FormatError('odd number of sorted set elements');
  const pairs: [string, number][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < flat.length; i += 2) {
    if (seen.has(flat[i]!)) throw new FormatError('duplicate sorted set member');
    seen.add(flat[i]!);
    pairs.push([flat[i]!, scoreOf(flat[i + 1]!)]);
  }
  return zsetFromPairs(pairs);
}

function toSet(items: string[]): Set<string> {
  const s = new Set(items);
  if (s.size !== items.length) throw new FormatError('duplicate set member');
  return s;
}

/** rdbLoadObject: read one value of RDB type `t`; null for an empty value (the key is skipped). */
export function readObject(r: RdbReader, t: number, p: EncodeParams): LoadedValue | null {
  let type: RType;
  let value: TypeValues[RType];
  switch (t) {
    case T.STRING:
      return { type: 'string', value: r.string(), big: false };
    case T.LIST: {
      const n = r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      type = 'list';
      value = ListValue.from(items);
      break;
    }
    case T.LIST_ZIPLIST:
      type = 'list';
      value = ListValue.from(zlDecode(r.blob()));
      break;
    case T.LIST_QUICKLIST:
    case T.LIST_QUICKLIST_2: {
      const nodes = r.len();
      const items: string[] = [];
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_CONTAINER_PACKED;
        if (t === T.LIST_QUICKLIST_2) {
          container = r.len();
          if (container !== QUICKLIST_NODE_CONTAINER_PACKED && container !== QUICKLIST_NODE_CONTAINER_PLAIN) {
            throw new FormatError(`quicklist node container ${container}`);
          }
        }
        const b = r.blob();
        if (t === T.LIST_QUICKLIST_2 && container === QUICKLIST_NODE_CONTAINER_PACKED) r.encodedBlobs++;
        if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
          items.push(b.toString('latin1', 0, b.length));
          continue;
        }
        const els = t === T.LIST_QUICKLIST_2 ? lpDecode(b) : zlDecode(b);
        // Redis skips empty nodes when loading.
        for (const e of els) items.push(e);
      }
      type = 'list';
      value = ListValue.from(items);
      break;
    }
    case T.SET: {
      const n = r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      type = 'set';
      value = toSet(items);
      break;
    }
    case T.SET_INTSET:
      r.encodedBlobs++;
      type = 'set';
      value = toSet(intsetDecode(r.blob()));
      break;
    case T.SET_LISTPACK:
      type = 'set';
      value = toSet(lpDecode(r.blob()));
      break;
    case T.ZSET:
    case T.ZSET_2: {
      const n = r.len();
      const flat: [string, number][] = [];
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        const m = r.string();
        const s = t === T.ZSET ? r.textDouble() : r.binaryDouble();
        if (Number.isNaN(s)) throw new FormatError('NaN score');
        if (seen.has(m)) throw new FormatError('duplicate sorted set member');
        seen.add(m);
        flat.push([m, s]);
      }
      type = 'zset';
      value = zsetFromPairs(flat);
      break;
    }
    case T.ZSET_ZIPLIST:
      type = 'zset';
      value = pairsToZset(zlDecode(r.blob()));
      break;
    case T.ZSET_LISTPACK:
      r.encodedBlobs++;
      type = 'zset';
      value = pairsToZset(lpDecode(r.blob()));
      break;
    case T.HASH: {
      const n = r.len();
      const h = new Map<string, string>();
      for (let i = 0; i < n; i++) {
        const f = r.string();
        const v = r.string();
        if (h.has(f)) throw new FormatError('duplicate hash field');
        h.set(f, v);
      }
      type = 'hash';
      value = h;
      break;
    }
    case T.HASH_ZIPMAP:
      type = 'hash';
      value = pairsToHash(zipmapDecode(r.blob()));
      break;
    case T.HASH_ZIPLIST:
      type = 'hash';
      value = pairsToHash(zlDecode(r.blob()));
      break;
    case T.HASH_LISTPACK:
      r.encodedBlobs++;
      type = 'hash';
      value = pairsToHash(lpDecode(r.blob()));
      break;
    case T.STREAM_LISTPACKS:
    case T.STREAM_LISTPACKS_2:
    case T.STREAM_LISTPACKS_3:
      // An empty stream is a valid key (streams are not deleted when emptied).
      return { type: 'stream', value: decodeStream(r, t === T.STREAM_LISTPACKS ? 1 : t === T.STREAM_LISTPACKS_2 ? 2 : 3), big: false };
    case T.MODULE:
    case T.MODULE_2:
      throw new RdbError('module values are not supported by this server');
    default:
      throw new FormatError(`unknown RDB object type ${t}`);
  }
  const loaded = { type, value, big: false } as LoadedValue;
  if (sizeOf(loaded) === 0) return null;
  loaded.big = isBig(loaded, p);
  return loaded;
}

function sizeOf(v: LoadedValue): number {
  switch (v.type) {
    case 'list':
      return (v.value as ListValue).length;
    case 'set':
      return (v.value as Set<string>).size;
    case 'zset':
      return (v.value as ZSet).size;
    case 'hash':
      return (v.value as Map<string, string>).size;
    default:
      return 1;
  }
}

/** The encoding Redis 7.0 converts a loaded value to, from the size thresholds. */
function isBig(v: LoadedValue, p: EncodeParams): boolean {
  switch (v.type) {
    case 'set': {
      const s = v.value as Set<string>;
      if (s.size > p.intsetEntries) return true;
      for (const m of s) if (!/^-?[1-9][0-9]{0,18}$|^0$/.test(m)) return true;
      return false;
    }
    case 'zset': {
      const z = v.value as ZSet;
      if (z.size > p.zsetEntries) return true;
      for (const m of z.dict.keys()) if (m.length > p.zsetValue) return true;
      return false;
    }
    case 'hash': {
      const h = v.value as Map<string, string>;
      if (h.size > p.hashEntries) return true;
      for (const [f, val] of h) if (f.length > p.hashValue || val.length > p.hashValue) return true;
      return false;
    }
    default:
      return false;
  }
}

function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 21);
}

export interface RdbParseResult {
  version: number;
  aux: Map<string, string>;
  /** The loaded keys as ready entries (LRU clock from the parse's `now`), and each one's db. */
  keys: Entry[];
  keyDbs: number[];
  keysExpired: number;
  /** Offset just past the checksum (an RDB-preamble AOF continues there). */
  endOffset: number;
  /** FUNCTION2 payloads (library code), which this server cannot run; kept for the caller. */
  functions: string[];
}

export interface RdbParseOptions {
  databases: number;
  /** Drop keys already expired (a master loading its own file; not for replicas or AOF bases). */
  dropExpired: boolean;
  now: number;
  params: EncodeParams;
  verifyChecksum: boolean;
}

function describe(err: unknown, r: RdbReader): RdbError {
  if (err instanceof RdbError) return err;
  if (err instanceof ShortRead) {
    return new RdbError(`Short read or OOM loading DB (offset ${r.pos} of ${r.buf.length} bytes). Unrecoverable error, aborting now.`);
  }
  if (err instanceof FormatError || err instanceof LzfError || err instanceof RangeError) {
    return new RdbError(`Internal error in RDB reading offset ${r.pos}: ${err.message}`);
  }
  return new RdbError(`Internal error in RDB reading offset ${r.pos}: ${(err as Error).message ?? String(err)}`);
}

/** Parse a whole RDB image (without touching any server state). Throws RdbError. */
export function rdbParse(buf: Buffer, o: RdbParseOptions): RdbParseResult {
  const r = new RdbReader(buf);
  try {
    if (buf.length < 9 || buf.toString('latin1', 0, 5) !== 'REDIS') throw new RdbError('Wrong signature trying to load DB from file');
    const verText = buf.toString('latin1', 5, 9);
    const version = /^\d{4}$/.test(verText) ? Number(verText) : -1;
    if (version < 1 || version > MAX_READ_VERSION) throw new RdbError(`Can't handle RDB format version ${verText}`);
    r.pos = 9;
    const res: RdbParseResult = { version, aux: new Map(), keys: [], keyDbs: [], keysExpired: 0, endOffset: 0, functions: [] };
    const now = o.now;
    let db = 0;
    let expireAt = -1;
    let idleSec = -1;
    let freq = -1;
    for (;;) {
      const t = r.u8();
      if (t === OP.EXPIRETIME) {
        expireAt = r.secTime();
        continue;
      }
      if (t === OP.EXPIRETIME_MS) {
        expireAt = r.msTime();
        continue;
      }
      if (t === OP.FREQ) {
        freq = r.u8();
        continue;
      }
      if (t === OP.IDLE) {
        idleSec = r.len();
        continue;
      }
      if (t === OP.EOF) break;
      if (t === OP.SELECTDB) {
        db = r.len();
        if (db >= o.databases) {
          throw new RdbError(`FATAL: Data file was created with a Redis server configured to handle more than ${o.databases} databases. Exiting`);
        }
        continue;
      }
      if (t === OP.RESIZEDB) {
        r.len();
        r.len();
        continue;
      }
      if (t === OP.AUX) {
        const k = r.string();
        const v = r.string();
        res.aux.set(k, v);
        continue;
      }
      if (t === OP.MODULE_AUX) throw new RdbError('The RDB file contains AUX module data this server cannot load (no modules)');
      if (t === OP.FUNCTION2) {
        res.functions.push(r.string());
        continue;
      }
      if (t === OP.FUNCTION) throw new RdbError('The RDB file contains pre-release (7.0 rc) function data, which is not supported');
      if (!isObjectType(t)) throw new FormatError(`unknown RDB type or opcode ${t}`);
      const key = r.string();
      let e: Entry;
      if (t === T.STRING) {
        // The common case, without an intermediate LoadedValue.
        e = new Entry(key, 'string', r.string(), now);
      } else {
        const value = readObject(r, t, o.params);
        if (value === null) {
          expireAt = idleSec = freq = -1;
          continue; // empty value: Redis skips the key
        }
        e = new Entry(key, value.type, value.value, now);
        e.big = value.big;
      }
      const exp = expireAt;
      if (idleSec >= 0) e.lru = now - idleSec * 1000;
      if (freq >= 0) e.lfu = freq;
      expireAt = idleSec = freq = -1;
      if (exp !== -1) {
        if (o.dropExpired && exp < now) {
          res.keysExpired++;
          continue;
        }
        e.expireAt = exp;
      }
      res.keys.push(e);
      res.keyDbs.push(db);
    }
    const crcEnd = r.pos;
    if (version >= 5) {
      r.need(8);
      const stored = buf.subarray(r.pos, r.pos + 8);
      r.pos += 8;
      const zero = stored.every((b) => b === 0);
      if (o.verifyChecksum && !zero) {
        const got = new Crc64().update(buf, 0, crcEnd).digestLE();
        if (!got.equals(stored)) {
          throw new RdbError(
            `Wrong RDB checksum expected: (${stored.readBigUInt64LE(0).toString(16)}) got (${got.readBigUInt64LE(0).toString(16)}). Aborting now.`,
          );
        }
      }
    }
    res.endOffset = r.pos;
    return res;
  } catch (err) {
    throw describe(err, r);
  }
}

export interface RdbLoadOptions {
  /** Loading an AOF base: keep expired keys (the AOF's own DELs follow), as RDBFLAGS_AOF_PREAMBLE. */
  aofPreamble?: boolean;
}

export interface RdbLoadResult {
  version: number;
  aux: Map<string, string>;
  replId?: string;
  replOffset?: number;
  replStreamDb?: number;
  keysLoaded: number;
  keysExpired: number;
  endOffset: number;
  functions: string[];
}

export function parseOptions(server: Server, opts: RdbLoadOptions = {}): RdbParseOptions {
  return {
    databases: server.dbs.length,
    dropExpired: server.role === 'master' && !opts.aofPreamble,
    now: Date.now(),
    params: encodeParams(server),
    verifyChecksum: server.config.rdbchecksum,
  };
}

/**
 * Replace the whole dataset (every db) with the content of an RDB image. The file is parsed
 * completely before anything is replaced, so a corrupt file (RdbError) leaves the data as it was.
 */
export function rdbLoad(server: Server, buf: Buffer, opts: RdbLoadOptions = {}): RdbLoadResult {
  const parsed = rdbParse(buf, parseOptions(server, opts));
  installParsed(server, parsed);
  const aux = parsed.aux;
  const res: RdbLoadResult = {
    version: parsed.version,
    aux,
    keysLoaded: parsed.keys.length,
    keysExpired: parsed.keysExpired,
    endOffset: parsed.endOffset,
    functions: parsed.functions,
  };
  if (aux.has('repl-id')) res.replId = aux.get('repl-id');
  if (aux.has('repl-offset')) res.replOffset = Number(aux.get('repl-offset'));
  if (aux.has('repl-stream-db')) res.replStreamDb = Number(aux.get('repl-stream-db'));
  return res;
}

/** Swap a parsed image in as the dataset. */
export function installParsed(server: Server, parsed: RdbParseResult, clear = true): void {
  // Keep the old contents so that a duplicated key (Redis refuses such a file) can roll back.
  const saved = server.dbs.map((db) => ({ dict: db.dict, all: db.all, volatile: db.volatile }));
  if (clear) for (const db of server.dbs) db.clear();
  server.refreshNow();
  const keys = parsed.keys;
  const dbIds = parsed.keyDbs;
  const dbs = server.dbs;
  // The file's function libraries replace ours (or join them when not clearing).
  try {
    server.functions.loadCodes(parsed.functions, clear);
  } catch (err) {
    throw new RdbError(`Failed loading library: ${(err as Error).message}`);
  }
  // Loading adds keys without the "new" keyspace event (Redis's dbAddRDBLoad).
  server.loadingKeys = true;
  try {
    installKeys(server, clear, saved, keys, dbIds, dbs);
  } finally {
    server.loadingKeys = false;
  }
  server.touchAllWatched(null);
}

function installKeys(
  server: Server,
  clear: boolean,
  saved: { dict: Map<string, Entry>; all: Entry[]; volatile: Entry[] }[],
  keys: Entry[],
  dbIds: number[],
  dbs: Server['dbs'],
): void {
  for (let i = 0; i < keys.length; i++) {
    const e = keys[i]!;
    const db = dbs[dbIds[i]!]!;
    // A duplicate shows as an insert that does not grow the dict (cleared dbs are rolled back
    // below); without clearing, check first so that the existing key stays as it was.
    const size = db.dict.size;
    if (clear ? (db.insert(e), db.dict.size === size) : db.dict.has(e.key)) {
      if (clear) {
        server.dbs.forEach((d, j) => {
          d.dict = saved[j]!.dict;
          d.all = saved[j]!.all;
          d.volatile = saved[j]!.volatile;
          d.reindex();
        });
      }
      throw new RdbError(`RDB has duplicated key '${e.key}' in DB ${dbIds[i]}`);
    }
    if (!clear) db.insert(e);
  }
}

/**
 * RESTORE's side of DUMP: check the footer (RDB version ≤ ours, CRC-64) and decode the value.
 * Returns Redis's error texts on failure. The decoding always validates every entry, as Redis's
 * deep sanitization does (a decoded value cannot hold a malformed encoding); `read.encodedBlobs`
 * tells how many encoded blobs it went through, what Redis counts when it sanitizes.
 */
export function restoreValue(
  payload: Buffer,
  params: EncodeParams = DEFAULT_PARAMS,
  read: { encodedBlobs: number } = { encodedBlobs: 0 },
): LoadedValue | { error: string } {
  if (payload.length < 10) return { error: 'DUMP payload version or checksum are wrong' };
  const footer = payload.length - 10;
  const ver = payload.readUInt16LE(footer);
  if (ver > RDB_VERSION) return { error: 'DUMP payload version or checksum are wrong' };
  const crc = new Crc64().update(payload, 0, payload.length - 8).digestLE();
  if (!crc.equals(payload.subarray(payload.length - 8))) return { error: 'DUMP payload version or checksum are wrong' };
  const r = new RdbReader(payload.subarray(0, footer));
  try {
    const t = r.u8();
    if (!isObjectType(t)) return { error: 'Bad data format' };
    const v = readObject(r, t, params);
    if (v === null) return { error: 'Bad data format' };
    return v;
  } catch {
    return { error: 'Bad data format' };
  } finally {
    read.encodedBlobs = r.encodedBlobs;
  }
}
