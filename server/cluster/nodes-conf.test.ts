import { describe, expect, it } from 'vitest';
import { ClusterBrain } from './brain.js';
import { parseNodesConf, renderFlags } from './nodes-conf.js';
import { seededRng } from './rng.js';
import { type ClusterOutput, DEFAULT_CLUSTER_CONFIG } from './types.js';

const A = 'a'.repeat(39) + '1';
const B = 'b'.repeat(39) + '2';
const C = 'c'.repeat(39) + '3';

/** A nodes.conf as redis-server 7.0 writes it (hostname, importing/migrating, a failed replica). */
const CONF = [
  `${A} 127.0.0.1:30001@40001,node-a.example myself,master - 0 0 3 connected 0-100 102 200-16383 [101->-${B}] [150-<-${C}]`,
  `${B} 127.0.0.1:30002@40002 master - 0 1700000000000 5 connected 101 103-199`,
  `${C} 127.0.0.1:30003@40003 slave,fail ${B} 1700000000001 1700000000002 5 disconnected`,
  'vars currentEpoch 7 lastVoteEpoch 6',
  '',
].join('\n');

function load(content: string | null): { brain: ClusterBrain; out: ClusterOutput[] } {
  const brain = new ClusterBrain({ ...DEFAULT_CLUSTER_CONFIG, port: 30001, cport: 40001, announceHostname: 'node-a.example' }, seededRng(1));
  const out = brain.step(1_700_000_100_000, { type: 'load', content });
  return { brain, out };
}

describe('nodes.conf', () => {
  it('parses every field of Redis 7.0 lines', () => {
    const r = parseNodesConf(CONF);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.conf.currentEpoch).toBe(7);
    expect(r.conf.lastVoteEpoch).toBe(6);
    const [a, , c] = r.conf.nodes;
    expect(a).toMatchObject({ name: A, ip: '127.0.0.1', port: 30001, cport: 40001, hostname: 'node-a.example', master: null, configEpoch: 3 });
    expect(a!.slots).toEqual([
      [0, 100],
      [102, 102],
      [200, 16383],
    ]);
    expect(a!.migrating).toEqual([[101, B]]);
    expect(a!.importing).toEqual([[150, C]]);
    expect(c).toMatchObject({ master: B, pingSent: true, pongReceived: true, flags: 2 | 8 });
    expect(renderFlags(c!.flags)).toBe('slave,fail');
    expect(renderFlags(0)).toBe('noflags');
  });

  it('loads into the brain and writes the same content back', () => {
    const { brain, out } = load(CONF);
    expect(out).toContainEqual({ type: 'log', level: 'notice', text: `Node configuration loaded, I'm ${A}` });
    expect(brain.myself.name).toBe(A);
    expect(brain.slotOwner(101)?.name).toBe(B);
    expect(brain.migratingTo(101)?.name).toBe(B);
    expect(brain.importingFrom(150)?.name).toBe(C);
    expect(brain.currentEpoch).toBe(7);
    // Loaded non-zero ping/pong times become the load time (Redis sets them to mstime()); no link yet.
    const expected = CONF.replace('1700000000000 5 connected', '1700000100000 5 disconnected').replace(
      '1700000000001 1700000000002 5',
      '1700000100000 1700000100000 5',
    );
    expect(brain.renderConfig()).toBe(expected);
    // And a brain loading that renders it identically (a fixed point).
    expect(load(brain.renderConfig()).brain.renderConfig()).toBe(expected);
  });

  it('a missing file makes a new node that saves itself', () => {
    const { brain, out } = load(null);
    expect(brain.myself.name).toMatch(/^[0-9a-f]{40}$/);
    expect(out).toContainEqual({ type: 'log', level: 'notice', text: `No cluster configuration found, I'm ${brain.myself.name}` });
    const save = out.find((o) => o.type === 'saveConfig');
    expect(save).toEqual({
      type: 'saveConfig',
      fsync: true,
      content: `${brain.myself.name} :30001@40001,node-a.example myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n`,
    });
  });

  it('refuses corrupt files as Redis does (fatal), and skips unknown vars', () => {
    const corrupt = 'Unrecoverable error: corrupted cluster config file.';
    for (const bad of [
      `${A} 127.0.0.1:30001@40001 myself,master - 0 0 3`,
      `${A} 127.0.0.1 myself,master - 0 0 3 connected`,
      `${A.slice(1)} 127.0.0.1:1@2 myself,master - 0 0 3 connected`,
      `${A} 127.0.0.1:1@2 master - 0 0 3 connected`,
      `${A} 127.0.0.1:1@2 myself,master - 0 0 3 connected 0-16384`,
      `${A} 127.0.0.1:1@2 myself,master - 0 0 3 connected [5->-nothex]`,
      `${A} 127.0.0.1:1@2 myself,master - 0 0 3 connected\nvars currentEpoch`,
    ]) {
      expect(load(bad).out.filter((o) => o.type === 'fatal')).toEqual([{ type: 'fatal', message: corrupt }]);
    }
    expect(load(`${A} 127.0.0.1:1@2 myself,master,bogus - 0 0 3 connected`).out).toContainEqual({
      type: 'fatal',
      message: 'Unknown flag in redis cluster config file',
    });
    const old = `${A} 127.0.0.1:6379 myself,master - 0 0 3 connected\nvars currentEpoch 9 future 1 lastVoteEpoch 2\n`;
    const { brain, out } = load(old);
    expect(out).toContainEqual({ type: 'log', level: 'warning', text: "Skipping unknown cluster config variable 'future'" });
    expect(brain.currentEpoch).toBe(9);
    // No "@cport" (files older than 4.0): the default offset of 10000.
    const r = parseNodesConf(old);
    expect(r.ok && r.conf.nodes[0]!.cport).toBe(16379);
  });
});
