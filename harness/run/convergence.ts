/**
 * After the final heal and settle: each node's dataset, read directly from every node (replicas
 * included), as one `node-state` op per node in the history — role, primary, replication offset and
 * a digest per key — for the convergence checker (checkers/convergence/). Replicas are first given
 * time to reach their primary's offset, so that a difference is a divergence, not lag.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HistoryWriter } from '../history/writer.js';
import type { Network } from '../net/network.js';
import type { NodeHandle } from '../targets/target.js';
import { sleep } from '../util/sleep.js';
import { adminClient } from './clients.js';
import { infoField } from './info.js';

/** Process ids of the node-state ops: past the final reads'. */
const NODE_STATE_PROCESS = 1_500_000;

interface NodeState {
  role: 'master' | 'replica' | 'unknown';
  primary: string | null;
  offset: number | null;
  linkUp: boolean | null;
  keys: Record<string, string>;
}

async function roleOf(r: Redis, byAddr: Map<string, string>): Promise<Omit<NodeState, 'keys'>> {
  const info = String(await r.info('replication'));
  const role = infoField(info, 'role');
  const offset = Number(infoField(info, 'master_repl_offset') ?? NaN);
  if (role === 'slave') {
    const addr = `${infoField(info, 'master_host')}:${infoField(info, 'master_port')}`;
    return {
      role: 'replica',
      primary: byAddr.get(addr) ?? addr,
      offset: Number.isFinite(offset) ? offset : null,
      linkUp: infoField(info, 'master_link_status') === 'up',
    };
  }
  return { role: role === 'master' ? 'master' : 'unknown', primary: null, offset: Number.isFinite(offset) ? offset : null, linkUp: null };
}

/** A digest of a key's value that does not depend on the server's internal order (sets, hashes). */
async function keyDigest(r: Redis, key: string): Promise<string> {
  const type = String(await r.type(key));
  let canonical: unknown;
  switch (type) {
    case 'string':
      canonical = await r.get(key);
      break;
    case 'set':
      canonical = (await r.smembers(key)).sort();
      break;
    case 'list':
      canonical = await r.lrange(key, 0, -1);
      break;
    case 'hash':
      canonical = Object.entries(await r.hgetall(key)).sort();
      break;
    case 'zset':
      canonical = await r.zrange(key, 0, -1, 'WITHSCORES');
      break;
    default:
      canonical = null;
  }
  return `${type}:${createHash('sha1').update(JSON.stringify(canonical)).digest('hex').slice(0, 16)}`;
}

async function keysOf(r: Redis): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
    cursor = next;
    out.push(...batch);
  } while (cursor !== '0');
  return out.sort();
}

/** Waits (bounded) until every linked replica's offset equals its primary's, then records each node's state. */
export async function recordNodeStates(all: readonly NodeHandle[], net: Network, history: HistoryWriter, timeoutMs = 10_000): Promise<void> {
  // Sentinels hold no data: only the data nodes are compared.
  const nodes = all.filter((n) => n.role !== 'sentinel');
  const byAddr = new Map(nodes.map((n) => [`${n.host}:${n.port}`, n.name]));
  const clients = new Map(nodes.map((n) => [n.name, adminClient(n, net, 5000)]));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const roles = new Map<string, Omit<NodeState, 'keys'>>();
      for (const [name, r] of clients)
        roles.set(name, await roleOf(r, byAddr).catch(() => ({ role: 'unknown' as const, primary: null, offset: null, linkUp: null })));
      const caughtUp = [...roles.values()].every(
        (x) => x.role !== 'replica' || (x.linkUp === true && x.offset !== null && x.offset === roles.get(x.primary ?? '')?.offset),
      );
      if (caughtUp || Date.now() > deadline) break;
      await sleep(200);
    }
    let process = NODE_STATE_PROCESS;
    // The nodes are read one after the other: a master PING (or any write) between two reads moves
    // the offsets apart. Read again (the checker takes each node's last state) until a round agrees.
    for (let round = 0; round < 3; round++) {
      const states = new Map<string, NodeState>();
      for (const n of nodes) {
        const r = clients.get(n.name)!;
        history.append({ process, type: 'invoke', f: 'node-state', value: null, node: n.name });
        try {
          // A cluster replica serves reads only after READONLY (elsewhere the command is refused: ignore).
          await r.call('READONLY').catch(() => undefined);
          const state: NodeState = { ...(await roleOf(r, byAddr)), keys: {} };
          for (const k of await keysOf(r)) state.keys[k] = await keyDigest(r, k);
          history.append({ process, type: 'ok', f: 'node-state', value: state, node: n.name });
          states.set(n.name, state);
        } catch (err) {
          history.append({ process, type: 'fail', f: 'node-state', value: null, node: n.name, error: (err as Error).message });
        }
        process++;
      }
      const moved = [...states.values()].some((x) => x.role === 'replica' && x.linkUp === true && x.offset !== states.get(x.primary ?? '')?.offset);
      if (!moved) break;
    }
  } finally {
    for (const r of clients.values()) r.disconnect();
  }
}
