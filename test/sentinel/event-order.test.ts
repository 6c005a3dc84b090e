import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/load.js';
import type { QueuedDirective } from '../../server/sentinel/directives.js';
import { SRI } from '../../server/sentinel/instance.js';
import type { SentinelShell } from '../../server/sentinel/shell.js';
import { startSentinel } from '../../server/sentinel/start.js';
import type { Server } from '../../server/server.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/sentinels.js';
import { type RunningServer, startServer } from '../support/servers.js';

/**
 * Our sentinel's timer sees the replies that are already waiting, as Redis's event loop does (ae
 * handles the ready file events before a due timer; Node runs due timers before it polls). The
 * sentinel runs in this process so the test can stall its event loop: a PING is in flight, the
 * master answers, and the loop stays busy until that PING is older than down-after-milliseconds.
 * The PONG has been waiting since before the timer fell due, so the master is not subjectively down.
 */

let master: RunningServer | undefined;
let sentinel: { server: Server; shell: SentinelShell } | undefined;

afterAll(async () => {
  await sentinel?.server.close();
  await master?.stop();
});

it('reads the waiting PONG before the timer judges the master (no +sdown after a stall)', async () => {
  master = await startServer('redis');
  const dir = mkdtempSync(join(tmpdir(), 'sb-sentinel-order-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${await freePort()}`,
      'bind 127.0.0.1',
      `logfile ${join(dir, 'sentinel.log')}`,
      `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
      'sentinel down-after-milliseconds mymaster 1000',
      '',
    ].join('\n'),
  );
  const queue: QueuedDirective[] = [];
  const config = loadConfig([conf], undefined, {
    directives: { sentinel: (argv, lineNo, line) => queue.push({ argv, lineNo, line }) },
  });
  sentinel = await startSentinel(config, queue);
  const m = sentinel.shell.brain.masters.get('mymaster')!;
  await waitFor('a PONG from the master', async () => (!m.link.disconnected && m.link.actPingTime === 0 && m.runid !== null ? true : undefined));

  // Hold the master until the sentinel has a PING in flight; let it answer only once our event
  // loop is stalled (in the check phase, as a slow callback would), and stay stalled past
  // down-after: the timer falls due while the PONG waits in the socket.
  process.kill(master.pid, 'SIGSTOP');
  let stopped = true;
  try {
    const deadline = Date.now() + 10_000;
    while (m.link.actPingTime === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const pingSent = m.link.actPingTime;
    expect(pingSent).not.toBe(0);
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        process.kill(master!.pid, 'SIGCONT');
        stopped = false;
        while (Date.now() - pingSent <= m.downAfterPeriod + 300) {
          /* busy */
        }
        resolve();
      }),
    );
  } finally {
    if (stopped) process.kill(master.pid, 'SIGCONT');
  }
  await waitFor('the PONG read', async () => (m.link.actPingTime === 0 ? true : undefined), 10_000);
  expect(m.flags & SRI.S_DOWN).toBe(0);
  expect(m.sDownSinceTime).toBe(0);
}, 60_000);
