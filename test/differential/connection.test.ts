import { describe, expect, it } from 'vitest';
import { useServer } from '../support/differential.js';
import { rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

// The same assertions run against our server and the Debian redis-server.
describe.each(SERVER_KINDS)('connection commands on %s', (kind) => {
  const t = useServer(kind);

  it('PING, ECHO', async () => {
    expect(await t.r.ping()).toBe('PONG');
    expect(await t.r.ping('hi')).toBe('hi');
    expect(await t.r.echo('x y')).toBe('x y');
  });

  it('unknown command and arity errors use Redis texts', async () => {
    await expect(t.r.call('foo', 'bar', 'baz')).rejects.toThrow("ERR unknown command 'foo', with args beginning with: 'bar' 'baz' ");
    await expect(t.r.call('echo')).rejects.toThrow("ERR wrong number of arguments for 'echo' command");
    await expect(t.r.call('select', '99')).rejects.toThrow('ERR DB index is out of range');
    await expect(t.r.call('select', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('protocol errors get Redis texts and close the connection', async () => {
    const a = await rawExchange(t.srv.port, '*1\r\n$x\r\n');
    expect(a.reply).toBe('-ERR Protocol error: invalid bulk length\r\n');
    expect(a.closed).toBe(true);
    const b = await rawExchange(t.srv.port, '*1\r\n+PING\r\n');
    expect(b.reply).toBe("-ERR Protocol error: expected '$', got '+'\r\n");
    const c = await rawExchange(t.srv.port, '*abc\r\n');
    expect(c.reply).toBe('-ERR Protocol error: invalid multibulk length\r\n');
    const d = await rawExchange(t.srv.port, 'PING "unbalanced\r\n');
    expect(d.reply).toBe('-ERR Protocol error: unbalanced quotes in request\r\n');
  });

  it('inline commands and pipelining', async () => {
    const a = await rawExchange(t.srv.port, 'PING\r\nECHO "a b"\r\n*2\r\n$4\r\nECHO\r\n$1\r\nz\r\n', (s) => s.endsWith('$1\r\nz\r\n'));
    expect(a.reply).toBe('+PONG\r\n$3\r\na b\r\n$1\r\nz\r\n');
  });

  it('HELLO 3 switches to RESP3', async () => {
    const a = await rawExchange(t.srv.port, 'HELLO 3\r\n', (s) => s.includes('modules'));
    expect(a.reply.startsWith('%7\r\n')).toBe(true);
    const b = await rawExchange(t.srv.port, 'HELLO 4\r\n');
    expect(b.reply).toBe('-NOPROTO unsupported protocol version\r\n');
  });
});
