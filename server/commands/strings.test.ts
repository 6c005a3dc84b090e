// Unit tests of what the string and keyspace commands propagate to replicas/AOF (Redis 7.0 forms),
// run on an in-process server without sockets.
import { beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../client.js';
import { loadConfig } from '../config/load.js';
import { processCommand } from '../dispatch.js';
import { type PropagatedOp, Server } from '../server.js';
import { incrByFloatString, parseLongDouble } from '../util/longdouble.js';
import { buildCommandTable } from './index.js';

let server: Server;
let c: Client;
let ops: PropagatedOp[];

function run(...argv: string[]): string {
  processCommand(server, c, argv);
  const out = c.out;
  c.out = '';
  return out;
}

function propagated(): string[][] {
  const r = ops.map((o) => o.argv);
  ops = [];
  return r;
}

beforeEach(() => {
  server = new Server(loadConfig([]), buildCommandTable());
  ops = [];
  server.sinks.push({ feed: (o) => ops.push(...o) });
  c = new Client(server, null);
});

describe('propagation of string commands', () => {
  it('SET with relative or absolute expiry becomes SET key value PXAT ms', () => {
    const before = Date.now();
    run('SET', 'k', 'v', 'EX', '100', 'NX');
    const [op] = propagated();
    expect(op!.slice(0, 4)).toEqual(['SET', 'k', 'v', 'PXAT']);
    const at = Number(op![4]);
    expect(at).toBeGreaterThanOrEqual(before + 100000);
    expect(at).toBeLessThanOrEqual(Date.now() + 100000);
    run('SET', 'k', 'v', 'PXAT', '4000000000000');
    expect(propagated()).toEqual([['SET', 'k', 'v', 'PXAT', '4000000000000']]);
    run('SETEX', 'k', '10', 'v');
    expect(propagated()[0]!.slice(0, 4)).toEqual(['SET', 'k', 'v', 'PXAT']);
    run('PSETEX', 'k', '10', 'v');
    expect(propagated()[0]!.slice(0, 4)).toEqual(['SET', 'k', 'v', 'PXAT']);
  });

  it('SET ... GET drops GET; plain writes propagate as sent; no-ops not at all', () => {
    run('SET', 'k', 'v', 'GET', 'XX');
    expect(propagated()).toEqual([]); // XX on a missing key: nothing set
    run('SET', 'k', 'v0');
    propagated();
    run('SET', 'k', 'v', 'GET', 'XX', 'get');
    expect(propagated()).toEqual([['SET', 'k', 'v', 'XX']]);
    run('SET', 'k', 'v2');
    expect(propagated()).toEqual([['SET', 'k', 'v2']]);
    run('SET', 'k', 'v3', 'NX');
    expect(propagated()).toEqual([]);
    run('GET', 'k');
    run('GETEX', 'k');
    expect(propagated()).toEqual([]);
  });

  it('GETEX → PEXPIREAT / PERSIST / DEL, GETDEL → DEL, GETSET → SET, INCRBYFLOAT → SET KEEPTTL', () => {
    run('SET', 'k', 'v');
    propagated();
    run('GETEX', 'k', 'EX', '100');
    const [op] = propagated();
    expect(op!.slice(0, 2)).toEqual(['PEXPIREAT', 'k']);
    run('GETEX', 'k', 'PERSIST');
    expect(propagated()).toEqual([['PERSIST', 'k']]);
    run('GETEX', 'k', 'PERSIST');
    expect(propagated()).toEqual([]);
    run('GETEX', 'k', 'PXAT', '1');
    expect(propagated()).toEqual([['DEL', 'k']]);
    run('SET', 'k', 'v');
    run('GETDEL', 'k');
    expect(propagated()).toEqual([
      ['SET', 'k', 'v'],
      ['DEL', 'k'],
    ]);
    run('GETSET', 'k', 'w');
    expect(propagated()).toEqual([['SET', 'k', 'w']]);
    run('INCRBYFLOAT', 'f', '0.1');
    run('INCRBYFLOAT', 'f', '0.2');
    expect(propagated()).toEqual([
      ['SET', 'f', '0.1', 'KEEPTTL'],
      ['SET', 'f', '0.3', 'KEEPTTL'],
    ]);
  });

  it('EXPIRE family → PEXPIREAT (flags kept), past times → DEL', () => {
    run('SET', 'k', 'v');
    propagated();
    run('EXPIRE', 'k', '100', 'GT');
    expect(propagated()).toEqual([]); // GT against no TTL: nothing happened
    run('EXPIRE', 'k', '100');
    const [op] = propagated();
    expect(op![0]).toBe('PEXPIREAT');
    expect(Number(op![2])).toBeGreaterThan(Date.now() + 99000);
    run('EXPIREAT', 'k', '4000000000', 'GT');
    expect(propagated()).toEqual([['PEXPIREAT', 'k', '4000000000000', 'GT']]);
    run('PEXPIREAT', 'k', '4000000000001');
    expect(propagated()).toEqual([['PEXPIREAT', 'k', '4000000000001']]);
    run('PERSIST', 'k');
    expect(propagated()).toEqual([['PERSIST', 'k']]);
    run('EXPIRE', 'k', '-1');
    expect(propagated()).toEqual([['DEL', 'k']]);
    expect(run('EXISTS', 'k')).toBe(':0\r\n');
  });

  it('lazy expiry propagates DEL before the command, both in one MULTI/EXEC (Redis 7.0)', () => {
    run('SET', 'k', 'v', 'PXAT', '1');
    propagated();
    run('SET', 'k', 'v2', 'NX');
    expect(propagated()).toEqual([['MULTI'], ['DEL', 'k'], ['SET', 'k', 'v2', 'NX'], ['EXEC']]);
    run('SET', 'k', 'v', 'PXAT', '1');
    propagated();
    run('SET', 'k', 'v3');
    expect(propagated()).toEqual([['MULTI'], ['DEL', 'k'], ['SET', 'k', 'v3'], ['EXEC']]);
  });

  it('SORT ... STORE propagates as sent; SORT without STORE does not', () => {
    run('RPUSH', 'l', '2', '1');
    propagated();
    run('SORT', 'l');
    expect(propagated()).toEqual([]);
    run('SORT', 'l', 'STORE', 'd');
    expect(propagated()).toEqual([['SORT', 'l', 'STORE', 'd']]);
  });
});

describe('long double arithmetic (INCRBYFLOAT)', () => {
  it('matches Redis digit for digit', () => {
    expect(incrByFloatString('0.1', '0.2')).toBe('0.3');
    expect(incrByFloatString('0', '100000.1')).toBe('100000.10000000000000142');
    expect(incrByFloatString('0', '123456789.123')).toBe('123456789.12299999999959255');
    expect(incrByFloatString('10.50', '0.1')).toBe('10.6');
    expect(incrByFloatString('0x10', '1')).toBe('17');
    expect(incrByFloatString('0', '0x1p-3')).toBe('0.125');
    expect(incrByFloatString('-0', '-0')).toBe('0');
    expect(incrByFloatString('1', '-1e-20')).toBe('1');
    expect(incrByFloatString('1.', '.5')).toBe('1.5');
    expect(incrByFloatString('-5', '2')).toBe('-3');
  });

  it('refuses what string2ld refuses', () => {
    for (const bad of ['', ' 1', '1 ', 'abc', 'nan', '1e', '.', '+', '1e5000', '1e-5000', '0x']) expect(parseLongDouble(bad)).toBeNull();
    expect(incrByFloatString('inf', '1')).toBe('nan');
    expect(incrByFloatString('inf', '-inf')).toBe('nan');
    expect(incrByFloatString('x', '1')).toBe('value');
  });
});
