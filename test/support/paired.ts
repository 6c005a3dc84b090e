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
