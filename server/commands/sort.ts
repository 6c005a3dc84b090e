/** SORT and SORT_RO (Redis's sort.c), Redis 7.0 semantics. */
import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Db } from '../store/db.js';
import type { Entry } from '../store/entry.js';
import type { ListValue } from '../store/list.js';
import { ListValue as List } from '../store/list.js';
import type { ZSet } from '../store/zset.js';
import { parseLL } from '../util/numbers.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR, modified } from './util.js';

interface SortItem {
  obj: string;
  score: number;
  /** BY pattern value for ALPHA sorting; null when the looked-up key is missing. */
  cmp: string | null;
}

/**
 * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by
 * the element, and "->field" after it reads a hash field. Missing keys, wrong types and
 * patterns without '*' give null.
 */
function lookupByPattern(db: Db, pattern: string, subst: string): string | null {
  if (pattern === '#') return subst;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  let field: string | null = null;
  let keyPat = pattern;
  if (arrow >= 0 && arrow + 2 < pattern.length) {
    field = pattern.slice(arrow + 2);
    keyPat = pattern.slice(0, arrow);
  }
  const key = keyPat.slice(0, star) + subst + keyPat.slice(star + 1);
  const e = db.lookup(key);
  if (e === undefined) return null;
  if (field !== null) {
    if (e.type !== 'hash') return null;
    return (e.value as Map<string, string>).get(field) ?? null;
  }
  if (e.type !== 'string') return null;
  return e.value as string;
}

/** Binary comparison of latin1 strings (memcmp, then length), as compareStringObjects. */
function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strtod as SORT uses it: leading spaces allowed, whole string consumed, no NaN, no ERANGE. */
function sortScore(s: string): number | null {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (t === '') return 0; // strtod consumed nothing and the string ends: score 0, no error
  const lower = t.toLowerCase();
  const m = /^([+-]?)(inf|infinity)$/.exec(lower);
  if (m) return m[1] === '-' ? -Infinity : Infinity;
  let v: number;
  if (/^[+-]?0x[0-9a-f]+$/.test(lower)) {
    v = Number.parseInt(lower.replace('0x', ''), 16);
  } else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) {
    v = Number(t);
    if (!Number.isFinite(v)) return null; // overflow: ERANGE
    if (v === 0 && /[1-9]/.test(t.replace(/e.*$/i, ''))) return null; // underflow: ERANGE
  } else {
    return null;
  }
  return v;
}

/** SORT's options as parsed from the command line. */
interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  /** BY without '*': keep the native order. */
  dontsort: boolean;
  sortby: string | null;
  storekey: string | null;
  gets: string[];
}

/** Parse SORT's options (replies the error and returns null when invalid). */
function parseSortOptions(c: Client, argv: string[], readonly: boolean): SortOptions | null {
  const o: SortOptions = { desc: false, alpha: false, limitStart: 0, limitCount: -1, dontsort: false, sortby: null, storekey: null, gets: [] };
  const cluster = c.server.config.clusterEnabled;
  // BY and GET read keys the ACL key patterns cannot see: they need read access to every key.
  let fullKeyAccess: boolean | null = null;
  const canReadAnyKey = (): boolean => {
    const spec = c.server.commands.get(argv[0]!.toLowerCase());
    fullKeyAccess ??= spec === undefined || c.server.acl.canReadAnyKey(c.user, spec, argv);
    return fullKeyAccess;
  };
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'asc') o.desc = false;
    else if (opt === 'desc') o.desc = true;
    else if (opt === 'alpha') o.alpha = true;
    else if (opt === 'limit' && left >= 2) {
      const a = parseLL(argv[j + 1]!);
      const b = a === null ? null : parseLL(argv[j + 2]!);
      if (a === null || b === null) {
        c.addReplyError(ERR.NOT_INT);
        return null;
      }
      o.limitStart = a;
      o.limitCount = b;
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      o.storekey = argv[++j]!;
    } else if (opt === 'by' && left >= 1) {
      o.sortby = argv[++j]!;
      if (!o.sortby.includes('*')) o.dontsort = true;
      else if (cluster) {
        c.addReplyError('BY option of SORT denied in Cluster mode.');
        return null;
      } else if (!canReadAnyKey()) {
        c.addReplyError('BY option of SORT denied due to insufficient ACL permissions.');
        return null;
      }
    } else if (opt === 'get' && left >= 1) {
      if (cluster) {
        c.addReplyError('GET option of SORT denied in Cluster mode.');
        return null;
      }
      if (!canReadAnyKey()) {
        c.addReplyError('GET option of SORT denied due to insufficient ACL permissions.');
        return null;
      }
      o.gets.push(argv[++j]!);
    } else {
      c.addReplyError(ERR.SYNTAX);
      return null;
    }
  }
  return o;
}

/** The LIMIT window [start, end] over `len` elements, clamped as Redis's sortCommandGeneric. */
function limitWindow(o: SortOptions, len: number): { start: number; end: number } {
  let start = Math.min(Math.max(o.limitStart, 0), len);
  const count = Math.min(Math.max(o.limitCount, -1), len);
  let end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  return { start, end };
}

const item = (obj: string): SortItem => ({ obj, score: 0, cmp: null });

/**
 * The elements to sort. Lists and sorted sets in native order (dontsort) load only the window,
 * which then starts at 0.
 */
function loadVector(e: Entry, o: SortOptions, w: { start: number; end: number }): SortItem[] {
  if ((e.type === 'list' || e.type === 'zset') && o.dontsort) {
    if (w.end < w.start) return [];
    const all = e.type === 'list' ? (e.value as ListValue).toArray() : Array.from(e.value as ZSet, ([m]) => m);
    if (o.desc) all.reverse();
    const vector = all.slice(w.start, w.end + 1).map(item);
    w.end -= w.start;
    w.start = 0;
    return vector;
  }
  if (e.type === 'list') return (e.value as ListValue).toArray().map(item);
  if (e.type === 'set') return Array.from(e.value as Set<string>, item);
  return Array.from((e.value as ZSet).dict.keys(), item);
}

/** Compute the sort keys (BY lookups, scores) and sort; false when a score is not a double. */
function sortVector(db: Db, vector: SortItem[], o: SortOptions): boolean {
  let converted = true;
  for (const v of vector) {
    let byval: string | null = v.obj;
    if (o.sortby !== null) {
      byval = lookupByPattern(db, o.sortby, v.obj);
      if (byval === null) continue;
    }
    if (o.alpha) {
      if (o.sortby !== null) v.cmp = byval;
    } else {
      const sc = sortScore(byval);
      if (sc === null) converted = false;
      else v.score = sc;
    }
  }
  const byPattern = o.sortby !== null;
  vector.sort((a, b) => {
    let r: number;
    if (!o.alpha) {
      r = a.score > b.score ? 1 : a.score < b.score ? -1 : cmpStr(a.obj, b.obj);
    } else if (byPattern) {
      if (a.cmp === null || b.cmp === null) r = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
      else r = cmpStr(a.cmp, b.cmp);
    } else {
      r = cmpStr(a.obj, b.obj);
    }
    return o.desc ? -r : r;
  });
  return converted;
}

/** SORT ... STORE: the window (or its GET lookups) as a list at storekey; an empty result deletes it. */
function storeResult(c: Client, o: SortOptions, vector: SortItem[], w: { start: number; end: number }, outputlen: number): void {
  const db = c.db;
  const storekey = o.storekey!;
  const list = new List();
  for (let j = w.start; j <= w.end; j++) {
    const v = vector[j]!;
    if (o.gets.length === 0) list.pushTail(v.obj);
    for (const g of o.gets) list.pushTail(lookupByPattern(db, g, v.obj) ?? '');
  }
  if (outputlen > 0) {
    db.set(storekey, 'list', list);
    modified(c, storekey, NOTIFY.LIST, 'sortstore', outputlen);
  } else if (db.lookup(storekey, true) !== undefined) {
    db.delete(storekey);
    modified(c, storekey, NOTIFY.GENERIC, 'del');
  }
  c.addReplyInt(Math.max(0, outputlen));
}

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  const s = c.server;
  const db = c.db;
  const o = parseSortOptions(c, argv, readonly);
  if (o === null) return;
  const e = db.lookup(argv[1]!);
  if (e === undefined) s.stats.keyspaceMisses++;
  else s.stats.keyspaceHits++;
  if (e !== undefined && e.type !== 'set' && e.type !== 'list' && e.type !== 'zset') {
    c.addReplyError(ERR.WRONGTYPE);
    return;
  }
  // A set has no native order: with STORE (replicated) sort it for determinism.
  if (o.dontsort && e?.type === 'set' && o.storekey !== null) {
    o.dontsort = false;
    o.alpha = true;
    o.sortby = null;
  }
  const len =
    e === undefined ? 0 : e.type === 'list' ? (e.value as ListValue).length : e.type === 'set' ? (e.value as Set<string>).size : (e.value as ZSet).size;
  const w = limitWindow(o, len);
  const vector = e === undefined ? [] : loadVector(e, o, w);
  const converted = o.dontsort || sortVector(db, vector, o);
  const outputlen = o.gets.length > 0 ? o.gets.length * (w.end - w.start + 1) : w.end - w.start + 1;
  if (!converted) {
    c.addReplyError("One or more scores can't be converted into double");
    return;
  }
  if (o.storekey !== null) {
    storeResult(c, o, vector, w, outputlen);
    return;
  }
  c.addReplyArrayLen(Math.max(0, outputlen));
  for (let j = w.start; j <= w.end; j++) {
    const v = vector[j]!;
    if (o.gets.length === 0) c.addReplyBulk(v.obj);
    for (const g of o.gets) c.addReplyBulkOrNull(lookupByPattern(db, g, v.obj));
  }
}

/** Key positions: the sorted key, plus the STORE destination (Redis's sortGetKeys). */
function sortGetKeys(argv: string[]): number[] {
  const keys = [1];
  for (let j = 2; j < argv.length; j++) {
    const o = argv[j]!.toLowerCase();
    if (o === 'limit') j += 2;
    else if (o === 'get' || o === 'by') j += 1;
    else if (o === 'store') {
      if (j + 1 < argv.length) {
        // The last STORE wins, as in Redis.
        if (keys.length === 2) keys[1] = j + 1;
        else keys.push(j + 1);
      }
      j += 1;
    }
  }
  return keys;
}

const SORT_HINT = 'key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]';

export const sortCommands: CommandSpec[] = [
  cmd(
    'sort',
    -2,
    ['write', 'denyoom', 'movablekeys'],
    [1, 1, 1],
    'generic',
    'Sort the elements in a list, set or sorted set',
    (c, a) => sortGeneric(c, a, false),
    {
      hint: SORT_HINT,
      getKeys: sortGetKeys,
      acl: ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    },
  ),
  cmd(
    'sort_ro',
    -2,
    ['readonly', 'movablekeys'],
    [1, 1, 1],
    'generic',
    'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    (c, a) => sortGeneric(c, a, true),
    {
      since: '7.0.0',
      hint: 'key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]',
      getKeys: () => [1],
      acl: ['read', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    },
  ),
];
