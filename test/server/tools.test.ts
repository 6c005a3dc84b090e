import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/differential.js';

// Real, unmodified tools against our server: redis-cli (interactive-style, --pipe) and redis-benchmark.
describe('redis-cli and redis-benchmark against splitbrain-server', () => {
  const t = useServer('splitbrain');

  it('redis-cli runs commands and prints replies as with Redis', async () => {
    const cli = (...a: string[]) => execa('redis-cli', ['-p', String(t.srv.port), ...a]);
    expect((await cli('SET', 'a', 'hello')).stdout).toBe('OK');
    expect((await cli('GET', 'a')).stdout).toBe('hello');
    expect((await cli('RPUSH', 'l', 'x', 'y')).stdout).toBe('2');
    expect((await cli('LRANGE', 'l', '0', '-1')).stdout).toBe('x\ny');
    // Interactive mode reads commands from stdin.
    const inter = await execa('redis-cli', ['-p', String(t.srv.port)], { input: 'PING\nINCR counter\nINCR counter\n' });
    expect(inter.stdout.split('\n')).toEqual(['PONG', '1', '2']);
  });

  it('redis-cli --pipe mass-inserts 100k keys', async () => {
    let input = '';
    for (let i = 0; i < 100_000; i++) {
      const k = `key:${i}`;
      const v = `value:${i}`;
      input += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
    }
    const res = await execa('redis-cli', ['-p', String(t.srv.port), '--pipe'], { input });
    expect(res.stdout).toMatch(/errors: 0, replies: 100000/);
    expect(await t.r.dbsize()).toBeGreaterThanOrEqual(100_000);
    expect(await t.r.get('key:99999')).toBe('value:99999');
  });

  it('redis-benchmark -q -n 5000 with its default test set completes without errors', async () => {
    const res = await execa('redis-benchmark', ['-p', String(t.srv.port), '-q', '-n', '5000'], { reject: false, timeout: 240_000 });
    expect(res.exitCode).toBe(0);
    const out = res.stdout + res.stderr;
    expect(out).not.toMatch(/ERR|error|WRONGTYPE/i);
    // Every default test reports a rate.
    for (const t of ['PING_INLINE', 'SET', 'GET', 'INCR', 'LPUSH', 'RPUSH', 'LPOP', 'RPOP', 'SADD', 'HSET', 'SPOP', 'ZADD', 'ZPOPMIN', 'LRANGE_600', 'MSET']) {
      expect(out).toMatch(new RegExp(`${t}[^:\\n]*: [\\d.]+ requests per second`));
    }
  }, 300_000);
});
