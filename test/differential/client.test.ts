import { describe, expect, it } from 'vitest';
import { sleep } from '../../harness/util/sleep.js';
import { useServer } from '../support/differential.js';
import { client, rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

describe.each(SERVER_KINDS)('CLIENT on %s', (kind) => {
  const t = useServer(kind);

  it('ID, SETNAME, GETNAME, name validation', async () => {
    const id = (await t.r.client('ID')) as number;
    expect(id).toBeGreaterThan(0);
    expect(await t.r.client('GETNAME')).toBeNull();
    expect(await t.r.client('SETNAME', 'worker-1')).toBe('OK');
    expect(await t.r.client('GETNAME')).toBe('worker-1');
    await expect(t.r.client('SETNAME', 'a b')).rejects.toThrow('ERR Client names cannot contain spaces, newlines or special characters.');
    expect(await t.r.client('SETNAME', '')).toBe('OK');
    expect(await t.r.client('GETNAME')).toBeNull();
  });

  it('LIST and INFO use Redis 7.0 field layout; TYPE and ID filters', async () => {
    await t.r.client('SETNAME', 'lister');
    const id = (await t.r.client('ID')) as number;
    const list = (await t.r.client('LIST')) as string;
    const mine = list.split('\n').find((l) => l.startsWith(`id=${id} `))!;
    const keys = mine.split(' ').map((kv) => kv.split('=')[0]);
    expect(keys).toEqual([
      'id',
      'addr',
      'laddr',
      'fd',
      'name',
      'age',
      'idle',
      'flags',
      'db',
      'sub',
      'psub',
      'ssub',
      'multi',
      'qbuf',
      'qbuf-free',
      'argv-mem',
      'multi-mem',
      'rbs',
      'rbp',
      'obl',
      'oll',
      'omem',
      'tot-mem',
      'events',
      'cmd',
      'user',
      'redir',
      'resp',
    ]);
    expect(mine).toContain(' name=lister ');
    expect(mine).toContain(' flags=N ');
    expect(mine).toContain(' cmd=client|list ');
    expect(mine).toContain(` laddr=127.0.0.1:${t.srv.port} `);
    const info = (await t.r.client('INFO')) as string;
    expect(info.endsWith('\n')).toBe(true);
    expect(info).toContain(`id=${id} `);
    expect(info).toContain(' cmd=client|info ');
    expect(((await t.r.call('CLIENT', 'LIST', 'ID', String(id))) as string).split('\n').filter(Boolean).length).toBe(1);
    expect(await t.r.call('CLIENT', 'LIST', 'TYPE', 'replica')).toBe('');
    await expect(t.r.call('CLIENT', 'LIST', 'TYPE', 'foo')).rejects.toThrow("ERR Unknown client type 'foo'");
    await expect(t.r.call('CLIENT', 'LIST', 'ID', 'x')).rejects.toThrow('ERR Invalid client ID');
    await expect(t.r.call('CLIENT', 'LIST', 'foo')).rejects.toThrow('ERR syntax error');
  });

  it('pubsub and multi flags', async () => {
    const sub = client(t.srv.port);
    await sub.subscribe('x');
    const list = (await t.r.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
    expect(list).toMatch(/flags=P .* sub=1 psub=0/);
    sub.disconnect();
    const raw = await rawExchange(t.srv.port, 'MULTI\r\nPING\r\nCLIENT INFO\r\nEXEC\r\n', (s) => s.includes('resp='));
    expect(raw.reply).toMatch(/flags=x .* multi=2 /);
  });

  it('KILL: old form, new filters, SKIPME, errors', async () => {
    const victim = client(t.srv.port);
    await victim.client('SETNAME', 'victim');
    const vid = (await victim.client('ID')) as number;
    const line = ((await t.r.client('LIST')) as string).split('\n').find((l) => l.includes(' name=victim '))!;
    const addr = /addr=(\S+)/.exec(line)![1]!;
    expect(await t.r.call('CLIENT', 'KILL', addr)).toBe('OK');
    await expect(t.r.call('CLIENT', 'KILL', addr)).rejects.toThrow('ERR No such client');
    const v2 = client(t.srv.port);
    const id2 = (await v2.client('ID')) as number;
    expect(await t.r.call('CLIENT', 'KILL', 'ID', String(id2))).toBe(1);
    expect(await t.r.call('CLIENT', 'KILL', 'ID', String(id2))).toBe(0);
    expect(vid).toBeGreaterThan(0);
    const myId = (await t.r.client('ID')) as number;
    expect(await t.r.call('CLIENT', 'KILL', 'ID', String(myId))).toBe(0); // SKIPME yes by default
    await expect(t.r.call('CLIENT', 'KILL', 'ID', '0')).rejects.toThrow('ERR client-id should be greater than 0');
    await expect(t.r.call('CLIENT', 'KILL', 'TYPE', 'foo')).rejects.toThrow("ERR Unknown client type 'foo'");
    await expect(t.r.call('CLIENT', 'KILL', 'USER', 'nobody')).rejects.toThrow("ERR No such user 'nobody'");
    await expect(t.r.call('CLIENT', 'KILL', 'SKIPME', 'maybe')).rejects.toThrow('ERR syntax error');
    await expect(t.r.call('CLIENT', 'KILL', 'ID', '1', 'foo')).rejects.toThrow('ERR syntax error');
    const p1 = client(t.srv.port);
    await p1.subscribe('k');
    expect(await t.r.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
    const k = client(t.srv.port);
    const kid = (await k.client('ID')) as number;
    const closed = new Promise<void>((res) => k.once('end', () => res()));
    expect(await k.call('CLIENT', 'KILL', 'ID', String(kid), 'SKIPME', 'no')).toBe(1);
    await closed;
    await sleep(50);
    victim.disconnect();
    v2.disconnect();
    p1.disconnect();
  });

  it('PAUSE WRITE blocks writes until the pause ends; reads go on; UNPAUSE', async () => {
    const w = client(t.srv.port);
    expect(await t.r.call('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('OK');
    let done = false;
    const pending = w.set('paused:k', 'v').then((x) => {
      done = true;
      return x;
    });
    expect(await w.duplicate().get('paused:k')).toBeNull();
    await sleep(100);
    expect(done).toBe(false);
    expect(await t.r.call('CLIENT', 'UNPAUSE')).toBe('OK');
    expect(await pending).toBe('OK');
    expect(await t.r.get('paused:k')).toBe('v');
    // A short pause ends by itself.
    await t.r.call('CLIENT', 'PAUSE', '150', 'ALL');
    const t0 = Date.now();
    expect(await w.ping()).toBe('PONG');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
    await expect(t.r.call('CLIENT', 'PAUSE', 'x')).rejects.toThrow('ERR timeout is not an integer or out of range');
    await expect(t.r.call('CLIENT', 'PAUSE', '-1')).rejects.toThrow('ERR timeout is negative');
    await expect(t.r.call('CLIENT', 'PAUSE', '10', 'foo')).rejects.toThrow('ERR CLIENT PAUSE mode must be WRITE or ALL');
    w.disconnect();
  });

  it('UNBLOCK a client blocked in BLPOP with TIMEOUT and ERROR', async () => {
    const b = client(t.srv.port);
    const id = (await b.client('ID')) as number;
    const p = b.blpop('unblock:list', 0);
    await sleep(50);
    expect(await t.r.call('CLIENT', 'UNBLOCK', String(id))).toBe(1);
    expect(await p).toBeNull();
    const p2 = b.blpop('unblock:list', 0).catch((e: Error) => e.message);
    await sleep(50);
    expect(await t.r.call('CLIENT', 'UNBLOCK', String(id), 'ERROR')).toBe(1);
    expect(await p2).toBe('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    expect(await t.r.call('CLIENT', 'UNBLOCK', String(id))).toBe(0);
    await expect(t.r.call('CLIENT', 'UNBLOCK', String(id), 'foo')).rejects.toThrow('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    b.disconnect();
  });

  it('NO-EVICT, HELP, unknown subcommand', async () => {
    expect(await t.r.call('CLIENT', 'NO-EVICT', 'on')).toBe('OK');
    expect((await t.r.client('INFO')) as string).toMatch(/flags=e /);
    expect(await t.r.call('CLIENT', 'NO-EVICT', 'off')).toBe('OK');
    await expect(t.r.call('CLIENT', 'NO-EVICT', 'x')).rejects.toThrow('ERR syntax error');
    const help = (await t.r.call('CLIENT', 'HELP')) as string[];
    expect(help[0]).toBe('CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('PAUSE <timeout> [WRITE|ALL]');
    await expect(t.r.call('CLIENT', 'FOO')).rejects.toThrow("ERR unknown subcommand 'FOO'. Try CLIENT HELP.");
  });
});
