/** Sorted-set commands (Redis's t_zset.c) over store/zset.ts. */

import { blockForKeys } from '../blocking.js';
import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Entry } from '../store/entry.js';
import { scanCollection } from '../store/scan.js';
import { type LexRange, lexGteMin, lexLteMax, type ScoreRange, scoreGteMin, scoreLteMax, type ZNode, ZSet } from '../store/zset.js';
import { parseDouble } from '../util/numbers.js';
import { randomInt } from '../util/random.js';
import {
  canBlock,
  deleteKeyIfEmpty,
  deleteMembers,
  eqi,
  getLong,
  getPositiveLong,
  getRangeLong,
  LONG_MAX,
  numkeysKeys,
  storeNumkeysKeys,
  strtodWhole,
} from './coll.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR, getTimeoutMs, lookupRead, lookupWrite } from './util.js';

const MIN = 0;
const MAX = 1;
type Side = typeof MIN | typeof MAX;

/**
 * Redis's getDoubleFromObject: strtod over the whole string, no leading space, no NaN, and
 * overflow/underflow (ERANGE to ±HUGE_VAL or 0) refused although "inf" literals are fine.
 */
export function parseScore(s: string): number | null {
  const v = parseDouble(s);
  if (v === null) return null;
  if (!Number.isFinite(v) && !/inf/i.test(s)) return null;
  if (v === 0) {
    const mant = s.split(/[eE]/)[0]!;
    if (/[1-9]/.test(mant)) return null;
  }
  return v;
}

function getScore(c: Client, s: string, err: string = ERR.NOT_FLOAT): number | null {
  const v = parseScore(s);
  if (v === null) c.addReplyError(err);
  return v;
}

/** Whether a zset of this shape would be listpack-encoded (zsetConvertToListpackIfNeeded). */
function isSmall(c: Client, size: number, maxLen: number): boolean {
  const l = c.server.config;
  return size <= l.zsetMaxListpackEntries && maxLen <= l.zsetMaxListpackValue;
}

/** Store a freshly built zset at dst (replacing any value) or delete dst when empty. */
function storeZset(c: Client, dst: string, z: ZSet, event: string): void {
  if (z.size > 0) {
    let maxLen = 0;
    for (const m of z.dict.keys()) if (m.length > maxLen) maxLen = m.length;
    const e = c.db.set(dst, 'zset', z);
    e.big = !isSmall(c, z.size, maxLen);
    c.addReplyInt(z.size);
    c.server.signalModifiedKey(c.db, dst);
    c.server.notifyKeyspaceEvent(NOTIFY.ZSET, event, dst, c.db.id);
    c.server.dirty++;
  } else {
    c.addReplyInt(0);
    if (c.db.delete(dst)) {
      c.server.signalModifiedKey(c.db, dst);
      c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', dst, c.db.id);
      c.server.dirty++;
    }
  }
}

/** Delete an emptied zset, without the "del" event (ZREMRANGEBY* sends it after its own). */
function deleteIfEmpty(c: Client, key: string, e: Entry<'zset'>): boolean {
  if (e.value.size > 0) return false;
  c.db.delete(key);
  return true;
}

// ---- ZADD / ZINCRBY ----

const NANERR = 'resulting score is not a number (NaN)';

function zaddGeneric(c: Client, argv: string[], incrCmd: boolean): void {
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  let ch = false;
  let incr = incrCmd;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const o = argv[idx]!.toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o === 'ch') ch = true;
    else if (o === 'incr') incr = true;
    else if (o === 'gt') gt = true;
    else if (o === 'lt') lt = true;
    else break;
  }
  let elements = argv.length - idx;
  if (elements % 2 || !elements) return c.addReplyError(ERR.SYNTAX);
  elements /= 2;
  if (nx && xx) return c.addReplyError('XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return c.addReplyError('GT, LT, and/or NX options at the same time are not compatible');
  if (incr && elements > 1) return c.addReplyError('INCR option supports a single increment-element pair');
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) {
    const s = getScore(c, argv[idx + j * 2]!);
    if (s === null) return;
    scores[j] = s;
  }
  const key = argv[1]!;
  let e = lookupWrite(c, key, 'zset');
  if (e === undefined) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  let nanError = false;
  if (e === null && !xx) {
    e = c.db.set(key, 'zset', new ZSet());
    const l = c.server.config;
    e.big = l.zsetMaxListpackEntries === 0 || l.zsetMaxListpackValue < argv[idx + 1]!.length;
  }
  if (e !== null) {
    const z = e.value;
    const l = c.server.config;
    for (let j = 0; j < elements; j++) {
      const member = argv[idx + 1 + j * 2]!;
      score = scores[j]!;
      const cur = z.score(member);
      if (cur !== undefined) {
        if (nx) continue;
        if (incr) {
          score += cur;
          if (Number.isNaN(score)) {
            nanError = true;
            break;
          }
        }
        if ((lt && score >= cur) || (gt && score <= cur)) continue;
        processed++;
        if (score !== cur) {
          z.add(member, score);
          updated++;
        }
      } else {
        if (xx) continue;
        processed++;
        z.add(member, score);
        added++;
        if (!e.big && (z.size > l.zsetMaxListpackEntries || member.length > l.zsetMaxListpackValue)) e.big = true;
      }
    }
    c.server.dirty += added + updated;
  }
  if (nanError) c.addReplyError(NANERR);
  else if (incr) {
    if (processed) c.addReplyDouble(score);
    else c.addReplyNull();
  } else c.addReplyInt(ch ? added + updated : added);
  if (added || updated) {
    c.server.signalModifiedKey(c.db, key);
    c.server.notifyKeyspaceEvent(NOTIFY.ZSET, incr ? 'zincr' : 'zadd', key, c.db.id);
  }
}

function zaddCommand(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, false);
}
function zincrbyCommand(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, true);
}

function zremCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'zset');
  if (e === undefined) return;
  if (e === null) return c.addReplyInt(0);
  const { deleted, keyRemoved } = deleteMembers(c, key, e, argv, 2);
  if (deleted) {
    // Redis's order for ZREM: the events, then the signal.
    c.server.notifyKeyspaceEvent(NOTIFY.ZSET, 'zrem', key, c.db.id);
    if (keyRemoved) c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
    c.server.signalModifiedKey(c.db, key);
    c.server.dirty += deleted;
  }
  c.addReplyInt(deleted);
}

// ---- simple reads ----

function zscoreCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'zset');
  if (e === undefined) return;
  const s = e === null ? undefined : e.value.score(argv[2]!);
  if (s === undefined) c.addReplyNull();
  else c.addReplyDouble(s);
}

function zmscoreCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'zset');
  if (e === undefined) return;
  c.addReplyArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = e === null ? undefined : e.value.score(argv[j]!);
    if (s === undefined) c.addReplyNull();
    else c.addReplyDouble(s);
  }
}

function zcardCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'zset');
  if (e === undefined) return;
  c.addReplyInt(e === null ? 0 : e.value.size);
}

/** zslParseRange: "(" makes a bound exclusive; strtod over the rest, NaN refused. */
export function parseScoreRange(min: string, max: string): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  const a = parseBound(min);
  const b = parseBound(max);
  if (!a || !b) return null;
  [r.min, r.minex] = a;
  [r.max, r.maxex] = b;
  return r;
}

function parseBound(s: string): [number, boolean] | null {
  const ex = s.charCodeAt(0) === 40; // '('
  const v = strtodWhole(ex ? s.slice(1) : s);
  return v === null ? null : [v, ex];
}

/** zslParseLexRange: "[x" inclusive, "(x" exclusive, "-" and "+" the open ends. */
export function parseLexRange(min: string, max: string): LexRange | null {
  const a = parseLexItem(min);
  const b = parseLexItem(max);
  if (!a || !b) return null;
  return { min: a.s, minex: a.ex, minInf: a.inf, max: b.s, maxex: b.ex, maxInf: b.inf };
}

function parseLexItem(s: string): { s: string; ex: boolean; inf: -1 | 0 | 1 } | null {
  switch (s[0]) {
    case '+':
      return s.length === 1 ? { s: '', ex: true, inf: 1 } : null;
    case '-':
      return s.length === 1 ? { s: '', ex: true, inf: -1 } : null;
    case '(':
      return { s: s.slice(1), ex: true, inf: 0 };
    case '[':
      return { s: s.slice(1), ex: false, inf: 0 };
    default:
      return null;
  }
}

function zcountCommand(c: Client, argv: string[]): void {
  const r = parseScoreRange(argv[2]!, argv[3]!);
  if (!r) return c.addReplyError('min or max is not a float');
  const e = lookupRead(c, argv[1]!, 'zset');
  if (e === undefined) return;
  c.addReplyInt(e === null ? 0 : e.value.countInScore(r));
}

function zlexcountCommand(c: Client, argv: string[]): void {
  const r = parseLexRange(argv[2]!, argv[3]!);
  if (!r) return c.addReplyError('min or max not valid string range item');
  const e = lookupRead(c, argv[1]!, 'zset');
  if (e === undefined) return;
  c.addReplyInt(e === null ? 0 : e.value.countInLex(r));
}

function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  const e = lookupRead(c, argv[1]!, 'zset');
  if (e === undefined) return;
  if (e === null) return c.addReplyNull();
  const r = e.value.rank(argv[2]!);
  if (r < 0) return c.addReplyNull();
  c.addReplyInt(reverse ? e.value.size - 1 - r : r);
}
function zrankCommand(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, false);
}
function zrevrankCommand(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, true);
}

// ---- ZRANGE family ----

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Dir = 'auto' | 'fwd' | 'rev';

/** Reply member/score pairs: flat in RESP2, [member, score] pairs in RESP3. */
function replyPairs(c: Client, items: ZNode[] | [string, number][], withScores: boolean): void {
  const n = items.length;
  c.addReplyArrayLen(withScores && c.resp === 2 ? n * 2 : n);
  for (const it of items) {
    const m = Array.isArray(it) ? it[0] : it.member;
    const s = Array.isArray(it) ? it[1] : it.score;
    if (withScores && c.resp === 3) c.addReplyArrayLen(2);
    c.addReplyBulk(m);
    if (withScores) c.addReplyDouble(s);
  }
}

function rangeByRank(z: ZSet, start: number, end: number, reverse: boolean): ZNode[] {
  const len = z.size;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return [];
  if (end >= len) end = len - 1;
  let n = reverse ? z.byRank(len - 1 - start) : z.byRank(start);
  const out: ZNode[] = [];
  for (let k = end - start + 1; k > 0 && n; k--) {
    out.push(n);
    n = reverse ? n.backward : n.next;
  }
  return out;
}

/** Walk from `n` applying Redis's offset/limit loop (negative offset: nothing; negative limit: no limit). */
function walkRange(n: ZNode | null, reverse: boolean, offset: number, limit: number, inRange: (x: ZNode) => boolean): ZNode[] {
  const out: ZNode[] = [];
  if (offset < 0) return out;
  while (n && offset-- > 0) n = reverse ? n.backward : n.next;
  while (n && limit-- !== 0) {
    if (!inRange(n)) break;
    out.push(n);
    n = reverse ? n.backward : n.next;
  }
  return out;
}

function rangeByScore(z: ZSet, r: ScoreRange, offset: number, limit: number, reverse: boolean): ZNode[] {
  if (offset > 0 && offset >= z.size) return [];
  const start = reverse ? z.lastInScore(r) : z.firstInScore(r);
  return walkRange(start, reverse, offset, limit, reverse ? (x) => scoreGteMin(x.score, r) : (x) => scoreLteMax(x.score, r));
}

function rangeByLex(z: ZSet, r: LexRange, offset: number, limit: number, reverse: boolean): ZNode[] {
  if (offset > 0 && offset >= z.size) return [];
  const start = reverse ? z.lastInLex(r) : z.firstInLex(r);
  return walkRange(start, reverse, offset, limit, reverse ? (x) => lexGteMin(x.member, r) : (x) => lexLteMax(x.member, r));
}

/**
 * Redis's zrangeGenericCommand. `first` is the index of the source key; with `store` the result
 * goes to argv[1] (ZRANGESTORE).
 */
function zrangeGeneric(c: Client, argv: string[], first: number, store: boolean, rangeType: RangeType, dir: Dir): void {
  const key = argv[first]!;
  let minIdx = first + 1;
  let maxIdx = first + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  let hasLimit = false;
  for (let j = first + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j]!;
    if (!store && eqi(a, 'withscores')) withScores = true;
    else if (eqi(a, 'limit') && left >= 2) {
      const o = getLong(c, argv[j + 1]!);
      if (o === null) return;
      const l = getLong(c, argv[j + 2]!);
      if (l === null) return;
      offset = o;
      limit = l;
      hasLimit = true;
      j += 2;
    } else if (dir === 'auto' && eqi(a, 'rev')) dir = 'rev';
    else if (rangeType === 'auto' && eqi(a, 'bylex')) rangeType = 'lex';
    else if (rangeType === 'auto' && eqi(a, 'byscore')) rangeType = 'score';
    else return c.addReplyError(ERR.SYNTAX);
  }
  if (dir === 'auto') dir = 'fwd';
  if (rangeType === 'auto') rangeType = 'rank';
  if (hasLimit && limit !== -1 && rangeType === 'rank') {
    return c.addReplyError('syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withScores && rangeType === 'lex') return c.addReplyError('syntax error, WITHSCORES not supported in combination with BYLEX');
  const reverse = dir === 'rev';
  if (reverse && rangeType !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];
  let start = 0;
  let end = 0;
  let sr: ScoreRange | null = null;
  let lr: LexRange | null = null;
  if (rangeType === 'rank') {
    const s = getLong(c, argv[minIdx]!);
    if (s === null) return;
    const e = getLong(c, argv[maxIdx]!);
    if (e === null) return;
    start = s;
    end = e;
  } else if (rangeType === 'score') {
    sr = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    if (!sr) return c.addReplyError('min or max is not a float');
  } else {
    lr = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    if (!lr) return c.addReplyError('min or max not valid string range item');
  }
  const e = lookupRead(c, key, 'zset');
  if (e === undefined) return;
  let items: ZNode[] = [];
  if (e !== null) {
    const z = e.value;
    if (rangeType === 'rank') items = rangeByRank(z, start, end, reverse);
    else if (rangeType === 'score') items = rangeByScore(z, sr!, offset, limit, reverse);
    else items = rangeByLex(z, lr!, offset, limit, reverse);
  }
  if (store) {
    const dst = new ZSet();
    for (const n of items) dst.add(n.member, n.score);
    storeZset(c, argv[1]!, dst, 'zrangestore');
    return;
  }
  replyPairs(c, items, withScores);
}

function zrangeCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, false, 'auto', 'auto');
}
function zrangestoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 2, true, 'auto', 'auto');
}
function zrevrangeCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, false, 'rank', 'rev');
}
function zrangebyscoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, false, 'score', 'fwd');
}
function zrevrangebyscoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, false, 'score', 'rev');
}
function zrangebylexCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, false, 'lex', 'fwd');
}
function zrevrangebylexCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, false, 'lex', 'rev');
}

// ---- ZREMRANGEBY* ----

function zremrangeGeneric(c: Client, argv: string[], type: 'rank' | 'score' | 'lex'): void {
  const key = argv[1]!;
  let start = 0;
  let end = 0;
  let sr: ScoreRange | null = null;
  let lr: LexRange | null = null;
  if (type === 'rank') {
    const s = getLong(c, argv[2]!);
    if (s === null) return;
    const e = getLong(c, argv[3]!);
    if (e === null) return;
    start = s;
    end = e;
  } else if (type === 'score') {
    sr = parseScoreRange(argv[2]!, argv[3]!);
    if (!sr) return c.addReplyError('min or max is not a float');
  } else {
    lr = parseLexRange(argv[2]!, argv[3]!);
    if (!lr) return c.addReplyError('min or max not valid string range item');
  }
  const e = lookupWrite(c, key, 'zset');
  if (e === undefined) return;
  if (e === null) return c.addReplyInt(0);
  const z = e.value;
  let deleted: number;
  if (type === 'rank') {
    const len = z.size;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) return c.addReplyInt(0);
    if (end >= len) end = len - 1;
    deleted = z.deleteRangeByRank(start, end);
  } else if (type === 'score') deleted = z.deleteRangeByScore(sr!);
  else deleted = z.deleteRangeByLex(lr!);
  const keyRemoved = deleteIfEmpty(c, key, e);
  if (deleted) {
    c.server.signalModifiedKey(c.db, key);
    c.server.notifyKeyspaceEvent(NOTIFY.ZSET, 'zremrangeby' + type, key, c.db.id);
    if (keyRemoved) c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  }
  c.server.dirty += deleted;
  c.addReplyInt(deleted);
}

function zremrangebyrankCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, 'rank');
}
function zremrangebyscoreCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, 'score');
}
function zremrangebylexCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, 'lex');
}

// ---- pops ----

/**
 * Redis's genericZpopCommand. `count` -1 is the plain single pop. Shapes: flat [m, s, ...]
 * (ZPOP* in RESP2 / single pop), nested [[m, s], ...] (ZPOP* COUNT in RESP3), with the key
 * first for BZPOP* (flat) and Z/BZMPOP ([key, [[m, s], ...]]).
 */
function genericZpop(
  c: Client,
  keys: string[],
  where: Side,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): { key: string; popped: number; llen: number } | null {
  let key = '';
  let e: Entry<'zset'> | null = null;
  for (const k of keys) {
    const x = lookupWrite(c, k, 'zset');
    if (x === undefined) return null;
    if (x === null) continue;
    key = k;
    e = x;
    break;
  }
  if (e === null) {
    if (nilWhenEmpty) c.addReplyNullArray();
    else c.addReplyArrayLen(0);
    return null;
  }
  if (count === 0) {
    c.addReplyArrayLen(0);
    return null;
  }
  if (count === -1) count = 1;
  const z = e.value;
  const llen = z.size;
  const n = Math.min(count, llen);
  if (!nested && !emitKey) c.addReplyArrayLen(n * 2);
  else if (nested && !emitKey) c.addReplyArrayLen(n);
  else if (!nested && emitKey) {
    c.addReplyArrayLen(n * 2 + 1);
    c.addReplyBulk(key);
  } else {
    c.addReplyArrayLen(2);
    c.addReplyBulk(key);
    c.addReplyArrayLen(n);
  }
  for (let i = 0; i < n; i++) {
    const node = (where === MAX ? z.last() : z.first())!;
    const m = node.member;
    const s = node.score;
    z.delete(m);
    c.server.dirty++;
    if (i === 0) {
      c.server.notifyKeyspaceEvent(NOTIFY.ZSET, where === MIN ? 'zpopmin' : 'zpopmax', key, c.db.id);
      c.server.signalModifiedKey(c.db, key);
    }
    if (nested) c.addReplyArrayLen(2);
    c.addReplyBulk(m);
    c.addReplyDouble(s);
  }
  deleteKeyIfEmpty(c, key, e);
  return { key, popped: n, llen };
}

function zpopMinMax(c: Client, argv: string[], where: Side): void {
  if (argv.length > 3) return c.addReplyError(ERR.SYNTAX);
  let count = -1;
  if (argv.length === 3) {
    const n = getPositiveLong(c, argv[2]!);
    if (n === null) return;
    count = n;
  }
  genericZpop(c, [argv[1]!], where, false, count, c.resp === 3 && count !== -1, false);
}
function zpopminCommand(c: Client, argv: string[]): void {
  zpopMinMax(c, argv, MIN);
}
function zpopmaxCommand(c: Client, argv: string[]): void {
  zpopMinMax(c, argv, MAX);
}

function popName(where: Side): string {
  return where === MIN ? 'ZPOPMIN' : 'ZPOPMAX';
}

/** BZPOPMIN/BZPOPMAX (count -1, flat) and BZMPOP (count ≥ 1, nested). */
function blockingZpop(c: Client, keys: string[], where: Side, timeoutArg: string, count: number, nested: boolean): void {
  const timeout = getTimeoutMs(c, timeoutArg);
  if (timeout === null) return;
  for (const key of keys) {
    const e = lookupWrite(c, key, 'zset');
    if (e === undefined) return;
    if (e === null || e.value.size === 0) continue;
    serveZpop(c, key, where, count, nested);
    return;
  }
  if (!canBlock(c)) return c.addReplyNullArray();
  blockForKeys(
    c,
    c.db,
    keys,
    timeout,
    (key) => {
      const e = c.db.lookup(key);
      if (e?.type !== 'zset' || (e as Entry<'zset'>).value.size === 0) return false;
      serveZpop(c, key, where, count, nested);
      return true;
    },
    () => c.addReplyNullArray(),
  );
}

function serveZpop(c: Client, key: string, where: Side, count: number, nested: boolean): void {
  const r = genericZpop(c, [key], where, true, count, nested, nested);
  if (!r) return;
  if (count === -1) c.server.alsoPropagate(c.db.id, [popName(where), key]);
  else c.server.alsoPropagate(c.db.id, [popName(where), key, String(Math.min(count, r.llen))]);
}

function bzpopminCommand(c: Client, argv: string[]): void {
  blockingZpop(c, argv.slice(1, -1), MIN, argv[argv.length - 1]!, -1, false);
}
function bzpopmaxCommand(c: Client, argv: string[]): void {
  blockingZpop(c, argv.slice(1, -1), MAX, argv[argv.length - 1]!, -1, false);
}

function zmpopGeneric(c: Client, argv: string[], numkeysIdx: number, block: boolean): void {
  const numkeys = getRangeLong(c, argv[numkeysIdx]!, 1, LONG_MAX, 'numkeys should be greater than 0');
  if (numkeys === null) return;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return c.addReplyError(ERR.SYNTAX);
  let where: Side;
  if (eqi(argv[whereIdx]!, 'min')) where = MIN;
  else if (eqi(argv[whereIdx]!, 'max')) where = MAX;
  else return c.addReplyError(ERR.SYNTAX);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && eqi(argv[j]!, 'count') && more) {
      const n = getRangeLong(c, argv[++j]!, 1, LONG_MAX, 'count should be greater than 0');
      if (n === null) return;
      count = n;
    } else return c.addReplyError(ERR.SYNTAX);
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, whereIdx);
  if (block) return blockingZpop(c, keys, where, argv[1]!, count, true);
  const r = genericZpop(c, keys, where, true, count, true, true);
  if (r) c.server.alsoPropagate(c.db.id, [popName(where), r.key, String(Math.min(count, r.llen))]);
}

function zmpopCommand(c: Client, argv: string[]): void {
  zmpopGeneric(c, argv, 1, false);
}
function bzmpopCommand(c: Client, argv: string[]): void {
  zmpopGeneric(c, argv, 2, true);
}

// ---- ZUNION / ZINTER / ZDIFF (and STORE, ZINTERCARD) ----

type Agg = 'sum' | 'min' | 'max';

interface Src {
  /** member → score (sets give score 1). */
  get(m: string): number | undefined;
  entries(): Iterable<[string, number]>;
  size: number;
  ref: unknown;
  weight: number;
}

function makeSrc(e: Entry | null): Src {
  if (e === null) return { get: () => undefined, entries: () => [], size: 0, ref: null, weight: 1 };
  if (e.type === 'zset') {
    const z = (e as Entry<'zset'>).value;
    return { get: (m) => z.dict.get(m), entries: () => z.dict.entries(), size: z.size, ref: z, weight: 1 };
  }
  const s = (e as Entry<'set'>).value;
  return {
    get: (m) => (s.has(m) ? 1 : undefined),
    entries: function* () {
      for (const m of s) yield [m, 1] as [string, number];
    },
    size: s.size,
    ref: s,
    weight: 1,
  };
}

function aggregate(target: number, val: number, agg: Agg): number {
  if (agg === 'sum') {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

function zsetOpGeneric(
  c: Client,
  argv: string[],
  dst: string | null,
  numkeysIdx: number,
  op: 'union' | 'inter' | 'diff',
  cardOnly: boolean,
  cmdName: string,
): void {
  const setnum = getLong(c, argv[numkeysIdx]!);
  if (setnum === null) return;
  if (setnum < 1) return c.addReplyError(`at least 1 input key is needed for '${cmdName}' command`);
  if (setnum > argv.length - (numkeysIdx + 1)) return c.addReplyError(ERR.SYNTAX);
  const src: Src[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const e = c.db.lookup(argv[j]!);
    if (e === undefined) c.server.stats.keyspaceMisses++;
    else c.server.stats.keyspaceHits++;
    if (e !== undefined && e.type !== 'zset' && e.type !== 'set') return c.addReplyError(ERR.WRONGTYPE);
    src.push(makeSrc(e ?? null));
  }
  let agg: Agg = 'sum';
  let withScores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining) {
    const a = argv[j]!;
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && eqi(a, 'weights')) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = getScore(c, argv[j]!, 'weight value is not a float');
        if (w === null) return;
        src[i]!.weight = w;
      }
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && eqi(a, 'aggregate')) {
      j++;
      remaining--;
      const v = argv[j]!.toLowerCase();
      if (v === 'sum' || v === 'min' || v === 'max') agg = v;
      else return c.addReplyError(ERR.SYNTAX);
      j++;
      remaining--;
    } else if (remaining >= 1 && dst === null && !cardOnly && eqi(a, 'withscores')) {
      j++;
      remaining--;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && eqi(a, 'limit')) {
      j++;
      remaining--;
      const n = getPositiveLong(c, argv[j]!, "LIMIT can't be negative");
      if (n === null) return;
      limit = n;
      j++;
      remaining--;
    } else return c.addReplyError(ERR.SYNTAX);
  }
  if (op !== 'diff') src.sort((a, b) => a.size - b.size);
  const result = new ZSet();
  let card = 0;
  if (op === 'inter') {
    if (src[0]!.size > 0) {
      for (const [m, s0] of src[0]!.entries()) {
        let score = src[0]!.weight * s0;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < src.length; k++) {
          const other = src[k]!;
          const v = other.ref === src[0]!.ref ? s0 : other.get(m);
          if (v === undefined) break;
          score = aggregate(score, v * other.weight, agg);
        }
        if (k < src.length) continue;
        if (cardOnly) {
          card++;
          if (limit && card >= limit) break;
        } else result.add(m, score);
      }
    }
  } else if (op === 'union') {
    const acc = new Map<string, number>();
    for (const s of src) {
      for (const [m, sc] of s.entries()) {
        let score = s.weight * sc;
        if (Number.isNaN(score)) score = 0;
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? score : aggregate(cur, score, agg));
      }
    }
    for (const [m, s] of acc) result.add(m, s);
  } else {
    const first = src[0]!;
    if (first.size > 0) {
      outer: for (const [m, s] of first.entries()) {
        for (let k = 1; k < src.length; k++) {
          if (src[k]!.ref === first.ref || src[k]!.get(m) !== undefined) continue outer;
        }
        result.add(m, s);
      }
    }
  }
  if (dst !== null) return storeZset(c, dst, result, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore');
  if (cardOnly) return c.addReplyInt(card);
  replyPairs(c, [...result], withScores);
}

function zunionstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1]!, 2, 'union', false, 'zunionstore');
}
function zinterstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1]!, 2, 'inter', false, 'zinterstore');
}
function zdiffstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1]!, 2, 'diff', false, 'zdiffstore');
}
function zunionCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, 'union', false, 'zunion');
}
function zinterCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, 'inter', false, 'zinter');
}
function zdiffCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, 'diff', false, 'zdiff');
}
function zintercardCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, 'inter', true, 'zintercard');
}

// ---- ZRANDMEMBER ----

function zrandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const l = getRangeLong(c, argv[2]!, -LONG_MAX, LONG_MAX);
    if (l === null) return;
    let withScores = false;
    if (argv.length > 4 || (argv.length === 4 && !eqi(argv[3]!, 'withscores'))) return c.addReplyError(ERR.SYNTAX);
    if (argv.length === 4) {
      withScores = true;
      if (l < -LONG_MAX / 2 || l > LONG_MAX / 2) return c.addReplyError('value is out of range');
    }
    return zrandmemberWithCount(c, argv[1]!, l, withScores);
  }
  const e = lookupRead(c, argv[1]!, 'zset');
  if (e === undefined) return;
  if (e === null) return c.addReplyNull();
  c.addReplyBulk(e.value.byRank(randomInt(e.value.size))!.member);
}

function zrandmemberWithCount(c: Client, key: string, l: number, withScores: boolean): void {
  const e = lookupRead(c, key, 'zset');
  if (e === undefined) return;
  if (e === null) return c.addReplyArrayLen(0);
  const z = e.value;
  const size = z.size;
  let count = Math.abs(l);
  if (count === 0) return c.addReplyArrayLen(0);
  const emit = (m: string, s: number): void => {
    if (withScores && c.resp === 3) c.addReplyArrayLen(2);
    c.addReplyBulk(m);
    if (withScores) c.addReplyDouble(s);
  };
  if (l < 0 || count === 1) {
    c.addReplyArrayLen(withScores && c.resp === 2 ? count * 2 : count);
    while (count--) {
      const n = z.byRank(randomInt(size))!;
      emit(n.member, n.score);
    }
    return;
  }
  const n = Math.min(count, size);
  c.addReplyArrayLen(withScores && c.resp === 2 ? n * 2 : n);
  if (count >= size) {
    // Redis walks a zset from the highest element down here (zuiNext).
    for (let n = z.last(); n; n = n.backward) emit(n.member, n.score);
    return;
  }
  const pairs = [...z.dict];
  for (let i = 0; i < count; i++) {
    const k = i + randomInt(size - i);
    const t = pairs[i]!;
    pairs[i] = pairs[k]!;
    pairs[k] = t;
    emit(pairs[i]![0], pairs[i]![1]);
  }
}

function zscanCommand(c: Client, argv: string[]): void {
  scanCollection(c, argv, 'zset');
}

const KEYS_zmpop = numkeysKeys(1);
const KEYS_bzmpop = numkeysKeys(2);
const KEYS_zunionstore = storeNumkeysKeys;
const KEYS_zinterstore = storeNumkeysKeys;
const KEYS_zdiffstore = storeNumkeysKeys;
const KEYS_zunion = numkeysKeys(1);
const KEYS_zinter = numkeysKeys(1);
const KEYS_zdiff = numkeysKeys(1);
const KEYS_zintercard = numkeysKeys(1);

export const zsetCommands: CommandSpec[] = [
  cmd(
    'zadd',
    -4,
    ['write', 'denyoom', 'fast'],
    [1, 1, 1],
    'sorted-set',
    'Add one or more members to a sorted set, or update its score if it already exists',
    zaddCommand,
    { since: '1.2.0', hint: 'key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]', acl: ['write', 'sortedset', 'fast'] },
  ),
  cmd('zincrby', 4, ['write', 'denyoom', 'fast'], [1, 1, 1], 'sorted-set', 'Increment the score of a member in a sorted set', zincrbyCommand, {
    since: '1.2.0',
    hint: 'key increment member',
    acl: ['write', 'sortedset', 'fast'],
  }),
  cmd('zrem', -3, ['write', 'fast'], [1, 1, 1], 'sorted-set', 'Remove one or more members from a sorted set', zremCommand, {
    since: '1.2.0',
    hint: 'key member [member ...]',
    acl: ['write', 'sortedset', 'fast'],
  }),
  cmd('zscore', 3, ['readonly', 'fast'], [1, 1, 1], 'sorted-set', 'Get the score associated with the given member in a sorted set', zscoreCommand, {
    since: '1.2.0',
    hint: 'key member',
    acl: ['read', 'sortedset', 'fast'],
  }),
  cmd('zmscore', -3, ['readonly', 'fast'], [1, 1, 1], 'sorted-set', 'Get the score associated with the given members in a sorted set', zmscoreCommand, {
    since: '6.2.0',
    hint: 'key member [member ...]',
    acl: ['read', 'sortedset', 'fast'],
  }),
  cmd('zcard', 2, ['readonly', 'fast'], [1, 1, 1], 'sorted-set', 'Get the number of members in a sorted set', zcardCommand, {
    since: '1.2.0',
    hint: 'key',
    acl: ['read', 'sortedset', 'fast'],
  }),
  cmd('zcount', 4, ['readonly', 'fast'], [1, 1, 1], 'sorted-set', 'Count the members in a sorted set with scores within the given values', zcountCommand, {
    since: '2.0.0',
    hint: 'key min max',
    acl: ['read', 'sortedset', 'fast'],
  }),
  cmd(
    'zlexcount',
    4,
    ['readonly', 'fast'],
    [1, 1, 1],
    'sorted-set',
    'Count the number of members in a sorted set between a given lexicographical range',
    zlexcountCommand,
    { since: '2.8.9', hint: 'key min max', acl: ['read', 'sortedset', 'fast'] },
  ),
  cmd('zrank', 3, ['readonly', 'fast'], [1, 1, 1], 'sorted-set', 'Determine the index of a member in a sorted set', zrankCommand, {
    since: '2.0.0',
    hint: 'key member',
    acl: ['read', 'sortedset', 'fast'],
  }),
  cmd(
    'zrevrank',
    3,
    ['readonly', 'fast'],
    [1, 1, 1],
    'sorted-set',
    'Determine the index of a member in a sorted set, with scores ordered from high to low',
    zrevrankCommand,
    { since: '2.0.0', hint: 'key member', acl: ['read', 'sortedset', 'fast'] },
  ),
  cmd('zrange', -4, ['readonly'], [1, 1, 1], 'sorted-set', 'Return a range of members in a sorted set', zrangeCommand, {
    since: '1.2.0',
    hint: 'key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]',
    acl: ['read', 'sortedset', 'slow'],
  }),
  cmd('zrangestore', -5, ['write', 'denyoom'], [1, 2, 1], 'sorted-set', 'Store a range of members from sorted set into another key', zrangestoreCommand, {
    since: '6.2.0',
    hint: 'dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]',
    acl: ['write', 'sortedset', 'slow'],
  }),
  cmd('zrangebyscore', -4, ['readonly'], [1, 1, 1], 'sorted-set', 'Return a range of members in a sorted set, by score', zrangebyscoreCommand, {
    since: '1.0.5',
    hint: 'key min max [WITHSCORES] [LIMIT offset count]',
    acl: ['read', 'sortedset', 'slow'],
  }),
  cmd(
    'zrevrangebyscore',
    -4,
    ['readonly'],
    [1, 1, 1],
    'sorted-set',
    'Return a range of members in a sorted set, by score, with scores ordered from high to low',
    zrevrangebyscoreCommand,
    { since: '2.2.0', hint: 'key max min [WITHSCORES] [LIMIT offset count]', acl: ['read', 'sortedset', 'slow'] },
  ),
  cmd('zrangebylex', -4, ['readonly'], [1, 1, 1], 'sorted-set', 'Return a range of members in a sorted set, by lexicographical range', zrangebylexCommand, {
    since: '2.8.9',
    hint: 'key min max [LIMIT offset count]',
    acl: ['read', 'sortedset', 'slow'],
  }),
  cmd(
    'zrevrangebylex',
    -4,
    ['readonly'],
    [1, 1, 1],
    'sorted-set',
    'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    zrevrangebylexCommand,
    { since: '2.8.9', hint: 'key max min [LIMIT offset count]', acl: ['read', 'sortedset', 'slow'] },
  ),
  cmd(
    'zrevrange',
    -4,
    ['readonly'],
    [1, 1, 1],
    'sorted-set',
    'Return a range of members in a sorted set, by index, with scores ordered from high to low',
    zrevrangeCommand,
    { since: '1.2.0', hint: 'key start stop [WITHSCORES]', acl: ['read', 'sortedset', 'slow'] },
  ),
  cmd('zremrangebyrank', 4, ['write'], [1, 1, 1], 'sorted-set', 'Remove all members in a sorted set within the given indexes', zremrangebyrankCommand, {
    since: '2.0.0',
    hint: 'key start stop',
    acl: ['write', 'sortedset', 'slow'],
  }),
  cmd('zremrangebyscore', 4, ['write'], [1, 1, 1], 'sorted-set', 'Remove all members in a sorted set within the given scores', zremrangebyscoreCommand, {
    since: '1.2.0',
    hint: 'key min max',
    acl: ['write', 'sortedset', 'slow'],
  }),
  cmd(
    'zremrangebylex',
    4,
    ['write'],
    [1, 1, 1],
    'sorted-set',
    'Remove all members in a sorted set between the given lexicographical range',
    zremrangebylexCommand,
    { since: '2.8.9', hint: 'key min max', acl: ['write', 'sortedset', 'slow'] },
  ),
  cmd('zpopmin', -2, ['write', 'fast'], [1, 1, 1], 'sorted-set', 'Remove and return members with the lowest scores in a sorted set', zpopminCommand, {
    since: '5.0.0',
    hint: 'key [count]',
    acl: ['write', 'sortedset', 'fast'],
  }),
  cmd('zpopmax', -2, ['write', 'fast'], [1, 1, 1], 'sorted-set', 'Remove and return members with the highest scores in a sorted set', zpopmaxCommand, {
    since: '5.0.0',
    hint: 'key [count]',
    acl: ['write', 'sortedset', 'fast'],
  }),
  cmd(
    'bzpopmin',
    -3,
    ['write', 'noscript', 'blocking', 'fast'],
    [1, -2, 1],
    'sorted-set',
    'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    bzpopminCommand,
    { since: '5.0.0', hint: 'key [key ...] timeout', acl: ['write', 'sortedset', 'fast', 'blocking'] },
  ),
  cmd(
    'bzpopmax',
    -3,
    ['write', 'noscript', 'blocking', 'fast'],
    [1, -2, 1],
    'sorted-set',
    'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    bzpopmaxCommand,
    { since: '5.0.0', hint: 'key [key ...] timeout', acl: ['write', 'sortedset', 'fast', 'blocking'] },
  ),
  cmd('zmpop', -4, ['write', 'movablekeys'], [0, 0, 0], 'sorted-set', 'Remove and return members with scores in a sorted set', zmpopCommand, {
    since: '7.0.0',
    hint: 'numkeys key [key ...] MIN|MAX [COUNT count]',
    acl: ['write', 'sortedset', 'slow'],
    getKeys: KEYS_zmpop,
  }),
  cmd(
    'bzmpop',
    -5,
    ['write', 'blocking', 'movablekeys'],
    [0, 0, 0],
    'sorted-set',
    'Remove and return members with scores in a sorted set or block until one is available',
    bzmpopCommand,
    { since: '7.0.0', hint: 'timeout numkeys key [key ...] MIN|MAX [COUNT count]', acl: ['write', 'sortedset', 'slow', 'blocking'], getKeys: KEYS_bzmpop },
  ),
  cmd(
    'zunionstore',
    -4,
    ['write', 'denyoom', 'movablekeys'],
    [1, 1, 1],
    'sorted-set',
    'Add multiple sorted sets and store the resulting sorted set in a new key',
    zunionstoreCommand,
    {
      since: '2.0.0',
      hint: 'destination numkeys key [key ...] [WEIGHTS weight [WEIGHTS weight ...]] [AGGREGATE SUM|MIN|MAX]',
      acl: ['write', 'sortedset', 'slow'],
      getKeys: KEYS_zunionstore,
    },
  ),
  cmd(
    'zinterstore',
    -4,
    ['write', 'denyoom', 'movablekeys'],
    [1, 1, 1],
    'sorted-set',
    'Intersect multiple sorted sets and store the resulting sorted set in a new key',
    zinterstoreCommand,
    {
      since: '2.0.0',
      hint: 'destination numkeys key [key ...] [WEIGHTS weight [WEIGHTS weight ...]] [AGGREGATE SUM|MIN|MAX]',
      acl: ['write', 'sortedset', 'slow'],
      getKeys: KEYS_zinterstore,
    },
  ),
  cmd(
    'zdiffstore',
    -4,
    ['write', 'denyoom', 'movablekeys'],
    [1, 1, 1],
    'sorted-set',
    'Subtract multiple sorted sets and store the resulting sorted set in a new key',
    zdiffstoreCommand,
    { since: '6.2.0', hint: 'destination numkeys key [key ...]', acl: ['write', 'sortedset', 'slow'], getKeys: KEYS_zdiffstore },
  ),
  cmd('zunion', -3, ['readonly', 'movablekeys'], [0, 0, 0], 'sorted-set', 'Add multiple sorted sets', zunionCommand, {
    since: '6.2.0',
    hint: 'numkeys key [key ...] [WEIGHTS weight [WEIGHTS weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]',
    acl: ['read', 'sortedset', 'slow'],
    getKeys: KEYS_zunion,
  }),
  cmd('zinter', -3, ['readonly', 'movablekeys'], [0, 0, 0], 'sorted-set', 'Intersect multiple sorted sets', zinterCommand, {
    since: '6.2.0',
    hint: 'numkeys key [key ...] [WEIGHTS weight [WEIGHTS weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]',
    acl: ['read', 'sortedset', 'slow'],
    getKeys: KEYS_zinter,
  }),
  cmd('zdiff', -3, ['readonly', 'movablekeys'], [0, 0, 0], 'sorted-set', 'Subtract multiple sorted sets', zdiffCommand, {
    since: '6.2.0',
    hint: 'numkeys key [key ...] [WITHSCORES]',
    acl: ['read', 'sortedset', 'slow'],
    getKeys: KEYS_zdiff,
  }),
  cmd(
    'zintercard',
    -3,
    ['readonly', 'movablekeys'],
    [0, 0, 0],
    'sorted-set',
    'Intersect multiple sorted sets and return the cardinality of the result',
    zintercardCommand,
    { since: '7.0.0', hint: 'numkeys key [key ...] [LIMIT limit]', acl: ['read', 'sortedset', 'slow'], getKeys: KEYS_zintercard },
  ),
  cmd('zrandmember', -2, ['readonly'], [1, 1, 1], 'sorted-set', 'Get one or multiple random elements from a sorted set', zrandmemberCommand, {
    since: '6.2.0',
    hint: 'key [count [WITHSCORES]]',
    acl: ['read', 'sortedset', 'slow'],
  }),
  cmd('zscan', -3, ['readonly'], [1, 1, 1], 'sorted-set', 'Incrementally iterate sorted sets elements and associated scores', zscanCommand, {
    since: '2.8.0',
    hint: 'key cursor [MATCH pattern] [COUNT count]',
    acl: ['read', 'sortedset', 'slow'],
  }),
];
