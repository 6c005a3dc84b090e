/** SORT and SORT_RO (Redis's sort.c), Redis 7.0 semantics. */
import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Db } from '../store/db.js';
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

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  const s = c.server;
  const db = c.db;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  const cluster = s.config.clusterEnabled;
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'asc') desc = false;
    else if (opt === 'desc') desc = true;
    else if (opt === 'alpha') alpha = true;
    else if (opt === 'limit' && left >= 2) {
      const a = parseLL(argv[j + 1]!);
      const b = a === null ? null : parseLL(argv[j + 2]!);
      if (a === null || b === null) {
        c.addReplyError(ERR.NOT_INT);
        return;
      }
      limitStart = a;
      limitCount = b;
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      storekey = argv[++j]!;
    } else if (opt === 'by' && left >= 1) {
      sortby = argv[++j]!;
      if (!sortby.includes('*')) dontsort = true;
      else if (cluster) {
        c.addReplyError('BY option of SORT denied in Cluster mode.');
        return;
      }
    } else if (opt === 'get' && left >= 1) {
      if (cluster) {
        c.addReplyError('GET option of SORT denied in Cluster mode.');
        return;
      }
      gets.push(argv[++j]!);
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }

  const e = db.lookup(argv[1]!);
  if (e === undefined) s.stats.keyspaceMisses++;
  else s.stats.keyspaceHits++;
  if (e !== undefined && e.type !== 'set' && e.type !== 'list' && e.type !== 'zset') {
    c.addReplyError(ERR.WRONGTYPE);
    return;
  }
  const type = e === undefined ? 'list' : e.type;

  // A set has no native order: with STORE (replicated) sort it for determinism.
  if (dontsort && type === 'set' && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }

  let vectorlen =
    e === undefined ? 0 : type === 'list' ? (e.value as ListValue).length : type === 'set' ? (e.value as Set<string>).size : (e.value as ZSet).size;
  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  let vector: SortItem[] = [];
  const item = (obj: string): SortItem => ({ obj, score: 0, cmp: null });
  if (e !== undefined) {
    if ((type === 'list' || type === 'zset') && dontsort) {
      // Native order (reversed for DESC), only the LIMIT range.
      if (end >= start) {
        let all: string[];
        if (type === 'list') all = (e.value as ListValue).toArray();
        else all = Array.from(e.value as ZSet, ([m]) => m);
        if (desc) all.reverse();
        vector = all.slice(start, end + 1).map(item);
        end -= start;
        start = 0;
      }
    } else if (type === 'list') {
      vector = (e.value as ListValue).toArray().map(item);
    } else if (type === 'set') {
      vector = Array.from(e.value as Set<string>, item);
    } else {
      vector = Array.from((e.value as ZSet).dict.keys(), item);
    }
  }
  vectorlen = vector.length;

  let conversionError = false;
  if (!dontsort) {
    for (const v of vector) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(db, sortby, v.obj);
        if (byval === null) continue;
      } else {
        byval = v.obj;
      }
      if (alpha) {
        if (sortby !== null) v.cmp = byval;
      } else {
        const sc = sortScore(byval);
        if (sc === null) conversionError = true;
        else v.score = sc;
      }
    }
    const byPattern = sortby !== null;
    const cmp = (a: SortItem, b: SortItem): number => {
      let r: number;
      if (!alpha) {
        r = a.score > b.score ? 1 : a.score < b.score ? -1 : cmpStr(a.obj, b.obj);
      } else if (byPattern) {
        if (a.cmp === null || b.cmp === null) r = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
        else r = cmpStr(a.cmp, b.cmp);
      } else {
        r = cmpStr(a.obj, b.obj);
      }
      return desc ? -r : r;
    };
    vector.sort(cmp);
  }

  const outputlen = gets.length > 0 ? gets.length * (end - start + 1) : end - start + 1;
  if (conversionError) {
    c.addReplyError("One or more scores can't be converted into double");
    return;
  }
  if (storekey === null) {
    c.addReplyArrayLen(Math.max(0, outputlen));
    for (let j = start; j <= end; j++) {
      const v = vector[j]!;
      if (gets.length === 0) c.addReplyBulk(v.obj);
      for (const g of gets) c.addReplyBulkOrNull(lookupByPattern(db, g, v.obj));
    }
    return;
  }
  const list = new List();
  for (let j = start; j <= end; j++) {
    const v = vector[j]!;
    if (gets.length === 0) list.pushTail(v.obj);
    for (const g of gets) list.pushTail(lookupByPattern(db, g, v.obj) ?? '');
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
