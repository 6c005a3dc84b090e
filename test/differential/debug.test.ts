import { describe, expect, it } from 'vitest';
import { ex, useServer } from '../support/differential.js';
import { rawExchange } from '../support/redis.js';
import { SERVER_KINDS, type ServerKind } from '../support/servers.js';

/** DEBUG POPULATE, PROTOCOL, CHANGE-REPL-ID, QUICKLIST-PACKED-THRESHOLD and STRINGMATCH-TEST: the bytes and effects Redis 7.0's tooling relies on, on both servers. */
const TYPES = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false', 'nosuch'];

const seen: Partial<Record<ServerKind, string[]>> = {};

describe.each(SERVER_KINDS)('DEBUG subcommands on %s', (kind) => {
  const t = useServer(kind, ['--enable-debug-command', 'yes']);

  it('POPULATE adds prefix:N = value:N (cut or padded to a size), keeps existing keys, refuses bad counts', async () => {
    await t.r.flushall();
    await t.r.set('key:1', 'mine');
    expect(await ex(t.r, 'DEBUG', 'POPULATE', '3')).toBe('OK');
    expect(await t.r.mget('key:0', 'key:1', 'key:2', 'key:3')).toEqual(['value:0', 'mine', 'value:2', null]);
    expect(await ex(t.r, 'DEBUG', 'POPULATE', '2', 'p', '3')).toBe('OK');
    expect(await ex(t.r, 'DEBUG', 'POPULATE', '1', 'q', '10')).toBe('OK');
    expect(await t.r.mget('p:0', 'p:1')).toEqual(['val', 'val']);
    expect(await t.r.getBuffer('q:0')).toEqual(Buffer.from('value:0\0\0\0', 'latin1'));
    expect(await t.r.dbsize()).toBe(6);
    expect(await ex(t.r, 'DEBUG', 'POPULATE', '-1')).toBe('ERR:ERR value is out of range, must be positive');
    expect(await ex(t.r, 'DEBUG', 'POPULATE', 'x')).toBe('ERR:ERR value is out of range, must be positive');
  });

  it('PROTOCOL replies each RESP type (RESP2 and RESP3 bytes compared with redis-server)', async () => {
    const out: string[] = [];
    for (const hello of ['', 'HELLO 3\r\n']) {
      const cmds = TYPES.map((type) => `DEBUG PROTOCOL ${type}\r\n`).join('');
      const { reply } = await rawExchange(t.srv.port, `${hello}${cmds}QUIT\r\n`, (s) => s.endsWith('+OK\r\n'));
      // After HELLO's map (server-specific: version, id), which ends with its empty module list.
      const marker = 'modules\r\n*0\r\n';
      out.push(hello ? reply.slice(reply.indexOf(marker) + marker.length) : reply);
    }
    expect(out[1]).toContain('(1234567999999999999999999999999999999');
    seen[kind] = out;
    if (seen.splitbrain && seen.redis) expect(seen.splitbrain).toEqual(seen.redis);
  });

  it('CHANGE-REPL-ID gives the server new replication IDs', async () => {
    const id = async (): Promise<string[]> => {
      const info = await t.r.info('replication');
      return ['master_replid', 'master_replid2'].map((k) => new RegExp(`${k}:(\\w+)`).exec(info)![1]!);
    };
    const before = await id();
    expect(await ex(t.r, 'DEBUG', 'CHANGE-REPL-ID')).toBe('OK');
    const after = await id();
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe('0'.repeat(40));
  });

  it("QUICKLIST-PACKED-THRESHOLD takes a memory value up to 4 GB less 1 MB (list.tcl's '1b' and '0'), lists still work", async () => {
    const bad = 'ERR:ERR argument must be a memory value bigger than 1 and smaller than 4gb';
    for (const v of ['1b', '0', '1kb', '10M', '4095mb', '4293918720', '']) expect(await ex(t.r, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', v), v).toBe('OK');
    for (const v of ['4gb', '4293918721', '-1', 'abc', '1 kb', '1.5']) expect(await ex(t.r, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', v), v).toBe(bad);
    expect(await ex(t.r, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD')).toMatch(
      /^ERR:ERR unknown subcommand or wrong number of arguments for 'QUICKLIST-PACKED-THRESHOLD'/,
    );
    // As list.tcl does: every element a plain node, then the usual list commands.
    expect(await ex(t.r, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1b')).toBe('OK');
    await t.r.del('lst');
    await t.r.rpush('lst', 'aa', 'bb', 'cc');
    await t.r.linsert('lst', 'BEFORE', 'bb', 'xx');
    await t.r.lset('lst', 0, 'yy');
    expect(await t.r.lrange('lst', 0, -1)).toEqual(['yy', 'xx', 'bb', 'cc']);
    expect(await ex(t.r, 'DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0')).toBe('OK');
  });

  it('STRINGMATCH-TEST fuzzes the glob matcher and says so; STRINGMATCH-LEN is not a 7.0 subcommand', async () => {
    // redis-server's run (10M rounds) takes ~15 s on a loaded machine: its reply (debug.c) is checked on ours only.
    if (kind === 'splitbrain') expect(await ex(t.r, 'DEBUG', 'STRINGMATCH-TEST')).toBe('Apparently Redis did not crash: test passed');
    expect(await ex(t.r, 'DEBUG', 'STRINGMATCH-TEST', 'x')).toMatch(/^ERR:ERR unknown subcommand or wrong number of arguments for 'STRINGMATCH-TEST'/);
    expect(await ex(t.r, 'DEBUG', 'STRINGMATCH-LEN', 'a*', '10')).toBe(
      "ERR:ERR unknown subcommand or wrong number of arguments for 'STRINGMATCH-LEN'. Try DEBUG HELP.",
    );
    expect(await t.r.ping()).toBe('PONG');
  });
});
