import type { Server } from '../server.js';
import type { Entry } from '../store/entry.js';
import type { ListValue } from '../store/list.js';
import type { Stream } from '../store/stream.js';
import { fmtID, ID_MAX, ID_MIN } from '../store/stream-id.js';
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
    case 'stream':
      streamCommands(e.key, e.value as Stream, out);
      break;
  }
  if (e.expireAt >= 0) out.push(resp(['PEXPIREAT', e.key, String(e.expireAt)]));
}

/** rewriteStreamObject: XADDs (or an XADD MAXLEN 0 for an empty stream), XSETID, groups, PELs, consumers. */
function streamCommands(key: string, s: Stream, out: string[]): void {
  if (s.length) {
    for (const [e, node] of s.range(ID_MIN, ID_MAX)) {
      const argv = ['XADD', key, fmtID(e.id)];
      const f = node.fieldsOf(e);
      for (let i = 0; i < e.values.length; i++) argv.push(f[i]!, e.values[i]!);
      out.push(resp(argv));
    }
  } else {
    out.push(resp(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']));
  }
  out.push(resp(['XSETID', key, fmtID(s.lastId), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID', fmtID(s.maxDeletedId)]));
  for (const g of s.sortedGroups()) {
    out.push(resp(['XGROUP', 'CREATE', key, g.name, fmtID(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]));
    for (const x of g.sortedConsumers()) {
      if (x.pel.size === 0) {
        out.push(resp(['XGROUP', 'CREATECONSUMER', key, g.name, x.name]));
        continue;
      }
      for (const n of x.pel.ordered()) {
        out.push(
          resp(['XCLAIM', key, g.name, x.name, '0', fmtID(n.id), 'TIME', String(n.deliveryTime), 'RETRYCOUNT', String(n.deliveryCount), 'JUSTID', 'FORCE']),
        );
      }
    }
  }
}

/** The whole dataset as AOF commands (the base when aof-use-rdb-preamble is no). */
export function aofRewriteCommands(server: Server): string[] {
  const out: string[] = [];
  // rewriteFunctions: the libraries first.
  for (const code of server.functions.codes()) out.push(resp(['FUNCTION', 'LOAD', code]));
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    out.push(resp(['SELECT', String(db.id)]));
    for (const e of db.dict.values()) keyCommands(e, out);
  }
  return out;
}
