import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startClusterNode } from '../support/cluster.js';
import { rawExchange } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

/**
 * A cluster command's nodes.conf save comes before the replies of its event-loop turn (Redis's
 * beforeSleep runs clusterBeforeSleep before handleClientsWithPendingWrites; ours, the
 * Hooks.beforeFlush of the cluster shell), so no client holds a reply to a config change that was
 * not saved. A save that fails makes the order visible: the node exits (clusterSaveConfigOrDie)
 * before anything of that turn is written — even the reply to a PING pipelined ahead of it.
 */
describe.each(SERVER_KINDS)('%s: a nodes.conf save that fails', (kind) => {
  it('ends the process before any reply of its turn goes out', async () => {
    const srv = await startClusterNode(kind);
    try {
      const exited = new Promise<number | null>((r) => srv.proc.once('exit', (code) => r(code)));
      // Its directory gone, the next save cannot create its file (ENOENT).
      rmSync(srv.dir, { recursive: true, force: true });
      const { reply, closed } = await rawExchange(srv.port, 'PING\r\nCLUSTER ADDSLOTS 1\r\n', undefined, 30_000);
      expect(reply).toBe('');
      expect(closed).toBe(true);
      expect(await exited).toBe(1);
      expect(srv.output()).toContain("Fatal: can't update cluster config file.");
    } finally {
      await srv.stop();
    }
  });
});
