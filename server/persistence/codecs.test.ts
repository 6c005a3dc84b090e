import { describe, expect, it } from 'vitest';
import { Crc64, crc64 } from './crc64.js';
import { intsetDecode, intsetEncode } from './intset.js';
import { lpDecode, lpEncode, lpEntrySize } from './listpack.js';
import { lzfCompress, lzfDecompress } from './lzf.js';
import { zlDecode } from './ziplist.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('crc64 (Jones, as Redis)', () => {
  it('matches the check value', () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('e9c6d914c4b8d9ca');
  });
  it('is the same in pieces and whole', () => {
    const r = rng(1);
    const b = Buffer.alloc(10007);
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
    const c = new Crc64().update(b, 0, 3).update(b, 3, 5001).update(b, 5001);
    expect(c.value()).toBe(crc64(b));
    // byte-at-a-time path equals the sliced path
    const d = new Crc64();
    for (let i = 0; i < b.length; i++) d.update(b, i, i + 1);
    expect(d.value()).toBe(crc64(b));
  });
});

describe('lzf', () => {
  it('round-trips text, binary and repetitive data', () => {
    const r = rng(7);
    const inputs: Buffer[] = [
      Buffer.from('a'.repeat(1000)),
      Buffer.from('hello world hello world hello world, hello world!'),
      Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256)),
      Buffer.from(Array.from({ length: 3000 }, () => Math.floor(r() * 4))),
      Buffer.from(Array.from({ length: 100000 }, () => Math.floor(r() * 256))),
    ];
    for (const inp of inputs) {
      const c = lzfCompress(inp, inp.length + 100);
      if (c === null) continue;
      expect(lzfDecompress(c, inp.length).equals(inp)).toBe(true);
    }
    expect(lzfCompress(Buffer.from('a'.repeat(1000)))!.length).toBeLessThan(50);
  });
  it('refuses when it would not shrink', () => {
    const r = rng(3);
    const inp = Buffer.from(Array.from({ length: 200 }, () => Math.floor(r() * 256)));
    expect(lzfCompress(inp, inp.length - 4)).toBeNull();
  });
});

describe('listpack', () => {
  it('round-trips strings and every integer width', () => {
    const items = [
      '',
      'a',
      'x'.repeat(63),
      'y'.repeat(64),
      'z'.repeat(4095),
      'w'.repeat(4096),
      '0',
      '127',
      '128',
      '-1',
      '-4096',
      '4095',
      '4096',
      '-32768',
      '32767',
      '32768',
      '-8388608',
      '8388607',
      '8388608',
      '-2147483648',
      '2147483647',
      '2147483648',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      '007',
      '-0',
      '1.5',
      ' 1',
    ];
    const lp = lpEncode(items);
    expect(lpDecode(lp)).toEqual(items);
    expect(lp.length).toBe(7 + items.reduce((a, s) => a + lpEntrySize(s), 0));
  });
  it('encodes small ints and short strings like Redis', () => {
    // lpNew + lpAppend "a", 1: total 12 bytes, count 2, [0x81 'a' 0x02] [0x01 0x01] 0xff
    expect(lpEncode(['a', '1']).toString('hex')).toBe('0c000000020081610201' + '01' + 'ff');
  });
});

describe('intset', () => {
  it('round-trips and picks the width', () => {
    expect(intsetEncode([3n, 1n, 2n]).toString('hex')).toBe('0200000003000000010002000300');
    expect(intsetDecode(intsetEncode([5n, -70000n, 1n]))).toEqual(['-70000', '1', '5']);
    expect(intsetDecode(intsetEncode([9223372036854775807n, 0n]))).toEqual(['0', '9223372036854775807']);
  });
});

describe('ziplist', () => {
  it('decodes a ziplist as Redis 6 writes it', () => {
    // zlbytes, zltail, zllen=3, entries: "ab" (00000010), int 5 (imm 0xf6), int16 300 (0xc0), end
    const entries = Buffer.from([0x00, 0x02, 0x61, 0x62, 0x04, 0xf6, 0x02, 0xc0, 0x2c, 0x01]);
    const zl = Buffer.alloc(10 + entries.length + 1);
    zl.writeUInt32LE(zl.length, 0);
    zl.writeUInt32LE(10 + 6, 4);
    zl.writeUInt16LE(3, 8);
    entries.copy(zl, 10);
    zl[zl.length - 1] = 0xff;
    expect(zlDecode(zl)).toEqual(['ab', '5', '300']);
  });
});
