import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../checkers/util/prng.js';
import { useServer } from '../support/differential.js';

/**
 * Protocol fuzzing: 100k+ random and mutated RESP frames over many connections. The server must
 * never crash, must answer protocol errors, and a well-behaved client on another connection must
 * keep getting correct answers throughout.
 */
const FRAMES = 120_000;
const CONNECTIONS = 40;

function validFrame(rng: Prng): string {
  const cmds = [
    ['PING'],
    ['ECHO', 'x'.repeat(rng.int(50))],
    ['SET', `k${rng.int(100)}`, String(rng.int(1000))],
    ['GET', `k${rng.int(100)}`],
    ['DEL', `k${rng.int(100)}`],
    ['INCR', `c${rng.int(10)}`],
    ['LPUSH', `l${rng.int(10)}`, 'v'],
  ];
  const argv = rng.pick(cmds);
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

function mutate(rng: Prng, frame: string): string {
  const b = Buffer.from(frame, 'latin1');
  switch (rng.int(7)) {
    case 0: // flip a byte
      b[rng.int(b.length)] = rng.int(256);
      return b.toString('latin1');
    case 1: // truncate
      return frame.slice(0, rng.int(frame.length));
    case 2: // bogus lengths
      return frame.replace(/\$(\d+)/, () => `$${rng.pick(['-5', 'x', '99999999999', '', '1a', '0'])}`);
    case 3: // bogus multibulk counts
      return frame.replace(/^\*(\d+)/, () => `*${rng.pick(['-1', 'abc', '9999999999', '0', '3'])}`);
    case 4: // random garbage
      return Array.from({ length: rng.int(64) }, () => String.fromCharCode(rng.int(256))).join('');
    case 5: // inline with quotes
      return rng.pick(['PING "unbalanced\r\n', "SET 'a' 'b\r\n", 'ECHO "\\x4g"\r\n', '\r\n\r\n', 'GET a b c d\r\n']);
    default: // wrong type marker
      return frame.replace('$', rng.pick(['+', ':', '-', '*', '!']));
  }
}

describe('protocol fuzzing', () => {
  const t = useServer('splitbrain');

  it(`survives ${FRAMES} random and mutated frames while a good client keeps working`, async () => {
    const rng = new Prng(7);
    let sent = 0;
    let protocolErrors = 0;
    let goodChecks = 0;
    const perConn = Math.ceil(FRAMES / CONNECTIONS);
    // The well-behaved client checks a round-trip invariant continuously.
    let stop = false;
    const good = (async () => {
      for (let i = 0; !stop; i++) {
        await t.r.set('good:key', String(i));
        expect(await t.r.get('good:key')).toBe(String(i));
        expect(await t.r.echo(`e${i}`)).toBe(`e${i}`);
        goodChecks++;
      }
    })();
    const conns = Array.from(
      { length: CONNECTIONS },
      (_, ci) =>
        new Promise<void>((resolve) => {
          const crng = rng.fork(`conn${ci}`);
          const sock = net.connect(t.srv.port, '127.0.0.1');
          let reply = '';
          sock.on('data', (d) => {
            reply += d.toString('latin1');
            if (reply.length > 1 << 16) reply = reply.slice(-1024);
          });
          const finish = () => {
            protocolErrors += (reply.match(/-ERR Protocol error/g) ?? []).length;
            sock.destroy();
            resolve();
          };
          sock.on('close', finish);
          sock.on('error', finish);
          sock.on('connect', () => {
            // Mostly valid frames with mutated ones mixed in: a mutated frame usually ends the
            // connection (as in Redis), so reconnect-free we send a batch and let the server judge it.
            let batch = '';
            for (let i = 0; i < perConn; i++) {
              const f = validFrame(crng);
              batch += crng.next() < 0.3 ? mutate(crng, f) : f;
              sent++;
            }
            sock.end(batch, 'latin1');
          });
        }),
    );
    await Promise.all(conns);
    // And many short connections each with one mutated frame.
    for (let i = 0; i < 300; i++) {
      await new Promise<void>((resolve) => {
        const sock = net.connect(t.srv.port, '127.0.0.1');
        let reply = '';
        sock.on('data', (d) => (reply += d.toString('latin1')));
        sock.on('connect', () => sock.end(mutate(rng, validFrame(rng)), 'latin1'));
        sock.on('close', () => {
          protocolErrors += (reply.match(/-ERR Protocol error/g) ?? []).length;
          resolve();
        });
        sock.on('error', () => resolve());
        sent++;
      });
    }
    stop = true;
    await good;
    expect(sent).toBeGreaterThanOrEqual(FRAMES);
    expect(protocolErrors).toBeGreaterThan(0);
    expect(goodChecks).toBeGreaterThan(0);
    // Still alive and correct.
    expect(t.srv.proc.exitCode).toBe(null);
    expect(await t.r.ping()).toBe('PONG');
    expect(t.srv.output()).not.toMatch(/TypeError|RangeError|uncaught/i);
  });
});
