import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../client.js';
import { Config } from '../config/config.js';
import { processCommand } from '../dispatch.js';
import { type PropagatedOp, Server } from '../server.js';
import { buildCommandTable } from './index.js';

/** In-process server with a capturing propagation sink: what replicas/AOF would receive. */
describe('propagation of collection writes', () => {
  let server: Server;
  const fed: PropagatedOp[] = [];
  const run = (c: Client, ...argv: string[]): string => {
    c.out = '';
    processCommand(server, c, argv);
    const o = c.out;
    c.out = '';
    return o;
  };
  const take = (): string[][] => fed.splice(0).map((o) => o.argv);
  beforeAll(() => {
    server = new Server(new Config(), buildCommandTable());
    server.sinks.push({ feed: (ops) => fed.push(...ops) });
  });

  it('HINCRBYFLOAT → HSET with the final value', () => {
    const c = new Client(server, null);
    run(c, 'HINCRBYFLOAT', 'h', 'f', '1.5');
    expect(take()).toEqual([['HSET', 'h', 'f', '1.5']]);
  });

  it('SPOP → SREM of the popped members, DEL when the whole set is popped', () => {
    const c = new Client(server, null);
    run(c, 'SADD', 's', 'a', 'b', 'c');
    take();
    const one = run(c, 'SPOP', 's');
    const m = one.split('\r\n')[1]!;
    expect(take()).toEqual([['SREM', 's', m]]);
    run(c, 'SPOP', 's', '1');
    const ops = take();
    expect(ops.length).toBe(1);
    expect(ops[0]![0]).toBe('SREM');
    run(c, 'SPOP', 's', '5');
    expect(take()).toEqual([['DEL', 's']]);
  });

  it('blocking pops are propagated in their non-blocking form, after the push that served them', () => {
    const waiter = new Client(server, null);
    const pusher = new Client(server, null);
    expect(run(waiter, 'BLPOP', 'q', '0')).toBe('');
    expect(waiter.blocked).not.toBe(null);
    run(pusher, 'RPUSH', 'q', 'x', 'y');
    expect(take()).toEqual([
      ['RPUSH', 'q', 'x', 'y'],
      ['LPOP', 'q'],
    ]);
    expect(waiter.blocked).toBe(null);
    run(waiter, 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0');
    run(pusher, 'LPUSH', 'src', 'v');
    expect(take()).toEqual([
      ['LPUSH', 'src', 'v'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
    ]);
    run(waiter, 'BLPOP', 'q', '0');
    expect(take()).toEqual([['LPOP', 'q']]);
    run(waiter, 'BLMPOP', '0', '1', 'dst', 'RIGHT', 'COUNT', '5');
    expect(take()).toEqual([['RPOP', 'dst', '1']]);
    run(waiter, 'BZPOPMIN', 'z', '0');
    run(pusher, 'ZADD', 'z', '1', 'a');
    expect(take()).toEqual([
      ['ZADD', 'z', '1', 'a'],
      ['ZPOPMIN', 'z'],
    ]);
  });

  it('LMPOP and ZMPOP propagate as counted pops', () => {
    const c = new Client(server, null);
    run(c, 'RPUSH', 'l', 'a', 'b', 'c');
    run(c, 'ZADD', 'zz', '1', 'a', '2', 'b');
    take();
    run(c, 'LMPOP', '1', 'l', 'LEFT', 'COUNT', '2');
    run(c, 'ZMPOP', '1', 'zz', 'MAX', 'COUNT', '9');
    expect(take()).toEqual([
      ['LPOP', 'l', '2'],
      ['ZPOPMAX', 'zz', '2'],
    ]);
  });

  it('no-op writes are not propagated', () => {
    const c = new Client(server, null);
    run(c, 'SREM', 'nothing', 'a');
    run(c, 'ZADD', 'nothing', 'XX', '1', 'a');
    run(c, 'HDEL', 'nothing', 'a');
    run(c, 'LPOP', 'nothing');
    expect(take()).toEqual([]);
  });
});
