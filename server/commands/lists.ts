/** List commands, blocking pops included (Redis's t_list.c). */

import { blockForKeys } from '../blocking.js';
import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Entry } from '../store/entry.js';
import { ListValue } from '../store/list.js';
import { canBlock, deleteKeyIfEmpty, eqi, getLong, getPositiveLong, getRangeLong, LONG_MAX, numkeysKeys } from './coll.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR, getTimeoutMs, lookupRead, lookupWrite, modified } from './util.js';

const HEAD = 0;
const TAIL = 1;
type Where = typeof HEAD | typeof TAIL;

function parseWhere(c: Client, s: string): Where | null {
  if (eqi(s, 'left')) return HEAD;
  if (eqi(s, 'right')) return TAIL;
  c.addReplyError(ERR.SYNTAX);
  return null;
}

// ---- push ----

function pushGeneric(c: Client, argv: string[], where: Where, onlyIfExists: boolean): void {
  const key = argv[1]!;
  let e = lookupWrite(c, key, 'list');
  if (e === undefined) return;
  if (e === null) {
    if (onlyIfExists) {
      c.addReplyInt(0);
      return;
    }
    e = c.db.set(key, 'list', new ListValue());
  }
  const l = e.value;
  if (where === HEAD) for (let i = 2; i < argv.length; i++) l.pushHead(argv[i]!);
  else for (let i = 2; i < argv.length; i++) l.pushTail(argv[i]!);
  c.addReplyInt(l.length);
  modified(c, key, NOTIFY.LIST, where === HEAD ? 'lpush' : 'rpush', argv.length - 2);
}

function lpushCommand(c: Client, argv: string[]): void {
  pushGeneric(c, argv, HEAD, false);
}
function rpushCommand(c: Client, argv: string[]): void {
  pushGeneric(c, argv, TAIL, false);
}
function lpushxCommand(c: Client, argv: string[]): void {
  pushGeneric(c, argv, HEAD, true);
}
function rpushxCommand(c: Client, argv: string[]): void {
  pushGeneric(c, argv, TAIL, true);
}

// ---- pop ----

/** Redis's listElementsRemoved: event, delete when empty, signal, dirty. */
function elementsRemoved(c: Client, key: string, where: Where, e: Entry<'list'>, count: number): void {
  c.server.notifyKeyspaceEvent(NOTIFY.LIST, where === HEAD ? 'lpop' : 'rpop', key, c.db.id);
  deleteKeyIfEmpty(c, key, e);
  c.server.signalModifiedKey(c.db, key);
  c.server.dirty += count;
}

function popN(l: ListValue, where: Where, n: number): string[] {
  const out: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = (where === HEAD ? l.popHead() : l.popTail())!;
  return out;
}

function popGeneric(c: Client, argv: string[], where: Where): void {
  if (argv.length > 3) {
    c.addReplyError(`wrong number of arguments for '${argv[0]!.toLowerCase()}' command`);
    return;
  }
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = getPositiveLong(c, argv[2]!);
    if (n === null) return;
    count = n;
  }
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'list');
  if (e === undefined) return;
  if (e === null) {
    if (hasCount) c.addReplyNullArray();
    else c.addReplyNull();
    return;
  }
  if (hasCount && count === 0) {
    c.addReplyArrayLen(0);
    return;
  }
  if (!hasCount) {
    c.addReplyBulk((where === HEAD ? e.value.popHead() : e.value.popTail())!);
    elementsRemoved(c, key, where, e, 1);
    return;
  }
  const n = Math.min(count, e.value.length);
  c.addReplyBulks(popN(e.value, where, n));
  elementsRemoved(c, key, where, e, n);
}

function lpopCommand(c: Client, argv: string[]): void {
  popGeneric(c, argv, HEAD);
}
function rpopCommand(c: Client, argv: string[]): void {
  popGeneric(c, argv, TAIL);
}

/** Pop up to `count` and reply [key, [elements]] (LMPOP/BLMPOP); propagates [LR]POP key n. */
function popRangeWithKey(c: Client, key: string, e: Entry<'list'>, where: Where, count: number): void {
  const n = Math.min(count, e.value.length);
  c.server.alsoPropagate(c.db.id, [where === HEAD ? 'LPOP' : 'RPOP', key, String(n)]);
  c.addReplyArrayLen(2);
  c.addReplyBulk(key);
  c.addReplyBulks(popN(e.value, where, n));
  elementsRemoved(c, key, where, e, n);
}

// ---- reads ----

function llenCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'list');
  if (e === undefined) return;
  c.addReplyInt(e === null ? 0 : e.value.length);
}

function lrangeCommand(c: Client, argv: string[]): void {
  const start0 = getLong(c, argv[2]!);
  if (start0 === null) return;
  const end0 = getLong(c, argv[3]!);
  if (end0 === null) return;
  const e = lookupRead(c, argv[1]!, 'list');
  if (e === undefined) return;
  if (e === null) return c.addReplyArrayLen(0);
  const len = e.value.length;
  let start = start0 < 0 ? len + start0 : start0;
  let end = end0 < 0 ? len + end0 : end0;
  if (start < 0) start = 0;
  if (start > end || start >= len) return c.addReplyArrayLen(0);
  if (end >= len) end = len - 1;
  c.addReplyBulks(e.value.range(start, end));
}

function lindexCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'list');
  if (e === undefined) return;
  if (e === null) return c.addReplyNull();
  const idx = getLong(c, argv[2]!);
  if (idx === null) return;
  const i = idx < 0 ? e.value.length + idx : idx;
  c.addReplyBulkOrNull(e.value.at(i));
}

function lposCommand(c: Client, argv: string[]): void {
  const ele = argv[2]!;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = argv.length - 1 - j;
    if (eqi(opt, 'rank') && more) {
      const r = getLong(c, argv[++j]!);
      if (r === null) return;
      if (r === 0) {
        c.addReplyError("RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
        return;
      }
      rank = r;
    } else if (eqi(opt, 'count') && more) {
      const n = getPositiveLong(c, argv[++j]!, "COUNT can't be negative");
      if (n === null) return;
      count = n;
    } else if (eqi(opt, 'maxlen') && more) {
      const n = getPositiveLong(c, argv[++j]!, "MAXLEN can't be negative");
      if (n === null) return;
      maxlen = n;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  let fromTail = false;
  if (rank < 0) {
    rank = -rank;
    fromTail = true;
  }
  const e = lookupRead(c, argv[1]!, 'list');
  if (e === undefined) return;
  if (e === null) {
    if (count !== -1) c.addReplyArrayLen(0);
    else c.addReplyNull();
    return;
  }
  const l = e.value;
  const len = l.length;
  const found: number[] = [];
  let matches = 0;
  for (let index = 0; index < len && (maxlen === 0 || index < maxlen); index++) {
    const pos = fromTail ? len - index - 1 : index;
    if (l.at(pos) !== ele) continue;
    matches++;
    if (matches >= rank) {
      found.push(pos);
      if (count === -1) break;
      if (count && matches - rank + 1 >= count) break;
    }
  }
  if (count !== -1) {
    c.addReplyArrayLen(found.length);
    for (const p of found) c.addReplyInt(p);
  } else if (found.length) c.addReplyInt(found[0]!);
  else c.addReplyNull();
}

// ---- in-place edits ----

function lsetCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'list');
  if (e === undefined) return;
  if (e === null) return c.addReplyError(ERR.NOKEY);
  const idx = getLong(c, argv[2]!);
  if (idx === null) return;
  const i = idx < 0 ? e.value.length + idx : idx;
  if (i < 0 || i >= e.value.length) return c.addReplyError(ERR.OUTOFRANGE);
  e.value.set(i, argv[3]!);
  c.addReplyOk();
  modified(c, key, NOTIFY.LIST, 'lset');
}

function linsertCommand(c: Client, argv: string[]): void {
  let after: boolean;
  if (eqi(argv[2]!, 'after')) after = true;
  else if (eqi(argv[2]!, 'before')) after = false;
  else return c.addReplyError(ERR.SYNTAX);
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'list');
  if (e === undefined) return;
  if (e === null) return c.addReplyInt(0);
  const items = e.value.toArray();
  const i = items.indexOf(argv[3]!);
  if (i < 0) return c.addReplyInt(-1);
  items.splice(after ? i + 1 : i, 0, argv[4]!);
  e.value.replaceAll(items);
  modified(c, key, NOTIFY.LIST, 'linsert');
  c.addReplyInt(items.length);
}

function lremCommand(c: Client, argv: string[]): void {
  const count = getLong(c, argv[2]!);
  if (count === null) return;
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'list');
  if (e === undefined) return;
  if (e === null) return c.addReplyInt(0);
  const ele = argv[3]!;
  const items = e.value.toArray();
  let removed = 0;
  const limit = count === 0 ? Infinity : Math.abs(count);
  if (count >= 0) {
    const out: string[] = [];
    for (const it of items) {
      if (it === ele && removed < limit) removed++;
      else out.push(it);
    }
    if (removed) e.value.replaceAll(out);
  } else {
    const out: string[] = [];
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i] === ele && removed < limit) removed++;
      else out.push(items[i]!);
    }
    if (removed) e.value.replaceAll(out.reverse());
  }
  if (removed) {
    c.server.notifyKeyspaceEvent(NOTIFY.LIST, 'lrem', key, c.db.id);
    deleteKeyIfEmpty(c, key, e);
    c.server.signalModifiedKey(c.db, key);
    c.server.dirty += removed;
  }
  c.addReplyInt(removed);
}

function ltrimCommand(c: Client, argv: string[]): void {
  const start0 = getLong(c, argv[2]!);
  if (start0 === null) return;
  const end0 = getLong(c, argv[3]!);
  if (end0 === null) return;
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'list');
  if (e === undefined) return;
  if (e === null) return c.addReplyOk();
  const l = e.value;
  const len = l.length;
  let start = start0 < 0 ? len + start0 : start0;
  let end = end0 < 0 ? len + end0 : end0;
  if (start < 0) start = 0;
  let ltrim: number;
  let rtrim: number;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  for (let i = 0; i < ltrim; i++) l.popHead();
  for (let i = 0; i < rtrim; i++) l.popTail();
  c.server.notifyKeyspaceEvent(NOTIFY.LIST, 'ltrim', key, c.db.id);
  deleteKeyIfEmpty(c, key, e);
  c.server.signalModifiedKey(c.db, key);
  c.server.dirty += ltrim + rtrim;
  c.addReplyOk();
}

// ---- LMOVE family ----

/**
 * Pop from `src`, push onto `dst` and reply the element (lmoveGenericCommand/lmoveHandlePush).
 * `srcEntry` must be a non-empty list; the destination type is checked first. Returns false after
 * replying WRONGTYPE for the destination.
 */
function moveElement(c: Client, src: string, srcEntry: Entry<'list'>, dst: string, from: Where, to: Where): boolean {
  let d = lookupWrite(c, dst, 'list');
  if (d === undefined) return false;
  const value = (from === HEAD ? srcEntry.value.popHead() : srcEntry.value.popTail())!;
  if (d === null) d = c.db.set(dst, 'list', new ListValue());
  c.server.signalModifiedKey(c.db, dst);
  if (to === HEAD) d.value.pushHead(value);
  else d.value.pushTail(value);
  c.server.notifyKeyspaceEvent(NOTIFY.LIST, to === HEAD ? 'lpush' : 'rpush', dst, c.db.id);
  c.addReplyBulk(value);
  c.server.notifyKeyspaceEvent(NOTIFY.LIST, from === HEAD ? 'lpop' : 'rpop', src, c.db.id);
  deleteKeyIfEmpty(c, src, srcEntry);
  c.server.signalModifiedKey(c.db, src);
  c.server.dirty++;
  return true;
}

const SIDE = ['LEFT', 'RIGHT'] as const;

/** LMOVE/RPOPLPUSH and the non-blocking path of BLMOVE/BRPOPLPUSH. */
function lmoveGeneric(c: Client, src: string, dst: string, from: Where, to: Where, propagateAs: 'lmove' | 'rpoplpush' | null): void {
  const e = lookupWrite(c, src, 'list');
  if (e === undefined) return;
  if (e === null || e.value.length === 0) return c.addReplyNull();
  if (!moveElement(c, src, e, dst, from, to)) return;
  if (propagateAs === 'lmove') c.server.alsoPropagate(c.db.id, ['LMOVE', src, dst, SIDE[from], SIDE[to]]);
  else if (propagateAs === 'rpoplpush') c.server.alsoPropagate(c.db.id, ['RPOPLPUSH', src, dst]);
}

function lmoveCommand(c: Client, argv: string[]): void {
  const from = parseWhere(c, argv[3]!);
  if (from === null) return;
  const to = parseWhere(c, argv[4]!);
  if (to === null) return;
  lmoveGeneric(c, argv[1]!, argv[2]!, from, to, null);
}

function rpoplpushCommand(c: Client, argv: string[]): void {
  lmoveGeneric(c, argv[1]!, argv[2]!, TAIL, HEAD, null);
}

// ---- multi-key pops ----

function mpopGeneric(c: Client, keys: string[], where: Where, count: number): void {
  for (const key of keys) {
    const e = lookupWrite(c, key, 'list');
    if (e === undefined) return;
    if (e === null || e.value.length === 0) continue;
    popRangeWithKey(c, key, e, where, count);
    return;
  }
  c.addReplyNullArray();
}

/** Parse "numkeys key... LEFT|RIGHT [COUNT n]" starting at numkeysIdx. */
function parseMpop(c: Client, argv: string[], numkeysIdx: number): { keys: string[]; where: Where; count: number } | null {
  const numkeys = getRangeLong(c, argv[numkeysIdx]!, 1, LONG_MAX, 'numkeys should be greater than 0');
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.addReplyError(ERR.SYNTAX);
    return null;
  }
  const where = parseWhere(c, argv[whereIdx]!);
  if (where === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && eqi(argv[j]!, 'count') && more) {
      const n = getRangeLong(c, argv[++j]!, 1, LONG_MAX, 'count should be greater than 0');
      if (n === null) return null;
      count = n;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), where, count: count === -1 ? 1 : count };
}

function lmpopCommand(c: Client, argv: string[]): void {
  const p = parseMpop(c, argv, 1);
  if (p) mpopGeneric(c, p.keys, p.where, p.count);
}

// ---- blocking ----

/** A list entry for serving a blocked client, or null when the key is not a non-empty list. */
function readyList(c: Client, key: string): Entry<'list'> | null {
  const e = c.db.lookup(key);
  if (e?.type !== 'list') return null;
  const le = e as Entry<'list'>;
  return le.value.length > 0 ? le : null;
}

/**
 * BLPOP/BRPOP (count = -1) and BLMPOP (count > 0). Served immediately when a key holds a list,
 * propagated as [LR]POP; otherwise blocks (or answers null inside MULTI).
 */
function blockingPop(c: Client, keys: string[], where: Where, timeoutArg: string, count: number): void {
  const timeout = getTimeoutMs(c, timeoutArg);
  if (timeout === null) return;
  for (const key of keys) {
    const e = lookupWrite(c, key, 'list');
    if (e === undefined) return;
    if (e === null || e.value.length === 0) continue;
    serveBlockingPop(c, key, e, where, count);
    return;
  }
  if (!canBlock(c)) return c.addReplyNullArray();
  blockForKeys(
    c,
    c.db,
    keys,
    timeout,
    (key) => {
      const e = readyList(c, key);
      if (!e) return false;
      serveBlockingPop(c, key, e, where, count);
      return true;
    },
    () => c.addReplyNullArray(),
  );
}

function serveBlockingPop(c: Client, key: string, e: Entry<'list'>, where: Where, count: number): void {
  if (count !== -1) {
    popRangeWithKey(c, key, e, where, count);
    return;
  }
  c.server.alsoPropagate(c.db.id, [where === HEAD ? 'LPOP' : 'RPOP', key]);
  const v = (where === HEAD ? e.value.popHead() : e.value.popTail())!;
  c.addReplyArrayLen(2);
  c.addReplyBulk(key);
  c.addReplyBulk(v);
  elementsRemoved(c, key, where, e, 1);
}

function blpopCommand(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), HEAD, argv[argv.length - 1]!, -1);
}
function brpopCommand(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), TAIL, argv[argv.length - 1]!, -1);
}

function blmpopCommand(c: Client, argv: string[]): void {
  // Redis parses numkeys, direction and COUNT first, the timeout last.
  const p = parseMpop(c, argv, 2);
  if (p) blockingPop(c, p.keys, p.where, argv[1]!, p.count);
}

function blmoveGeneric(c: Client, src: string, dst: string, from: Where, to: Where, timeoutArg: string, as: 'lmove' | 'rpoplpush'): void {
  const timeout = getTimeoutMs(c, timeoutArg);
  if (timeout === null) return;
  const e = lookupWrite(c, src, 'list');
  if (e === undefined) return;
  if (e !== null) return lmoveGeneric(c, src, dst, from, to, as);
  if (!canBlock(c)) return c.addReplyNull();
  blockForKeys(
    c,
    c.db,
    [src],
    timeout,
    (key) => {
      const se = readyList(c, key);
      if (!se) return false;
      // A destination of the wrong type ends the wait with WRONGTYPE, the source untouched.
      if (moveElement(c, key, se, dst, from, to)) {
        c.server.alsoPropagate(c.db.id, as === 'lmove' ? ['LMOVE', key, dst, SIDE[from], SIDE[to]] : ['RPOPLPUSH', key, dst]);
      }
      return true;
    },
    // Redis 7.0 answers every list/zset wait that times out with a null array, BLMOVE included.
    () => c.addReplyNullArray(),
  );
}

function blmoveCommand(c: Client, argv: string[]): void {
  const from = parseWhere(c, argv[3]!);
  if (from === null) return;
  const to = parseWhere(c, argv[4]!);
  if (to === null) return;
  blmoveGeneric(c, argv[1]!, argv[2]!, from, to, argv[5]!, 'lmove');
}

function brpoplpushCommand(c: Client, argv: string[]): void {
  blmoveGeneric(c, argv[1]!, argv[2]!, TAIL, HEAD, argv[3]!, 'rpoplpush');
}

const KEYS_lmpop = numkeysKeys(1);
const KEYS_blmpop = numkeysKeys(2);

export const listCommands: CommandSpec[] = [
  cmd('lpush', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'list', 'Prepend one or multiple elements to a list', lpushCommand, {
    since: '1.0.0',
    hint: 'key element [element ...]',
    acl: ['write', 'list', 'fast'],
  }),
  cmd('rpush', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'list', 'Append one or multiple elements to a list', rpushCommand, {
    since: '1.0.0',
    hint: 'key element [element ...]',
    acl: ['write', 'list', 'fast'],
  }),
  cmd('lpushx', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'list', 'Prepend an element to a list, only if the list exists', lpushxCommand, {
    since: '2.2.0',
    hint: 'key element [element ...]',
    acl: ['write', 'list', 'fast'],
  }),
  cmd('rpushx', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'list', 'Append an element to a list, only if the list exists', rpushxCommand, {
    since: '2.2.0',
    hint: 'key element [element ...]',
    acl: ['write', 'list', 'fast'],
  }),
  cmd('lpop', -2, ['write', 'fast'], [1, 1, 1], 'list', 'Remove and get the first elements in a list', lpopCommand, {
    since: '1.0.0',
    hint: 'key [count]',
    acl: ['write', 'list', 'fast'],
  }),
  cmd('rpop', -2, ['write', 'fast'], [1, 1, 1], 'list', 'Remove and get the last elements in a list', rpopCommand, {
    since: '1.0.0',
    hint: 'key [count]',
    acl: ['write', 'list', 'fast'],
  }),
  cmd('llen', 2, ['readonly', 'fast'], [1, 1, 1], 'list', 'Get the length of a list', llenCommand, {
    since: '1.0.0',
    hint: 'key',
    acl: ['read', 'list', 'fast'],
  }),
  cmd('lrange', 4, ['readonly'], [1, 1, 1], 'list', 'Get a range of elements from a list', lrangeCommand, {
    since: '1.0.0',
    hint: 'key start stop',
    acl: ['read', 'list', 'slow'],
  }),
  cmd('lindex', 3, ['readonly'], [1, 1, 1], 'list', 'Get an element from a list by its index', lindexCommand, {
    since: '1.0.0',
    hint: 'key index',
    acl: ['read', 'list', 'slow'],
  }),
  cmd('lset', 4, ['write', 'denyoom'], [1, 1, 1], 'list', 'Set the value of an element in a list by its index', lsetCommand, {
    since: '1.0.0',
    hint: 'key index element',
    acl: ['write', 'list', 'slow'],
  }),
  cmd('linsert', 5, ['write', 'denyoom'], [1, 1, 1], 'list', 'Insert an element before or after another element in a list', linsertCommand, {
    since: '2.2.0',
    hint: 'key BEFORE|AFTER pivot element',
    acl: ['write', 'list', 'slow'],
  }),
  cmd('lrem', 4, ['write'], [1, 1, 1], 'list', 'Remove elements from a list', lremCommand, {
    since: '1.0.0',
    hint: 'key count element',
    acl: ['write', 'list', 'slow'],
  }),
  cmd('ltrim', 4, ['write'], [1, 1, 1], 'list', 'Trim a list to the specified range', ltrimCommand, {
    since: '1.0.0',
    hint: 'key start stop',
    acl: ['write', 'list', 'slow'],
  }),
  cmd('lpos', -3, ['readonly'], [1, 1, 1], 'list', 'Return the index of matching elements on a list', lposCommand, {
    since: '6.0.6',
    hint: 'key element [RANK rank] [COUNT num-matches] [MAXLEN len]',
    acl: ['read', 'list', 'slow'],
  }),
  cmd('lmove', 5, ['write', 'denyoom'], [1, 2, 1], 'list', 'Pop an element from a list, push it to another list and return it', lmoveCommand, {
    since: '6.2.0',
    hint: 'source destination LEFT|RIGHT LEFT|RIGHT',
    acl: ['write', 'list', 'slow'],
  }),
  cmd(
    'rpoplpush',
    3,
    ['write', 'denyoom'],
    [1, 2, 1],
    'list',
    'Remove the last element in a list, prepend it to another list and return it',
    rpoplpushCommand,
    { since: '1.2.0', hint: 'source destination', acl: ['write', 'list', 'slow'] },
  ),
  cmd('lmpop', -4, ['write', 'movablekeys'], [0, 0, 0], 'list', 'Pop elements from a list', lmpopCommand, {
    since: '7.0.0',
    hint: 'numkeys key [key ...] LEFT|RIGHT [COUNT count]',
    acl: ['write', 'list', 'slow'],
    getKeys: KEYS_lmpop,
  }),
  cmd(
    'blpop',
    -3,
    ['write', 'noscript', 'blocking'],
    [1, -2, 1],
    'list',
    'Remove and get the first element in a list, or block until one is available',
    blpopCommand,
    { since: '2.0.0', hint: 'key [key ...] timeout', acl: ['write', 'list', 'slow', 'blocking'] },
  ),
  cmd(
    'brpop',
    -3,
    ['write', 'noscript', 'blocking'],
    [1, -2, 1],
    'list',
    'Remove and get the last element in a list, or block until one is available',
    brpopCommand,
    { since: '2.0.0', hint: 'key [key ...] timeout', acl: ['write', 'list', 'slow', 'blocking'] },
  ),
  cmd(
    'blmove',
    6,
    ['write', 'denyoom', 'noscript', 'blocking'],
    [1, 2, 1],
    'list',
    'Pop an element from a list, push it to another list and return it; or block until one is available',
    blmoveCommand,
    { since: '6.2.0', hint: 'source destination LEFT|RIGHT LEFT|RIGHT timeout', acl: ['write', 'list', 'slow', 'blocking'] },
  ),
  cmd(
    'brpoplpush',
    4,
    ['write', 'denyoom', 'noscript', 'blocking'],
    [1, 2, 1],
    'list',
    'Pop an element from a list, push it to another list and return it; or block until one is available',
    brpoplpushCommand,
    { since: '2.2.0', hint: 'source destination timeout', acl: ['write', 'list', 'slow', 'blocking'] },
  ),
  cmd('blmpop', -5, ['write', 'blocking', 'movablekeys'], [0, 0, 0], 'list', 'Pop elements from a list, or block until one is available', blmpopCommand, {
    since: '7.0.0',
    hint: 'timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]',
    acl: ['write', 'list', 'slow', 'blocking'],
    getKeys: KEYS_blmpop,
  }),
];
