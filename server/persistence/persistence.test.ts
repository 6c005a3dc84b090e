import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { Server } from '../server.js';
import { ListValue } from '../store/list.js';
import type { ZSet } from '../store/zset.js';
import { Crc64 } from './crc64.js';
import { formatManifest, ManifestError, parseManifest } from './manifest.js';
import { parseOptions, RdbError, rdbLoad, rdbParse, restoreValue } from './rdb-reader.js';
import { dumpValue, rdbSave } from './rdb-writer.js';
import { rdbSaveStream } from './snapshot.js';
import { zsetFromPairs, zsetSorted } from './values.js';

function newServer(args: string[] = []): Server {
  return new Server(loadConfig(['--save', '', ...args]), []);
}

function fill(s: Server): void {
  const db = s.dbs[0]!;
  db.set('str', 'string', 'hello');
  db.set('int', 'string', '-123456');
  db.set('list', 'list', ListValue.from(Array.from({ length: 2000 }, (_, i) => `e${i}`)));
  db.set('set', 'set', new Set(['1', '2', 'x']));
  db.set(
    'zset',
    'zset',
    zsetFromPairs([
      ['a', 1],
      ['b', -Infinity],
      ['c', 2.5],
    ]),
  );
  db.set('hash', 'hash', new Map([['f', 'v']]));
  const e = db.set('exp', 'string', 'v');
  db.setExpire(e, Date.now() + 100000);
  s.dbs[5]!.set('five', 'string', '5');
}

function contents(s: Server): unknown {
  const out: Record<string, unknown> = {};
  for (const db of s.dbs) {
    for (const [k, e] of db.dict) {
      let v: unknown = e.value;
      if (e.type === 'list') v = (e.value as ListValue).toArray();
      else if (e.type === 'set') v = [...(e.value as Set<string>)].sort();
      else if (e.type === 'zset') v = zsetSorted(e.value as ZSet);
      else if (e.type === 'hash') v = [...(e.value as Map<string, string>)];
      out[`${db.id}/${k}`] = { type: e.type, v, exp: e.expireAt };
    }
  }
  return out;
}

describe('rdbSave / rdbLoad / rdbSaveStream (in-process API)', () => {
  it('round-trips the dataset and the replication aux fields', () => {
    const a = newServer();
    fill(a);
    const img = rdbSave(a, { replId: 'f'.repeat(40), replOffset: 12345 });
    const b = newServer();
    b.dbs[0]!.set('stale', 'string', 'gone after load');
    const res = rdbLoad(b, img);
    expect(res.replId).toBe('f'.repeat(40));
    expect(res.replOffset).toBe(12345);
    expect(res.keysLoaded).toBe(8);
    expect(contents(b)).toEqual(contents(a));
  });

  it('a corrupt image throws RdbError and leaves the data untouched', () => {
    const a = newServer();
    fill(a);
    const img = rdbSave(a);
    const b = newServer();
    b.dbs[0]!.set('keep', 'string', 'me');
    const bad = Buffer.from(img);
    bad[bad.length - 20]! ^= 0x55;
    expect(() => rdbLoad(b, bad)).toThrow(RdbError);
    expect(() => rdbLoad(b, img.subarray(0, 100))).toThrow(/Short read/);
    expect(b.dbs[0]!.peek('keep')?.value).toBe('me');
  });

  it('the streamed image has the same content, and keeps the values as of its start', async () => {
    const a = newServer();
    fill(a);
    for (let i = 0; i < 5000; i++) a.dbs[0]!.set(`k${i}`, 'string', `v${i}`);
    const before = contents(a);
    const chunks: Buffer[] = [];
    const done = rdbSaveStream(
      a,
      async (c) => {
        chunks.push(c);
        await new Promise((r) => setImmediate(r));
      },
      { chunkSize: 1024, sliceMs: 0 },
    );
    // Mutations while the stream runs, through lookup as commands do.
    const db = a.dbs[0]!;
    (db.lookup('list')!.value as ListValue).pushTail('new');
    (db.lookup('hash')!.value as Map<string, string>).set('g', 'new');
    db.lookup('k4999')!.value = 'changed';
    db.delete('k10');
    db.set('fresh', 'string', 'x');
    db.clear();
    await done;
    expect(chunks.length).toBeGreaterThan(5);
    const b = newServer();
    rdbLoad(b, Buffer.concat(chunks));
    expect(contents(b)).toEqual(before);
  });

  it('expired keys are dropped on a master and kept on a replica or in an AOF base', () => {
    const a = newServer();
    const e = a.dbs[0]!.set('old', 'string', 'x');
    a.dbs[0]!.setExpire(e, Date.now() - 1000);
    a.dbs[0]!.set('new', 'string', 'y');
    const img = rdbSave(a);
    const m = newServer();
    expect(rdbLoad(m, img).keysExpired).toBe(1);
    expect(m.dbs[0]!.size).toBe(1);
    expect(rdbLoad(m, img, { aofPreamble: true }).keysExpired).toBe(0);
    const r = newServer();
    r.role = 'slave';
    expect(rdbParse(img, parseOptions(r)).keys.length).toBe(2);
  });

  it('DUMP payloads carry version and CRC; RESTORE rejects tampering', () => {
    const a = newServer();
    fill(a);
    const p = dumpValue(a.dbs[0]!.peek('zset')!);
    expect(p.readUInt16LE(p.length - 10)).toBe(10);
    const v = restoreValue(p);
    expect('error' in v ? v.error : zsetSorted(v.value as ZSet)).toEqual([
      ['b', -Infinity],
      ['a', 1],
      ['c', 2.5],
    ]);
    const bad = Buffer.from(p);
    bad[1]! ^= 1;
    expect(restoreValue(bad)).toEqual({ error: 'DUMP payload version or checksum are wrong' });
    // A valid footer around garbage is "Bad data format".
    const body = Buffer.from([0x04, 0x05, 0x01]);
    const withVer = Buffer.concat([body, Buffer.from([10, 0])]);
    const garbage = Buffer.concat([withVer, new Crc64().update(withVer).digestLE()]);
    expect(restoreValue(garbage)).toEqual({ error: 'Bad data format' });
  });
});

describe('AOF manifest', () => {
  it('parses and formats Redis 7 manifests', () => {
    const text =
      'file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\nfile appendonly.aof.5.incr.aof seq 5 type i\nfile appendonly.aof.6.incr.aof seq 6 type i\n';
    const m = parseManifest(text);
    expect(m.base?.name).toBe('appendonly.aof.3.base.rdb');
    expect(m.incrs.map((f) => f.seq)).toEqual([5, 6]);
    expect(m.incrSeq).toBe(6);
    expect(formatManifest(m)).toBe(text);
    expect(parseManifest('file "a b.aof" seq 1 type i\n').incrs[0]!.name).toBe('a b.aof');
  });
  it('refuses broken manifests with Redis texts', () => {
    expect(() => parseManifest('')).toThrow(new ManifestError('Found an empty AOF manifest'));
    expect(() => parseManifest('file x seq 1\n')).toThrow('Invalid AOF manifest file format');
    expect(() => parseManifest('file a seq 2 type i\nfile b seq 1 type i\n')).toThrow('Found a non-monotonic sequence number');
    expect(() => parseManifest('file a seq 1 type b\nfile b seq 2 type b\n')).toThrow('Found duplicate base file information');
    expect(() => parseManifest('file ../a seq 1 type i\n')).toThrow("File can't be a path, just a filename");
    expect(() => parseManifest('file a seq 1 type x\n')).toThrow('Unknown AOF file type');
  });
});
