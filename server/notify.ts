/** Keyspace notifications (notify-keyspace-events): flag parsing and the class of each event. */

export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m
  LOADED: 1 << 12, // module only
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n
} as const;

const ALL =
  NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.LIST | NOTIFY.SET | NOTIFY.HASH | NOTIFY.ZSET | NOTIFY.EXPIRED | NOTIFY.EVICTED | NOTIFY.STREAM | NOTIFY.MODULE;

const FLAG_CHARS: Record<string, number> = {
  A: ALL,
  g: NOTIFY.GENERIC,
  $: NOTIFY.STRING,
  l: NOTIFY.LIST,
  s: NOTIFY.SET,
  h: NOTIFY.HASH,
  z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED,
  e: NOTIFY.EVICTED,
  K: NOTIFY.KEYSPACE,
  E: NOTIFY.KEYEVENT,
  t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE,
  n: NOTIFY.NEW,
};

/** Parse a flags string; null on an unknown character (CONFIG SET refuses it). */
export function parseNotifyFlags(s: string): number | null {
  let f = 0;
  for (const ch of s) {
    const v = FLAG_CHARS[ch];
    if (v === undefined) return null;
    f |= v;
  }
  return f;
}

/** The canonical string CONFIG GET shows (Redis's keyspaceEventsFlagsToString). */
export function notifyFlagsToString(f: number): string {
  let s = '';
  if ((f & ALL) === ALL) s += 'A';
  else {
    if (f & NOTIFY.GENERIC) s += 'g';
    if (f & NOTIFY.STRING) s += '$';
    if (f & NOTIFY.LIST) s += 'l';
    if (f & NOTIFY.SET) s += 's';
    if (f & NOTIFY.HASH) s += 'h';
    if (f & NOTIFY.ZSET) s += 'z';
    if (f & NOTIFY.EXPIRED) s += 'x';
    if (f & NOTIFY.EVICTED) s += 'e';
    if (f & NOTIFY.STREAM) s += 't';
    if (f & NOTIFY.MODULE) s += 'd';
  }
  if (f & NOTIFY.KEYSPACE) s += 'K';
  if (f & NOTIFY.KEYEVENT) s += 'E';
  if (f & NOTIFY.KEY_MISS) s += 'm';
  if (f & NOTIFY.NEW) s += 'n';
  return s;
}
