import { afterEach, describe, expect, it } from 'vitest';
import { type Pair, type RawConn, rawConn, resp, usePair } from '../support/paired.js';

/**
 * CLIENT REPLY and CLIENT TRACKING scenarios run step by step on our server and on redis-server
 * with raw connections; the byte transcripts must be identical. Each step ends with a PING on
 * the observing connection, so pushes that a step caused are read before its +PONG.
 */
type Step = [conn: number, data: string] | [conn: number, data: string, until: 'pong' | 'ok' | 'int' | 'none'];

/** PING's answer in RESP2 subscribed mode. */
const SUB_PONG = '*2\r\n$4\r\npong\r\n$0\r\n\r\n';

const ends: Record<string, (s: string) => boolean> = {
  pong: (s) => s.endsWith('+PONG\r\n') || s.endsWith(SUB_PONG),
  ok: (s) => s.endsWith('+OK\r\n'),
  int: (s) => /:\d+\r\n$/.test(s),
  none: () => true,
};

describe('CLIENT REPLY and CLIENT TRACKING, ours vs redis-server', () => {
  const p: Pair = usePair();
  const open: RawConn[] = [];
  afterEach(() => {
    for (const c of open) c.close();
    open.length = 0;
  });

  async function transcript(port: number, nconns: number, steps: Step[]): Promise<string[]> {
    const conns: RawConn[] = [];
    for (let i = 0; i < nconns; i++) {
      const c = await rawConn(port);
      conns.push(c);
      open.push(c);
    }
    // Client ids differ between servers: each connection learns its own (CLIENT ID) for REDIRECT.
    const ids: string[] = [];
    for (const c of conns) ids.push((await c.send(resp('CLIENT', 'ID'), ends.int!)).slice(1, -2));
    const out: string[] = [];
    for (const [i, data0, until] of steps) {
      const data = data0.replace(/\$4\r\n\$ID(\d)\r\n/g, (_m, k: string) => `$${ids[Number(k)]!.length}\r\n${ids[Number(k)]}\r\n`);
      const c = conns[i]!;
      if (until === 'none') {
        c.send(data, () => true);
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      out.push(`${i}> ${data0.replace(/\r\n/g, ' ')}`);
      // A second PING: broadcasts go out at the end of the event-loop turn, after the first PONG.
      const got = (await c.send(data + resp('PING'), (s) => s.includes('+PONG\r\n') || s.includes(SUB_PONG))) + (await c.send(resp('PING'), ends.pong!));
      let masked = got.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
      // Client ids differ between the servers: a line that is exactly one of them is masked.
      if (!data0.includes('HELLO')) {
        for (const [k, id] of ids.entries()) masked = masked.replace(new RegExp(`(?<=^|\\n):${id}\\r\\n`, 'g'), `:ID${k}\r\n`);
      }
      out.push(masked);
    }
    for (const c of conns) c.close();
    return out;
  }

  async function same(nconns: number, steps: Step[]): Promise<string[]> {
    await p.ours.r.flushall();
    await p.redis.r.flushall();
    const a = await transcript(p.ours.srv.port, nconns, steps);
    const b = await transcript(p.redis.srv.port, nconns, steps);
    expect(a).toEqual(b);
    return a;
  }

  it('CLIENT REPLY OFF/SKIP/ON and errors', async () => {
    const t = await same(1, [
      [0, resp('CLIENT', 'REPLY', 'SKIP') + resp('SET', 'a', '1') + resp('GET', 'a')],
      [0, resp('CLIENT', 'REPLY', 'SKIP') + resp('NOSUCHCMD')],
      [
        0,
        resp('CLIENT', 'REPLY', 'OFF') +
          resp('SET', 'a', '2') +
          resp('GET', 'a') +
          resp('CLIENT', 'REPLY', 'SKIP') +
          resp('CLIENT', 'REPLY', 'ON') +
          resp('GET', 'a'),
      ],
      [0, resp('CLIENT', 'REPLY', 'MAYBE') + resp('CLIENT', 'REPLY')],
    ]);
    expect(t[1]).toBe('$1\r\n1\r\n+PONG\r\n+PONG\r\n');
  });

  it('default mode (RESP3): reads are tracked, a change by another client invalidates once, FLUSHALL sends null', async () => {
    const t = await same(2, [
      [0, resp('HELLO', '3').replace('HELLO', 'HELLO'), 'pong'],
      [0, resp('CLIENT', 'TRACKING', 'ON') + resp('GET', 'k') + resp('MGET', 'm1', 'm2')],
      [1, resp('SET', 'k', 'v') + resp('SET', 'k', 'w') + resp('MSET', 'm1', 'x', 'zz', 'y')],
      [0, ''],
      [0, resp('HGETALL', 'h') + resp('CLIENT', 'TRACKINGINFO') + resp('CLIENT', 'GETREDIR')],
      [1, resp('HSET', 'h', 'f', 'v')],
      [0, resp('SET', 'own', 'x') + resp('GET', 'own') + resp('DEL', 'own')],
      [0, resp('GET', 'k')],
      [1, resp('FLUSHALL')],
      [0, resp('CLIENT', 'TRACKING', 'OFF') + resp('CLIENT', 'TRACKINGINFO') + resp('CLIENT', 'GETREDIR')],
    ]);
    expect(t.join('')).toContain('>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n');
  });

  it('NOLOOP, OPTIN/CLIENT CACHING, OPTOUT', async () => {
    await same(2, [
      [0, resp('HELLO', '3')],
      [0, resp('CLIENT', 'TRACKING', 'ON', 'NOLOOP') + resp('GET', 'a') + resp('SET', 'a', '1') + resp('GET', 'b')],
      [1, resp('SET', 'b', '1')],
      [
        0,
        resp('CLIENT', 'TRACKING', 'OFF') +
          resp('CLIENT', 'TRACKING', 'ON', 'OPTIN') +
          resp('GET', 'x') +
          resp('CLIENT', 'CACHING', 'YES') +
          resp('GET', 'y') +
          resp('GET', 'z'),
      ],
      [0, resp('CLIENT', 'TRACKINGINFO')],
      [1, resp('MSET', 'x', '1', 'y', '2', 'z', '3')],
      [0, resp('CLIENT', 'CACHING', 'NO') + resp('CLIENT', 'TRACKING', 'ON', 'OPTOUT')],
      [
        0,
        resp('CLIENT', 'TRACKING', 'OFF') + resp('CLIENT', 'TRACKING', 'ON', 'OPTOUT') + resp('CLIENT', 'CACHING', 'NO') + resp('GET', 'x') + resp('GET', 'y'),
      ],
      [1, resp('MSET', 'x', '1', 'y', '2')],
      [0, resp('CLIENT', 'CACHING', 'YES') + resp('CLIENT', 'CACHING', 'MAYBE')],
    ]);
  });

  it('BCAST with prefixes, NOLOOP broadcast, RESP2 REDIRECT to a __redis__:invalidate subscriber, broken redirect', async () => {
    await same(3, [
      [0, resp('HELLO', '3')],
      [0, resp('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'job:')],
      [1, resp('SET', 'user:1', 'a') + resp('SET', 'other', 'b') + resp('MSET', 'job:9', 'x', 'user:2', 'y')],
      [0, resp('CLIENT', 'TRACKINGINFO')],
      [0, resp('SET', 'user:3', 'mine')],
      [0, resp('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'us')],
      [0, resp('CLIENT', 'TRACKING', 'ON', 'PREFIX', 'x')],
      [0, resp('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab')],
      [0, resp('CLIENT', 'TRACKING', 'ON', 'BCAST', 'OPTIN')],
      [0, resp('CLIENT', 'TRACKING', 'ON')],
      [0, resp('CLIENT', 'TRACKING', 'OFF') + resp('CLIENT', 'TRACKING', 'ON', 'BCAST', 'NOLOOP')],
      [0, resp('SET', 'n1', 'mine')],
      [1, resp('SET', 'n2', 'theirs')],
      [0, resp('CLIENT', 'TRACKING', 'OFF')],
      [2, resp('SUBSCRIBE', '__redis__:invalidate'), 'none'],
      [1, resp('CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$ID2') + resp('GET', 'r') + resp('CLIENT', 'GETREDIR')],
      [0, resp('SET', 'r', '1')],
      [2, ''],
      [1, resp('CLIENT', 'TRACKING', 'ON', 'REDIRECT', '999999')],
      [1, resp('CLIENT', 'TRACKING', 'ON', 'REDIRECT', '$ID0', 'REDIRECT', '$ID0')],
    ]);
  });
});
