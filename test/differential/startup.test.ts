import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REDIS_SERVER, SERVER_KINDS, type ServerKind, SPLITBRAIN_SERVER } from '../support/servers.js';

function run(kind: ServerKind, args: string[]) {
  const [file, pre] = kind === 'redis' ? [REDIS_SERVER, []] : [process.execPath, [SPLITBRAIN_SERVER]];
  return execa(file, [...pre, ...args], { reject: false, all: true, timeout: 10_000 });
}

// Bad configuration fails at startup, with Redis's message format, on both servers.
describe.each(SERVER_KINDS)('startup configuration errors on %s', (kind) => {
  it('an invalid value names the line and the reason', async () => {
    const r = await run(kind, ['--port', 'abc']);
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/\*\*\* FATAL CONFIG FILE ERROR \(Redis [\d.]+\) \*\*\*/);
    expect(r.all).toMatch(/>>> 'port "?abc"?'/);
    expect(r.all).toMatch(/argument couldn't be parsed into an integer/);
  });

  it('an unknown option is a bad directive', async () => {
    const r = await run(kind, ['--no-such-option', 'x']);
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/Bad directive or wrong number of arguments/);
  });

  it('errors in a config file report the file line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-conf-'));
    const f = join(dir, 'redis.conf');
    writeFileSync(f, '# comment\nport 7777\nmaxmemory-policy sometimes\n');
    const r = await run(kind, [f]);
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/at line 3/);
    expect(r.all).toMatch(/>>> 'maxmemory-policy sometimes'/);
    expect(r.all).toMatch(
      /argument\(s\) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction/,
    );
  });

  it('a yes/no option refuses other words', async () => {
    const r = await run(kind, ['--appendonly', 'maybe']);
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/argument must be 'yes' or 'no'/);
  });
});
