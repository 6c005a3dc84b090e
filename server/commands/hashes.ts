/** Hash commands (Redis's t_hash.c): values are Map<field, value> in insertion order. */
import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Entry } from '../store/entry.js';
import { scanCollection } from '../store/scan.js';
import { fmtHumanDouble, parseDouble, parseLL } from '../util/numbers.js';
import { randomInt } from '../util/random.js';
import { eqi, getRangeLong, LONG_MAX, removeMembers } from './coll.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR, lookupRead, lookupWrite, modified } from './util.js';

/** Look up a hash for writing, creating it when missing; undefined after WRONGTYPE. */
function hashForWrite(c: Client, key: string): Entry<'hash'> | undefined {
  const e = lookupWrite(c, key, 'hash');
  if (e === undefined) return undefined;
  if (e !== null) return e;
  return c.db.set(key, 'hash', new Map<string, string>());
}

/** Redis's hashTypeTryConversion: a long field/value turns the listpack into a hashtable. */
function tryConversion(c: Client, e: Entry<'hash'>, argv: string[], start: number, end: number): void {
  if (e.big) return;
  const max = c.server.config.hashMaxListpackValue;
  for (let i = start; i <= end; i++) {
    if (argv[i]!.length > max) {
      e.big = true;
      return;
    }
  }
}

/** hashTypeSet: returns true when the field was updated (existed). */
function hashSet(c: Client, e: Entry<'hash'>, field: string, value: string): boolean {
  const h = e.value;
  if (!e.big) {
    const lim = c.server.config;
    if (field.length > lim.hashMaxListpackValue || value.length > lim.hashMaxListpackValue) e.big = true;
  }
  const existed = h.has(field);
  h.set(field, value);
  if (!e.big && h.size > c.server.config.hashMaxListpackEntries) e.big = true;
  return existed;
}

function hsetCommand(c: Client, argv: string[]): void {
  if (argv.length % 2 === 1) {
    c.addReplyError(`wrong number of arguments for '${argv[0]!.toLowerCase()}' command`);
    return;
  }
  const key = argv[1]!;
  const e = hashForWrite(c, key);
  if (!e) return;
  tryConversion(c, e, argv, 2, argv.length - 1);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (!hashSet(c, e, argv[i]!, argv[i + 1]!)) created++;
  if (argv[0]!.charCodeAt(1) === 115 || argv[0]!.charCodeAt(1) === 83) c.addReplyInt(created);
  else c.addReplyOk();
  modified(c, key, NOTIFY.HASH, 'hset', (argv.length - 2) / 2);
}

const hmsetCommand = hsetCommand;

function hsetnxCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const e = hashForWrite(c, key);
  if (!e) return;
  if (e.value.has(argv[2]!)) {
    c.addReplyInt(0);
    return;
  }
  tryConversion(c, e, argv, 2, 3);
  hashSet(c, e, argv[2]!, argv[3]!);
  c.addReplyInt(1);
  modified(c, key, NOTIFY.HASH, 'hset');
}

function hgetCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  c.addReplyBulkOrNull(e === null ? null : e.value.get(argv[2]!));
}

function hmgetCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.addReplyBulkOrNull(e === null ? null : e.value.get(argv[i]!));
}

function hdelCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const e = lookupWrite(c, key, 'hash');
  if (e === undefined) return;
  if (e === null) {
    c.addReplyInt(0);
    return;
  }
  c.addReplyInt(removeMembers(c, key, e, argv, 2, NOTIFY.HASH, 'hdel'));
}

function hexistsCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  c.addReplyInt(e?.value.has(argv[2]!) ? 1 : 0);
}

function hlenCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  c.addReplyInt(e === null ? 0 : e.value.size);
}

function hstrlenCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  const v = e === null ? undefined : e.value.get(argv[2]!);
  c.addReplyInt(v === undefined ? 0 : v.length);
}

function hkeysCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  if (e === null) return c.addReplyArrayLen(0);
  c.addReplyBulks([...e.value.keys()]);
}

function hvalsCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  if (e === null) return c.addReplyArrayLen(0);
  c.addReplyBulks([...e.value.values()]);
}

function hgetallCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  if (e === null) return c.addReplyMapLen(0);
  c.addReplyMapLen(e.value.size);
  for (const [f, v] of e.value) {
    c.addReplyBulk(f);
    c.addReplyBulk(v);
  }
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function hincrbyCommand(c: Client, argv: string[]): void {
  const incr = parseLL(argv[3]!);
  if (incr === null) return c.addReplyError(ERR.NOT_INT);
  const key = argv[1]!;
  const e = hashForWrite(c, key);
  if (!e) return;
  const cur = e.value.get(argv[2]!);
  let value = 0;
  if (cur !== undefined) {
    const v = parseLL(cur);
    if (v === null) return c.addReplyError('hash value is not an integer');
    value = v;
  }
  let result: string;
  const sum = value + incr;
  if (Number.isSafeInteger(sum) && Number.isSafeInteger(value) && Number.isSafeInteger(incr)) {
    result = String(sum);
  } else {
    // Beyond 2^53: exact int64 arithmetic with Redis's overflow check.
    const b = BigInt(cur ?? '0') + BigInt(argv[3]!);
    if (b > INT64_MAX || b < INT64_MIN) return c.addReplyError(ERR.OVERFLOW);
    result = b.toString();
  }
  hashSet(c, e, argv[2]!, result);
  c.addReplyRaw(':' + result + '\r\n');
  modified(c, key, NOTIFY.HASH, 'hincrby');
}

function hincrbyfloatCommand(c: Client, argv: string[]): void {
  const incr = parseDouble(argv[3]!);
  if (incr === null) return c.addReplyError(ERR.NOT_FLOAT);
  if (!Number.isFinite(incr)) return c.addReplyError('value is NaN or Infinity');
  const key = argv[1]!;
  const e = hashForWrite(c, key);
  if (!e) return;
  const cur = e.value.get(argv[2]!);
  let value = 0;
  if (cur !== undefined) {
    const v = parseDouble(cur);
    if (v === null) return c.addReplyError('hash value is not a float');
    value = v;
  }
  value += incr;
  if (!Number.isFinite(value)) return c.addReplyError('increment would produce NaN or Infinity');
  const s = fmtHumanDouble(value);
  hashSet(c, e, argv[2]!, s);
  c.addReplyBulk(s);
  modified(c, key, NOTIFY.HASH, 'hincrbyfloat');
  // Replicas and the AOF get the final value, so float formatting can never diverge.
  c.server.alsoPropagate(c.db.id, ['HSET', key, argv[2]!, s]);
}

function hrandfieldCommand(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const l = getRangeLong(c, argv[2]!, -LONG_MAX, LONG_MAX);
    if (l === null) return;
    let withValues = false;
    if (argv.length > 4 || (argv.length === 4 && !eqi(argv[3]!, 'withvalues'))) return c.addReplyError(ERR.SYNTAX);
    if (argv.length === 4) {
      withValues = true;
      if (l < -LONG_MAX / 2 || l > LONG_MAX / 2) return c.addReplyError('value is out of range');
    }
    return hrandfieldWithCount(c, argv[1]!, l, withValues);
  }
  const e = lookupRead(c, argv[1]!, 'hash');
  if (e === undefined) return;
  if (e === null) return c.addReplyNull();
  const fields = [...e.value.keys()];
  c.addReplyBulk(fields[randomInt(fields.length)]!);
}

function hrandfieldWithCount(c: Client, key: string, l: number, withValues: boolean): void {
  const e = lookupRead(c, key, 'hash');
  if (e === undefined) return;
  if (e === null) return c.addReplyArrayLen(0);
  const h = e.value;
  const size = h.size;
  const uniq = l >= 0;
  let count = Math.abs(l);
  if (count === 0) return c.addReplyArrayLen(0);
  const emit = (f: string, v: string): void => {
    if (withValues && c.resp === 3) c.addReplyArrayLen(2);
    c.addReplyBulk(f);
    if (withValues) c.addReplyBulk(v);
  };
  const pairs = [...h];
  if (!uniq || count === 1) {
    c.addReplyArrayLen(withValues && c.resp === 2 ? count * 2 : count);
    while (count--) {
      const [f, v] = pairs[randomInt(size)]!;
      emit(f, v);
    }
    return;
  }
  const n = Math.min(count, size);
  c.addReplyArrayLen(withValues && c.resp === 2 ? n * 2 : n);
  if (count >= size) {
    for (const [f, v] of pairs) emit(f, v);
    return;
  }
  // Partial Fisher-Yates: `count` distinct random entries.
  for (let i = 0; i < count; i++) {
    const j = i + randomInt(size - i);
    const t = pairs[i]!;
    pairs[i] = pairs[j]!;
    pairs[j] = t;
    emit(pairs[i]![0], pairs[i]![1]);
  }
}

function hscanCommand(c: Client, argv: string[]): void {
  scanCollection(c, argv, 'hash');
}

export const hashCommands: CommandSpec[] = [
  cmd('hset', -4, ['write', 'denyoom', 'fast'], [1, 1, 1], 'hash', 'Set the string value of a hash field', hsetCommand, {
    since: '2.0.0',
    hint: 'key field value [field value ...]',
    acl: ['write', 'hash', 'fast'],
  }),
  cmd('hsetnx', 4, ['write', 'denyoom', 'fast'], [1, 1, 1], 'hash', 'Set the value of a hash field, only if the field does not exist', hsetnxCommand, {
    since: '2.0.0',
    hint: 'key field value',
    acl: ['write', 'hash', 'fast'],
  }),
  cmd('hget', 3, ['readonly', 'fast'], [1, 1, 1], 'hash', 'Get the value of a hash field', hgetCommand, {
    since: '2.0.0',
    hint: 'key field',
    acl: ['read', 'hash', 'fast'],
  }),
  cmd('hmset', -4, ['write', 'denyoom', 'fast'], [1, 1, 1], 'hash', 'Set multiple hash fields to multiple values', hmsetCommand, {
    since: '2.0.0',
    hint: 'key field value [field value ...]',
    acl: ['write', 'hash', 'fast'],
  }),
  cmd('hmget', -3, ['readonly', 'fast'], [1, 1, 1], 'hash', 'Get the values of all the given hash fields', hmgetCommand, {
    since: '2.0.0',
    hint: 'key field [field ...]',
    acl: ['read', 'hash', 'fast'],
  }),
  cmd('hdel', -3, ['write', 'fast'], [1, 1, 1], 'hash', 'Delete one or more hash fields', hdelCommand, {
    since: '2.0.0',
    hint: 'key field [field ...]',
    acl: ['write', 'hash', 'fast'],
  }),
  cmd('hexists', 3, ['readonly', 'fast'], [1, 1, 1], 'hash', 'Determine if a hash field exists', hexistsCommand, {
    since: '2.0.0',
    hint: 'key field',
    acl: ['read', 'hash', 'fast'],
  }),
  cmd('hlen', 2, ['readonly', 'fast'], [1, 1, 1], 'hash', 'Get the number of fields in a hash', hlenCommand, {
    since: '2.0.0',
    hint: 'key',
    acl: ['read', 'hash', 'fast'],
  }),
  cmd('hstrlen', 3, ['readonly', 'fast'], [1, 1, 1], 'hash', 'Get the length of the value of a hash field', hstrlenCommand, {
    since: '3.2.0',
    hint: 'key field',
    acl: ['read', 'hash', 'fast'],
  }),
  cmd('hkeys', 2, ['readonly'], [1, 1, 1], 'hash', 'Get all the fields in a hash', hkeysCommand, {
    since: '2.0.0',
    hint: 'key',
    acl: ['read', 'hash', 'slow'],
  }),
  cmd('hvals', 2, ['readonly'], [1, 1, 1], 'hash', 'Get all the values in a hash', hvalsCommand, {
    since: '2.0.0',
    hint: 'key',
    acl: ['read', 'hash', 'slow'],
  }),
  cmd('hgetall', 2, ['readonly'], [1, 1, 1], 'hash', 'Get all the fields and values in a hash', hgetallCommand, {
    since: '2.0.0',
    hint: 'key',
    acl: ['read', 'hash', 'slow'],
  }),
  cmd('hincrby', 4, ['write', 'denyoom', 'fast'], [1, 1, 1], 'hash', 'Increment the integer value of a hash field by the given number', hincrbyCommand, {
    since: '2.0.0',
    hint: 'key field increment',
    acl: ['write', 'hash', 'fast'],
  }),
  cmd(
    'hincrbyfloat',
    4,
    ['write', 'denyoom', 'fast'],
    [1, 1, 1],
    'hash',
    'Increment the float value of a hash field by the given amount',
    hincrbyfloatCommand,
    { since: '2.6.0', hint: 'key field increment', acl: ['write', 'hash', 'fast'] },
  ),
  cmd('hscan', -3, ['readonly'], [1, 1, 1], 'hash', 'Incrementally iterate hash fields and associated values', hscanCommand, {
    since: '2.8.0',
    hint: 'key cursor [MATCH pattern] [COUNT count]',
    acl: ['read', 'hash', 'slow'],
  }),
  cmd('hrandfield', -2, ['readonly'], [1, 1, 1], 'hash', 'Get one or multiple random fields from a hash', hrandfieldCommand, {
    since: '6.2.0',
    hint: 'key [count [WITHVALUES]]',
    acl: ['read', 'hash', 'slow'],
  }),
];
