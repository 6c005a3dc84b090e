import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../support/redis.js';
import { type RunningSentinel, sentinelClient, startSentinel, waitFor } from '../support/sentinels.js';
import { type RunningServer, startServer } from '../support/servers.js';

/**
 * Real redis-sentinel managing splitbrain-server nodes that run with ACL users, as a secured
 * deployment does: the default user has a password, the sentinels log in as `sentinel-user`
 * (sentinel auth-user/auth-pass) with only the commands a sentinel sends, and the replicas
 * replicate as `repl` (masteruser/masterauth) — from whichever node is master.
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

const NODE_ACL = [
  '--requirepass',
  'adminpw',
  '--user',
  'repl',
  'on',
  '>replpw',
  '+psync',
  '+replconf',
  '+ping',
  '--user',
  'sentinel-user',
  'on',
  '>sentinelpw',
  'allchannels',
  '+multi',
  '+slaveof',
  '+ping',
  '+exec',
  '+subscribe',
  '+config|rewrite',
  '+role',
  '+publish',
  '+info',
  '+client|setname',
  '+client|kill',
  '--masteruser',
  'repl',
  '--masterauth',
  'replpw',
  '--repl-diskless-sync-delay',
  '0',
];

function admin(port: number): Redis {
  const c = client(port, { password: 'adminpw' });
  clients.push(c);
  return c;
}

describe('redis-sentinel with auth-user/auth-pass over splitbrain-server nodes with ACL users', () => {
  it('discovers, fails over the master after SIGKILL, and the replicas follow the new master as the repl user', async () => {
    const master = await startServer('splitbrain', NODE_ACL);
    servers.push(master);
    for (let i = 0; i < 2; i++) servers.push(await startServer('splitbrain', [...NODE_ACL, '--replicaof', '127.0.0.1', String(master.port)]));
    await admin(master.port).set('before', '1');
    for (const r of servers.slice(1))
      await waitFor('the replicas synced as repl', async () => ((await admin(r.port).get('before')) === '1' ? true : undefined));
    for (let i = 0; i < 3; i++) {
      sentinels.push(
        await startSentinel('redis', {
          master: { port: master.port },
          quorum: 2,
          lines: ['sentinel auth-user mymaster sentinel-user', 'sentinel auth-pass mymaster sentinelpw'],
        }),
      );
    }
    const sc = sentinels.map((s) => {
      const c = sentinelClient(s.port);
      clients.push(c);
      return c;
    });
    try {
      await waitFor('discovery', async () => {
        for (const c of sc) {
          const replicas = (await c.call('SENTINEL', 'REPLICAS', 'mymaster')) as unknown[];
          const others = (await c.call('SENTINEL', 'SENTINELS', 'mymaster')) as unknown[];
          if (replicas.length !== 2 || others.length !== 2) return undefined;
        }
        return true;
      });
      // The sentinels are connected as sentinel-user and were never refused.
      expect(String(await admin(master.port).call('CLIENT', 'LIST'))).toMatch(/ user=sentinel-user /);
      expect(await admin(master.port).call('ACL', 'LOG')).toEqual([]);
      await master.stop('SIGKILL');
      const newPort = await waitFor('all sentinels agree on a new master', async () => {
        const addrs = await Promise.all(sc.map((c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster') as Promise<[string, string]>));
        const ports = new Set(addrs.map((a) => Number(a[1])));
        if (ports.size !== 1 || ports.has(master.port)) return undefined;
        const port = [...ports][0]!;
        return ((await admin(port).call('ROLE')) as [string])[0] === 'master' ? port : undefined;
      });
      const nm = admin(newPort);
      expect(await nm.get('before')).toBe('1');
      await nm.set('after', '2');
      const other = servers.find((s) => s !== master && s.port !== newPort)!;
      await waitFor('the other replica follows the new master', async () => {
        const o = admin(other.port);
        const role = (await o.call('ROLE')) as [string, string, number, string];
        return role[0] === 'slave' && Number(role[2]) === newPort && role[3] === 'connected' && (await o.get('after')) === '2' ? true : undefined;
      });
      expect(String(await nm.call('CLIENT', 'LIST', 'TYPE', 'replica'))).toMatch(/ user=repl /);
    } catch (err) {
      const logs = sentinels.map((s) => `--- sentinel :${s.port}\n${s.output()}`).join('\n');
      const nodes = servers.map((s) => `--- node :${s.port}\n${s.output().split('\n').slice(-20).join('\n')}`).join('\n');
      throw new Error(`${(err as Error).message}\n${logs}\n${nodes}`);
    }
  }, 120_000);
});
