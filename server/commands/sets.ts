/** Set commands (Redis's t_set.c). Values are Set<string>; `Entry.big` mirrors intset → hashtable. */
import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Entry } from '../store/entry.js';
import { scanCollection } from '../store/scan.js';
import { parseLL } from '../util/numbers.js';
import { randomInt } from '../util/random.js';
import { deleteKeyIfEmpty, eqi, getPositiveLong, getRangeLong, LONG_MAX, numkeysKeys, removeMembers } from './coll.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR, lookupRead, lookupWrite, modified } from './util.js';

/** setTypeAdd: add a member, tracking the intset → hashtable conversion. */
function setAdd(c: Client, e: Entry<'set'>, m: string): boolean {
  const s = e.value;
  if (s.has(m)) return false;
  s.add(m);
  if (!e.big && (parseLL(m) === null || s.size > c.server.config.setMaxIntsetEntries)) e.big = true;
  return true;
}

/** Whether a set with these members would be intset-encoded (all integers, small enough). */
function isIntset(c: Client, members: Iterable<string>, size: number): boolean {
  if (size > c.server.config.setMaxIntsetEntries) return false;
  for (const m of members) if (parseLL(m) === null) return false;
  return true;
}

/** Members in reply order: an intset replies in ascending numeric order, as in Redis. */
function replyOrder(c: Client, members: string[]): string[] {
  if (members.length > 1 && isIntset(c, members, members.length)) members.sort((a, b) => cmpInt(a, b));
  return members;
}

function cmpInt(a: string, b: string): number {
  const x = parseLL(a)!;
  const y = parseLL(b)!;
  if (x !== y) return x < y ? -1 : 1;
  if (Number.isSafeInteger(x)) return 0;
  const bx = BigInt(a);
  const by = BigInt(b);
  return bx < by ? -1 : bx > by ? 1 : 0;
}

function entryMembers(c: Client, e: Entry<'set'>): string[] {
  const arr = [...e.value];
  if (!e.big && arr.length > 1) arr.sort(cmpInt);
  void c;
  return arr;
}

function replySet(c: Client, members: string[]): void {
  c.addReplySetLen(members.length);
  for (const m of members) c.addReplyBulk(m);
}

/** Store a computed set at dst (replacing any value), or delete dst when empty. */
function storeSet(c: Client, dst: string, members: Set<string>, event: string): void {
  if (members.size > 0) {
    const e = c.db.set(dst, 'set', members);
    e.big = !isIntset(c, members, members.size);
    c.addReplyInt(members.size);
    c.server.signalModifiedKey(c.db, dst);
    c.server.notifyKeyspaceEvent(NOTIFY.SET, event, dst, c.db.id);
    c.server.dirty++;
  } else {
    c.addReplyInt(0);
    if (c.db.delete(dst)) {
      c.server.dirty++;
      c.server.signalModifiedKey(c.db, dst);
      c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', dst, c.db.id);
    }
  }
}

function saddCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  let e = lookupWrite(c, key, 'set');
  if (e === undefined) return;
  if (e === null) {
    e = c.db.set(key, 'set', new Set<string>());
    e.big = parseLL(argv[2]!) === null;
  }
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (setAdd(c, e, argv[i]!)) added++;
  if (added) modified(c, key, NOTIFY.SET, 'sadd', added);
  c.addReplyInt(added);
}

function sremCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'set');
  if (e === undefined) return;
  if (e === null) return c.addReplyInt(0);
  c.addReplyInt(removeMembers(c, key, e, argv, 2, NOTIFY.SET, 'srem'));
}

function smoveCommand(c: Client, argv: string[]): void {
  const srcKey = argv[1]!;
  const dstKey = argv[2]!;
  const ele = argv[3]!;
  const src = c.db.lookup(srcKey);
  const dst = c.db.lookup(dstKey);
  if (!src) return c.addReplyInt(0);
  if (src.type !== 'set' || (dst && dst.type !== 'set')) return c.addReplyError(ERR.WRONGTYPE);
  const s = src as Entry<'set'>;
  if (src === dst) return c.addReplyInt(s.value.has(ele) ? 1 : 0);
  if (!s.value.delete(ele)) return c.addReplyInt(0);
  c.server.notifyKeyspaceEvent(NOTIFY.SET, 'srem', srcKey, c.db.id);
  deleteKeyIfEmpty(c, srcKey, s);
  let d = dst as Entry<'set'> | undefined;
  if (!d) {
    d = c.db.set(dstKey, 'set', new Set<string>());
    d.big = parseLL(ele) === null;
  }
  c.server.signalModifiedKey(c.db, srcKey);
  c.server.dirty++;
  if (setAdd(c, d, ele)) {
    c.server.dirty++;
    c.server.signalModifiedKey(c.db, dstKey);
    c.server.notifyKeyspaceEvent(NOTIFY.SET, 'sadd', dstKey, c.db.id);
  }
  c.addReplyInt(1);
}

function sismemberCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'set');
  if (e === undefined) return;
  c.addReplyInt(e?.value.has(argv[2]!) ? 1 : 0);
}

function smismemberCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'set');
  if (e === undefined) return;
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.addReplyInt(e?.value.has(argv[i]!) ? 1 : 0);
}

function smembersCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'set');
  if (e === undefined) return;
  if (e === null) return c.addReplySetLen(0);
  replySet(c, entryMembers(c, e));
}

function scardCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'set');
  if (e === undefined) return;
  c.addReplyInt(e === null ? 0 : e.value.size);
}

/** Shuffle the first k slots of arr (partial Fisher-Yates). */
function sampleDistinct<T>(arr: T[], k: number): T[] {
  for (let i = 0; i < k; i++) {
    const j = i + randomInt(arr.length - i);
    const t = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = t;
  }
  return arr.slice(0, k);
}

function spopCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) return spopWithCount(c, argv);
  if (argv.length > 3) return c.addReplyError(ERR.SYNTAX);
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'set');
  if (e === undefined) return;
  if (e === null) return c.addReplyNull();
  const members = [...e.value];
  const m = members[randomInt(members.length)]!;
  e.value.delete(m);
  c.server.notifyKeyspaceEvent(NOTIFY.SET, 'spop', key, c.db.id);
  c.server.alsoPropagate(c.db.id, ['SREM', key, m]);
  c.addReplyBulk(m);
  deleteKeyIfEmpty(c, key, e);
  c.server.signalModifiedKey(c.db, key);
  c.server.dirty++;
}

function spopWithCount(c: Client, argv: string[]): void {
  const count = getPositiveLong(c, argv[2]!);
  if (count === null) return;
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'set');
  if (e === undefined) return;
  if (e === null || count === 0) return c.addReplySetLen(0);
  const size = e.value.size;
  c.server.notifyKeyspaceEvent(NOTIFY.SET, 'spop', key, c.db.id);
  c.server.dirty += Math.min(count, size);
  if (count >= size) {
    replySet(c, entryMembers(c, e));
    c.db.delete(key);
    c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
    // Redis 7.0 propagates popping the whole set as DEL.
    c.server.alsoPropagate(c.db.id, ['DEL', key]);
    c.server.signalModifiedKey(c.db, key);
    return;
  }
  const popped = sampleDistinct([...e.value], count);
  c.addReplySetLen(count);
  for (const m of popped) {
    e.value.delete(m);
    c.addReplyBulk(m);
    c.server.alsoPropagate(c.db.id, ['SREM', key, m]);
  }
  // Redis rebuilds the set when popping most of it: the remainder may become an intset again.
  if ((size - count) * 5 <= count) e.big = !isIntset(c, e.value, e.value.size);
  c.server.signalModifiedKey(c.db, key);
}

function srandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) return srandmemberWithCount(c, argv);
  if (argv.length > 3) return c.addReplyError(ERR.SYNTAX);
  const e = lookupRead(c, argv[1]!, 'set');
  if (e === undefined) return;
  if (e === null) return c.addReplyNull();
  const members = [...e.value];
  c.addReplyBulk(members[randomInt(members.length)]!);
}

function srandmemberWithCount(c: Client, argv: string[]): void {
  const l = getRangeLong(c, argv[2]!, -LONG_MAX, LONG_MAX);
  if (l === null) return;
  const e = lookupRead(c, argv[1]!, 'set');
  if (e === undefined) return;
  if (e === null) return c.addReplyArrayLen(0);
  let count = Math.abs(l);
  if (count === 0) return c.addReplyArrayLen(0);
  const members = [...e.value];
  const size = members.length;
  if (l < 0 || count === 1) {
    c.addReplyArrayLen(count);
    while (count--) c.addReplyBulk(members[randomInt(size)]!);
    return;
  }
  if (count >= size) {
    c.addReplyBulks(entryMembers(c, e));
    return;
  }
  c.addReplyBulks(sampleDistinct(members, count));
}

/** Look up the input sets of SINTER/SUNION/SDIFF; undefined after WRONGTYPE. */
function inputSets(c: Client, keys: string[]): (Set<string> | null)[] | undefined {
  const out: (Set<string> | null)[] = [];
  for (const k of keys) {
    const e = lookupRead(c, k, 'set');
    if (e === undefined) return undefined;
    out.push(e === null ? null : e.value);
  }
  return out;
}

function intersect(sets: (Set<string> | null)[], limit = 0): Set<string> {
  const res = new Set<string>();
  if (sets.some((s) => s === null)) return res;
  const sorted = (sets as Set<string>[]).slice().sort((a, b) => a.size - b.size);
  const first = sorted[0]!;
  outer: for (const m of first) {
    for (let j = 1; j < sorted.length; j++) if (sorted[j] !== first && !sorted[j]!.has(m)) continue outer;
    res.add(m);
    if (limit && res.size >= limit) break;
  }
  return res;
}

function union(sets: (Set<string> | null)[]): Set<string> {
  const res = new Set<string>();
  for (const s of sets) if (s) for (const m of s) res.add(m);
  return res;
}

function diff(sets: (Set<string> | null)[]): Set<string> {
  const res = new Set<string>();
  const first = sets[0];
  if (!first) return res;
  if (sets.slice(1).includes(first)) return res;
  outer: for (const m of first) {
    for (let j = 1; j < sets.length; j++) if (sets[j]?.has(m)) continue outer;
    res.add(m);
  }
  return res;
}

function sinterCommand(c: Client, argv: string[]): void {
  const sets = inputSets(c, argv.slice(1));
  if (!sets) return;
  replySet(c, replyOrder(c, [...intersect(sets)]));
}

function sinterstoreCommand(c: Client, argv: string[]): void {
  const sets = inputSets(c, argv.slice(2));
  if (!sets) return;
  storeSet(c, argv[1]!, intersect(sets), 'sinterstore');
}

function sintercardCommand(c: Client, argv: string[]): void {
  const numkeys = getRangeLong(c, argv[1]!, 1, LONG_MAX, 'numkeys should be greater than 0');
  if (numkeys === null) return;
  if (numkeys > argv.length - 2) return c.addReplyError("Number of keys can't be greater than number of args");
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqi(argv[j]!, 'limit') && more) {
      const n = getPositiveLong(c, argv[++j]!, "LIMIT can't be negative");
      if (n === null) return;
      limit = n;
    } else {
      return c.addReplyError(ERR.SYNTAX);
    }
  }
  const sets = inputSets(c, argv.slice(2, 2 + numkeys));
  if (!sets) return;
  c.addReplyInt(intersect(sets, limit).size);
}

function sunionCommand(c: Client, argv: string[]): void {
  const sets = inputSets(c, argv.slice(1));
  if (!sets) return;
  replySet(c, replyOrder(c, [...union(sets)]));
}

function sunionstoreCommand(c: Client, argv: string[]): void {
  const sets = inputSets(c, argv.slice(2));
  if (!sets) return;
  storeSet(c, argv[1]!, union(sets), 'sunionstore');
}

function sdiffCommand(c: Client, argv: string[]): void {
  const sets = inputSets(c, argv.slice(1));
  if (!sets) return;
  replySet(c, replyOrder(c, [...diff(sets)]));
}

function sdiffstoreCommand(c: Client, argv: string[]): void {
  const sets = inputSets(c, argv.slice(2));
  if (!sets) return;
  storeSet(c, argv[1]!, diff(sets), 'sdiffstore');
}

function sscanCommand(c: Client, argv: string[]): void {
  scanCollection(c, argv, 'set');
}

const KEYS_sintercard = numkeysKeys(1);

export const setCommands: CommandSpec[] = [
  cmd('sadd', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'set', 'Add one or more members to a set', saddCommand, {
    since: '1.0.0',
    hint: 'key member [member ...]',
    acl: ['write', 'set', 'fast'],
  }),
  cmd('srem', -3, ['write', 'fast'], [1, 1, 1], 'set', 'Remove one or more members from a set', sremCommand, {
    since: '1.0.0',
    hint: 'key member [member ...]',
    acl: ['write', 'set', 'fast'],
  }),
  cmd('sismember', 3, ['readonly', 'fast'], [1, 1, 1], 'set', 'Determine if a given value is a member of a set', sismemberCommand, {
    since: '1.0.0',
    hint: 'key member',
    acl: ['read', 'set', 'fast'],
  }),
  cmd('smismember', -3, ['readonly', 'fast'], [1, 1, 1], 'set', 'Returns the membership associated with the given elements for a set', smismemberCommand, {
    since: '6.2.0',
    hint: 'key member [member ...]',
    acl: ['read', 'set', 'fast'],
  }),
  cmd('smembers', 2, ['readonly'], [1, 1, 1], 'set', 'Get all the members in a set', smembersCommand, {
    since: '1.0.0',
    hint: 'key',
    acl: ['read', 'set', 'slow'],
  }),
  cmd('scard', 2, ['readonly', 'fast'], [1, 1, 1], 'set', 'Get the number of members in a set', scardCommand, {
    since: '1.0.0',
    hint: 'key',
    acl: ['read', 'set', 'fast'],
  }),
  cmd('spop', -2, ['write', 'fast'], [1, 1, 1], 'set', 'Remove and return one or multiple random members from a set', spopCommand, {
    since: '1.0.0',
    hint: 'key [count]',
    acl: ['write', 'set', 'fast'],
  }),
  cmd('srandmember', -2, ['readonly'], [1, 1, 1], 'set', 'Get one or multiple random members from a set', srandmemberCommand, {
    since: '1.0.0',
    hint: 'key [count]',
    acl: ['read', 'set', 'slow'],
  }),
  cmd('smove', 4, ['write', 'fast'], [1, 2, 1], 'set', 'Move a member from one set to another', smoveCommand, {
    since: '1.0.0',
    hint: 'source destination member',
    acl: ['write', 'set', 'fast'],
  }),
  cmd('sinter', -2, ['readonly'], [1, -1, 1], 'set', 'Intersect multiple sets', sinterCommand, {
    since: '1.0.0',
    hint: 'key [key ...]',
    acl: ['read', 'set', 'slow'],
  }),
  cmd('sintercard', -3, ['readonly', 'movablekeys'], [0, 0, 0], 'set', 'Intersect multiple sets and return the cardinality of the result', sintercardCommand, {
    since: '7.0.0',
    hint: 'numkeys key [key ...] [LIMIT limit]',
    acl: ['read', 'set', 'slow'],
    getKeys: KEYS_sintercard,
  }),
  cmd('sunion', -2, ['readonly'], [1, -1, 1], 'set', 'Add multiple sets', sunionCommand, {
    since: '1.0.0',
    hint: 'key [key ...]',
    acl: ['read', 'set', 'slow'],
  }),
  cmd('sdiff', -2, ['readonly'], [1, -1, 1], 'set', 'Subtract multiple sets', sdiffCommand, {
    since: '1.0.0',
    hint: 'key [key ...]',
    acl: ['read', 'set', 'slow'],
  }),
  cmd('sinterstore', -3, ['write', 'denyoom'], [1, -1, 1], 'set', 'Intersect multiple sets and store the resulting set in a key', sinterstoreCommand, {
    since: '1.0.0',
    hint: 'destination key [key ...]',
    acl: ['write', 'set', 'slow'],
  }),
  cmd('sunionstore', -3, ['write', 'denyoom'], [1, -1, 1], 'set', 'Add multiple sets and store the resulting set in a key', sunionstoreCommand, {
    since: '1.0.0',
    hint: 'destination key [key ...]',
    acl: ['write', 'set', 'slow'],
  }),
  cmd('sdiffstore', -3, ['write', 'denyoom'], [1, -1, 1], 'set', 'Subtract multiple sets and store the resulting set in a key', sdiffstoreCommand, {
    since: '1.0.0',
    hint: 'destination key [key ...]',
    acl: ['write', 'set', 'slow'],
  }),
  cmd('sscan', -3, ['readonly'], [1, 1, 1], 'set', 'Incrementally iterate Set elements', sscanCommand, {
    since: '2.8.0',
    hint: 'key cursor [MATCH pattern] [COUNT count]',
    acl: ['read', 'set', 'slow'],
  }),
];
