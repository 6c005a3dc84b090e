import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../support/redis.js';
import { type RunningSentinel, type SentinelKind, sentinelClient, startSentinel, waitFor } from '../support/sentinels.js';
import { type RunningServer, startServer } from '../support/servers.js';

/**
 * ioredis in Sentinel mode against our sentinels and our nodes: it finds the master through
 * SENTINEL GET-MASTER-ADDR-BY-NAME, keeps writing while the master is SIGKILLed, and its writes
 * land on the new master once the sentinels have failed over; +switch-master is published as
 * Sentinel-aware clients expect it. (ioredis's optional `failoverDetector` is left out: a
 * +switch-master arriving while its reconnect loop runs leaves it closed for good, whichever
 * sentinel publishes it — an ioredis race, not a sentinel behaviour.)
 */

const servers: RunningServer[] = [];
const sentinels: RunningSentinel[] = [];
const clients: Redis[] = [];

afterEach(async () => {
  for (const c of clients) c.disconnect();
  clients.length = 0;
  for (const s of sentinels) await s.stop();
  sentinels.length = 0;
  for (const s of servers) await s.stop();
  servers.length = 0;
});

async function writesThroughFailover(kind: SentinelKind): Promise<void> {
  const master = await startServer('splitbrain');
  servers.push(master);
  for (let i = 0; i < 2; i++) servers.push(await startServer('splitbrain', ['--replicaof', '127.0.0.1', String(master.port)]));
  for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(kind, { master: { port: master.port }, quorum: 2 }));
  await waitFor('discovery', async () => {
    for (const s of sentinels) {
      const c = sentinelClient(s.port);
      try {
        const replicas = (await c.call('SENTINEL', 'REPLICAS', 'mymaster')) as unknown[];
        const others = (await c.call('SENTINEL', 'SENTINELS', 'mymaster')) as unknown[];
        if (replicas.length !== 2 || others.length !== 2) return undefined;
      } finally {
        c.disconnect();
      }
    }
    return true;
  });
  const app = new Redis({
    sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    name: 'mymaster',
    maxRetriesPerRequest: 1,
    retryStrategy: () => 100,
    sentinelRetryStrategy: () => 100,
  });
  clients.push(app);
  app.on('error', () => {}); // connection refused while the master is down is expected here
  const portOf = (): number | undefined => app.stream?.remotePort;
  let acked = 0;
  let failed = 0;
  let i = 0;
  const write = async (): Promise<number | undefined> => {
    const v = ++i;
    try {
      await app.set('k', String(v));
      acked = v;
      return portOf();
    } catch {
      failed++;
      return undefined;
    }
  };
  await waitFor('first write', write);
  expect(portOf()).toBe(master.port);
  for (let n = 0; n < 20; n++) await write();
  expect(failed).toBe(0);
  // What Sentinel-aware clients listen to: +switch-master <name> <old ip> <old port> <new ip> <new port>.
  const sub = sentinelClientFor(sentinels[0]!);
  const switched = new Promise<string>((resolve) => sub.on('message', (_ch: string, msg: string) => resolve(msg)));
  await sub.subscribe('+switch-master');
  await master.stop('SIGKILL');
  // Keep writing until writes succeed on another node.
  const newPort = await waitFor(
    'writes on the new master',
    async () => {
      const p = await write();
      return p !== undefined && p !== master.port ? p : undefined;
    },
    90_000,
  );
  // The leader names the promoted replica before the others have its hello, and under load a
  // sentinel that missed the election can legitimately run a second failover (seen with real
  // redis-sentinel in CI): so wait for the settled state — every sentinel names one master, and the
  // client's writes land there — rather than comparing with the first node that took a write.
  const asked = sentinels.map(sentinelClientFor);
  const agreed = await waitFor(
    'the sentinels agree and the client writes to that master',
    async () => {
      const named = await Promise.all(asked.map(async (c) => Number(((await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[])[1])));
      if (new Set(named).size !== 1 || named[0] === master.port) return undefined;
      return (await write()) === named[0] ? named[0] : undefined;
    },
    90_000,
  );
  expect(servers.some((s) => s.port === newPort && s !== master)).toBe(true);
  failed = 0;
  for (let n = 0; n < 20; n++) await write();
  expect(failed).toBe(0);
  // The agreed master is a master and holds the last acknowledged write.
  const direct = client(agreed);
  clients.push(direct);
  expect(((await direct.call('ROLE')) as string[])[0]).toBe('master');
  expect(await direct.get('k')).toBe(String(acked));
  // The first +switch-master a client hears: from the killed master to one of its replicas.
  const replicaPorts = servers.filter((s) => s !== master).map((s) => s.port);
  const [name, , from, , to] = (await switched).split(' ');
  expect([name, Number(from)]).toEqual(['mymaster', master.port]);
  expect(replicaPorts).toContain(Number(to));
}

function sentinelClientFor(s: RunningSentinel): Redis {
  const c = sentinelClient(s.port);
  clients.push(c);
  return c;
}

describe('ioredis Sentinel clients', () => {
  it('write through a failover and reconnect to the new master', async () => {
    await writesThroughFailover('splitbrain');
  }, 150_000);
});
