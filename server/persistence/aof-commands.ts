import type { Server } from '../server.js';
import type { Entry } from '../store/entry.js';
import type { ListValue } from '../store/list.js';
import type { ZSet } from '../store/zset.js';
import { d2string, zsetSorted } from './values.js';

/** Redis's AOF_REWRITE_ITEMS_PER_CMD: variadic commands are split in batches of this many items. */
const ITEMS_PER_CMD = 64;

function resp(argv: string[]): string {
  let s = '*' + argv.length + '\r\n';
  for (const a of argv) s += '$' + a.length + '\r\n' + a + '\r\n';
  return s;
}

function batched(out: string[], cmd: string, key: string, items: string[], per: number): void {
  for (let i = 0; i < items.length; i += ITEMS_PER_CMD * per) out.push(resp([cmd, key, ...items.slice(i, i + ITEMS_PER_CMD * per)]));
}

/** The commands that rebuild one key (rewriteAppendOnlyFileRio's per-type emitters). */
export function keyCommands(e: Entry, out: string[]): void {
  switch (e.type) {
    case 'string':
      out.push(resp(['SET', e.key, e.value as string]));
      break;
    case 'list':
      batched(out, 'RPUSH', e.key, (e.value as ListValue).toArray(), 1);
      break;
    case 'set':
      batched(out, 'SADD', e.key, [...(e.value as Set<string>)], 1);
      break;
    case 'zset': {
      const flat: string[] = [];
      for (const [m, s] of zsetSorted(e.value as ZSet)) flat.push(d2string(s), m);
      batched(out, 'ZADD', e.key, flat, 2);
      break;
    }
    case 'hash': {
      const flat: string[] = [];
      for (const [f, v] of e.value as Map<string, string>) flat.push(f, v);
      batched(out, 'HMSET', e.key, flat, 2);
      break;
    }
  }
  if (e.expireAt >= 0) out.push(resp(['PEXPIREAT', e.key, String(e.expireAt)]));
}

/** The whole dataset as AOF commands (the base when aof-use-rdb-preamble is no). */
export function aofRewriteCommands(server: Server): string[] {
  const out: string[] = [];
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    out.push(resp(['SELECT', String(db.id)]));
    for (const e of db.dict.values()) keyCommands(e, out);
  }
  return out;
}
