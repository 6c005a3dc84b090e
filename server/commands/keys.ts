/** The generic keyspace commands (Redis's db.c, expire.c and OBJECT from object.c), Redis 7.0. */

import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Db } from '../store/db.js';
import { copyEncoding, objectEncoding, stringEncoding } from '../store/encoding.js';
import { type AnyValue, Entry } from '../store/entry.js';
import { ListValue } from '../store/list.js';
import { scanKeys } from '../store/scan.js';
import type { Stream } from '../store/stream.js';
import { ZSet } from '../store/zset.js';
import { globMatch } from '../util/glob.js';
import { parseInt64, parseLL } from '../util/numbers.js';
import { sortCommands } from './sort.js';
import { type CommandSpec, cmd } from './table.js';
import { alreadyExpired, ERR, modified } from './util.js';

const LLONG_MAX = (1n << 63n) - 1n;
const LLONG_MIN = -(1n << 63n);
const INT_MAX = 2147483647;

// ---- DEL, EXISTS, TYPE, TOUCH ----

function delGeneric(c: Client, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j]!;
    // An expired key is deleted (and propagated) by the lookup, and does not count.
    if (db.lookup(key, true) === undefined) continue;
    db.delete(key);
    modified(c, key, NOTIFY.GENERIC, 'del');
    n++;
  }
  c.addReplyInt(n);
}

function existsCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (c.db.lookup(argv[j]!, true) !== undefined) n++;
  c.addReplyInt(n);
}

function typeCommand(c: Client, argv: string[]): void {
  const e = c.db.lookup(argv[1]!, true);
  c.addReplyStatus(e === undefined ? 'none' : e.type);
}

function touchCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (c.db.lookup(argv[j]!) !== undefined) n++;
  c.addReplyInt(n);
}

// ---- Expiry ----

const EXP_NX = 1;
const EXP_XX = 2;
const EXP_GT = 4;
const EXP_LT = 8;

/** Redis's checkAlreadyExpired: a past time deletes the key, except on replicas (they wait for DEL). */
/** EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX|XX|GT|LT]. */
function expireGeneric(c: Client, argv: string[], relative: boolean, seconds: boolean): void {
  const name = argv[0]!.toLowerCase();
  const key = argv[1]!;
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j]!.toLowerCase();
    if (o === 'nx') flags |= EXP_NX;
    else if (o === 'xx') flags |= EXP_XX;
    else if (o === 'gt') flags |= EXP_GT;
    else if (o === 'lt') flags |= EXP_LT;
    else {
      c.addReplyError(`Unsupported option ${argv[j]}`);
      return;
    }
  }
  if (flags & EXP_NX && flags & (EXP_XX | EXP_GT | EXP_LT)) {
    c.addReplyError('NX and XX, GT or LT options at the same time are not compatible');
    return;
  }
  if (flags & EXP_GT && flags & EXP_LT) {
    c.addReplyError('GT and LT options at the same time are not compatible');
    return;
  }
  // Exact int64 arithmetic, as Redis: a negative time is allowed, an overflow is not.
  let w = parseInt64(argv[2]!);
  if (w === null) {
    c.addReplyError(ERR.NOT_INT);
    return;
  }
  if (seconds) {
    if (w > LLONG_MAX / 1000n || w < LLONG_MIN / 1000n) {
      c.addReplyError(`invalid expire time in '${name}' command`);
      return;
    }
    w *= 1000n;
  }
  const base = relative ? BigInt(Date.now()) : 0n;
  if (w > LLONG_MAX - base) {
    c.addReplyError(`invalid expire time in '${name}' command`);
    return;
  }
  w += base;
  const when = Number(w);
  const db = c.db;
  const e = db.lookup(key);
  if (e === undefined) {
    c.addReplyRaw(':0\r\n');
    return;
  }
  if (flags) {
    const cur = e.expireAt;
    if (
      (flags & EXP_NX && cur !== -1) ||
      (flags & EXP_XX && cur === -1) ||
      (flags & EXP_GT && (when <= cur || cur === -1)) ||
      (flags & EXP_LT && cur !== -1 && when >= cur)
    ) {
      c.addReplyRaw(':0\r\n');
      return;
    }
  }
  const s = c.server;
  if (alreadyExpired(c, when)) {
    db.delete(key);
    s.alsoPropagate(db.id, ['DEL', key]);
    modified(c, key, NOTIFY.GENERIC, 'del');
    c.addReplyRaw(':1\r\n');
    return;
  }
  db.setExpire(e, when);
  c.addReplyRaw(':1\r\n');
  // Propagated as PEXPIREAT with the absolute time (the NX/XX/GT/LT flags ride along, as in Redis).
  if (name !== 'pexpireat') {
    const out = argv.slice();
    out[0] = 'PEXPIREAT';
    out[2] = String(w);
    s.alsoPropagate(db.id, out);
  }
  modified(c, key, NOTIFY.GENERIC, 'expire');
}

/** TTL / PTTL / EXPIRETIME / PEXPIRETIME. */
function ttlGeneric(c: Client, argv: string[], ms: boolean, abs: boolean): void {
  const e = c.db.lookup(argv[1]!, true);
  if (e === undefined) {
    c.addReplyRaw(':-2\r\n');
    return;
  }
  if (e.expireAt < 0) {
    c.addReplyRaw(':-1\r\n');
    return;
  }
  let ttl = abs ? e.expireAt : e.expireAt - Date.now();
  if (ttl < 0) ttl = 0;
  c.addReplyInt(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persistCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const e = c.db.lookup(key);
  if (e !== undefined && c.db.removeExpire(e)) {
    modified(c, key, NOTIFY.GENERIC, 'persist');
    c.addReplyRaw(':1\r\n');
  } else {
    c.addReplyRaw(':0\r\n');
  }
}

// ---- KEYS, RANDOMKEY ----

function keysCommand(c: Client, argv: string[]): void {
  const pattern = argv[1]!;
  const all = pattern === '*';
  const db = c.db;
  const now = c.server.now();
  const out: string[] = [];
  // Expired keys are skipped but not deleted here (Redis's keyIsExpired check).
  for (const [k, e] of db.dict) {
    if ((all || globMatch(pattern, k)) && !db.isExpired(e, now)) out.push(k);
  }
  c.addReplyBulks(out);
}

function randomkeyCommand(c: Client): void {
  const k = c.db.randomKey();
  if (k === null) c.addReplyNull();
  else c.addReplyBulk(k);
}

// ---- RENAME, MOVE, COPY ----

/** A new entry under `key` carrying `e`'s value and metadata (TTL, LRU/LFU, encoding state). */
function cloneEntry(e: Entry, key: string, value: AnyValue, now: number): Entry {
  const n = new Entry(key, e.type, value, now);
  n.expireAt = e.expireAt;
  n.lru = e.lru;
  n.lfu = e.lfu;
  n.lfuDecr = e.lfuDecr;
  copyEncoding(e, n);
  return n;
}

function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const src = argv[1]!;
  const dst = argv[2]!;
  const db = c.db;
  const e = db.lookup(src);
  if (e === undefined) {
    c.addReplyError(ERR.NOKEY);
    return;
  }
  if (src === dst) {
    c.addReplyRaw(nx ? ':0\r\n' : '+OK\r\n');
    return;
  }
  if (db.lookup(dst) !== undefined) {
    if (nx) {
      c.addReplyRaw(':0\r\n');
      return;
    }
    db.delete(dst);
  }
  db.delete(src);
  db.insert(cloneEntry(e, dst, e.value, c.server.now()));
  const s = c.server;
  s.signalModifiedKey(db, src);
  s.signalModifiedKey(db, dst);
  s.notifyKeyspaceEvent(NOTIFY.GENERIC, 'rename_from', src, db.id);
  s.notifyKeyspaceEvent(NOTIFY.GENERIC, 'rename_to', dst, db.id);
  s.dirty++;
  c.addReplyRaw(nx ? ':1\r\n' : '+OK\r\n');
}

/** Redis's getIntFromObjectOrReply + selectDb: the target db, or null after replying. */
function targetDb(c: Client, s: string): Db | null {
  const id = parseLL(s);
  if (id === null || id > INT_MAX || id < -INT_MAX - 1) {
    c.addReplyError(ERR.NOT_INT);
    return null;
  }
  const db = c.server.dbs[id];
  if (id < 0 || db === undefined) {
    c.addReplyError(ERR.DB_RANGE);
    return null;
  }
  return db;
}

function moveCommand(c: Client, argv: string[]): void {
  const s = c.server;
  if (s.config.clusterEnabled) {
    c.addReplyError('MOVE is not allowed in cluster mode');
    return;
  }
  const key = argv[1]!;
  const src = c.db;
  const dst = targetDb(c, argv[2]!);
  if (dst === null) return;
  if (dst === src) {
    c.addReplyError('source and destination objects are the same');
    return;
  }
  const e = src.lookup(key);
  if (e === undefined || dst.lookup(key) !== undefined) {
    c.addReplyRaw(':0\r\n');
    return;
  }
  src.delete(key);
  dst.insert(e);
  s.signalModifiedKey(src, key);
  s.signalModifiedKey(dst, key);
  s.notifyKeyspaceEvent(NOTIFY.GENERIC, 'move_from', key, src.id);
  s.notifyKeyspaceEvent(NOTIFY.GENERIC, 'move_to', key, dst.id);
  s.dirty++;
  c.addReplyRaw(':1\r\n');
}

/** A deep copy of a value (COPY). */
export function dupValue(e: Entry): AnyValue {
  switch (e.type) {
    case 'string':
      return e.value as string;
    case 'list':
      return ListValue.from((e.value as ListValue).toArray());
    case 'set':
      return new Set(e.value as Set<string>);
    case 'hash':
      return new Map(e.value as Map<string, string>);
    case 'zset': {
      const z = new ZSet();
      for (const [m, sc] of e.value as ZSet) z.add(m, sc);
      return z;
    }
    case 'stream':
      return (e.value as Stream).clone();
  }
  throw new Error(`cannot copy a ${e.type as string}`);
}

function copyCommand(c: Client, argv: string[]): void {
  const s = c.server;
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j]!.toLowerCase();
    if (o === 'replace') replace = true;
    else if (o === 'db' && j + 1 < argv.length) {
      const d = targetDb(c, argv[j + 1]!);
      if (d === null) return;
      dst = d;
      j++;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  if (s.config.clusterEnabled && (src.id !== 0 || dst.id !== 0)) {
    c.addReplyError('Copying to another database is not allowed in cluster mode');
    return;
  }
  const key = argv[1]!;
  const newkey = argv[2]!;
  if (src === dst && key === newkey) {
    c.addReplyError('source and destination objects are the same');
    return;
  }
  const e = src.lookup(key);
  if (e === undefined) {
    s.stats.keyspaceMisses++;
    c.addReplyRaw(':0\r\n');
    return;
  }
  s.stats.keyspaceHits++;
  if (dst.lookup(newkey) !== undefined) {
    if (!replace) {
      c.addReplyRaw(':0\r\n');
      return;
    }
    dst.delete(newkey);
  }
  const n = cloneEntry(e, newkey, dupValue(e), s.now());
  // A fresh object: new LRU/LFU clocks, as dup*Object creates it.
  n.lru = s.now();
  n.lfu = 5;
  n.lfuDecr = Math.floor(s.now() / 60000);
  dst.insert(n);
  s.signalModifiedKey(dst, newkey);
  s.notifyKeyspaceEvent(NOTIFY.GENERIC, 'copy_to', newkey, dst.id);
  s.dirty++;
  c.addReplyRaw(':1\r\n');
}

// ---- OBJECT ----

function objectLookup(c: Client, key: string): Entry | undefined {
  const e = c.db.lookup(key, true);
  if (e === undefined) c.addReplyNull();
  return e;
}

function lfuPolicy(c: Client): boolean {
  return c.server.config.maxmemoryPolicy.includes('lfu');
}

function objectEncodingCommand(c: Client, argv: string[]): void {
  const e = objectLookup(c, argv[2]!);
  if (e) c.addReplyBulk(objectEncoding(e, c.server.config));
}

function objectRefcountCommand(c: Client, argv: string[]): void {
  const e = objectLookup(c, argv[2]!);
  if (!e) return;
  // Integers 0..9999 are shared objects (refcount INT_MAX) unless an LRU/LFU policy with a
  // maxmemory forbids sharing.
  let shared = false;
  if (e.type === 'string' && stringEncoding(e) === 'int') {
    const v = parseLL(e.value as string)!;
    const policy = c.server.config.maxmemoryPolicy;
    const noShared = c.server.config.maxmemory !== 0 && (policy.includes('lru') || policy.includes('lfu'));
    shared = v >= 0 && v < 10000 && !noShared;
  }
  c.addReplyInt(shared ? INT_MAX : 1);
}

function objectIdletimeCommand(c: Client, argv: string[]): void {
  const e = objectLookup(c, argv[2]!);
  if (!e) return;
  if (lfuPolicy(c)) {
    c.addReplyError(
      'An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    return;
  }
  // Redis's LRU clock has a one-second resolution.
  c.addReplyInt(Math.max(0, Math.floor(c.server.now() / 1000) - Math.floor(e.lru / 1000)));
}

function objectFreqCommand(c: Client, argv: string[]): void {
  const e = objectLookup(c, argv[2]!);
  if (!e) return;
  if (!lfuPolicy(c)) {
    c.addReplyError(
      'An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    return;
  }
  // LFUDecrAndReturn: the counter decays by one per lfu-decay-time minutes without access.
  const decay = c.server.config.lfuDecayTime;
  const elapsed = Math.floor(c.server.now() / 60000) - e.lfuDecr;
  const periods = decay > 0 ? Math.floor(Math.max(0, elapsed) / decay) : 0;
  c.addReplyInt(Math.max(0, e.lfu - periods));
}

function objectHelpCommand(c: Client): void {
  c.addReplyHelp('object', [
    'ENCODING <key>',
    '    Return the kind of internal representation used in order to store the value',
    '    associated with a <key>.',
    'FREQ <key>',
    '    Return the access frequency index of the <key>. The returned integer is',
    '    proportional to the logarithm of the recent access frequency of the key.',
    'IDLETIME <key>',
    '    Return the idle time of the <key>, that is the approximated number of',
    '    seconds elapsed since the last access to the key.',
    'REFCOUNT <key>',
    '    Return the number of references of the value associated with the specified',
    '    <key>.',
  ]);
}

const KS_READ = ['keyspace', 'read', 'slow'];

export const keyCommands: CommandSpec[] = [
  cmd('del', -2, ['write'], [1, -1, 1], 'generic', 'Delete a key', delGeneric, { hint: 'key [key ...]', acl: ['keyspace', 'write', 'slow'] }),
  cmd(
    'unlink',
    -2,
    ['write', 'fast'],
    [1, -1, 1],
    'generic',
    'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    delGeneric,
    {
      since: '4.0.0',
      hint: 'key [key ...]',
      acl: ['keyspace', 'write', 'fast'],
    },
  ),
  cmd('exists', -2, ['readonly', 'fast'], [1, -1, 1], 'generic', 'Determine if a key exists', existsCommand, {
    hint: 'key [key ...]',
    acl: ['keyspace', 'read', 'fast'],
  }),
  cmd('type', 2, ['readonly', 'fast'], [1, 1, 1], 'generic', 'Determine the type stored at key', typeCommand, {
    hint: 'key',
    acl: ['keyspace', 'read', 'fast'],
  }),
  cmd(
    'touch',
    -2,
    ['readonly', 'fast'],
    [1, -1, 1],
    'generic',
    'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    touchCommand,
    {
      since: '3.2.1',
      hint: 'key [key ...]',
      acl: ['keyspace', 'read', 'fast'],
    },
  ),
  cmd('expire', -3, ['write', 'fast'], [1, 1, 1], 'generic', "Set a key's time to live in seconds", (c, a) => expireGeneric(c, a, true, true), {
    hint: 'key seconds [NX|XX|GT|LT]',
    acl: ['keyspace', 'write', 'fast'],
  }),
  cmd('pexpire', -3, ['write', 'fast'], [1, 1, 1], 'generic', "Set a key's time to live in milliseconds", (c, a) => expireGeneric(c, a, true, false), {
    since: '2.6.0',
    hint: 'key milliseconds [NX|XX|GT|LT]',
    acl: ['keyspace', 'write', 'fast'],
  }),
  cmd('expireat', -3, ['write', 'fast'], [1, 1, 1], 'generic', 'Set the expiration for a key as a UNIX timestamp', (c, a) => expireGeneric(c, a, false, true), {
    since: '1.2.0',
    hint: 'key unix-time-seconds [NX|XX|GT|LT]',
    acl: ['keyspace', 'write', 'fast'],
  }),
  cmd(
    'pexpireat',
    -3,
    ['write', 'fast'],
    [1, 1, 1],
    'generic',
    'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    (c, a) => expireGeneric(c, a, false, false),
    {
      since: '2.6.0',
      hint: 'key unix-time-milliseconds [NX|XX|GT|LT]',
      acl: ['keyspace', 'write', 'fast'],
    },
  ),
  cmd('ttl', 2, ['readonly', 'fast'], [1, 1, 1], 'generic', 'Get the time to live for a key in seconds', (c, a) => ttlGeneric(c, a, false, false), {
    hint: 'key',
    acl: ['keyspace', 'read', 'fast'],
  }),
  cmd('pttl', 2, ['readonly', 'fast'], [1, 1, 1], 'generic', 'Get the time to live for a key in milliseconds', (c, a) => ttlGeneric(c, a, true, false), {
    since: '2.6.0',
    hint: 'key',
    acl: ['keyspace', 'read', 'fast'],
  }),
  cmd('expiretime', 2, ['readonly', 'fast'], [1, 1, 1], 'generic', 'Get the expiration Unix timestamp for a key', (c, a) => ttlGeneric(c, a, false, true), {
    since: '7.0.0',
    hint: 'key',
    acl: ['keyspace', 'read', 'fast'],
  }),
  cmd(
    'pexpiretime',
    2,
    ['readonly', 'fast'],
    [1, 1, 1],
    'generic',
    'Get the expiration Unix timestamp for a key in milliseconds',
    (c, a) => ttlGeneric(c, a, true, true),
    {
      since: '7.0.0',
      hint: 'key',
      acl: ['keyspace', 'read', 'fast'],
    },
  ),
  cmd('persist', 2, ['write', 'fast'], [1, 1, 1], 'generic', 'Remove the expiration from a key', persistCommand, {
    since: '2.2.0',
    hint: 'key',
    acl: ['keyspace', 'write', 'fast'],
  }),
  cmd('keys', 2, ['readonly'], [0, 0, 0], 'generic', 'Find all keys matching the given pattern', keysCommand, {
    hint: 'pattern',
    acl: ['keyspace', 'read', 'slow', 'dangerous'],
  }),
  cmd('scan', -2, ['readonly'], [0, 0, 0], 'generic', 'Incrementally iterate the keys space', scanKeys, {
    since: '2.8.0',
    hint: 'cursor [MATCH pattern] [COUNT count] [TYPE type]',
    acl: ['keyspace', 'read', 'slow'],
  }),
  cmd('randomkey', 1, ['readonly'], [0, 0, 0], 'generic', 'Return a random key from the keyspace', randomkeyCommand, { acl: ['keyspace', 'read', 'slow'] }),
  cmd('rename', 3, ['write'], [1, 2, 1], 'generic', 'Rename a key', (c, a) => renameGeneric(c, a, false), {
    hint: 'key newkey',
    acl: ['keyspace', 'write', 'slow'],
  }),
  cmd('renamenx', 3, ['write', 'fast'], [1, 2, 1], 'generic', 'Rename a key, only if the new key does not exist', (c, a) => renameGeneric(c, a, true), {
    hint: 'key newkey',
    acl: ['keyspace', 'write', 'fast'],
  }),
  cmd('copy', -3, ['write', 'denyoom'], [1, 2, 1], 'generic', 'Copy a key', copyCommand, {
    since: '6.2.0',
    hint: 'source destination [DB destination-db] [REPLACE]',
    acl: ['keyspace', 'write', 'slow'],
  }),
  cmd('move', 3, ['write', 'fast'], [1, 1, 1], 'generic', 'Move a key to another database', moveCommand, {
    hint: 'key db',
    acl: ['keyspace', 'write', 'fast'],
  }),
  ...sortCommands,
  cmd('object', -2, [], [0, 0, 0], 'generic', 'A container for object introspection commands', undefined, {
    since: '2.2.3',
    acl: ['slow'],
    subcommands: [
      cmd('encoding', 3, ['readonly'], [2, 2, 1], 'generic', 'Inspect the internal encoding of a Redis object', objectEncodingCommand, {
        since: '2.2.3',
        hint: 'key',
        acl: KS_READ,
      }),
      cmd('freq', 3, ['readonly'], [2, 2, 1], 'generic', 'Get the logarithmic access frequency counter of a Redis object', objectFreqCommand, {
        since: '4.0.0',
        hint: 'key',
        acl: KS_READ,
      }),
      cmd('idletime', 3, ['readonly'], [2, 2, 1], 'generic', 'Get the time since a Redis object was last accessed', objectIdletimeCommand, {
        since: '2.2.3',
        hint: 'key',
        acl: KS_READ,
      }),
      cmd('refcount', 3, ['readonly'], [2, 2, 1], 'generic', 'Get the number of references to the value of the key', objectRefcountCommand, {
        since: '2.2.3',
        hint: 'key',
        acl: KS_READ,
      }),
      cmd('help', 2, ['loading', 'stale'], [0, 0, 0], 'generic', 'Show helpful text about the different subcommands', objectHelpCommand, {
        since: '6.2.0',
        acl: ['keyspace', 'slow'],
      }),
    ],
  }),
];
