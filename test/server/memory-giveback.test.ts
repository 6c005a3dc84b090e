import { afterAll, beforeAll, expect, it } from 'vitest';
import { client } from '../support/redis.js';
import { waitFor } from '../support/sentinels.js';
import { type RunningServer, startServer } from '../support/servers.js';

// Issue 14: a large value's memory must go back to the OS once the value is deleted, and INFO
// must say so. V8 frees garbage only when it collects; the server asks it to after large frees.
let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer('splitbrain', ['--save', '', '--appendonly', 'no']);
});
afterAll(async () => srv?.stop());

function field(info: string, name: string): number {
  const m = info.match(new RegExp(`^${name}:(\\d+)`, 'm'));
  return Number(m?.[1] ?? Number.NaN);
}

it('gives a deleted 128 MB value back: used_memory and used_memory_rss return near the start', async () => {
  const r = client(srv.port);
  try {
    const start = await r.info('memory');
    const baseRss = field(start, 'used_memory_rss');
    await r.set('big', Buffer.alloc(128 * 1024 * 1024, 97));
    const loaded = await r.info('memory');
    expect(field(loaded, 'used_memory')).toBeGreaterThan(128 * 1024 * 1024);
    await r.del('big');
    const rss = await waitFor(
      'RSS back within 48 MB of the start',
      async () => {
        const v = field(await r.info('memory'), 'used_memory_rss');
        return v < baseRss + 48 * 1024 * 1024 ? v : undefined;
      },
      30_000,
    );
    expect(rss).toBeLessThan(baseRss + 48 * 1024 * 1024);
    expect(field(await r.info('memory'), 'used_memory')).toBeLessThan(8 * 1024 * 1024);
  } finally {
    r.disconnect();
  }
});
