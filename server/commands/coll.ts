/** Helpers shared by the collection families (hashes, lists, sets, sorted sets). */
import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Entry } from '../store/entry.js';
import { parseLL } from '../util/numbers.js';
import { modified } from './util.js';

/** LONG_MAX as the nearest double (2^63), for range checks on doubles. */
const LONG_MAX = 2 ** 63;

/**
 * Redis's getRangeLongFromObjectOrReply: with `msg`, both a parse failure and an out-of-range
 * value reply `msg`; without, "value is not an integer or out of range" / the range text.
 */
export function getRangeLong(c: Client, s: string, min: number, max: number, msg?: string): number | null {
  const v = parseLL(s);
  if (v === null) {
    c.addReplyError(msg ?? 'value is not an integer or out of range');
    return null;
  }
  if (Number.isSafeInteger(v) ? v < min || v > max : outOfRangeBig(s, min, max)) {
    c.addReplyError(msg ?? `value is out of range, value must between ${fmtLong(min)} and ${fmtLong(max)}`);
    return null;
  }
  return v;
}

/** Exact range check for values beyond 2^53 (Numbers near int64 limits are rounded). */
function outOfRangeBig(s: string, min: number, max: number): boolean {
  const b = BigInt(s);
  return b < toBig(min) || b > toBig(max);
}

function toBig(n: number): bigint {
  if (n >= LONG_MAX) return 9223372036854775807n;
  if (n <= -LONG_MAX) return -9223372036854775807n;
  return BigInt(n);
}

function fmtLong(n: number): string {
  if (n >= LONG_MAX) return '9223372036854775807';
  if (n <= -LONG_MAX) return '-9223372036854775807';
  return String(n);
}

/** Redis's getPositiveLongFromObjectOrReply. */
export function getPositiveLong(c: Client, s: string, msg = 'value is out of range, must be positive'): number | null {
  return getRangeLong(c, s, 0, LONG_MAX, msg);
}

/** Redis's getLongFromObjectOrReply (full int64 range, "value is not an integer or out of range"). */
export function getLong(c: Client, s: string): number | null {
  const v = parseLL(s);
  if (v === null) c.addReplyError('value is not an integer or out of range');
  return v;
}

export { LONG_MAX };

/**
 * C strtod over the whole string (as zslParseRange uses it): leading white space allowed, the
 * empty string is 0, "inf"/"infinity"/"nan" case-insensitive, hex floats. NaN → null.
 */
export function strtodWhole(s: string): number | null {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  const t = s.slice(i);
  if (t.length === 0) return i === 0 ? 0 : null;
  const m =
    /^([+-]?)(?:(inf(?:inity)?)|(nan(?:\([0-9a-z_]*\))?)|0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?|(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?))$/i.exec(
      t,
    );
  if (!m) return null;
  const neg = m[1] === '-';
  if (m[2]) return neg ? -Infinity : Infinity;
  if (m[3]) return null;
  let v: number;
  if (m[7] !== undefined) v = Number(m[7]);
  else {
    const ip = m[4] ?? '';
    const fp = m[5] ?? '';
    if (ip.length + fp.length === 0) return null;
    v = (ip ? parseInt(ip, 16) : 0) + (fp ? parseInt(fp, 16) / 16 ** fp.length : 0);
    if (m[6]) v *= 2 ** Number(m[6]);
  }
  return neg ? -v : v;
}

/**
 * Whether a blocking command may block now. Redis denies blocking inside MULTI/EXEC and scripts
 * (CLIENT_DENY_BLOCKING): there the command acts as if it timed out. A nested call() (EXEC
 * running its queue) shows as callDepth > 1.
 */
export function canBlock(c: Client): boolean {
  return c.multi === null && c.server.callDepth <= 1 && !c.isMaster;
}

/** Key positions for "numkeys key [key ...]" commands: numkeys at `idx`, keys right after. */
export function numkeysKeys(idx: number): (argv: string[]) => number[] {
  return (argv) => {
    const n = parseLL(argv[idx] ?? '');
    const out: number[] = [];
    if (n === null || n < 1) return out;
    for (let i = idx + 1; i <= idx + n && i < argv.length; i++) out.push(i);
    return out;
  };
}

/** Key positions for "dest numkeys key [key ...]" (ZUNIONSTORE & co.). */
export function storeNumkeysKeys(argv: string[]): number[] {
  return [1, ...numkeysKeys(2)(argv)];
}

/** Fast case-insensitive compare of an argument with a lower-case ASCII word. */
export function eqi(arg: string, lower: string): boolean {
  return arg.length === lower.length && arg.toLowerCase() === lower;
}

/** A collection entry, emptied by removals. */
type CollEntry = Entry<'hash'> | Entry<'set'> | Entry<'zset'> | Entry<'list'>;

/**
 * Delete `key` when its collection `e` has become empty, with the generic "del" event, as Redis
 * does after removing elements (callers send the type's own event first). Whether it did.
 */
export function deleteKeyIfEmpty(c: Client, key: string, e: CollEntry): boolean {
  if ((e.type === 'list' ? (e as Entry<'list'>).value.length : (e as Entry<'hash' | 'set' | 'zset'>).value.size) > 0) return false;
  c.db.delete(key);
  c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  return true;
}

/**
 * Remove `members` (from index `from` on, e.g. argv and 2) from a hash, set or sorted set, stopping
 * once it is empty (the key is then deleted, without an event). How many were removed and whether
 * the key went.
 */
export function deleteMembers(
  c: Client,
  key: string,
  e: Entry<'hash'> | Entry<'set'> | Entry<'zset'>,
  members: readonly string[],
  from = 0,
): { deleted: number; keyRemoved: boolean } {
  const v: { delete(m: string): boolean; readonly size: number } = e.value;
  let deleted = 0;
  for (let i = from; i < members.length; i++) {
    if (v.delete(members[i]!)) {
      deleted++;
      if (v.size === 0) {
        c.db.delete(key);
        return { deleted, keyRemoved: true };
      }
    }
  }
  return { deleted, keyRemoved: false };
}

/**
 * HDEL/SREM: remove `members` (from `from` on), then record the change with the type's event (`notifyType`,
 * `event`) and, when the key went, the "del" event. Returns how many were removed.
 */
export function removeMembers(
  c: Client,
  key: string,
  e: Entry<'hash'> | Entry<'set'>,
  members: readonly string[],
  from: number,
  notifyType: number,
  event: string,
): number {
  const { deleted, keyRemoved } = deleteMembers(c, key, e, members, from);
  if (deleted) {
    modified(c, key, notifyType, event, deleted);
    if (keyRemoved) c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  }
  return deleted;
}
