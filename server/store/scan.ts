/**
 * SCAN, HSCAN, SSCAN, ZSCAN cursors.
 *
 * Redis's guarantee: an element present in the collection for the whole iteration is returned at
 * least once, whatever is added or removed meanwhile. Redis gets it from reverse-binary cursors
 * over its hash tables; we get it from JS Map/Set iterators, which visit every entry present
 * from start to end exactly once (deleted entries are skipped, new ones appended). A cursor id
 * maps to a live iterator kept server-side in a bounded LRU table. Each call hands out a fresh
 * id and retires the old one, so a retried cursor cannot skip what the client never received:
 * cursor 0, an unknown/evicted/retired cursor, or a cursor of another collection all restart
 * from the beginning, which still honours "at least once".
 *
 * Small collections in a compact encoding (listpack/intset) are returned whole with cursor 0,
 * as Redis does.
 */
import { currentSeq } from './db.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import type { Entry, RType } from './entry.js';
import type { ZSet } from './zset.js';
import { ERR } from '../commands/util.js';
import { parseLL, fmt17g } from '../util/numbers.js';
import { globMatch } from '../util/glob.js';
import { isCompact } from './encoding.js';

/** What a SCAN walks: the keys of a Map or the members of a Set, with optional values. */
export interface ScanSource {
  /** The collection object; a cursor only resumes on the very same object. */
  coll: Map<string, unknown> | Set<string>;
  /** Value of an element, for HSCAN/ZSCAN replies (field-value pairs); absent for keys/sets. */
  value?: (k: string) => string;
  /** Return everything at once with cursor 0 (compact encodings). */
  all?: boolean;
  /**
   * Keyspace only: the insertion seq of a key (Entry.seq) and the seq at the start of the
   * iteration; keys inserted later are not owed to the caller, and stopping there bounds the walk.
   */
  seqOf?: (k: string) => number | undefined;
  startSeq?: number;
  /** Keyspace only: filter by type and drop expired keys. */
  db?: { typeOf: (k: string) => string | null };
}

interface CursorState {
  coll: Map<string, unknown> | Set<string>;
  it: Iterator<string>;
  /** The element read ahead to learn whether the iteration ended; validated when emitted. */
  pending: string | undefined;
  /** Keyspace: Entry.seq when the iteration started (see ScanSource.seqOf). */
  startSeq: number;
}

const MAX_CURSORS = 4096;

export class CursorTable {
  readonly live = new Map<string, CursorState>();

  take(id: string, coll: CursorState['coll']): CursorState | undefined {
    const st = this.live.get(id);
    if (st === undefined) return undefined;
    this.live.delete(id);
    return st.coll === coll ? st : undefined;
  }

  park(st: CursorState): string {
    let id: string;
    do {
      // Random ids: a stale cursor (say, from before a restart) cannot hijack someone else's walk.
      id = String(1 + Math.floor(Math.random() * 2 ** 52));
    } while (this.live.has(id));
    this.live.set(id, st);
    if (this.live.size > MAX_CURSORS) this.live.delete(this.live.keys().next().value!);
    return id;
  }
}

/**
 * Redis's parseScanCursorOrReply (strtoul rules: digits, optional sign, no leading space).
 * Returns the cursor as a decimal string ('0' starts a new iteration), or null after replying.
 */
export function parseScanCursor(c: Client, s: string): string | null {
  // strtoul: "" is 0; a sign needs digits; no spaces; beyond 2^64-1 is ERANGE.
  if (s !== '' && (!/^[+-]?\d+$/.test(s) || BigInt(s.replace(/^[+-]/, '')) > 18446744073709551615n)) {
    c.addReplyError('invalid cursor');
    return null;
  }
  const digits = s.replace(/^[+-]/, '').replace(/^0+/, '');
  return digits === '' ? '0' : s.startsWith('-') ? '-' + digits : digits;
}

interface ScanOptions {
  count: number;
  pattern: string | null;
  type: string | null;
}

/** Parse COUNT/MATCH (and TYPE for the keyspace) from argv[start..]; null after replying. */
function parseOptions(c: Client, argv: string[], start: number, allowType: boolean): ScanOptions | null {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = start; i < argv.length; ) {
    const opt = argv[i]!.toLowerCase();
    const left = argv.length - i;
    if (opt === 'count' && left >= 2) {
      const v = parseLL(argv[i + 1]!);
      if (v === null) {
        c.addReplyError(ERR.NOT_INT);
        return null;
      }
      if (v < 1) {
        c.addReplyError(ERR.SYNTAX);
        return null;
      }
      o.count = v;
      i += 2;
    } else if (opt === 'match' && left >= 2) {
      const p = argv[i + 1]!;
      o.pattern = p === '*' ? null : p;
      i += 2;
    } else if (opt === 'type' && allowType && left >= 2) {
      o.type = argv[i + 1]!.toLowerCase();
      i += 2;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return null;
    }
  }
  return o;
}

/**
 * The generic SCAN: options start at argv[optStart], `cursor` comes from parseScanCursor.
 * Replies [next-cursor, items] where items are keys/members, or field-value pairs when the
 * source has values.
 */
export function scanGeneric(c: Client, argv: string[], cursor: string, optStart: number, src: ScanSource): void {
  const opts = parseOptions(c, argv, optStart, src.db !== undefined);
  if (opts === null) return;
  const coll = src.coll;
  const has = (k: string) => coll.has(k);
  const out: string[] = [];
  const emit = (k: string) => {
    if (opts.pattern !== null && !globMatch(opts.pattern, k)) return;
    if (src.db) {
      // typeOf also expires the key lazily, as Redis's lookups in the SCAN filter step.
      const t = src.db.typeOf(k);
      if (t === null) return;
      if (opts.type !== null && t !== opts.type) return;
    }
    out.push(k);
    if (src.value) out.push(src.value(k));
  };
  let next = '0';
  if (src.all) {
    for (const k of [...coll.keys()]) emit(k);
  } else {
    const table = c.server.scanCursors;
    let st = cursor === '0' ? undefined : table.take(cursor, coll);
    if (st === undefined) st = { coll, it: coll.keys(), pending: undefined, startSeq: src.startSeq ?? Infinity };
    const seqOf = src.seqOf;
    const isNew = (k: string) => seqOf !== undefined && (seqOf(k) ?? 0) > st!.startSeq;
    // Examine up to COUNT elements, then read one ahead to know whether we are done.
    const batch: string[] = [];
    let done = false;
    if (st.pending !== undefined) {
      if (has(st.pending)) batch.push(st.pending);
      st.pending = undefined;
    }
    while (batch.length < opts.count) {
      const r = st.it.next();
      // Insertion order: once a key newer than the iteration shows up, all that follow are newer.
      if (r.done || isNew(r.value)) {
        done = true;
        break;
      }
      batch.push(r.value);
    }
    if (!done) {
      // Skip entries deleted since; the look-ahead itself is re-validated on the next call.
      const r = st.it.next();
      if (r.done || isNew(r.value)) done = true;
      else st.pending = r.value;
    }
    for (const k of batch) if (has(k)) emit(k);
    if (!done) next = table.park(st);
  }
  let s = '*2\r\n$' + next.length + '\r\n' + next + '\r\n*' + out.length + '\r\n';
  for (const it of out) s += '$' + it.length + '\r\n' + it + '\r\n';
  c.addReplyRaw(s);
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] over the client's db. */
export function scanKeys(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(c, argv[1]!);
  if (cursor === null) return;
  const db = c.db;
  scanGeneric(c, argv, cursor, 2, {
    coll: db.dict,
    seqOf: (k) => db.dict.get(k)?.seq,
    startSeq: currentSeq(),
    db: {
      typeOf: (k) => {
        const e = db.lookup(k, true);
        return e === undefined ? null : e.type;
      },
    },
  });
}

const EMPTY_SCAN = '*2\r\n$1\r\n0\r\n*0\r\n';

/**
 * HSCAN / SSCAN / ZSCAN key cursor [MATCH pattern] [COUNT count]: Redis's order of checks (cursor,
 * missing key → empty result, WRONGTYPE, then options).
 */
export function scanCollection(c: Client, argv: string[], type: Extract<RType, 'hash' | 'set' | 'zset'>): void {
  const cursor = parseScanCursor(c, argv[2]!);
  if (cursor === null) return;
  const e = c.db.lookup(argv[1]!);
  if (e === undefined) {
    c.server.stats.keyspaceMisses++;
    c.addReplyRaw(EMPTY_SCAN);
    return;
  }
  c.server.stats.keyspaceHits++;
  if (e.type !== type) {
    c.addReplyError(ERR.WRONGTYPE);
    return;
  }
  scanGeneric(c, argv, cursor, 3, sourceOf(e, c.server));
}

/** The scan source of a hash, set or sorted set entry. */
export function sourceOf(e: Entry, server: Server): ScanSource {
  const all = isCompact(e, server.config);
  switch (e.type) {
    case 'hash': {
      const h = e.value as Map<string, string>;
      return { coll: h, value: (k) => h.get(k)!, all };
    }
    case 'zset': {
      const d = (e.value as ZSet).dict;
      return { coll: d, value: (k) => fmt17g(d.get(k)!), all };
    }
    case 'set':
      return { coll: e.value as Set<string>, all };
    default:
      throw new Error(`SCAN over a ${e.type}`);
  }
}
