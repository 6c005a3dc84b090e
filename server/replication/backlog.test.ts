import { describe, expect, it } from 'vitest';
import { Backlog, blockSize, jemallocSizeClass } from './backlog.js';

describe('replication backlog (Redis 7.0 block model)', () => {
  it('jemalloc size classes and block sizes', () => {
    expect(jemallocSizeClass(16424)).toBe(20480);
    expect(jemallocSizeClass(65576)).toBe(81920);
    expect(jemallocSizeClass(20480)).toBe(20480);
    expect(blockSize(10, 1)).toBe(20440);
    expect(blockSize(100000, 1024 * 1024)).toBe(81920 - 40);
  });

  it('matches redis-server 7.0.15 offsets observed with repl-backlog-size 1', () => {
    // Measured on Debian's redis-server: 41274 bytes of stream, then a 100033-byte command.
    const b = new Backlog(1, 0);
    let left = 41274;
    while (left > 0) {
      const n = Math.min(1031, left);
      b.appendString('x'.repeat(n));
      left -= n;
    }
    expect(b.offset).toBe(40881);
    expect(b.histlen).toBe(394);
    b.appendString('y'.repeat(100033));
    expect(b.offset).toBe(122641);
    expect(b.histlen).toBe(18667);
  });

  it('holds at least size bytes, serves any offset inside, and tracks offsets while empty', () => {
    const b = new Backlog(100000, 41);
    expect(b.offset).toBe(42);
    expect(b.histlen).toBe(0);
    expect(b.covers(42)).toBe(true);
    expect(b.readFrom(42)).toBe('');
    let all = '';
    for (let i = 0; i < 5000; i++) {
      const s = `*1\r\n$${String(i).length}\r\n${i}\r\n`;
      all += s;
      b.appendString(i % 2 ? s : '');
      if (i % 2 === 0) b.appendBuffer(Buffer.from(s, 'latin1'));
    }
    expect(b.offset + b.histlen).toBe(42 + all.length);
    expect(b.histlen).toBeGreaterThanOrEqual(Math.min(100000, all.length));
    const from = b.offset + 1234;
    expect(b.readFrom(from)).toBe(all.slice(from - 42));
    expect(b.covers(b.offset - 1)).toBe(false);
    expect(b.covers(b.offset + b.histlen)).toBe(true);
    expect(b.covers(b.offset + b.histlen + 1)).toBe(false);
    b.resize(1);
    expect(b.size).toBe(16384);
    expect(b.readFrom(b.offset)).toBe(all.slice(b.offset - 42));
  });
});
