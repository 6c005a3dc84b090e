import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { ex, useServer } from '../support/differential.js';
import { expectSameReplies, rawBoth, usePair } from '../support/paired.js';
import { client } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

const LIB = `#!lua name=mylib
redis.register_function('myfunc', function(keys, args) return redis.call('set', keys[1], args[1]) end)
redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='read it'}`;

describe('scripting, ours vs redis-server', () => {
  const p = usePair();

  it('EVAL family: replies, conversions, errors with positions, sandbox, SCRIPT subcommands, shebang flags', async () => {
    await expectSameReplies(p, [
      ['eval', 'return 1', '0'],
      ['eval', "return {1,2,'x',false,nil,3}", '0'],
      ['eval', "redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])", '1', 'k', 'v'],
      ['eval', "return tostring(10/2) .. ' ' .. tostring(1.5) .. ' ' .. 7/2", '0'],
      ['eval', 'return foo', '0'],
      ['eval', 'foo = 1', '0'],
      ['eval', "return redis.call('nosuch')", '0'],
      ['eval', "return redis.pcall('incr', 'k')", '0'],
      ['eval', "return {err='MY bad'}", '0'],
      ['eval', "error('boom')", '0'],
      ['eval', "error({err='CUSTOM oops'})", '0'],
      ['eval', "return redis.call('get')", '0'],
      ['eval', 'return cjson.encode({1,2,{3}})', '0'],
      ['eval', 'return bit.band(0xff, 0x0f)', '0'],
      ['eval', "return pcall(function() redis.call('nosuch') end)", '0'],
      ['eval', "return {pcall(function() redis.call('nosuch') end)}", '0'],
      ['eval', "return redis.call('incr', 'k')", '0'],
      ['eval', "return redis.status_reply('FINE')", '0'],
      ['eval', "return redis.error_reply('NOPE x')", '0'],
      ['eval', "return redis.error_reply('-NOPE x')", '0'],
      ['eval', "return redis.sha1hex('abc')", '0'],
      ['eval', 'return 3.99', '0'],
      ['eval', 'return -3.99', '0'],
      ['eval', "return {1.5, 'a', {2, {3}}}", '0'],
      ['eval', "return redis.call('hset', 'h', 'a', 1, 'b', 2)", '0'],
      ['eval', "return redis.call('hgetall', 'h')", '0'],
      ['eval', "return redis.call('set', 'x', 3.5)", '0'],
      ['eval', "return redis.call('get', 'x')", '0'],
      ['eval', "return redis.call('set', 'x', 1e20)", '0'],
      ['eval', "return redis.call('get', 'x')", '0'],
      ['eval', "return redis.call('set', 'x', {})", '0'],
      ['eval', 'return redis.call()', '0'],
      ['eval', "return redis.call('ping')", '0'],
      ['eval', "return type(redis.call('ping'))", '0'],
      ['eval', "return redis.call('ping')['ok']", '0'],
      ['eval', "return redis.call('get', 'nokey')", '0'],
      ['eval', "return redis.call('get', 'nokey') == false", '0'],
      ['eval', 'return KEYS[1] .. ARGV[2]', '2', 'a', 'b', 'c', 'd'],
      ['eval', 'return #KEYS', '3', 'a'],
      ['eval', 'return 1', '-1'],
      ['evalsha', '0000000000000000000000000000000000000000', '0'],
      ['evalsha', 'abc', '0'],
      ['script', 'load', "return 'loaded'"],
      ['evalsha', '8a9bdc2a6bf5a69ed2a79e6c1e0f8bb7fae2c1cd', '0'],
      ['script', 'exists', '8a9bdc2a6bf5a69ed2a79e6c1e0f8bb7fae2c1cd', '0000000000000000000000000000000000000000'],
      ['script', 'flush'],
      ['script', 'exists', '8a9bdc2a6bf5a69ed2a79e6c1e0f8bb7fae2c1cd'],
      ['script', 'flush', 'foo'],
      ['script', 'kill'],
      ['script', 'foo'],
      ['eval_ro', "return redis.call('set', 'a', 1)", '0'],
      ['eval_ro', "return redis.call('get', 'a')", '0'],
      ['eval', "#!lua flags=no-writes\nreturn redis.call('set','a',1)", '0'],
      ['eval', "return redis.call('eval', 'return 1', 0)", '0'],
      ['eval', "return redis.call('multi')", '0'],
      ['eval', "redis.setresp(3); return redis.call('hgetall', 'h')", '0'],
      ['eval', "redis.setresp(3); return redis.call('zadd', 'z', 1, 'a')", '0'],
      ['eval', 'redis.setresp(4)', '0'],
      ['eval', 'return redis.setresp()', '0'],
      ['eval', 'return redis.breakpoint()', '0'],
      ['eval', 'return redis.REPL_ALL', '0'],
      ['eval', 'redis.set_repl(redis.REPL_ALL); return 1', '0'],
      ['eval', 'redis.set_repl(7)', '0'],
      ['eval', "return string.format('%d %s', 3, 'x')", '0'],
      ['eval', "return table.concat({1,2,3}, ',')", '0'],
      ['eval', 'return unpack({1,2})', '0'],
      ['eval', "return loadstring('return 5')()", '0'],
      ['eval', 'return math.pow(2,10)', '0'],
      ['eval', 'string.foo = 1', '0'],
      ['eval', "return cjson.decode('[1,2,3]')[2]", '0'],
      ['eval', "return cjson.decode('{\"a\":[1,true]}')['a'][1]", '0'],
      ['eval', 'return cmsgpack.unpack(cmsgpack.pack({1,2,3}))[3]', '0'],
      ['eval', "return struct.unpack('>I2', struct.pack('>I2', 258))", '0'],
      ['eval', "return redis.call('type', 'h')", '0'],
      ['eval', "return redis.call('type', 'h')['ok']", '0'],
      ['eval', 'return dofile', '0'],
      ['eval', 'return type(print)', '0'],
      ['eval', '#!lua flags=no-writes\nreturn redis.call("set","a",1)', '0'],
      ['eval', '#!lua\nreturn redis.call("set","a",1)', '0'],
      ['eval', '#!lua flags=bogus\nreturn 1', '0'],
      ['eval', '#!perl\nreturn 1', '0'],
      ['eval', '#!lua foo=bar\nreturn 1', '0'],
      ['eval_ro', '#!lua\nreturn 1', '0'],
      ['eval_ro', '#!lua flags=no-writes\nreturn redis.call("get", "a")', '0'],
      ['eval', 'local t = {} t[1] = "a" t[2] = "b" return t', '0'],
      ['eval', 'return redis.call("xadd", "st", "1-1", "f", "v")', '0'],
      ['eval', 'return redis.call("xrange", "st", "-", "+")', '0'],
    ]);
  });

  it('RESP3: script-side redis.setresp(3) conversions and replies to a RESP3 caller', async () => {
    const script = (body: string) => `*3\r\n$4\r\nEVAL\r\n$${body.length}\r\n${body}\r\n$1\r\n0\r\n`;
    const req =
      'HELLO 3\r\n' +
      script("redis.setresp(3); redis.call('hset','h3','a','1'); return redis.call('hgetall','h3')") +
      script("redis.setresp(3); return redis.call('smembers','nos')") +
      script('return {double=3.5}') +
      script('return {map={a=1}}') +
      script('return {set={x=true}}') +
      script('return true') +
      script('return false') +
      script('return nil') +
      script("redis.setresp(3); return redis.call('get','nokey')") +
      script("redis.setresp(3); return {redis.call('exists','nokey') == 0}") +
      'PING\r\n';
    const [a, b] = await rawBoth(p, req, (s) => s.endsWith('+PONG\r\n'));
    expect(a.slice(a.indexOf('+PONG') - 400)).toBe(b.slice(b.indexOf('+PONG') - 400));
    expect(a.slice(a.indexOf('%1\r\n', 10))).toBe(b.slice(b.indexOf('%1\r\n', 10)));
  });

  it('functions: FUNCTION LOAD/LIST/DELETE/FLUSH/STATS/KILL/RESTORE errors, FCALL/FCALL_RO', async () => {
    // Redis lists a library's functions in its dict's (hash) order: compared sorted by name.
    const sortFunctions = (cmd: (string | number)[], reply: unknown): unknown => {
      if (cmd[0] !== 'function' || cmd[1] !== 'list' || !Array.isArray(reply)) return reply;
      return reply.map((lib) => {
        if (!Array.isArray(lib)) return lib;
        const i = lib.indexOf('functions');
        const out = [...lib];
        out[i + 1] = [...(lib[i + 1] as unknown[][])].sort((a, b) => String(a[1]).localeCompare(String(b[1])));
        return out;
      });
    };
    await expectSameReplies(
      p,
      [
        ['function', 'flush'],
        ['function', 'load', LIB],
        ['fcall', 'myfunc', '1', 'fk', 'fv'],
        ['fcall', 'ro', '1', 'fk'],
        ['fcall_ro', 'ro', '1', 'fk'],
        ['fcall_ro', 'myfunc', '1', 'fk', 'fv'],
        ['fcall', 'nosuch', '0'],
        ['fcall', 'myfunc', 'x'],
        ['fcall', 'myfunc', '5', 'a'],
        ['function', 'list'],
        ['function', 'list', 'withcode'],
        ['function', 'list', 'libraryname', 'my*'],
        ['function', 'list', 'libraryname', 'zz'],
        ['function', 'list', 'foo'],
        ['function', 'load', "#!lua name=mylib\nredis.register_function('other', function() return 1 end)"],
        ['function', 'load', 'replace', "#!lua name=mylib\nredis.register_function('other', function() return 1 end)"],
        ['function', 'list'],
        ['function', 'load', 'return 1'],
        ['function', 'load', '#!lua\nreturn 1'],
        ['function', 'load', '#!lua name=bad-name\nreturn 1'],
        ['function', 'load', '#!perl name=x\nreturn 1'],
        ['function', 'load', '#!lua name=x foo=bar\nreturn 1'],
        ['function', 'load', '#!lua name=x\nreturn 1'],
        ['function', 'load', "#!lua name=x\nredis.register_function('other', function() return 1 end)"],
        ['function', 'load', "#!lua name=x\nredis.call('ping')"],
        ['function', 'load', "#!lua name=x\nredis.register_function('f1', 'notafunction')"],
        ['function', 'load', "#!lua name=x\nredis.register_function{function_name='f1', callback=function() end, flags={'bogus'}}"],
        ['function', 'load', "#!lua name=x\nlocal a = string.len('x')"],
        ['fcall', 'other', '0'],
        ['function', 'delete', 'nosuch'],
        ['function', 'delete', 'mylib'],
        ['function', 'list'],
        ['function', 'flush', 'foo'],
        ['function', 'stats'],
        ['function', 'kill'],
        ['script', 'kill'],
        ['function', 'restore', 'garbage'],
        ['function', 'restore', 'garbage', 'foo'],
        ['function', 'load', LIB],
        ['function', 'flush'],
        ['function', 'list'],
      ],
      sortFunctions,
    );
  });

  it('FUNCTION DUMP/RESTORE across servers (both directions)', async () => {
    for (const [from, to] of [
      [p.redis.r, p.ours.r],
      [p.ours.r, p.redis.r],
    ] as [Redis, Redis][]) {
      await from.call('function', 'flush');
      await to.call('function', 'flush');
      await from.call('function', 'load', LIB);
      await from.call('function', 'load', `#!lua name=second\nredis.register_function('second_fn', function() return 'second:' .. string.rep('x', 40) end)`);
      const payload = (await from.callBuffer('function', 'dump')) as Buffer;
      expect(await to.call('function', 'restore', payload)).toBe('OK');
      expect(await to.call('fcall', 'second_fn', '0')).toBe(`second:${'x'.repeat(40)}`);
      await expect(to.call('function', 'restore', payload)).rejects.toThrow(/ERR Library (mylib|second) already exists/);
      expect(await to.call('function', 'restore', payload, 'replace')).toBe('OK');
      const round = (await to.callBuffer('function', 'dump')) as Buffer;
      await from.call('function', 'flush');
      expect(await from.call('function', 'restore', round)).toBe('OK');
      expect(await from.call('fcall', 'myfunc', '1', 'rk', 'rv')).toBe('OK');
    }
  });
});

describe.each(SERVER_KINDS)('busy scripts on %s', (kind) => {
  const t = useServer(kind, ['--busy-reply-threshold', '100']);
  const extra: Redis[] = [];
  afterAll(() => {
    for (const c of extra) c.disconnect();
  });
  const conn = (): Redis => {
    const c = client(t.srv.port);
    extra.push(c);
    return c;
  };
  async function untilBusy(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (String(await ex(t.r, 'ping')).includes('BUSY')) return;
      await sleep(20);
    }
    throw new Error('the server never reported BUSY');
  }

  it('a long read-only script: BUSY for others, MULTI … EXECABORT, SCRIPT KILL ends it, the caller gets the kill error', async () => {
    const c1 = conn();
    const running = ex(c1, 'eval', 'local i = 0 while true do i = i + 1 end', '0');
    await untilBusy();
    expect(await ex(t.r, 'get', 'x')).toBe('ERR:BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    expect(await ex(t.r, 'function', 'kill')).toBe('ERR:BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    const c2 = conn();
    const tx = c2.multi().set('x', '1').exec();
    await expect(tx).rejects.toThrow(
      'EXECABORT Transaction discarded because of: BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
    );
    expect(await ex(t.r, 'shutdown')).toBe('ERR:BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    expect(await ex(t.r, 'script', 'kill')).toBe('OK');
    expect(String(await running)).toMatch(/^ERR:ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.$/);
    expect(await ex(t.r, 'ping')).toBe('PONG');
  });

  it('a script that wrote cannot be killed; FUNCTION KILL ends a busy function; SHUTDOWN NOSAVE ends the server', async () => {
    await t.r.call('function', 'load', 'replace', "#!lua name=spin\nredis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)");
    const c1 = conn();
    const fn = ex(c1, 'fcall', 'spin', '0');
    await untilBusy();
    expect(await ex(t.r, 'get', 'x')).toBe('ERR:BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
    expect(await ex(t.r, 'script', 'kill')).toBe('ERR:BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
    expect(await ex(t.r, 'function', 'kill')).toBe('OK');
    expect(String(await fn)).toMatch(/^ERR:ERR Script killed by user with SCRIPT KILL\.\.\./);
    const c2 = conn();
    const writer = ex(c2, 'eval', "redis.call('set', 'w', 1) while true do end", '0');
    await untilBusy();
    expect(await ex(t.r, 'script', 'kill')).toBe(
      'ERR:UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
    );
    await ex(t.r, 'shutdown', 'nosave');
    await writer;
    for (let i = 0; i < 500 && t.srv.proc.exitCode === null && t.srv.proc.signalCode === null; i++) await sleep(20);
    expect(t.srv.proc.exitCode).toBe(0);
  });
});
