import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
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

  it('replication gone wrong is invalid: protocol errors on the master link (redis-server and ours), errors sent to the master, PSYNC offsets ahead', () => {
    const redisReplica =
      "7:S 05 Dec 2026 22:01:02.003 # Protocol error (unbalanced multibulk count) from client: id=3 addr=127.0.0.1:6379 laddr=127.0.0.1:50000 fd=8 name= age=2 idle=0 flags=M db=0 sub=0 psub=0. Query buffer during protocol error: '*3..'\n";
    const ours = "1:S 05 Dec 2026 22:01:02.003 # Protocol error from MASTER: unexpected byte 'x' in the replication stream\n";
    const critical =
      "7:S 05 Dec 2026 22:01:02.003 # == CRITICAL == This replica is sending an error to its master: 'ERR wrong number of arguments' after processing the command 'sadd'\n";
    const ahead =
      '7:M 05 Dec 2026 22:01:02.003 # Warning: replica 127.0.0.1:7002 tried to PSYNC with an offset that is greater than the master replication offset.\n';
    const normalClient = '7:M 05 Dec 2026 22:01:02.003 - Protocol error (invalid bulk length) from client: id=9 addr=127.0.0.1:40000 flags=N db=0\n';
    const res = checkLogPatterns([], { logs: { n1: clean + ahead + normalClient, n2: redisReplica + critical, n3: ours } });
    expect(res.valid).toBe(false);
    expect(res.matches.map((m) => `${m.node}:${m.pattern}`)).toEqual([
      'n1:psync-offset-ahead',
      'n2:master-protocol-error',
      'n2:error-to-master',
      'n3:master-protocol-error',
    ]);
  });

  it('counts resyncs per node and calls more full resyncs than the faults explain a loop', () => {
    const h = new HistoryBuilder();
    h.nemesis('kill', { nodes: ['n1'] });
    h.nemesis('start', { nodes: ['n1'] });
    const full = (n: number): string =>
      Array.from({ length: n }, (_, i) => `1:S 05 Dec 2026 22:01:0${i}.000 * Full resync from master: abc:${i}`).join('\n') + '\n';
    const partial = '1:S 05 Dec 2026 22:01:09.000 * MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.\n';
    // One fault: the first sync, one per fault and one spare = 3 allowed.
    const ok = checkLogPatterns(h.build(), { logs: { n2: full(3) + partial } });
    expect(ok.valid).toBe(true);
    expect(ok.resyncs).toEqual({ n2: { full: 3, partial: 1 } });
    const loop = checkLogPatterns(h.build(), { logs: { n2: full(6) } });
    expect(loop.valid).toBe(false);
    expect(loop.matches.map((m) => [m.pattern, m.line])).toEqual([['full-resync-loop', 4]]);
  });
});
