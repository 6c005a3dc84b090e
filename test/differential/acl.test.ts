import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { ex, useServer } from '../support/differential.js';
import { freePort } from '../support/ports.js';
import { client, rawExchange } from '../support/redis.js';
import { REDIS_SERVER, SERVER_KINDS, type ServerKind, SPLITBRAIN_SERVER, startServer } from '../support/servers.js';
import { trackPerTest } from '../support/tracked.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** ACL LOG entries as objects. */
async function aclLog(r: Redis, count?: number): Promise<Record<string, unknown>[]> {
  const raw = (await r.call('ACL', 'LOG', ...(count === undefined ? [] : [String(count)]))) as unknown[][];
  return raw.map((e) => Object.fromEntries(Array.from({ length: e.length / 2 }, (_, i) => [e[2 * i], e[2 * i + 1]])));
}

/** A connection authenticated as `user` (password `pw`). */
async function as(port: number, user: string, pw = 'pw'): Promise<Redis> {
  const r = client(port);
  await r.call('AUTH', user, pw);
  return r;
}

// The same assertions run against our server and the Debian redis-server.
describe.each(SERVER_KINDS)('ACL on %s', (kind) => {
  const t = useServer(kind);
  const opened: Redis[] = [];
  const open = async (user: string, pw = 'pw'): Promise<Redis> => {
    const r = await as(t.srv.port, user, pw);
    opened.push(r);
    return r;
  };
  beforeEach(async () => {
    for (const r of opened) r.disconnect();
    opened.length = 0;
    const users = (await t.r.call('ACL', 'USERS')) as string[];
    const others = users.filter((u) => u !== 'default');
    if (others.length) await t.r.call('ACL', 'DELUSER', ...others);
    await t.r.call('ACL', 'LOG', 'RESET');
    await t.r.call('FLUSHALL');
  });

  it('the default user, and new users start off with nothing', async () => {
    expect(await t.r.call('ACL', 'WHOAMI')).toBe('default');
    expect(await t.r.call('ACL', 'LIST')).toEqual(['user default on nopass ~* &* +@all']);
    expect(await t.r.call('ACL', 'SETUSER', 'alice')).toBe('OK');
    expect(await t.r.call('ACL', 'LIST')).toEqual(['user alice off resetchannels -@all', 'user default on nopass ~* &* +@all']);
    expect(await t.r.call('ACL', 'GETUSER', 'alice')).toEqual([
      'flags',
      ['off'],
      'passwords',
      [],
      'commands',
      '-@all',
      'keys',
      '',
      'channels',
      '',
      'selectors',
      [],
    ]);
    expect(await t.r.call('ACL', 'GETUSER', 'nobody')).toBeNull();
    expect(await t.r.call('ACL', 'USERS')).toEqual(['alice', 'default']);
  });

  it('SETUSER describes users back as Redis does: flags, hashes, keys, channels, categories, selectors', async () => {
    await t.r.call(
      'ACL',
      'SETUSER',
      'alice',
      'on',
      '>p1',
      '>p2',
      '<p2',
      '~cached:*',
      '%R~r*',
      '%W~w*',
      '%R~b',
      '%W~b',
      '&chan*',
      '+get',
      '+@set',
      '(+set ~x*)',
    );
    expect(await t.r.call('ACL', 'LIST')).toContain(
      `user alice on #${sha('p1')} ~cached:* %R~r* %W~w* ~b resetchannels &chan* -@all +@set +get (~x* resetchannels -@all +set)`,
    );
    expect(await t.r.call('ACL', 'GETUSER', 'alice')).toEqual([
      'flags',
      ['on'],
      'passwords',
      [sha('p1')],
      'commands',
      '-@all +@set +get',
      'keys',
      '~cached:* %R~r* %W~w* ~b',
      'channels',
      '&chan*',
      'selectors',
      [['commands', '-@all +set', 'keys', '~x*', 'channels', '']],
    ]);
    await t.r.call('ACL', 'SETUSER', 'bob', '+@all', '-@dangerous', 'allkeys', 'allchannels', 'nopass', `#${sha('x')}`);
    expect(await t.r.call('ACL', 'LIST')).toContain(`user bob off #${sha('x')} ~* &* +@all -@dangerous`);
    await t.r.call('ACL', 'SETUSER', 'bob', 'reset');
    expect(await t.r.call('ACL', 'LIST')).toContain('user bob off sanitize-payload resetchannels -@all');
    await t.r.call('ACL', 'SETUSER', 'carl', 'on', 'nopass', 'skip-sanitize-payload', '+config|get', 'allcommands', '-config|set');
    expect(await t.r.call('ACL', 'LIST')).toContain('user carl on nopass skip-sanitize-payload resetchannels +@all -config|set');
  });

  it('SETUSER refuses bad rules with Redis texts and changes nothing', async () => {
    const err = (...args: string[]) => ex(t.r, 'ACL', 'SETUSER', ...args);
    expect(await err('a b')).toBe("ERR:ERR Usernames can't contain spaces or null characters");
    expect(await err('u', 'on', 'badrule')).toBe("ERR:ERR Error in ACL SETUSER modifier 'badrule': Syntax error");
    expect(await err('u', '+nosuch')).toBe("ERR:ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
    expect(await err('u', '-@nosuch')).toBe("ERR:ERR Error in ACL SETUSER modifier '-@nosuch': Unknown command or category name in ACL");
    expect(await err('u', '~*', '~foo')).toBe(
      "ERR:ERR Error in ACL SETUSER modifier '~foo': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
    );
    expect(await err('u', '&*', '&foo')).toBe(
      "ERR:ERR Error in ACL SETUSER modifier '&foo': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
    );
    expect(await err('u', '<nopw')).toBe("ERR:ERR Error in ACL SETUSER modifier '<nopw': The password you are trying to remove from the user does not exist");
    expect(await err('u', '#abc')).toBe(
      "ERR:ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
    );
    expect(await err('u', '+config|get|x')).toBe("ERR:ERR Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is not supported");
    expect(await err('u', '+debug|')).toBe("ERR:ERR Error in ACL SETUSER modifier '+debug|': Syntax error");
    expect(await err('u', '%RX~foo')).toBe("ERR:ERR Error in ACL SETUSER modifier '%RX~foo': Syntax error");
    expect(await err('u', '(+get', '~x')).toBe("ERR:ERR Unmatched parenthesis in acl selector starting at '(+get'.");
    expect(await err('u', 'on', '(+get', 'badrule)')).toBe("ERR:ERR Error in ACL SETUSER modifier '(+get badrule)': Syntax error");
    // Nothing of a refused SETUSER is applied.
    expect(await t.r.call('ACL', 'USERS')).toEqual(['default']);
  });

  it('command rules: categories, commands, subcommands, first arguments', async () => {
    await t.r.call('ACL', 'SETUSER', 'u', 'on', '>pw', 'allkeys', '+@read', '-strlen', '+config|get', '+select|0', '+client');
    const u = await open('u');
    expect(await u.call('GET', 'k')).toBeNull();
    expect(await ex(u, 'SET', 'k', 'v')).toBe("ERR:NOPERM this user has no permissions to run the 'set' command");
    expect(await ex(u, 'STRLEN', 'k')).toBe("ERR:NOPERM this user has no permissions to run the 'strlen' command");
    expect(await ex(u, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
    expect(await ex(u, 'CONFIG', 'SET', 'hz', '10')).toBe("ERR:NOPERM this user has no permissions to run the 'config|set' command");
    expect(await ex(u, 'SELECT', '0')).toBe('OK');
    expect(await ex(u, 'SELECT', '1')).toBe("ERR:NOPERM this user has no permissions to run the 'select' command");
    expect(await ex(u, 'CLIENT', 'ID')).toEqual(expect.any(Number));
    await t.r.call('ACL', 'SETUSER', 'u', '-client|id');
    expect(await ex(u, 'CLIENT', 'ID')).toBe("ERR:NOPERM this user has no permissions to run the 'client|id' command");
    // Commands that need no authentication are never refused by command rules.
    expect(await ex(u, 'AUTH', 'u', 'pw')).toBe('OK');
    expect(await ex(u, 'ACL', 'WHOAMI')).toBe("ERR:NOPERM this user has no permissions to run the 'acl|whoami' command");
  });

  it('key patterns with read and write access, and channel patterns', async () => {
    await t.r.call('ACL', 'SETUSER', 'u', 'on', '>pw', '+@all', '~app:*', '%R~ro:*', '%W~wo:*', '&news.*');
    await t.r.set('ro:1', 'x');
    const u = await open('u');
    expect(await u.set('app:1', 'v')).toBe('OK');
    expect(await u.get('ro:1')).toBe('x');
    expect(await u.set('wo:1', 'v')).toBe('OK');
    const keyErr = 'ERR:NOPERM this user has no permissions to access one of the keys used as arguments';
    expect(await ex(u, 'GET', 'other')).toBe(keyErr);
    expect(await ex(u, 'SET', 'ro:1', 'v')).toBe(keyErr);
    expect(await ex(u, 'GET', 'wo:1')).toBe(keyErr);
    expect(await ex(u, 'SET', 'wo:1', 'v', 'GET')).toBe(keyErr);
    expect(await ex(u, 'COPY', 'ro:1', 'wo:2')).toBe(1);
    expect(await ex(u, 'COPY', 'wo:1', 'ro:2')).toBe(keyErr);
    expect(await ex(u, 'EXISTS', 'ro:1', 'wo:1')).toBe(2);
    expect(await ex(u, 'MSET', 'app:1', 'a', 'other', 'b')).toBe(keyErr);
    expect(await ex(u, 'PUBLISH', 'news.today', 'x')).toBe(0);
    expect(await ex(u, 'PUBLISH', 'sports', 'x')).toBe('ERR:NOPERM this user has no permissions to access one of the channels used as arguments');
    // SORT's BY and GET would read keys the patterns cannot see.
    await u.rpush('app:l', '1', '2');
    expect(await ex(u, 'SORT', 'app:l', 'BY', 'app:w_*')).toBe('ERR:ERR BY option of SORT denied due to insufficient ACL permissions.');
    expect(await ex(u, 'SORT', 'app:l', 'GET', '#')).toBe('ERR:ERR GET option of SORT denied due to insufficient ACL permissions.');
    expect(await ex(u, 'SORT', 'app:l', 'BY', 'nosort')).toEqual(['1', '2']);
  });

  it('selectors: a command is allowed when one selector allows it whole', async () => {
    await t.r.call('ACL', 'SETUSER', 'u', 'on', '>pw', '+get', '~a*', '(+set ~b*)');
    const u = await open('u');
    expect(await ex(u, 'GET', 'a1')).toBeNull();
    expect(await ex(u, 'SET', 'b1', 'x')).toBe('OK');
    expect(await ex(u, 'GET', 'b1')).toBe('ERR:NOPERM this user has no permissions to access one of the keys used as arguments');
    expect(await ex(u, 'SET', 'a1', 'x')).toBe('ERR:NOPERM this user has no permissions to access one of the keys used as arguments');
    expect(await ex(u, 'DEL', 'a1')).toBe("ERR:NOPERM this user has no permissions to run the 'del' command");
    await t.r.call('ACL', 'SETUSER', 'u', 'clearselectors');
    expect(await ex(u, 'SET', 'b1', 'x')).toBe("ERR:NOPERM this user has no permissions to run the 'set' command");
  });

  it('DRYRUN answers without running the command', async () => {
    await t.r.call('ACL', 'SETUSER', 'u', 'on', '+get', '~a*', '&c*');
    expect(await t.r.call('ACL', 'DRYRUN', 'u', 'GET', 'a1')).toBe('OK');
    expect(await t.r.call('ACL', 'DRYRUN', 'u', 'SET', 'a1', 'x')).toBe("This user has no permissions to run the 'set' command");
    expect(await t.r.call('ACL', 'DRYRUN', 'u', 'GET', 'b1')).toBe("This user has no permissions to access the 'b1' key");
    await t.r.call('ACL', 'SETUSER', 'u', '+publish');
    expect(await t.r.call('ACL', 'DRYRUN', 'u', 'PUBLISH', 'd', 'x')).toBe("This user has no permissions to access the 'd' channel");
    expect(await ex(t.r, 'ACL', 'DRYRUN', 'nobody', 'GET', 'a')).toBe("ERR:ERR User 'nobody' not found");
    expect(await ex(t.r, 'ACL', 'DRYRUN', 'u', 'NOCMD', 'a')).toBe("ERR:ERR Command 'NOCMD' not found");
    expect(await ex(t.r, 'ACL', 'DRYRUN', 'u', 'GET')).toBe("ERR:ERR wrong number of arguments for 'get' command");
    expect(await t.r.dbsize()).toBe(0);
  });

  it('AUTH and HELLO: one refusal for every bad credential, never telling whether the user exists', async () => {
    await t.r.call('ACL', 'SETUSER', 'on1', 'on', '>pw', '+@all', '~*');
    await t.r.call('ACL', 'SETUSER', 'off1', 'off', '>pw', '+@all', '~*');
    await t.r.call('ACL', 'SETUSER', 'free', 'on', 'nopass', '+acl');
    const r = client(t.srv.port);
    opened.push(r);
    const wrong = 'ERR:WRONGPASS invalid username-password pair or user is disabled.';
    expect(await ex(r, 'AUTH', 'on1', 'bad')).toBe(wrong);
    expect(await ex(r, 'AUTH', 'off1', 'pw')).toBe(wrong);
    expect(await ex(r, 'AUTH', 'nobody', 'pw')).toBe(wrong);
    expect(await ex(r, 'AUTH', 'x')).toBe(
      'ERR:ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
    expect(await ex(r, 'AUTH', 'a', 'b', 'c')).toBe('ERR:ERR syntax error');
    expect(await ex(r, 'HELLO', '2', 'AUTH', 'on1', 'bad')).toBe(wrong);
    expect(await ex(r, 'AUTH', 'free', 'anything')).toBe('OK');
    expect(await ex(r, 'ACL', 'WHOAMI')).toBe('free');
    const hello = (await ex(r, 'HELLO', '2', 'AUTH', 'on1', 'pw')) as unknown[];
    expect(hello.slice(0, 2)).toEqual(['server', 'redis']);
    expect(await ex(r, 'ACL', 'WHOAMI')).toBe('on1');
    const log = await aclLog(t.r);
    expect(log.map((e) => [e.reason, e.object, e.username, e.count])).toEqual([
      ['auth', 'HELLO', 'on1', 1],
      ['auth', 'AUTH', 'nobody', 1],
      ['auth', 'AUTH', 'off1', 1],
      ['auth', 'AUTH', 'on1', 1],
    ]);
  });

  it('ACL LOG: reasons, contexts, objects, grouping, count and RESET', async () => {
    await t.r.call('ACL', 'SETUSER', 'u', 'on', '>pw', '+get', '+set', '+multi', '+exec', '+publish', '~k*', '&c*');
    const u = await open('u');
    await ex(u, 'DEL', 'k1');
    await ex(u, 'DEL', 'k1');
    await ex(u, 'GET', 'x1');
    await ex(u, 'PUBLISH', 'd1', 'm');
    await u
      .multi()
      .get('y1')
      .exec()
      .catch(() => {});
    const log = await aclLog(t.r);
    expect(log.map((e) => [e.count, e.reason, e.context, e.object, e.username])).toEqual([
      [1, 'key', 'multi', 'y1', 'u'],
      [1, 'channel', 'toplevel', 'd1', 'u'],
      [1, 'key', 'toplevel', 'x1', 'u'],
      [2, 'command', 'toplevel', 'del', 'u'],
    ]);
    expect(log[3]!['client-info']).toMatch(/ cmd=del user=u /);
    expect(Number(log[3]!['age-seconds'])).toBeGreaterThanOrEqual(0);
    expect((await aclLog(t.r, 1)).length).toBe(1);
    expect((await aclLog(t.r, -5)).length).toBe(0);
    expect(await t.r.call('ACL', 'LOG', 'RESET')).toBe('OK');
    expect(await aclLog(t.r)).toEqual([]);
    await t.r.config('SET', 'acllog-max-len', '2');
    for (const k of ['x1', 'x2', 'x3']) await ex(u, 'GET', k);
    expect((await aclLog(t.r)).map((e) => e.object)).toEqual(['x3', 'x2']);
    await t.r.config('SET', 'acllog-max-len', '128');
  });

  it('a user without +@write cannot write, in MULTI/EXEC either; rules are checked again at EXEC', async () => {
    await t.r.call('ACL', 'SETUSER', 'ro', 'on', '>pw', '+@all', '-@write', '~*');
    const u = await open('ro');
    expect(await ex(u, 'SET', 'k', 'v')).toBe("ERR:NOPERM this user has no permissions to run the 'set' command");
    expect(await ex(u, 'MULTI')).toBe('OK');
    expect(await ex(u, 'SET', 'k', 'v')).toBe("ERR:NOPERM this user has no permissions to run the 'set' command");
    expect(await ex(u, 'EXEC')).toBe('ERR:EXECABORT Transaction discarded because of previous errors.');
    expect(await t.r.exists('k')).toBe(0);
    // Allowed when queued, revoked before EXEC: that command fails, the others run.
    await t.r.call('ACL', 'SETUSER', 'ro', '+set');
    expect(await ex(u, 'MULTI')).toBe('OK');
    expect(await ex(u, 'SET', 'k', 'v')).toBe('QUEUED');
    expect(await ex(u, 'GET', 'k')).toBe('QUEUED');
    await t.r.call('ACL', 'SETUSER', 'ro', '-set');
    const res = (await u.call('EXEC')) as unknown[];
    expect(String(res[0])).toBe(
      'ReplyError: NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand',
    );
    expect(res[1]).toBeNull();
    expect((await aclLog(t.r, 1))[0]).toMatchObject({ reason: 'command', context: 'multi', object: 'set' });
  });

  it('scripts run their commands under the caller: redis.call/pcall refused with Redis texts, logged as lua; acl_check_cmd', async () => {
    await t.r.call('ACL', 'SETUSER', 'u', 'on', '>pw', '+@all', '-set', '-object|encoding', '~k*', '&c*');
    await t.r.call('ACL', 'SETUSER', 'ro', 'on', '>pw', '+@all', '-@write', '~*');
    const u = await open('u');
    // The caller's text names the script: compare up to it.
    const call = async (r: Redis, body: string): Promise<string> => String(await ex(r, 'EVAL', body, '0')).replace(/ script: .*/s, '');
    expect(await call(u, "return redis.call('set','k1','v')")).toBe("ERR:ERR The user executing the script can't run this command or subcommand");
    expect(await call(u, "return redis.call('get','z1')")).toBe(
      "ERR:ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
    );
    expect(await call(u, "return redis.call('publish','z1','m')")).toBe(
      "ERR:ERR The user executing the script can't publish to the channel mentioned in the command",
    );
    expect(await call(u, "return redis.call('object','encoding','k1')")).toBe("ERR:ERR The user executing the script can't run this command or subcommand");
    expect(await call(u, "local r = redis.pcall('get','z2') return r['err']")).toBe(
      "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
    );
    expect(await call(u, "redis.call('incr','k2') return redis.call('get','k2')")).toBe('1');
    // The same user through FCALL, and a user without @write through EVAL: nothing written.
    await t.r.call('FUNCTION', 'LOAD', "#!lua name=acl\nredis.register_function('w', function(keys) return redis.call('set', keys[1], 'x') end)");
    expect(String(await ex(u, 'FCALL', 'w', '1', 'k3')).replace(/ script: .*/s, '')).toBe(
      "ERR:ERR The user executing the script can't run this command or subcommand",
    );
    const ro = await open('ro');
    expect(await call(ro, "return redis.call('del','k2')")).toBe("ERR:ERR The user executing the script can't run this command or subcommand");
    expect(await t.r.exists('k2', 'k3')).toBe(1);
    const log = await aclLog(t.r);
    expect(log.map((e) => [e.count, e.reason, e.context, e.object, e.username])).toEqual([
      [1, 'command', 'lua', 'del', 'ro'],
      [2, 'command', 'lua', 'set', 'u'], // EVAL and FCALL: one entry, grouped
      [1, 'key', 'lua', 'z2', 'u'],
      [1, 'command', 'lua', 'object|encoding', 'u'],
      [1, 'channel', 'lua', 'z1', 'u'],
      [1, 'key', 'lua', 'z1', 'u'],
    ]);
    expect(log[0]!['client-info']).toMatch(/ cmd=eval user=ro /);
    expect(log[1]!['client-info']).toMatch(/ cmd=fcall user=u /);
    // acl_check_cmd answers for the caller's user, commands and subcommands; unknown ones raise.
    expect(
      await ex(
        u,
        'EVAL',
        "return {redis.acl_check_cmd('get','k1') and 1 or 0, redis.acl_check_cmd('set','k1','v') and 1 or 0, redis.acl_check_cmd('get','z1') and 1 or 0, redis.acl_check_cmd('object','encoding','k1') and 1 or 0, redis.acl_check_cmd('get') and 1 or 0}",
        '0',
      ),
    ).toEqual([1, 0, 0, 0, 1]);
    for (const args of ["'nosuch'", "'object','nosuch'"])
      expect(await call(u, `return redis.acl_check_cmd(${args})`)).toBe('ERR:ERR Invalid command passed to redis.acl_check_cmd()');
    await t.r.call('FUNCTION', 'FLUSH');
  });

  it('DELUSER disconnects the users connections; revoking channels disconnects their subscribers', async () => {
    await t.r.call('ACL', 'SETUSER', 'u', 'on', '>pw', '+@all', '~*', '&*');
    const u = await open('u');
    expect(await ex(t.r, 'ACL', 'DELUSER', 'default')).toBe("ERR:ERR The 'default' user cannot be removed");
    expect(await t.r.call('ACL', 'DELUSER', 'u', 'nobody')).toBe(1);
    await expect(u.ping()).rejects.toThrow();
    await t.r.call('ACL', 'SETUSER', 's', 'on', '>pw', '+@all', '~*', 'resetchannels', '&news', '&sports');
    const sub = await open('s');
    await sub.subscribe('news');
    const bystander = await open('s');
    await t.r.call('ACL', 'SETUSER', 's', '&more');
    expect(await t.r.call('CLIENT', 'KILL', 'USER', 's', 'SKIPME', 'no')).toBe(2);
    const sub2 = await open('s');
    await sub2.subscribe('news');
    await t.r.call('ACL', 'SETUSER', 's', 'resetchannels', '&sports');
    const deadline = Date.now() + 10_000;
    while (sub2.status === 'ready' && Date.now() < deadline) await sleep(20);
    expect(sub2.status).not.toBe('ready');
    expect(bystander.status).not.toBe('ready'); // killed by CLIENT KILL USER above
    expect(await ex(t.r, 'CLIENT', 'KILL', 'USER', 'nobody')).toBe("ERR:ERR No such user 'nobody'");
  });

  it('requirepass is the default user password', async () => {
    try {
      await t.r.config('SET', 'requirepass', 'secret');
      expect(await t.r.call('ACL', 'LIST')).toEqual([`user default on #${sha('secret')} ~* &* +@all`]);
      const r = client(t.srv.port);
      opened.push(r);
      expect(await ex(r, 'GET', 'x')).toBe('ERR:NOAUTH Authentication required.');
      expect(await ex(r, 'HELLO', '3')).toMatch(/^ERR:NOAUTH HELLO must be called with the client already authenticated/);
      expect(await ex(r, 'AUTH', 'wrong')).toBe('ERR:WRONGPASS invalid username-password pair or user is disabled.');
      expect(await ex(r, 'AUTH', 'secret')).toBe('OK');
      expect(await ex(r, 'GET', 'x')).toBeNull();
      expect(await ex(r, 'RESET')).toBe('RESET');
      expect(await ex(r, 'GET', 'x')).toBe('ERR:NOAUTH Authentication required.');
      expect(await ex(r, 'AUTH', 'default', 'secret')).toBe('OK');
    } finally {
      await t.r.config('SET', 'requirepass', '');
    }
    expect(await t.r.call('ACL', 'LIST')).toEqual(['user default on nopass ~* &* +@all']);
  });

  it('passwords never show in MONITOR or SLOWLOG', async () => {
    await t.r.call('ACL', 'SETUSER', 'u', 'on', '>pw', '+@all', '~*');
    const mon = client(t.srv.port);
    opened.push(mon);
    const lines: string[] = [];
    const m = await mon.monitor();
    m.on('monitor', (_time: string, args: string[]) => lines.push(args.join(' ')));
    await t.r.config('SET', 'slowlog-log-slower-than', '0');
    try {
      await t.r.call('SLOWLOG', 'RESET');
      const u = await open('u');
      await ex(u, 'HELLO', '2', 'AUTH', 'u', 'pw', 'SETNAME', 'n');
      await ex(u, 'PING', 'done');
      await t.r.call('ACL', 'SETUSER', 'u', '>secret2');
      await t.r.config('SET', 'masterauth', 'secret3', 'hz', '10');
      const slow = (await t.r.call('SLOWLOG', 'GET', '20')) as unknown[][];
      const args = slow.map((e) => (e[3] as string[]).join(' '));
      expect(args).toContain('AUTH (redacted) (redacted)');
      expect(args).toContain('HELLO 2 AUTH (redacted) (redacted) SETNAME n');
      expect(args).toContain('ACL SETUSER (redacted) (redacted)');
      expect(args).toContain('config SET masterauth (redacted) hz 10');
      const deadline = Date.now() + 5000;
      while (!lines.includes('PING done') && Date.now() < deadline) await sleep(20);
      expect(lines).toContain('AUTH (redacted) (redacted)');
      expect(lines).toContain('HELLO 2 AUTH (redacted) (redacted) SETNAME n');
    } finally {
      await t.r.config('SET', 'slowlog-log-slower-than', '10000', 'masterauth', '');
    }
  });

  it('an unauthenticated client gets the small protocol limits until it authenticates', async () => {
    await t.r.call('ACL', 'SETUSER', 'default', 'resetpass', '>pw');
    try {
      const big = await rawExchange(t.srv.port, '*100\r\n');
      expect(big.reply).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
    } finally {
      await t.r.call('ACL', 'SETUSER', 'default', 'nopass');
    }
  });
});

describe.each(SERVER_KINDS)('ACL files and config on %s', (kind) => {
  const tr = trackPerTest();

  it('ACL SAVE and ACL LOAD round trip through the aclfile; a bad file changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), `sb-aclfile-${kind}-`));
    const file = join(dir, 'users.acl');
    writeFileSync(file, 'user alice on >pw ~k* +get\n');
    const { c } = await tr.start(kind, ['--aclfile', file], dir);
    expect(await c.call('ACL', 'LIST')).toEqual([`user alice on #${sha('pw')} ~k* resetchannels -@all +get`, 'user default on nopass ~* &* +@all']);
    await c.call('ACL', 'SETUSER', 'bob', 'on', 'nopass', '+@all', '-@dangerous', '%R~*', '&*');
    await c.call('ACL', 'SETUSER', 'default', '>dpw');
    expect(await c.call('ACL', 'SAVE')).toBe('OK');
    expect(readFileSync(file, 'latin1')).toBe(
      [
        `user alice on #${sha('pw')} ~k* resetchannels -@all +get`,
        'user bob on nopass %R~* &* +@all -@dangerous',
        `user default on #${sha('dpw')} ~* &* +@all`,
        '',
      ].join('\n'),
    );
    const alice = tr.conn(c.options.port!);
    await alice.call('AUTH', 'alice', 'pw');
    writeFileSync(file, `user alice on >pw2 ~* +@all\nuser carol\n`);
    expect(await c.call('ACL', 'LOAD')).toBe('OK');
    expect(await c.call('ACL', 'USERS')).toEqual(['alice', 'carol', 'default']);
    // The default user came back to its defaults; alice's connection was closed (her user was replaced).
    expect(await c.call('ACL', 'LIST')).toContain('user default on nopass ~* &* +@all');
    await expect(alice.ping()).rejects.toThrow();
    writeFileSync(file, `user dan on +nosuch\nuser dan\n# comment\nuser eve bad\n`);
    expect(await ex(c, 'ACL', 'LOAD')).toBe(
      `ERR:ERR ${file}:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. WARNING: Duplicate user 'dan' found on line 2. ${file}:3 should start with user keyword followed by the username. ${file}:4: Syntax error. WARNING: ACL errors detected, no change to the previously active ACL rules was performed`,
    );
    expect(await c.call('ACL', 'USERS')).toEqual(['alice', 'carol', 'default']);
  });

  it('ACL LOAD of a missing file, and LOAD/SAVE without an aclfile', async () => {
    const dir = mkdtempSync(join(tmpdir(), `sb-aclfile-${kind}-`));
    const file = join(dir, 'missing.acl');
    writeFileSync(file, '');
    const { c } = await tr.start(kind, ['--aclfile', file], dir);
    const { rmSync } = await import('node:fs');
    rmSync(file);
    expect(await ex(c, 'ACL', 'LOAD')).toBe(`ERR:ERR Error loading ACLs, opening file '${file}': No such file or directory`);
    const other = await tr.start(kind);
    expect(await ex(other.c, 'ACL', 'SAVE')).toMatch(/^ERR:ERR This Redis instance is not configured to use an ACL file\./);
  });

  it('user lines in the config file, and CONFIG REWRITE writes the users back', async () => {
    const dir = mkdtempSync(join(tmpdir(), `sb-acluser-${kind}-`));
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, `user alice on >pw ~k* +get\nuser default on nopass ~* &* +@all -flushall\nhz 11\n`);
    const s = await startServer(kind, [], { conf, dir });
    tr.servers.push(s);
    const c = tr.conn(s.port);
    expect(await c.call('ACL', 'LIST')).toEqual([
      `user alice on #${sha('pw')} ~k* resetchannels -@all +get`,
      // The default user is reset before its line applies, which sets sanitize-payload.
      'user default on nopass sanitize-payload ~* &* +@all -flushall',
    ]);
    await c.call('ACL', 'DELUSER', 'alice');
    await c.call('ACL', 'SETUSER', 'bob', 'on', '>b', '+@all', '~*');
    expect(await c.config('REWRITE')).toBe('OK');
    const lines = readFileSync(conf, 'latin1').split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `user bob on #${sha('b')} ~* resetchannels +@all`,
      'user default on nopass sanitize-payload ~* &* +@all -flushall',
      'hz 11',
    ]);
  });
});

/** Run a server expected to refuse its configuration (it exits before listening). */
async function run(kind: ServerKind, args: string[]) {
  const [file, pre] = kind === 'redis' ? [REDIS_SERVER, []] : [process.execPath, [SPLITBRAIN_SERVER]];
  const port = String(await freePort());
  return execa(file, [...pre, ...args, '--port', port, '--bind', '127.0.0.1', '--save', ''], { reject: false, all: true, timeout: 10_000 });
}

describe.each(SERVER_KINDS)('ACL configuration errors at startup on %s', (kind) => {
  it('a bad user line is a config file error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-aclconf-'));
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, 'hz 10\nuser alice on badrule\n');
    const r = await run(kind, [conf]);
    expect(r.exitCode).toBe(1);
    expect(r.all).toContain("Reading the configuration file, at line 2\n>>> 'user alice on badrule'\nError in user declaration 'alice': Syntax error");
    writeFileSync(conf, 'user alice on\nuser alice off\n');
    const dup = await run(kind, [conf]);
    expect(dup.all).toContain("Error in user declaration 'alice': Duplicate user found. A user can only be defined once in config files");
  });

  it('users in the config file and an aclfile together refuse to start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-aclconf-'));
    const conf = join(dir, 'redis.conf');
    writeFileSync(join(dir, 'users.acl'), '');
    writeFileSync(conf, `user alice on\naclfile ${join(dir, 'users.acl')}\n`);
    const r = await run(kind, [conf]);
    expect(r.exitCode).toBe(1);
    expect(r.all).toContain('Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid.');
  });

  it('an aclfile with errors aborts startup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-aclconf-'));
    const acl = join(dir, 'users.acl');
    writeFileSync(acl, 'user alice on bad\n');
    const r = await run(kind, ['--aclfile', acl]);
    expect(r.exitCode).toBe(1);
    expect(r.all).toContain(
      `Aborting Redis startup because of ACL errors: ${acl}:1: Syntax error. WARNING: ACL errors detected, no change to the previously active ACL rules was performed`,
    );
  });
});
