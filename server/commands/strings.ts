import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import { markNoIntEncoding } from '../store/encoding.js';
import type { Entry } from '../store/entry.js';
import { incrByFloatString } from '../util/longdouble.js';
import { parseInt64, parseLL } from '../util/numbers.js';
import { type CommandSpec, cmd } from './table.js';
import { alreadyExpired, ERR, lookupRead, lookupWrite, modified } from './util.js';

/*
 * The string family (t_string.c + the bit commands of bitops.c), Redis 7.0 semantics.
 * String values are latin1 JS strings (one char per byte).
 *
 * OBJECT ENCODING (store/encoding.ts): `Entry.big` marks a value Redis holds "raw" whatever its
 * content (APPEND/SETRANGE/SETBIT unshare the value into a raw sds); INCRBYFLOAT results are
 * never int-encoded (markNoIntEncoding). Everything else went through tryObjectEncoding.
 */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** The value now has the encoding tryObjectEncoding gives it (INCR results). */
function resetEncoding(e: Entry): void {
  e.big = false;
  markNoIntEncoding(e, false);
}

/** Parse an int64 exactly: a number when it is a safe integer, a bigint beyond ±2^53. */
export function parseI64(s: string): number | bigint | null {
  const v = parseLL(s);
  if (v === null) return null;
  if (v <= Number.MAX_SAFE_INTEGER && v >= -Number.MAX_SAFE_INTEGER) return v;
  return BigInt(s);
}

/** Redis's checkStringLength: the result may not exceed proto-max-bulk-len (the master is trusted). */
function checkStringLength(c: Client, size: number, append: number): boolean {
  if (c.isMaster) return true;
  if (size + append > c.server.config.protoMaxBulkLen) {
    c.addReplyError('string exceeds maximum allowed size (proto-max-bulk-len)');
    return false;
  }
  return true;
}

/**
 * Redis's setKey: overwrite (or add) a string value; keepTtl preserves an existing expiry. The
 * LFU counter survives an overwrite as in dbOverwrite.
 */
function setKey(c: Client, key: string, value: string, keepTtl: boolean): Entry<'string'> {
  const db = c.db;
  // lookupKeyWrite: an expired key is deleted (and its DEL propagated) before it is replaced.
  const old = db.lookup(key, true);
  const e = db.set(key, 'string', value);
  if (old !== undefined) {
    e.lfu = old.lfu;
    e.lfuDecr = old.lfuDecr;
    if (keepTtl && old.expireAt >= 0 && !db.isExpired(old)) db.setExpire(e, old.expireAt);
  }
  return e;
}

// ---- SET and friends ----

const F_NX = 1 << 0;
const F_XX = 1 << 1;
const F_EX = 1 << 2;
const F_PX = 1 << 3;
const F_KEEPTTL = 1 << 4;
const F_GET = 1 << 5;
const F_EXAT = 1 << 6;
const F_PXAT = 1 << 7;
const F_PERSIST = 1 << 8;
const F_ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

interface ExtArgs {
  flags: number;
  expire: string | null;
}

/** Redis's parseExtendedStringArgumentsOrReply, for SET (isGet false) and GETEX (isGet true). */
function parseExtended(c: Client, argv: string[], isGet: boolean): ExtArgs | null {
  let flags = 0;
  let expire: string | null = null;
  for (let j = isGet ? 2 : 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && !(flags & F_XX) && !isGet) flags |= F_NX;
    else if (opt === 'xx' && !(flags & F_NX) && !isGet) flags |= F_XX;
    else if (opt === 'get' && !isGet) flags |= F_GET;
    else if (opt === 'keepttl' && !(flags & (F_PERSIST | F_ANY_EXPIRE)) && !isGet) flags |= F_KEEPTTL;
    else if (opt === 'persist' && isGet && !(flags & (F_ANY_EXPIRE | F_KEEPTTL))) flags |= F_PERSIST;
    else if (opt === 'ex' && !(flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EX;
      expire = argv[++j]!;
    } else if (opt === 'px' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) && hasNext) {
      flags |= F_PX;
      expire = argv[++j]!;
    } else if (opt === 'exat' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EXAT;
      expire = argv[++j]!;
    } else if (opt === 'pxat' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) && hasNext) {
      flags |= F_PXAT;
      expire = argv[++j]!;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return null;
    }
  }
  return { flags, expire };
}

const LLONG_MAX = (1n << 63n) - 1n;

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry in ms (exact int64), or null after
 * replying "invalid expire time in '<cmd>' command" (not positive, or overflowing int64).
 */
function getExpireMs(c: Client, s: string, flags: number, name: string): bigint | null {
  let ms = parseInt64(s);
  if (ms === null) {
    c.addReplyError(ERR.NOT_INT);
    return null;
  }
  const seconds = (flags & (F_EX | F_EXAT)) !== 0;
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) {
    c.addReplyError(`invalid expire time in '${name}' command`);
    return null;
  }
  if (seconds) ms *= 1000n;
  if (flags & (F_EX | F_PX)) ms += BigInt(Date.now());
  if (ms > LLONG_MAX) {
    // Redis's addition wraps to a negative time there.
    c.addReplyError(`invalid expire time in '${name}' command`);
    return null;
  }
  return ms;
}

/** getGenericCommand: reply the value or null; false after WRONGTYPE. */
function getGeneric(c: Client, key: string): boolean {
  const e = lookupRead(c, key, 'string');
  if (e === undefined) return false;
  if (e === null) c.addReplyNull();
  else c.addReplyBulk(e.value);
  return true;
}

const OK_REPLY = '+OK\r\n';

function setGeneric(
  c: Client,
  argv: string[],
  flags: number,
  key: string,
  val: string,
  expire: string | null,
  name: string,
  okReply: string | null,
  abortReply: string | null,
): void {
  let ms = 0n;
  if (expire !== null) {
    const v = getExpireMs(c, expire, flags, name);
    if (v === null) return;
    ms = v;
  }
  if (flags & F_GET) {
    if (!getGeneric(c, key)) return;
  }
  const found = c.db.lookup(key) !== undefined;
  if ((flags & F_NX && found) || (flags & F_XX && !found)) {
    if (!(flags & F_GET)) {
      if (abortReply === null) c.addReplyNull();
      else c.addReplyRaw(abortReply);
    }
    return;
  }
  const e = setKey(c, key, val, (flags & F_KEEPTTL) !== 0);
  modified(c, key, NOTIFY.STRING, 'set');
  const s = c.server;
  if (expire !== null) {
    c.db.setExpire(e, Number(ms));
    // Replicas and the AOF get the absolute form, whatever the command was.
    s.alsoPropagate(c.db.id, ['SET', key, val, 'PXAT', String(ms)]);
    s.notifyKeyspaceEvent(NOTIFY.GENERIC, 'expire', key, c.db.id);
  }
  if (!(flags & F_GET)) c.addReplyRaw(okReply ?? OK_REPLY);
  if (flags & F_GET && expire === null) {
    const out: string[] = [];
    for (let j = 0; j < argv.length; j++) {
      if (j >= 3 && argv[j]!.length === 3 && argv[j]!.toLowerCase() === 'get') continue;
      out.push(argv[j]!);
    }
    s.alsoPropagate(c.db.id, out);
  }
}

function setCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    // Hot path: plain SET key value.
    setKey(c, argv[1]!, argv[2]!, false);
    modified(c, argv[1]!, NOTIFY.STRING, 'set');
    c.addReplyRaw(OK_REPLY);
    return;
  }
  const ext = parseExtended(c, argv, false);
  if (ext === null) return;
  setGeneric(c, argv, ext.flags, argv[1]!, argv[2]!, ext.expire, 'set', null, null);
}

function setnxCommand(c: Client, argv: string[]): void {
  setGeneric(c, argv, F_NX, argv[1]!, argv[2]!, null, 'setnx', ':1\r\n', ':0\r\n');
}

function setexCommand(c: Client, argv: string[]): void {
  setGeneric(c, argv, F_EX, argv[1]!, argv[3]!, argv[2]!, 'setex', null, null);
}

function psetexCommand(c: Client, argv: string[]): void {
  setGeneric(c, argv, F_PX, argv[1]!, argv[3]!, argv[2]!, 'psetex', null, null);
}

function getCommand(c: Client, argv: string[]): void {
  getGeneric(c, argv[1]!);
}

function getexCommand(c: Client, argv: string[]): void {
  const ext = parseExtended(c, argv, true);
  if (ext === null) return;
  const key = argv[1]!;
  const e = lookupRead(c, key, 'string');
  if (e === undefined) return;
  if (e === null) {
    c.addReplyNull();
    return;
  }
  let ms = 0n;
  if (ext.expire !== null) {
    const v = getExpireMs(c, ext.expire, ext.flags, 'getex');
    if (v === null) return;
    ms = v;
  }
  c.addReplyBulk(e.value);
  const s = c.server;
  const db = c.db;
  // Never propagated as is: as DEL, PEXPIREAT or PERSIST (or not at all).
  if (ext.flags & (F_PXAT | F_EXAT) && alreadyExpired(c, Number(ms))) {
    db.delete(key);
    s.alsoPropagate(db.id, ['DEL', key]);
    modified(c, key, NOTIFY.GENERIC, 'del');
  } else if (ext.expire !== null) {
    db.setExpire(e, Number(ms));
    s.alsoPropagate(db.id, ['PEXPIREAT', key, String(ms)]);
    modified(c, key, NOTIFY.GENERIC, 'expire');
  } else if (ext.flags & F_PERSIST) {
    if (db.removeExpire(e)) {
      s.alsoPropagate(db.id, ['PERSIST', key]);
      modified(c, key, NOTIFY.GENERIC, 'persist');
    }
  }
}

function getdelCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  if (!getGeneric(c, key)) return;
  if (c.db.delete(key)) {
    c.server.alsoPropagate(c.db.id, ['DEL', key]);
    modified(c, key, NOTIFY.GENERIC, 'del');
  }
}

function getsetCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  if (!getGeneric(c, key)) return;
  setKey(c, key, argv[2]!, false);
  modified(c, key, NOTIFY.STRING, 'set');
  c.server.alsoPropagate(c.db.id, ['SET', key, argv[2]!]);
}

function mgetCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const stats = c.server.stats;
  let out = '*' + (argv.length - 1) + '\r\n';
  const nil = c.resp === 3 ? '_\r\n' : '$-1\r\n';
  for (let j = 1; j < argv.length; j++) {
    const e = db.lookup(argv[j]!);
    if (e === undefined) {
      stats.keyspaceMisses++;
      out += nil;
    } else {
      stats.keyspaceHits++;
      if (e.type !== 'string') out += nil;
      else {
        const v = e.value as string;
        out += '$' + v.length + '\r\n' + v + '\r\n';
      }
    }
  }
  c.addReplyRaw(out);
}

function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) {
    c.addReplyError(`wrong number of arguments for '${nx ? 'msetnx' : 'mset'}' command`);
    return;
  }
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (c.db.lookup(argv[j]!) !== undefined) {
        c.addReplyRaw(':0\r\n');
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    setKey(c, argv[j]!, argv[j + 1]!, false);
    modified(c, argv[j]!, NOTIFY.STRING, 'set');
  }
  c.addReplyRaw(nx ? ':1\r\n' : OK_REPLY);
}

// ---- Counters ----

function incrDecr(c: Client, key: string, incr: number | bigint): void {
  const e = lookupWrite(c, key, 'string');
  if (e === undefined) return;
  let cur: number | bigint = 0;
  if (e !== null) {
    const v = parseI64(e.value);
    if (v === null) {
      c.addReplyError(ERR.NOT_INT);
      return;
    }
    cur = v;
  }
  let result: number | bigint;
  if (typeof cur === 'number' && typeof incr === 'number' && Math.abs(cur) < 2 ** 52 && Math.abs(incr) < 2 ** 52) {
    result = cur + incr;
  } else {
    const r = BigInt(cur) + BigInt(incr);
    if (r > INT64_MAX || r < INT64_MIN) {
      c.addReplyError(ERR.OVERFLOW);
      return;
    }
    result = r;
  }
  const str = String(result);
  if (e !== null) {
    // dbOverwrite keeps the TTL; the new value is int-encoded.
    e.value = str;
    resetEncoding(e);
  } else {
    c.db.set(key, 'string', str);
  }
  modified(c, key, NOTIFY.STRING, 'incrby');
  c.addReplyRaw(':' + str + '\r\n');
}

function incrbyCommand(c: Client, argv: string[]): void {
  const v = parseI64(argv[2]!);
  if (v === null) {
    c.addReplyError(ERR.NOT_INT);
    return;
  }
  incrDecr(c, argv[1]!, v);
}

function decrbyCommand(c: Client, argv: string[]): void {
  const v = parseI64(argv[2]!);
  if (v === null) {
    c.addReplyError(ERR.NOT_INT);
    return;
  }
  if (v === INT64_MIN) {
    c.addReplyError('decrement would overflow');
    return;
  }
  incrDecr(c, argv[1]!, typeof v === 'number' ? -v : -v);
}

function incrbyfloatCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'string');
  if (e === undefined) return;
  const r = incrByFloatString(e === null ? '0' : e.value, argv[2]!);
  if (r === 'value') {
    c.addReplyError(ERR.NOT_FLOAT);
    return;
  }
  if (r === 'nan') {
    c.addReplyError('increment would produce NaN or Infinity');
    return;
  }
  let ne: Entry<'string'>;
  if (e !== null) {
    e.value = r;
    ne = e;
  } else {
    ne = c.db.set(key, 'string', r);
  }
  ne.big = false;
  markNoIntEncoding(ne, true);
  modified(c, key, NOTIFY.STRING, 'incrbyfloat');
  c.addReplyBulk(r);
  // Replicated as the final value, so float formatting can never diverge on replicas.
  c.server.alsoPropagate(c.db.id, ['SET', key, r, 'KEEPTTL']);
}

// ---- APPEND, STRLEN, ranges ----

function appendCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const add = argv[2]!;
  const e = lookupWrite(c, key, 'string');
  if (e === undefined) return;
  let len: number;
  if (e === null) {
    c.db.set(key, 'string', add);
    len = add.length;
  } else {
    if (!checkStringLength(c, e.value.length, add.length)) return;
    e.value += add;
    e.big = true;
    markNoIntEncoding(e, false);
    len = e.value.length;
  }
  modified(c, key, NOTIFY.STRING, 'append');
  c.addReplyInt(len);
}

function strlenCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'string');
  if (e === undefined) return;
  c.addReplyInt(e === null ? 0 : e.value.length);
}

function getrangeCommand(c: Client, argv: string[]): void {
  let start = parseLL(argv[2]!);
  let end = parseLL(argv[3]!);
  if (start === null || end === null) {
    c.addReplyError(ERR.NOT_INT);
    return;
  }
  const e = lookupRead(c, argv[1]!, 'string');
  if (e === undefined) return;
  if (e === null) {
    c.addReplyBulk('');
    return;
  }
  const s = e.value;
  const len = s.length;
  if (start < 0 && end < 0 && start > end) {
    c.addReplyBulk('');
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) c.addReplyBulk('');
  else c.addReplyBulk(s.slice(start, end + 1));
}

function setrangeCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const value = argv[3]!;
  const offset = parseLL(argv[2]!);
  if (offset === null) {
    c.addReplyError(ERR.NOT_INT);
    return;
  }
  if (offset < 0) {
    c.addReplyError('offset is out of range');
    return;
  }
  const e = lookupWrite(c, key, 'string');
  if (e === undefined) return;
  if (e === null) {
    if (value.length === 0) {
      c.addReplyRaw(':0\r\n');
      return;
    }
    if (!checkStringLength(c, offset, value.length)) return;
    const s = buildString('', offset, value, c);
    if (s === null) return;
    const ne = c.db.set(key, 'string', s);
    ne.big = true;
    modified(c, key, NOTIFY.STRING, 'setrange');
    c.addReplyInt(s.length);
    return;
  }
  if (value.length === 0) {
    c.addReplyInt(e.value.length);
    return;
  }
  if (!checkStringLength(c, offset, value.length)) return;
  const s = buildString(e.value, offset, value, c);
  if (s === null) return;
  e.value = s;
  e.big = true;
  markNoIntEncoding(e, false);
  modified(c, key, NOTIFY.STRING, 'setrange');
  c.addReplyInt(s.length);
}

/** old, zero-padded to `offset`, overwritten with `value` there. */
function buildString(old: string, offset: number, value: string, c: Client): string | null {
  try {
    const head = old.length >= offset ? old.slice(0, offset) : old + '\0'.repeat(offset - old.length);
    return head + value + old.slice(offset + value.length);
  } catch {
    // V8 caps strings just below 512MB: the few sizes Redis allows beyond that are refused here.
    c.addReplyError('string exceeds maximum allowed size (proto-max-bulk-len)');
    return null;
  }
}

// ---- LCS ----

function lcsCommand(c: Client, argv: string[]): void {
  const ea = c.db.lookup(argv[1]!);
  const eb = c.db.lookup(argv[2]!);
  if ((ea && ea.type !== 'string') || (eb && eb.type !== 'string')) {
    c.addReplyError('The specified keys must contain string values');
    return;
  }
  const a = ea ? (ea.value as string) : '';
  const b = eb ? (eb.value as string) : '';
  let getlen = false;
  let getidx = false;
  let withmatchlen = false;
  let minmatchlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'idx') getidx = true;
    else if (opt === 'len') getlen = true;
    else if (opt === 'withmatchlen') withmatchlen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      const v = parseLL(argv[j + 1]!);
      if (v === null) {
        c.addReplyError(ERR.NOT_INT);
        return;
      }
      minmatchlen = v < 0 ? 0 : v;
      j++;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  if (getlen && getidx) {
    c.addReplyError('If you want both the length and indexes, please just use IDX.');
    return;
  }
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > c.server.config.protoMaxBulkLen) {
    c.addReplyError('Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    return;
  }
  let lcs: Uint32Array;
  try {
    lcs = new Uint32Array(cells);
  } catch {
    c.addReplyError('Insufficient memory, failed allocating transient memory for LCS');
    return;
  }
  const w = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) lcs[i * w + j] = lcs[(i - 1) * w + j - 1]! + 1;
      else {
        const l1 = lcs[(i - 1) * w + j]!;
        const l2 = lcs[i * w + j - 1]!;
        lcs[i * w + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const total = lcs[alen * w + blen]!;
  if (getlen) {
    c.addReplyInt(total);
    return;
  }
  // Walk back from the end, collecting the LCS and (for IDX) the matching ranges.
  const chars: string[] = new Array<string>(total);
  let idx = total;
  const ranges: number[][] = [];
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a[i - 1]!;
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const l1 = lcs[(i - 1) * w + j]!;
      const l2 = lcs[i * w + j - 1]!;
      if (l1 > l2) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minmatchlen === 0 || matchLen >= minmatchlen) ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
      aStart = alen;
    }
  }
  if (!getidx) {
    c.addReplyBulk(chars.join(''));
    return;
  }
  c.addReplyMapLen(2);
  c.addReplyBulk('matches');
  c.addReplyArrayLen(ranges.length);
  for (const r of ranges) {
    c.addReplyArrayLen(withmatchlen ? 3 : 2);
    c.addReplyArrayLen(2);
    c.addReplyInt(r[0]!);
    c.addReplyInt(r[1]!);
    c.addReplyArrayLen(2);
    c.addReplyInt(r[2]!);
    c.addReplyInt(r[3]!);
    if (withmatchlen) c.addReplyInt(r[4]!);
  }
  c.addReplyBulk('len');
  c.addReplyInt(total);
}

// ---- Bits ----

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

const BIT_OFFSET_ERR = 'bit offset is not an integer or out of range';

/** Redis's getBitOffsetFromArgument (plain form): 0 ≤ offset, offset/8 < proto-max-bulk-len. */
function getBitOffset(c: Client, s: string): number | null {
  const v = parseLL(s);
  if (v === null || v < 0 || (!c.isMaster && Math.floor(v / 8) >= c.server.config.protoMaxBulkLen)) {
    c.addReplyError(BIT_OFFSET_ERR);
    return null;
  }
  return v;
}

function setbitCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const offset = getBitOffset(c, argv[2]!);
  if (offset === null) return;
  const on = parseLL(argv[3]!);
  if (on === null || (on !== 0 && on !== 1)) {
    c.addReplyError('bit is not an integer or out of range');
    return;
  }
  const e = lookupWrite(c, key, 'string');
  if (e === undefined) return;
  const byte = Math.floor(offset / 8);
  const bit = 7 - (offset % 8);
  const old = e === null ? '' : e.value;
  let grown = e === null;
  let s = old;
  if (s.length < byte + 1) {
    try {
      s = s + '\0'.repeat(byte + 1 - s.length);
    } catch {
      c.addReplyError('string exceeds maximum allowed size (proto-max-bulk-len)');
      return;
    }
    grown = true;
  }
  const byteval = s.charCodeAt(byte);
  const bitval = (byteval >> bit) & 1;
  let target: Entry<'string'>;
  if (e === null) target = c.db.set(key, 'string', s);
  else target = e;
  // lookupStringForBitCommand unshares the value: raw from now on, even if nothing changes.
  target.big = true;
  markNoIntEncoding(target, false);
  if (grown || bitval !== on) {
    const nb = (byteval & ~(1 << bit)) | (on << bit);
    target.value = s.slice(0, byte) + String.fromCharCode(nb) + s.slice(byte + 1);
    modified(c, key, NOTIFY.STRING, 'setbit');
  }
  c.addReplyRaw(bitval ? ':1\r\n' : ':0\r\n');
}

function getbitCommand(c: Client, argv: string[]): void {
  const offset = getBitOffset(c, argv[2]!);
  if (offset === null) return;
  const e = lookupRead(c, argv[1]!, 'string');
  if (e === undefined) return;
  if (e === null) {
    c.addReplyRaw(':0\r\n');
    return;
  }
  const byte = Math.floor(offset / 8);
  const s = e.value;
  const bit = byte < s.length ? (s.charCodeAt(byte) >> (7 - (offset % 8))) & 1 : 0;
  c.addReplyRaw(bit ? ':1\r\n' : ':0\r\n');
}

function bitcountCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'string');
  if (e === undefined) return;
  if (e === null) {
    c.addReplyRaw(':0\r\n');
    return;
  }
  const s = e.value;
  const strlen = s.length;
  let start: number;
  let end: number;
  let firstMask = 0;
  let lastMask = 0;
  if (argv.length === 4 || argv.length === 5) {
    let st = parseLL(argv[2]!);
    let en = parseLL(argv[3]!);
    if (st === null || en === null) {
      c.addReplyError(ERR.NOT_INT);
      return;
    }
    if (st < 0 && en < 0 && st > en) {
      c.addReplyRaw(':0\r\n');
      return;
    }
    let isbit = false;
    if (argv.length === 5) {
      const u = argv[4]!.toLowerCase();
      if (u === 'bit') isbit = true;
      else if (u !== 'byte') {
        c.addReplyError(ERR.SYNTAX);
        return;
      }
    }
    const totlen = isbit ? strlen * 8 : strlen;
    if (st < 0) st = totlen + st;
    if (en < 0) en = totlen + en;
    if (st < 0) st = 0;
    if (en < 0) en = 0;
    if (en >= totlen) en = totlen - 1;
    if (isbit && st <= en) {
      firstMask = ~((1 << (8 - (st & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - (en & 7))) - 1;
      st = Math.floor(st / 8);
      en = Math.floor(en / 8);
    }
    start = st;
    end = en;
  } else if (argv.length === 2) {
    start = 0;
    end = strlen - 1;
  } else {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  if (start > end) {
    c.addReplyRaw(':0\r\n');
    return;
  }
  let count = 0;
  for (let i = start; i <= end; i++) count += POPCOUNT[s.charCodeAt(i)]!;
  if (firstMask) count -= POPCOUNT[s.charCodeAt(start) & firstMask]!;
  if (lastMask) count -= POPCOUNT[s.charCodeAt(end) & lastMask]!;
  c.addReplyInt(count);
}

export const stringCommands: CommandSpec[] = [
  cmd('get', 2, ['readonly', 'fast'], [1, 1, 1], 'string', 'Get the value of a key', getCommand, { hint: 'key', acl: ['read', 'string', 'fast'] }),
  cmd('set', -3, ['write', 'denyoom'], [1, 1, 1], 'string', 'Set the string value of a key', setCommand, {
    hint: 'key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]',
    acl: ['write', 'string', 'slow'],
  }),
  cmd('setnx', 3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', 'Set the value of a key, only if the key does not exist', setnxCommand, {
    hint: 'key value',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('setex', 4, ['write', 'denyoom'], [1, 1, 1], 'string', 'Set the value and expiration of a key', setexCommand, {
    since: '2.0.0',
    hint: 'key seconds value',
    acl: ['write', 'string', 'slow'],
  }),
  cmd('psetex', 4, ['write', 'denyoom'], [1, 1, 1], 'string', 'Set the value and expiration in milliseconds of a key', psetexCommand, {
    since: '2.6.0',
    hint: 'key milliseconds value',
    acl: ['write', 'string', 'slow'],
  }),
  cmd('mget', -2, ['readonly', 'fast'], [1, -1, 1], 'string', 'Get the values of all the given keys', mgetCommand, {
    hint: 'key [key ...]',
    acl: ['read', 'string', 'fast'],
  }),
  cmd('mset', -3, ['write', 'denyoom'], [1, -1, 2], 'string', 'Set multiple keys to multiple values', (c, a) => msetGeneric(c, a, false), {
    since: '1.0.1',
    hint: 'key value [key value ...]',
    acl: ['write', 'string', 'slow'],
  }),
  cmd(
    'msetnx',
    -3,
    ['write', 'denyoom'],
    [1, -1, 2],
    'string',
    'Set multiple keys to multiple values, only if none of the keys exist',
    (c, a) => msetGeneric(c, a, true),
    { since: '1.0.1', hint: 'key value [key value ...]', acl: ['write', 'string', 'slow'] },
  ),
  cmd('getset', 3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', 'Set the string value of a key and return its old value', getsetCommand, {
    hint: 'key value',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('getdel', 2, ['write', 'fast'], [1, 1, 1], 'string', 'Get the value of a key and delete the key', getdelCommand, {
    since: '6.2.0',
    hint: 'key',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('getex', -2, ['write', 'fast'], [1, 1, 1], 'string', 'Get the value of a key and optionally set its expiration', getexCommand, {
    since: '6.2.0',
    hint: 'key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('incr', 2, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', 'Increment the integer value of a key by one', (c, a) => incrDecr(c, a[1]!, 1), {
    hint: 'key',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('decr', 2, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', 'Decrement the integer value of a key by one', (c, a) => incrDecr(c, a[1]!, -1), {
    hint: 'key',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('incrby', 3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', 'Increment the integer value of a key by the given amount', incrbyCommand, {
    hint: 'key increment',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('decrby', 3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', 'Decrement the integer value of a key by the given number', decrbyCommand, {
    hint: 'key decrement',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('incrbyfloat', 3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', 'Increment the float value of a key by the given amount', incrbyfloatCommand, {
    since: '2.6.0',
    hint: 'key increment',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('append', 3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', 'Append a value to a key', appendCommand, {
    since: '2.0.0',
    hint: 'key value',
    acl: ['write', 'string', 'fast'],
  }),
  cmd('strlen', 2, ['readonly', 'fast'], [1, 1, 1], 'string', 'Get the length of the value stored in a key', strlenCommand, {
    since: '2.2.0',
    hint: 'key',
    acl: ['read', 'string', 'fast'],
  }),
  cmd('getrange', 4, ['readonly'], [1, 1, 1], 'string', 'Get a substring of the string stored at a key', getrangeCommand, {
    since: '2.4.0',
    hint: 'key start end',
    acl: ['read', 'string', 'slow'],
  }),
  cmd('substr', 4, ['readonly'], [1, 1, 1], 'string', 'Get a substring of the string stored at a key', getrangeCommand, {
    hint: 'key start end',
    acl: ['read', 'string', 'slow'],
  }),
  cmd('setrange', 4, ['write', 'denyoom'], [1, 1, 1], 'string', 'Overwrite part of a string at key starting at the specified offset', setrangeCommand, {
    since: '2.2.0',
    hint: 'key offset value',
    acl: ['write', 'string', 'slow'],
  }),
  cmd('lcs', -3, ['readonly'], [1, 2, 1], 'string', 'Find longest common substring', lcsCommand, {
    since: '7.0.0',
    hint: 'key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]',
    acl: ['read', 'string', 'slow'],
  }),
  cmd('setbit', 4, ['write', 'denyoom'], [1, 1, 1], 'bitmap', 'Sets or clears the bit at offset in the string value stored at key', setbitCommand, {
    since: '2.2.0',
    hint: 'key offset value',
    acl: ['write', 'bitmap', 'slow'],
  }),
  cmd('getbit', 3, ['readonly', 'fast'], [1, 1, 1], 'bitmap', 'Returns the bit value at offset in the string value stored at key', getbitCommand, {
    since: '2.2.0',
    hint: 'key offset',
    acl: ['read', 'bitmap', 'fast'],
  }),
  cmd('bitcount', -2, ['readonly'], [1, 1, 1], 'bitmap', 'Count set bits in a string', bitcountCommand, {
    since: '2.6.0',
    hint: 'key [start end [BYTE|BIT]]',
    acl: ['read', 'bitmap', 'slow'],
  }),
];
