/**
 * OBJECT ENCODING emulation (Redis 7.0). We keep one representation per type; what Redis would
 * report is derived from the value plus the entry's sticky `big` flag ("converted to the big
 * encoding, never back"):
 *   string: int / embstr (≤ 44 bytes) / raw; `big` = forced raw (APPEND, SETRANGE, SETBIT).
 *   list:   quicklist (7.0 has no listpack lists).
 *   set:    intset while every member is an integer and size ≤ set-max-intset-entries, else
 *           hashtable (7.0 has no listpack sets).
 *   hash:   listpack while size ≤ hash-max-listpack-entries and every field/value length ≤
 *           hash-max-listpack-value, else hashtable.
 *   zset:   listpack under zset-max-listpack-entries/value, else skiplist.
 * Writers call updateEncoding after growing a collection so that the conversion sticks when the
 * collection shrinks again.
 */
import type { ConfigValues } from '../config/definitions.js';
import type { Entry } from './entry.js';
import type { ZSet } from './zset.js';
import { parseLL } from '../util/numbers.js';

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_LIMIT = 44;

/** INCRBYFLOAT results: created by createStringObject, so embstr/raw even when integral. */
const noIntEncoding = new WeakSet<Entry>();

export function markNoIntEncoding(e: Entry, on: boolean): void {
  if (on) noIntEncoding.add(e);
  else noIntEncoding.delete(e);
}

export function stringEncoding(e: Entry): 'int' | 'embstr' | 'raw' {
  const s = e.value as string;
  if (e.big) return 'raw';
  if (s.length <= 20 && !noIntEncoding.has(e) && parseLL(s) !== null) return 'int';
  return s.length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
}

/** Copy the encoding state to a duplicate (COPY, RENAME: dupStringObject keeps the encoding). */
export function copyEncoding(from: Entry, to: Entry): void {
  to.big = from.big;
  if (noIntEncoding.has(from)) noIntEncoding.add(to);
}

function allIntegers(members: Iterable<string>): boolean {
  for (const m of members) if (m.length > 20 || parseLL(m) === null) return false;
  return true;
}

function anyLonger(items: Iterable<string>, max: number): boolean {
  for (const s of items) if (s.length > max) return true;
  return false;
}

function hashTooBig(h: Map<string, string>, config: ConfigValues): boolean {
  if (h.size > config.hashMaxListpackEntries) return true;
  const max = config.hashMaxListpackValue;
  for (const [f, v] of h) if (f.length > max || v.length > max) return true;
  return false;
}

function zsetTooBig(z: ZSet, config: ConfigValues): boolean {
  if (z.size > config.zsetMaxListpackEntries) return true;
  return anyLonger(z.dict.keys(), config.zsetMaxListpackValue);
}

/** What OBJECT ENCODING answers for an entry. */
export function objectEncoding(e: Entry, config: ConfigValues): string {
  switch (e.type) {
    case 'string':
      return stringEncoding(e);
    case 'list':
      return 'quicklist';
    case 'set': {
      const s = e.value as Set<string>;
      if (e.big || s.size > config.setMaxIntsetEntries || !allIntegers(s)) return 'hashtable';
      return 'intset';
    }
    case 'hash':
      return e.big || hashTooBig(e.value as Map<string, string>, config) ? 'hashtable' : 'listpack';
    case 'zset':
      return e.big || zsetTooBig(e.value as ZSet, config) ? 'skiplist' : 'listpack';
    case 'stream':
      return 'stream';
  }
  return 'unknown';
}

/**
 * Whether the value is in a compact encoding (listpack/intset): SCAN-family commands return
 * such a collection whole, with cursor 0, as Redis does.
 */
export function isCompact(e: Entry, config: ConfigValues): boolean {
  const enc = objectEncoding(e, config);
  return enc === 'listpack' || enc === 'intset';
}

