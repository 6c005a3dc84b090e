import net from 'node:net';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { ex, type SharedServer, useServer } from './differential.js';
import { rawExchange } from './redis.js';

/** Our server and redis-server side by side, for tests that compare replies rather than spell them out. */
export interface Pair {
  readonly ours: SharedServer;
  readonly redis: SharedServer;
}

export function usePair(extra: string[] = []): Pair {
  return { ours: useServer('splitbrain', extra), redis: useServer('redis', extra) };
}

/** Run each command on both servers (in order) and expect identical replies, errors included. */
export async function expectSameReplies(p: Pair, commands: (string | number)[][], mask?: (cmd: (string | number)[], reply: unknown) => unknown): Promise<void> {
  for (const cmd of commands) {
    const a = await ex(p.ours.r, ...cmd);
    const b = await ex(p.redis.r, ...cmd);
    const m = mask ?? ((_c, r) => r);
    expect({ cmd: cmd.join(' '), reply: m(cmd, a) }).toEqual({ cmd: cmd.join(' '), reply: m(cmd, b) });
  }
}

/** Both servers' raw reply bytes for a raw request (RESP3 checks), until `until` matches. */
export async function rawBoth(p: Pair, data: string, until: (s: string) => boolean): Promise<[string, string]> {
  const a = await rawExchange(p.ours.srv.port, data, until);
  const b = await rawExchange(p.redis.srv.port, data, until);
  return [a.reply, b.reply];
}

/** Run commands on one side only (setup that must not be compared), returning the replies. */
export async function run(r: Redis, commands: (string | number)[][]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const c of commands) out.push(await ex(r, ...c));
  return out;
}

/** A raw RESP connection kept open across steps (multi-client protocol scenarios). */
export interface RawConn {
  /** Send raw bytes and collect everything received until `until` holds for the collected text. */
  send(data: string, until: (s: string) => boolean): Promise<string>;
  close(): void;
}

export async function rawConn(port: number): Promise<RawConn> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((res, rej) => {
    sock.once('connect', () => res());
    sock.once('error', rej);
  });
  let buf = '';
  let waiter: (() => void) | null = null;
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    waiter?.();
  });
  return {
    send(data, until) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = null;
          reject(new Error(`no matching reply to ${JSON.stringify(data)}; got ${JSON.stringify(buf)}`));
        }, 10000);
        waiter = () => {
          if (!until(buf)) return;
          clearTimeout(timer);
          waiter = null;
          const out = buf;
          buf = '';
          resolve(out);
        };
        if (data) sock.write(data, 'latin1');
        else waiter();
      });
    },
    close() {
      sock.destroy();
    },
  };
}

/** RESP of a command (for rawConn). */
export function resp(...args: (string | number)[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args.map(String)) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}
