import { describe, expect, it } from 'vitest';
import { useServer } from '../support/differential.js';
import { rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

const field = (info: string, name: string): string | undefined => new RegExp(`^${name}:(.*)\\r$`, 'm').exec(info)?.[1];

describe.each(SERVER_KINDS)('server commands on %s', (kind) => {
  const t = useServer(kind, ['--enable-debug-command', 'yes']);

  it('INFO default sections and field names', async () => {
    const info = (await t.r.info()) as string;
    const sections = [...info.matchAll(/^# (\w+)\r$/gm)].map((m) => m[1]);
    expect(sections).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
    expect(field(info, 'redis_version')).toBe('7.0.15');
    expect(field(info, 'tcp_port')).toBe(String(t.srv.port));
    expect(field(info, 'process_id')).toBe(String(t.srv.pid));
    expect(field(info, 'run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(field(info, 'role')).toBe('master');
    expect(field(info, 'connected_slaves')).toBe('0');
    expect(field(info, 'master_repl_offset')).toBe('0');
    expect(field(info, 'maxmemory_policy')).toBe('noeviction');
    expect(field(info, 'used_memory_human')).toMatch(/^[\d.]+[BKMG]$/);
    for (const f of [
      'uptime_in_seconds',
      'connected_clients',
      'blocked_clients',
      'used_memory',
      'maxmemory',
      'rdb_changes_since_last_save',
      'total_commands_processed',
      'instantaneous_ops_per_sec',
      'keyspace_hits',
      'keyspace_misses',
      'expired_keys',
      'evicted_keys',
      'master_replid',
      'cluster_enabled',
      'used_cpu_sys',
    ]) {
      expect(field(info, f), f).toBeDefined();
    }
  });

  it('INFO section selection, all/everything, commandstats, errorstats, keyspace', async () => {
    await t.r.flushall();
    await t.r.set('k1', 'v');
    await t.r.set('k2', 'v', 'EX', 100);
    await t.r.get('k1');
    await t.r.get('nokey');
    await t.r.call('NOSUCH').catch(() => {});
    const two = (await t.r.info('keyspace', 'STATS')) as string;
    expect([...two.matchAll(/^# (\w+)\r$/gm)].map((m) => m[1])).toEqual(['Stats', 'Keyspace']);
    expect(two).toMatch(/^db0:keys=2,expires=1,avg_ttl=\d+\r$/m);
    const all = (await t.r.info('all')) as string;
    expect(all).toContain('# Commandstats');
    expect(all).toMatch(/^cmdstat_set:calls=2,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0\r$/m);
    expect(all).toMatch(/^errorstat_ERR:count=\d+\r$/m);
    expect((await t.r.info('everything')) as string).toContain('# Keyspace');
    expect(await t.r.info('nosuchsection')).toBe('');
    const st = (await t.r.info('stats')) as string;
    expect(Number(field(st, 'keyspace_hits'))).toBeGreaterThanOrEqual(1);
    expect(Number(field(st, 'keyspace_misses'))).toBeGreaterThanOrEqual(1);
    const ps = (await t.r.info('persistence')) as string;
    expect(Number(field(ps, 'rdb_changes_since_last_save'))).toBeGreaterThan(0);
  });

  it('DBSIZE, FLUSHDB, FLUSHALL with SYNC/ASYNC, errors', async () => {
    await t.r.flushall();
    await t.r.set('a', '1');
    await t.r.select(1);
    await t.r.set('b', '1');
    expect(await t.r.dbsize()).toBe(1);
    expect(await t.r.flushdb('ASYNC')).toBe('OK');
    expect(await t.r.dbsize()).toBe(0);
    await t.r.select(0);
    expect(await t.r.dbsize()).toBe(1);
    expect(await t.r.flushall('SYNC')).toBe('OK');
    expect(await t.r.dbsize()).toBe(0);
    await expect(t.r.call('FLUSHALL', 'foo')).rejects.toThrow('ERR syntax error');
    await expect(t.r.call('FLUSHDB', 'sync', 'async')).rejects.toThrow('ERR syntax error');
  });

  it('SWAPDB', async () => {
    await t.r.flushall();
    await t.r.set('s0', 'zero');
    expect(await t.r.swapdb(0, 1)).toBe('OK');
    expect(await t.r.get('s0')).toBeNull();
    await t.r.select(1);
    expect(await t.r.get('s0')).toBe('zero');
    await t.r.select(0);
    await expect(t.r.call('SWAPDB', '0', 'x')).rejects.toThrow('ERR invalid second DB index');
    await expect(t.r.call('SWAPDB', 'x', '0')).rejects.toThrow('ERR invalid first DB index');
    await expect(t.r.call('SWAPDB', '0', '99')).rejects.toThrow('ERR DB index is out of range');
  });

  it('TIME and LASTSAVE', async () => {
    const [sec, usec] = (await t.r.time()) as unknown as [string, string];
    expect(Math.abs(Number(sec) - Date.now() / 1000)).toBeLessThan(5);
    expect(Number(usec)).toBeGreaterThanOrEqual(0);
    expect(Number(usec)).toBeLessThan(1000000);
    expect(Math.abs((await t.r.lastsave()) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('DEBUG DIGEST / DIGEST-VALUE: zeros when empty, changes with data, order independent', async () => {
    await t.r.flushall();
    expect(await t.r.call('DEBUG', 'DIGEST')).toBe('0000000000000000000000000000000000000000');
    await t.r.sadd('set', 'a', 'b', 'c');
    await t.r.set('str', 'v');
    const d1 = (await t.r.call('DEBUG', 'DIGEST')) as string;
    expect(d1).toMatch(/^[0-9a-f]{40}$/);
    expect(d1).not.toBe('0000000000000000000000000000000000000000');
    // Same content built in another order gives the same digest.
    await t.r.flushall();
    await t.r.set('str', 'v');
    await t.r.sadd('set', 'c', 'b', 'a');
    expect(await t.r.call('DEBUG', 'DIGEST')).toBe(d1);
    await t.r.sadd('set', 'd');
    expect(await t.r.call('DEBUG', 'DIGEST')).not.toBe(d1);
    const [dv, none] = (await t.r.call('DEBUG', 'DIGEST-VALUE', 'str', 'nokey')) as string[];
    expect(dv).toMatch(/^[0-9a-f]{40}$/);
    expect(none).toBe('0000000000000000000000000000000000000000');
    await expect(t.r.call('DEBUG', 'foo')).rejects.toThrow("ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.");
    expect(await t.r.call('DEBUG', 'SLEEP', '0')).toBe('OK');
    expect(await t.r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1')).toBe('OK');
    await expect(t.r.call('DEBUG', 'OBJECT', 'nokey')).rejects.toThrow('ERR no such key');
    expect(await t.r.call('DEBUG', 'OBJECT', 'str')).toMatch(
      /^Value at:0x[0-9a-f]+ refcount:\d+ encoding:embstr serializedlength:\d+ lru:\d+ lru_seconds_idle:\d+/,
    );
  });

  it('SLOWLOG GET/LEN/RESET with slowlog-log-slower-than', async () => {
    await t.r.config('SET', 'slowlog-log-slower-than', '0');
    await t.r.slowlog('RESET');
    await t.r.set('slow', 'x'.repeat(200));
    const entries = (await t.r.slowlog('GET', 1)) as [number, number, number, string[], string, string][];
    expect(entries.length).toBe(1);
    const [id, ts, usec, args, addr, name] = entries[0]!;
    expect(typeof id).toBe('number');
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    expect(usec).toBeGreaterThanOrEqual(0);
    expect(args).toEqual(['set', 'slow', 'x'.repeat(128) + '... (72 more bytes)']);
    expect(addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(name).toBe('');
    expect(await t.r.slowlog('LEN')).toBeGreaterThanOrEqual(2);
    await expect(t.r.call('SLOWLOG', 'GET', '-2')).rejects.toThrow('ERR count should be greater than or equal to -1');
    await t.r.config('SET', 'slowlog-log-slower-than', '-1');
    expect(await t.r.slowlog('RESET')).toBe('OK');
    await t.r.set('notlogged', '1');
    expect(await t.r.slowlog('LEN')).toBe(0);
    await t.r.config('SET', 'slowlog-log-slower-than', '10000');
  });

  it('LATENCY LATEST/HISTORY/RESET/DOCTOR', async () => {
    expect(await t.r.call('LATENCY', 'LATEST')).toEqual([]);
    expect(await t.r.call('LATENCY', 'HISTORY', 'command')).toEqual([]);
    expect(await t.r.call('LATENCY', 'RESET')).toBe(0);
    expect(await t.r.call('LATENCY', 'DOCTOR')).toContain('Latency monitoring is disabled');
    await t.r.config('SET', 'latency-monitor-threshold', '100');
    await t.r.call('DEBUG', 'SLEEP', '0.2');
    const latest = (await t.r.call('LATENCY', 'LATEST')) as [string, number, number, number][];
    expect(latest.map((l) => l[0])).toContain('command');
    expect(latest.find((l) => l[0] === 'command')![2]).toBeGreaterThanOrEqual(190);
    expect(((await t.r.call('LATENCY', 'HISTORY', 'command')) as unknown[]).length).toBe(1);
    expect(await t.r.call('LATENCY', 'RESET', 'command', 'nosuch')).toBe(1);
    await t.r.config('SET', 'latency-monitor-threshold', '0');
  });

  it('COMMAND COUNT/INFO/DOCS/GETKEYS/LIST', async () => {
    const count = (await t.r.call('COMMAND', 'COUNT')) as number;
    const all = (await t.r.call('COMMAND')) as unknown[];
    expect(all.length).toBe(count);
    const [get, nope] = (await t.r.call('COMMAND', 'INFO', 'get', 'nosuchcmd')) as unknown[][];
    expect(get!.slice(0, 6)).toEqual(['get', 2, ['readonly', 'fast'], 1, 1, 1]);
    expect(nope).toBeNull();
    const [cfg] = (await t.r.call('COMMAND', 'INFO', 'config|get')) as unknown[][];
    expect(cfg!.slice(0, 2)).toEqual(['config|get', -3]);
    expect(await t.r.call('COMMAND', 'GETKEYS', 'SET', 'k', 'v')).toEqual(['k']);
    expect(await t.r.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    await expect(t.r.call('COMMAND', 'GETKEYS', 'NOSUCH', 'a')).rejects.toThrow('ERR Invalid command specified');
    await expect(t.r.call('COMMAND', 'GETKEYS', 'GET', 'a', 'b')).rejects.toThrow('ERR Invalid number of arguments specified for command');
    await expect(t.r.call('COMMAND', 'GETKEYS', 'PING', 'x')).rejects.toThrow('ERR The command has no key arguments');
    const docs = (await t.r.call('COMMAND', 'DOCS', 'get')) as unknown[];
    expect(docs[0]).toBe('get');
    const d = docs[1] as string[];
    expect(d.slice(0, 6)).toEqual(['summary', 'Get the value of a key', 'since', '1.0.0', 'group', 'string']);
    const list = (await t.r.call('COMMAND', 'LIST')) as string[];
    expect(list).toEqual(expect.arrayContaining(['get', 'config|get', 'multi']));
    expect(((await t.r.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'xa*')) as string[]).sort()).toEqual(
      ['xack', 'xadd', 'xautoclaim'].filter((n) => list.includes(n)),
    );
  });

  it('MONITOR streams other clients commands', async () => {
    const p = rawExchange(t.srv.port, 'MONITOR\r\n', (s) => s.includes('"monitored"'), 3000);
    await new Promise((res) => setTimeout(res, 100));
    await t.r.set('monitored', '1');
    const { reply } = await p;
    expect(reply.startsWith('+OK\r\n')).toBe(true);
    expect(reply).toMatch(/\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "set" "monitored" "1"\r\n/);
  });

  it('MEMORY STATS/DOCTOR/HELP, FUNCTION FLUSH', async () => {
    const stats = (await t.r.call('MEMORY', 'STATS')) as unknown[];
    expect(stats).toContain('peak.allocated');
    expect(stats).toContain('keys.count');
    expect(typeof (await t.r.call('MEMORY', 'DOCTOR'))).toBe('string');
    expect(((await t.r.call('MEMORY', 'HELP')) as string[])[0]).toBe('MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(await t.r.call('FUNCTION', 'FLUSH')).toBe('OK');
  });

  it('SHUTDOWN errors, and SHUTDOWN NOSAVE stops the server', async () => {
    await expect(t.r.call('SHUTDOWN', 'foo')).rejects.toThrow('ERR syntax error');
    await expect(t.r.call('SHUTDOWN', 'ABORT')).rejects.toThrow('ERR No shutdown in progress.');
    const m = await rawExchange(t.srv.port, 'MULTI\r\nSHUTDOWN\r\n', (s) => s.split('\r\n').length >= 3);
    expect(m.reply).toBe('+OK\r\n-ERR Command not allowed inside a transaction\r\n');
    const exited = new Promise<void>((res) => t.srv.proc.once('exit', () => res()));
    const s = await rawExchange(t.srv.port, 'SHUTDOWN NOSAVE\r\n');
    expect(s.closed).toBe(true);
    expect(s.reply).toBe('');
    await exited;
  });
});
