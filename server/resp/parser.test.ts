import { describe, expect, it } from 'vitest';
import { RespParser } from './parser.js';

const limits = { config: { protoMaxBulkLen: 512 * 1024 * 1024 }, authenticated: true };

function bulk(args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, 'latin1');
}

/** Feeds `wire` in the given chunk sizes (cycled) and collects every command parsed. */
function parseInChunks(wire: Buffer, sizes: number[]): string[][] {
  const p = new RespParser(limits);
  const out: string[][] = [];
  for (let at = 0, i = 0; at < wire.length; i++) {
    const n = sizes[i % sizes.length] ?? 1;
    p.feed(wire.subarray(at, at + n));
    at += n;
    for (let argv = p.next(); argv !== null; argv = p.next()) out.push(argv);
  }
  expect(p.buffered).toBe(0);
  return out;
}

describe('RESP parser', () => {
  // Bulks of 32 KiB and more that arrive in pieces are read into a buffer of their own (Redis's
  // PROTO_MBULK_BIG_ARG); what follows them in the same chunk must still be parsed.
  const big = 'x'.repeat(100_000) + 'yz';
  const wire = Buffer.concat([bulk(['SET', 'k', big]), bulk(['GET', 'k']), bulk(['SET', 'small', 'v'])]);
  const expected = [
    ['SET', 'k', big],
    ['GET', 'k'],
    ['SET', 'small', 'v'],
  ];

  it.each([[[1]], [[7, 4096]], [[65536]], [[99_990, 5, 3]], [[wire.length]]])('parses a big bulk split into chunks of %j', (sizes) => {
    expect(parseInChunks(wire, sizes)).toEqual(expected);
  });

  it('parses two big bulks in one command', () => {
    const args = ['MSET', 'a', 'p'.repeat(40_000), 'b', 'q'.repeat(50_000)];
    expect(parseInChunks(bulk(args), [1000, 33_333])).toEqual([args]);
  });
});
