import type { CommandSpec } from './table.js';

/**
 * How a command uses each of its keys, as the access flags of Redis 7.0's key specs say it
 * (ACL checks read vs write key patterns with them): `read` is ACCESS (the value is returned or
 * used), `write` is INSERT/DELETE/UPDATE, `read-write` both, `meta` neither (EXISTS, TYPE, OBJECT:
 * only the key's metadata), `not-key` an argument in a key position that is not a key (shard
 * channels).
 */
export type KeyAccess = 'read' | 'write' | 'read-write' | 'meta' | 'not-key';

/** One access for every key; [first key, the others]; or decided by the arguments (SET ... GET). */
type Rule = KeyAccess | readonly [first: KeyAccess, rest: KeyAccess] | ((argv: readonly string[], nth: number) => KeyAccess);

const META = ['strlen', 'exists', 'type', 'touch', 'object|encoding', 'object|freq', 'object|idletime', 'object|refcount'];
const META_COLLECTIONS = ['hexists', 'hlen', 'hstrlen', 'llen', 'sismember', 'scard', 'zcard', 'memory|usage', 'watch'];
/** Writes that never return the old value (RW/OW/RM with UPDATE, INSERT or DELETE but no ACCESS). */
const WRITE_ONLY = [
  'setrange',
  'expire',
  'pexpire',
  'expireat',
  'pexpireat',
  'persist',
  'hset',
  'hmset',
  'lset',
  'zadd',
  'append',
  'hsetnx',
  'lpush',
  'rpush',
  'lpushx',
  'rpushx',
  'linsert',
  'sadd',
  'hdel',
  'lrem',
  'ltrim',
  'srem',
  'zrem',
  'zremrangebyrank',
  'zremrangebyscore',
  'zremrangebylex',
  'setex',
  'psetex',
  'mset',
  'msetnx',
  'setnx',
  'restore',
  'del',
  'unlink',
  'restore-asking',
  'xadd',
  'xtrim',
  'xdel',
  'xsetid',
  'xack',
  'xclaim',
  'xautoclaim',
  'xgroup|create',
  'xgroup|createconsumer',
  'xgroup|delconsumer',
  'xgroup|destroy',
  'xgroup|setid',
];
/** Move from a source (read and removed) to a destination (written). */
const MOVE = ['lmove', 'rpoplpush', 'blmove', 'brpoplpush', 'smove', 'rename', 'renamenx'];
/** A destination written from sources that are only read. */
const STORE = ['sunionstore', 'sdiffstore', 'sinterstore', 'zrangestore', 'zunionstore', 'zinterstore', 'zdiffstore'];

const RULES = new Map<string, Rule>();
for (const n of [...META, ...META_COLLECTIONS]) RULES.set(n, 'meta');
for (const n of WRITE_ONLY) RULES.set(n, 'write');
for (const n of MOVE) RULES.set(n, ['read-write', 'write']);
for (const n of STORE) RULES.set(n, ['write', 'read']);
RULES.set('copy', ['read', 'write']);
RULES.set('sort', ['read', 'write']); // SORT ... STORE dest
for (const n of ['ssubscribe', 'sunsubscribe', 'spublish']) RULES.set(n, 'not-key');
// Scripts: Redis cannot tell how the keys will be used and assumes the worst (RW, UPDATE for
// EVAL/EVALSHA/FCALL; the _RO forms read).
for (const n of ['eval', 'evalsha', 'fcall']) RULES.set(n, 'read-write');
// XLEN reads no value; XREADGROUP's key spec is RO ACCESS although the command writes (the group).
RULES.set('xlen', 'meta');
RULES.set('xreadgroup', 'read');
// SET returns the old value only with GET.
RULES.set('set', (argv) => (argv.some((a, i) => i >= 3 && a.toLowerCase() === 'get') ? 'read-write' : 'write'));

/**
 * The access of the `nth` key (0-based, in key-position order) of a command invocation. Commands
 * without a rule follow their flags: `write` commands read and write their keys, others read.
 */
export function keyAccess(fullname: string, spec: CommandSpec, argv: readonly string[], nth: number): KeyAccess {
  const rule = RULES.get(fullname);
  if (rule === undefined) return spec.flags.includes('write') ? 'read-write' : 'read';
  if (typeof rule === 'string') return rule;
  if (typeof rule === 'function') return rule(argv, nth);
  return nth === 0 ? rule[0] : rule[1];
}
