import { describe, expect, it } from 'vitest';
import { checkLogPatterns } from './index.js';

const clean = '1:M 01 Jan 2024 00:00:00.000 * Ready to accept connections tcp\n1:M 01 Jan 2024 * Background saving terminated with success\n';

describe('log-patterns', () => {
  it('finds crash banners, bug reports, assertions and panics, with node and line', () => {
    const res = checkLogPatterns([], {
      logs: [
        {
          node: 'n2',
          text: clean + '\n\n=== REDIS BUG REPORT START: Cut & paste starting from here ===\n1:M # Redis 7.2.4 crashed by signal: 11, si_code: 1\n',
        },
        { node: 'n1', file: 'server.log', text: 'ok\nAssertionError [ERR_ASSERTION]: replication offset went backwards\n' },
        { node: 'n3', text: clean },
      ],
    });
    expect(res.valid).toBe(false);
    expect(res.count).toBe(3);
    expect(res.matches.map((m) => [m.node, m.file, m.line, m.pattern])).toEqual([
      ['n1', 'server.log', 2, 'assertion'],
      ['n2', 'log', 5, 'redis-bug-report'],
      ['n2', 'log', 6, 'redis-crash'],
    ]);
    expect(res.byPattern).toEqual({ assertion: 1, 'redis-bug-report': 1, 'redis-crash': 1 });
  });

  it('is valid for clean logs and unknown without logs', () => {
    expect(checkLogPatterns([], { logs: { n1: clean, n2: clean } }).valid).toBe(true);
    expect(checkLogPatterns([]).valid).toBe('unknown');
  });
});
