import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc16, keyHashSlot } from '../data/slot.js';
import { SlotIndex } from '../data/slot-index.js';
import { lockClusterConfig } from './config-lock.js';
import { readNodesConf, writeNodesConf } from './nodes-conf-file.js';

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

describe('nodes.conf', () => {
  it('is written durably and read back; missing or empty means a fresh node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-nodesconf-'));
    const file = path.join(dir, 'nodes.conf');
    expect(readNodesConf(file)).toBeNull();
    fs.writeFileSync(file, '');
    expect(readNodesConf(file)).toBeNull();
    const content = `${'a'.repeat(40)} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383\nvars currentEpoch 1 lastVoteEpoch 0\n`;
    writeNodesConf(file, content, true);
    expect(readNodesConf(file)).toBe(content);
    writeNodesConf(file, content.replace('0-16383', '0-100'), false);
    expect(readNodesConf(file)).toContain(' 0-100\n');
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
    const script = `import('${path.resolve('dist/server/cluster/shell/config-lock.js')}').then((m) => { try { m.lockClusterConfig(${JSON.stringify(file)}); console.log('locked'); } catch (e) { console.log(e.message); } })`;
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
