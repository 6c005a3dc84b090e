import { createHash } from 'node:crypto';
import type { Server } from '../server.js';
import type { Db } from './db.js';
import type { Entry } from './entry.js';
import { fmt17g } from '../util/numbers.js';
import type { Stream } from './stream.js';
import { fmtID, ID_MAX, ID_MIN } from './stream-id.js';

/**
 * DEBUG DIGEST / DIGEST-VALUE: a SHA1-based dataset digest in the spirit of Redis's debug.c.
 * Unordered things (keys of a db, set members, hash fields, zset members) are combined by XOR
 * so iteration order doesn't matter; ordered things (list elements, a key's parts) are chained
 * ("mixed"). Unlike Redis we mix in the absolute expire time, not just "has a TTL", so two
 * datasets differing only in a TTL differ. Equal data gives equal digests on any of our servers;
 * the numbers are not Redis's. An empty dataset is forty zeros, as in Redis.
 */

const ZERO = '0'.repeat(40);

/** digest ^= SHA1(data) */
function xorDigest(digest: Buffer, data: string): void {
  const h = createHash('sha1').update(data, 'latin1').digest();
  for (let i = 0; i < 20; i++) digest[i]! ^= h[i]!;
}

/** digest = SHA1(digest ∥ data) */
function mixDigest(digest: Buffer, data: string): void {
  const h = createHash('sha1').update(digest).update(data, 'latin1').digest();
  h.copy(digest);
}

/** Length-prefixed so that ("ab","c") and ("a","bc") differ. */
function lp(s: string): string {
  return s.length + ':' + s;
}

/** Digest of one value with its type and expiry (no key). */
export function valueDigest(e: Entry): Buffer {
  const d = Buffer.alloc(20);
  mixDigest(d, e.type);
  switch (e.type) {
    case 'string':
      mixDigest(d, lp(e.value as string));
      break;
    case 'list': {
      const l = e.value as { length: number; at(i: number): string | undefined };
      for (let i = 0; i < l.length; i++) mixDigest(d, lp(l.at(i)!));
      break;
    }
    case 'set':
      for (const m of e.value as Set<string>) xorDigest(d, lp(m));
      break;
    case 'hash':
      for (const [f, v] of e.value as Map<string, string>) xorDigest(d, lp(f) + lp(v));
      break;
    case 'zset': {
      // Sorted sets expose member → score through `dict` (store/zset.ts).
      const z = e.value as { dict: Map<string, number> };
      for (const [m, sc] of z.dict) xorDigest(d, lp(m) + fmt17g(sc));
      break;
    }
    case 'stream': {
      const s = e.value as Stream;
      for (const [en, node] of s.range(ID_MIN, ID_MAX)) {
        const f = node.fieldsOf(en);
        let t = fmtID(en.id);
        for (let i = 0; i < en.values.length; i++) t += lp(f[i]!) + lp(en.values[i]!);
        mixDigest(d, t);
      }
      mixDigest(d, `${fmtID(s.lastId)}/${fmtID(s.firstId)}/${fmtID(s.maxDeletedId)}/${s.entriesAdded}`);
      for (const g of s.sortedGroups()) {
        mixDigest(d, lp(g.name) + fmtID(g.lastId) + '/' + g.entriesRead);
        for (const n of g.pel.ordered()) mixDigest(d, `${fmtID(n.id)}/${lp(n.consumer?.name ?? '')}/${n.deliveryTime}/${n.deliveryCount}`);
        for (const x of g.sortedConsumers()) mixDigest(d, lp(x.name));
      }
      break;
    }
  }
  if (e.expireAt >= 0) mixDigest(d, '!!expire!!' + e.expireAt);
  return d;
}

function keyDigest(e: Entry): Buffer {
  const d = Buffer.alloc(20);
  mixDigest(d, lp(e.key));
  const v = valueDigest(e);
  for (let i = 0; i < 20; i++) d[i]! ^= v[i]!;
  return d;
}

/** DEBUG DIGEST: forty zeros for an empty dataset. Logically expired keys are skipped. */
export function datasetDigest(server: Server): string {
  const final = Buffer.alloc(20);
  let any = false;
  const now = server.now();
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    let dbAny = false;
    const acc = Buffer.alloc(20);
    for (const e of db.dict.values()) {
      if (db.isExpired(e, now)) continue;
      const k = keyDigest(e);
      for (let i = 0; i < 20; i++) acc[i]! ^= k[i]!;
      dbAny = true;
    }
    if (!dbAny) continue;
    any = true;
    mixDigest(final, 'db' + db.id);
    for (let i = 0; i < 20; i++) final[i]! ^= acc[i]!;
  }
  return any ? final.toString('hex') : ZERO;
}

/** DEBUG DIGEST-VALUE for one key: forty zeros when missing. */
export function keyValueDigest(db: Db, key: string): string {
  const e = db.peek(key);
  if (!e || db.isExpired(e)) return ZERO;
  return valueDigest(e).toString('hex');
}
