import { execFileSync } from 'node:child_process';
import type { Redis } from 'ioredis';
import { Prng, type Rng } from '../../checkers/util/prng.js';

/** Deterministic pseudo-random bytes. */
export function randomBytes(r: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = r.int(256);
  return b;
}

/** Far enough in the future to survive the test, exact to the millisecond for comparisons. */
export const EXPIRE_AT = Date.now() + 3_600_000;

/**
 * A dataset with every type in both its small (listpack/intset) and big (quicklist with several
 * nodes, hashtable, skiplist) encodings, binary keys and values, integers of every width,
 * compressible strings, expiries, and a second database.
 */
export async function populate(c: Redis): Promise<void> {
  const r = new Prng(42);
  const p = c.pipeline();
  p.select(0);
  p.set('s:int', '12345');
  p.set('s:neg', '-7');
  p.set('s:int64', '9223372036854775807');
  p.set('s:notint', '007');
  p.set('s:long', 'x'.repeat(1000));
  p.set('s:text', 'The quick brown fox jumps over the lazy dog. '.repeat(20));
  p.set('s:empty', '');
  p.set(Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a]), randomBytes(r, 300));
  p.set('s:bin', Buffer.from([0, 0xff, 0x0d, 0x0a, 0x80]));
  p.rpush('l:small', 'a', 'b', '1', '-1', '300', '-5000', '70000', '-2147483649', '9223372036854775807', '');
  const big: (string | Buffer)[] = [];
  for (let i = 0; i < 3000; i++)
    big.push(i % 7 === 0 ? randomBytes(r, 1 + (i % 150)) : i % 3 === 0 ? String(i * 7919 - 10000) : `item-${i}-${'y'.repeat(i % 90)}`);
  p.rpush('l:big', ...big);
  p.rpush('l:huge-element', 'z'.repeat(20000), 'small');
  p.sadd('set:int', '1', '2', '3', '-100', '70000', '-9223372036854775808');
  const ints: string[] = [];
  for (let i = 0; i < 600; i++) ints.push(String(i * 3));
  p.sadd('set:int-big', ...ints);
  p.sadd('set:str', 'a', 'b', 'c', 'hello world');
  p.sadd('set:mixed', '1', '2', 'three');
  p.sadd('set:bin', Buffer.from([0xfe, 0]), Buffer.from([0x7f]));
  p.zadd('z:small', '1', 'a', '2.5', 'b', '-inf', 'c', '+inf', 'd', '0', 'e', '-3.0000000000000004', 'f', '1e300', 'g');
  const zbig: string[] = [];
  for (let i = 0; i < 300; i++) zbig.push(String((i * 37) % 101) + '.' + String(i % 10), `m${i}`);
  p.zadd('z:big', ...zbig);
  p.zadd('z:longmember', '1', 'q'.repeat(100), '2', 'short');
  p.hset('h:small', 'f1', 'v1', 'n', '123', 'neg', '-40000', 'empty', '');
  const hbig: string[] = [];
  for (let i = 0; i < 600; i++) hbig.push(`field${i}`, `value${i}`);
  p.hset('h:big', ...hbig);
  p.hset('h:longval', 'f', 'v'.repeat(100));
  p.hset('h:bin', Buffer.from([0, 1]), Buffer.from([0xff, 0xfe, 0]));
  p.set('ex:string', 'expiring');
  p.pexpireat('ex:string', EXPIRE_AT);
  p.rpush('ex:list', 'a', 'b');
  p.pexpireat('ex:list', EXPIRE_AT + 1);
  p.hset('ex:hash', 'f', 'v');
  p.pexpireat('ex:hash', EXPIRE_AT + 2);
  p.select(3);
  p.set('db3:key', 'in db 3');
  p.zadd('db3:z', '1', 'one');
  p.select(0);
  const res = await p.exec();
  for (const [err] of res ?? []) if (err) throw err;
}

export type Dataset = Record<string, { type: string; value: unknown; expireAt: number }>;

/** Everything in dbs 0..15 as comparable plain data (binary as hex). */
export async function readAll(c: Redis): Promise<Record<number, Dataset>> {
  const out: Record<number, Dataset> = {};
  for (let db = 0; db < 16; db++) {
    await c.select(db);
    const keys = (await c.callBuffer('KEYS', '*')) as Buffer[];
    if (keys.length === 0) continue;
    const ds: Dataset = {};
    for (const kb of keys) {
      const type = String(await c.call('TYPE', kb));
      let value: unknown;
      if (type === 'string') value = ((await c.callBuffer('GET', kb)) as Buffer).toString('hex');
      else if (type === 'list') value = ((await c.callBuffer('LRANGE', kb, '0', '-1')) as Buffer[]).map((b) => b.toString('hex'));
      else if (type === 'set') value = ((await c.callBuffer('SMEMBERS', kb)) as Buffer[]).map((b) => b.toString('hex')).sort();
      else if (type === 'zset') {
        const flat = (await c.callBuffer('ZRANGE', kb, '0', '-1', 'WITHSCORES')) as Buffer[];
        value = flat.map((b, i) => (i % 2 === 0 ? b.toString('hex') : b.toString()));
      } else if (type === 'hash') {
        const flat = (await c.callBuffer('HGETALL', kb)) as Buffer[];
        const pairs: string[] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push(flat[i]!.toString('hex') + '=' + flat[i + 1]!.toString('hex'));
        value = pairs.sort();
      }
      const expireAt = Number(await c.call('PEXPIRETIME', kb));
      ds[kb.toString('hex')] = { type, value, expireAt };
    }
    out[db] = ds;
  }
  await c.select(0);
  return out;
}

/** OBJECT ENCODING of some keys, to check that small/big encodings survive as Redis would hold them. */
export async function encodings(c: Redis, keys: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = String(await c.call('OBJECT', 'ENCODING', k));
  return out;
}

export const ENCODING_KEYS = ['l:small', 'l:big', 'set:int', 'set:int-big', 'set:str', 'z:small', 'z:big', 'z:longmember', 'h:small', 'h:big', 'h:longval'];

/** redis-check-rdb's verdict on a file. */
export function checkRdb(file: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync('/usr/bin/redis-check-rdb', [file], { encoding: 'utf8' });
    return { ok: output.includes('RDB looks OK'), output };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs = 20000, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error('condition not met in time');
}

export async function infoField(c: Redis, section: string, field: string): Promise<string | undefined> {
  const info = String(await c.info(section));
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return m?.[1]?.trim();
}
