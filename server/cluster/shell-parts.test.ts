import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockClusterConfig } from './config-lock.js';
import { BUS_MIN_LEN, FrameReader } from './framing.js';
import { NodesConfError, parseNodesConf, readNodesConf, writeNodesConf } from './nodes-conf.js';
import { crc16, keyHashSlot } from './slot.js';
import { SlotIndex } from './slot-index.js';

describe('keys to slots', () => {
  it('CRC16 is XMODEM (the check value of the spec)', () => {
    expect(crc16('123456789')).toBe(0x31c3);
  });

  it('hash tags follow Redis exactly', () => {
    expect(keyHashSlot('foo')).toBe(12182);
    expect(keyHashSlot('bar')).toBe(5061);
    expect(keyHashSlot('{user1000}.following')).toBe(keyHashSlot('{user1000}.followers'));
    expect(keyHashSlot('{user1000}.following')).toBe(keyHashSlot('user1000'));
    // The first '{' and the first '}' after it.
    expect(keyHashSlot('foo{{bar}}zap')).toBe(keyHashSlot('{bar'));
    expect(keyHashSlot('foo{bar}{zap}')).toBe(keyHashSlot('bar'));
    // An empty tag or no closing brace hashes the whole key.
    expect(keyHashSlot('foo{}{bar}')).toBe(crc16('foo{}{bar}') & 0x3fff);
    expect(keyHashSlot('foo{bar')).toBe(crc16('foo{bar') & 0x3fff);
    expect(keyHashSlot('')).toBe(0);
    // Bytes, not UTF-16 units: keys are latin1 strings.
    expect(keyHashSlot('\xff\x00')).toBe(crc16('\xff\x00') & 0x3fff);
  });

  it('the slot index counts and lists the keys of a slot', () => {
    const idx = new SlotIndex();
    for (const k of ['a{x}', 'b{x}', 'c{x}', 'other']) idx.add(k);
    const slot = keyHashSlot('x');
    expect(idx.count(slot)).toBe(3);
    expect(idx.keys(slot, 2)).toEqual(['a{x}', 'b{x}']);
    idx.remove('b{x}');
    idx.remove('missing');
    expect(idx.keys(slot)).toEqual(['a{x}', 'c{x}']);
    idx.clear();
    expect(idx.count(slot)).toBe(0);
  });
});

function frame(len: number, sig = 'RCmb'): Buffer {
  const b = Buffer.alloc(len);
  b.write(sig, 0, 'latin1');
  b.writeUInt32BE(len, 4);
  b[len - 1] = 7;
  return b;
}

describe('bus framing', () => {
  it('splits frames however the bytes arrive', () => {
    const r = new FrameReader();
    const all = Buffer.concat([frame(BUS_MIN_LEN), frame(BUS_MIN_LEN + 100)]);
    const got: Buffer[] = [];
    for (let i = 0; i < all.length; i += 333) got.push(...r.push(all.subarray(i, i + 333))!);
    expect(got.map((f) => f.length)).toEqual([BUS_MIN_LEN, BUS_MIN_LEN + 100]);
    expect(got[1]![BUS_MIN_LEN + 99]).toBe(7);
  });

  it('refuses a bad signature or a length below the header size', () => {
    expect(new FrameReader().push(frame(BUS_MIN_LEN, 'RCmX'))).toBeNull();
    expect(new FrameReader().push(frame(BUS_MIN_LEN - 1))).toBeNull();
    expect(new FrameReader().push(Buffer.from('PING\r\n\r\n'))).toBeNull();
  });
});

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('nodes.conf', () => {
  it('parses Redis 7.0 lines, open slots and vars', () => {
    const conf = parseNodesConf(
      `${A} 127.0.0.1:7000@17000,host-a myself,master - 0 0 3 connected 0-5460 7000 [5461->-${B}] [9000-<-${B}]\n` +
        `${B} 127.0.0.1:7001@17001 slave,fail? ${A} 1700000000000 1700000000001 3 disconnected\n` +
        'vars currentEpoch 6 lastVoteEpoch 4\n',
    );
    expect(conf.currentEpoch).toBe(6n);
    expect(conf.lastVoteEpoch).toBe(4n);
    const [a, b] = conf.nodes;
    expect(a).toMatchObject({ id: A, ip: '127.0.0.1', port: 7000, cport: 17000, hostname: 'host-a', flags: ['myself', 'master'], masterId: null });
    expect(a!.slots).toEqual([
      [0, 5460],
      [7000, 7000],
    ]);
    expect(a!.migrating).toEqual([[5461, B]]);
    expect(a!.importing).toEqual([[9000, B]]);
    expect(b).toMatchObject({ flags: ['slave', 'fail?'], masterId: A, pingSent: true, pongReceived: true, configEpoch: 3n });
  });

  it('old lines without @cport get port+10000', () => {
    const conf = parseNodesConf(`${A} 127.0.0.1:7000 myself,master - 0 0 0 connected\n`);
    expect(conf.nodes[0]!.cport).toBe(17000);
  });

  it('refuses corrupted files with Redis text', () => {
    for (const bad of [
      `${A} 127.0.0.1:7000 myself,master - 0 0\n`, // too few fields
      `short 127.0.0.1:7000 myself,master - 0 0 0 connected\n`, // bad id
      `${A} 127.0.0.1:7000 master - 0 0 0 connected\n`, // no myself
      `${A} 127.0.0.1:7000 myself,master - 0 0 0 connected 16384\n`, // slot out of range
      `${A} 127.0.0.1:7000 myself,master - 0 0 0 connected\nvars currentEpoch\n`, // odd vars
    ]) {
      expect(() => parseNodesConf(bad)).toThrow('Unrecoverable error: corrupted cluster config file.');
    }
    expect(() => parseNodesConf(`${A} 127.0.0.1:7000 myself,bogus - 0 0 0 connected\n`)).toThrow(NodesConfError);
  });

  it('is written durably and read back; missing or empty means a fresh node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-nodesconf-'));
    const file = path.join(dir, 'nodes.conf');
    expect(readNodesConf(file)).toBeNull();
    fs.writeFileSync(file, '');
    expect(readNodesConf(file)).toBeNull();
    writeNodesConf(file, `${A} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383\nvars currentEpoch 1 lastVoteEpoch 0\n`);
    expect(readNodesConf(file)!.nodes[0]!.slots).toEqual([[0, 16383]]);
    expect(fs.readdirSync(dir)).toEqual(['nodes.conf']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('nodes.conf lock', () => {
  it('refuses a file locked by a live process, takes over a stale lock', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-lock-'));
    const file = path.join(dir, 'nodes.conf');
    const release = lockClusterConfig(file);
    // A second process cannot take it (the build's copy of this module, as the server runs it).
    const script = `import('${path.resolve('dist/server/cluster/config-lock.js')}').then((m) => { try { m.lockClusterConfig(${JSON.stringify(file)}); console.log('locked'); } catch (e) { console.log(e.message); } })`;
    const other = (): string => spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout.trim();
    expect(other()).toBe(
      `Sorry, the cluster configuration file ${file} is already used by a different Redis Cluster node. Please make sure that different nodes use different cluster configuration files.`,
    );
    release();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    // A lock left by a dead process (kill -9) is stale.
    fs.writeFileSync(`${file}.lock`, '999999999 1\n');
    const again = lockClusterConfig(file);
    again();
    fs.rmSync(dir, { recursive: true });
  });
});
