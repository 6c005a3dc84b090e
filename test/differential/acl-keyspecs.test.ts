import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/redis.js';
import { type RunningServer, startServer } from '../support/servers.js';

/**
 * Generated from the command table: for every command and subcommand our server has, an
 * invocation whose arguments all look like keys (`k:1 k:2 ...`, or a hand-written one for commands
 * whose keys depend on the syntax) is checked with ACL DRYRUN for users that may read, write,
 * read and write, or not touch the `k*` keys and channels, on our server and on redis-server. The
 * replies must be the same: every command applies its key patterns (and read vs write access)
 * as Redis's key specs say.
 */

/** Invocations for commands whose key positions depend on their arguments (movablekeys). */
const SAMPLES: Record<string, string[][]> = {
  sort: [
    ['sort', 'k:1'],
    ['sort', 'k:1', 'LIMIT', '0', '1', 'STORE', 'k:2'],
  ],
  sort_ro: [['sort_ro', 'k:1']],
  zunionstore: [['zunionstore', 'k:d', '2', 'k:1', 'k:2']],
  zinterstore: [['zinterstore', 'k:d', '2', 'k:1', 'k:2']],
  zdiffstore: [['zdiffstore', 'k:d', '2', 'k:1', 'k:2']],
  zunion: [['zunion', '2', 'k:1', 'k:2']],
  zinter: [['zinter', '2', 'k:1', 'k:2']],
  zdiff: [['zdiff', '2', 'k:1', 'k:2']],
  zintercard: [['zintercard', '2', 'k:1', 'k:2']],
  sintercard: [['sintercard', '2', 'k:1', 'k:2']],
  lmpop: [['lmpop', '2', 'k:1', 'k:2', 'LEFT']],
  blmpop: [['blmpop', '0', '2', 'k:1', 'k:2', 'LEFT']],
  zmpop: [['zmpop', '2', 'k:1', 'k:2', 'MIN']],
  bzmpop: [['bzmpop', '0', '2', 'k:1', 'k:2', 'MIN']],
  xread: [
    ['xread', 'COUNT', '1', 'STREAMS', 'k:1', 'k:2', '0', '0'],
    ['xread', 'STREAMS', 'z:1', '0'],
  ],
  xreadgroup: [['xreadgroup', 'GROUP', 'g', 'c', 'STREAMS', 'k:1', 'k:2', '>', '>']],
  eval: [['eval', 'return 1', '2', 'k:1', 'k:2', 'arg']],
  evalsha: [['evalsha', 'a'.repeat(40), '1', 'k:1']],
  eval_ro: [['eval_ro', 'return 1', '1', 'k:1']],
  evalsha_ro: [['evalsha_ro', 'a'.repeat(40), '2', 'k:1', 'z:1']],
  fcall: [['fcall', 'f', '2', 'k:1', 'k:2']],
  fcall_ro: [['fcall_ro', 'f', '1', 'k:1']],
  migrate: [
    ['migrate', '127.0.0.1', '1', 'k:1', '0', '1000'],
    ['migrate', '127.0.0.1', '1', '', '0', '1000', 'COPY', 'KEYS', 'k:1', 'k:2'],
  ],
};

/** Extra invocations for commands whose key access depends on their arguments. */
const VARIANTS: Record<string, string[][]> = {
  set: [['set', 'k:1', 'v', 'GET']],
};

/** Users whose rules differ only in what they may do with keys and channels named k*. */
const USERS: Record<string, string[]> = {
  readwrite: ['~k*', '&k*'],
  read: ['%R~k*', '&k*'],
  write: ['%W~k*', '&k*'],
  other: ['~z*', '&z*'],
  selectors: ['~z*', '&z*', '(%R~k* +@read)', '(%W~k* &k* +@write -lpop)'],
};

interface CommandEntry {
  fullname: string;
  arity: number;
  flags: string[];
}

function parseCommands(reply: unknown[]): CommandEntry[] {
  const out: CommandEntry[] = [];
  const walk = (c: unknown[]): void => {
    out.push({ fullname: String(c[0]), arity: Number(c[1]), flags: (c[2] as string[]).map(String) });
    for (const s of (c[9] as unknown[][] | undefined) ?? []) walk(s);
  };
  for (const c of reply) walk(c as unknown[]);
  return out;
}

/** `k:1 k:2 ...`: as many arguments as the arity asks for, two more for variadic commands. */
function generic(cmd: CommandEntry): string[] {
  const words = cmd.fullname.split('|');
  const n = cmd.arity > 0 ? cmd.arity : -cmd.arity + 2;
  const argv = [...words];
  for (let i = argv.length; i < n; i++) argv.push(`k:${i}`);
  return argv;
}

async function dryrun(r: Redis, user: string, argv: string[]): Promise<string> {
  try {
    return String(await r.call('ACL', 'DRYRUN', user, ...argv));
  } catch (e) {
    return `ERR ${(e as Error).message}`;
  }
}

describe('ACL key and channel rules for every command in the table (DRYRUN, ours vs redis-server)', () => {
  let ours: RunningServer;
  let redis: RunningServer;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    [ours, redis] = await Promise.all([startServer('splitbrain'), startServer('redis')]);
    a = client(ours.port);
    b = client(redis.port);
    for (const r of [a, b]) for (const [name, rules] of Object.entries(USERS)) await r.call('ACL', 'SETUSER', name, 'on', 'nopass', '+@all', ...rules);
  });
  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await Promise.all([ours?.stop(), redis?.stop()]);
  });

  it('gives the same verdict for every command, user and key access', async () => {
    const commands = parseCommands((await a.call('COMMAND')) as unknown[]);
    const known = new Set(parseCommands((await b.call('COMMAND')) as unknown[]).map((c) => c.fullname));
    const cases: string[][] = [];
    const missingSamples: string[] = [];
    for (const cmd of commands) {
      if (!known.has(cmd.fullname)) continue; // ours only (none in Redis 7.0 to compare with)
      if (cmd.flags.includes('movablekeys') && !SAMPLES[cmd.fullname]) missingSamples.push(cmd.fullname);
      cases.push(...(SAMPLES[cmd.fullname] ?? [generic(cmd)]), ...(VARIANTS[cmd.fullname] ?? []));
    }
    expect(missingSamples, 'movablekeys commands need a hand-written invocation in SAMPLES').toEqual([]);
    expect(cases.length).toBeGreaterThan(200);
    const diffs: string[] = [];
    let denied = 0;
    for (const user of Object.keys(USERS)) {
      const [ra, rb] = await Promise.all([Promise.all(cases.map((c) => dryrun(a, user, c))), Promise.all(cases.map((c) => dryrun(b, user, c)))]);
      for (let i = 0; i < cases.length; i++) {
        if (ra[i] !== rb[i]) diffs.push(`${user} ${cases[i]!.join(' ')}: ours ${ra[i]} / redis ${rb[i]}`);
        if (rb[i] !== 'OK') denied++;
      }
    }
    expect(diffs).toEqual([]);
    // The cases do exercise refusals (keys outside the patterns, writes for read-only users ...).
    expect(denied).toBeGreaterThan(300);
  });
});
