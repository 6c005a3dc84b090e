import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterBrain } from '../../server/cluster/brain.js';
import { decodeMessage, encodeMessage } from '../../server/cluster/bus/codec.js';
import { BusFramer } from '../../server/cluster/bus/framer.js';
import type { ClusterMsg, PingMsg } from '../../server/cluster/bus/message.js';
import { MsgType, NodeFlag } from '../../server/cluster/constants.js';
import { seededRng } from '../../server/cluster/rng.js';
import { DEFAULT_CLUSTER_CONFIG } from '../../server/cluster/types.js';
import { freePort } from '../support/ports.js';
import { trackPerTest } from '../support/tracked.js';

/**
 * The codec against real redis-server 7.0.15 bus traffic: three cluster nodes announce bus ports that
 * are TCP relays written here, so every bus connection crosses a relay that records its bytes. Every
 * captured frame must decode and re-encode to the same bytes; messages we encode must be understood
 * by a real node.
 */

interface Relay {
  port: number;
  frames: Buffer[];
  /** The id of the node behind this relay (set once known). */
  owner: string;
  close(): void;
}

/**
 * Bytes destined to the nodes in `held` wait here until released: a one-way cut that keeps the
 * connections up. A connection's destination is the relay's owner one way and, the other way, the
 * node that opened it (named by the sender field of its first frame).
 */
const held = new Set<string>();
const waiting: Array<() => void> = [];
function release(): void {
  held.clear();
  for (const f of waiting.splice(0)) f();
}

/** A TCP relay to `target` that records every frame in both directions. */
function startRelay(target: number, listenPort: number): Promise<Relay> {
  const frames: Buffer[] = [];
  const socks = new Set<net.Socket>();
  const relay: Relay = { port: listenPort, frames, owner: '', close: () => undefined };
  const server = net.createServer((inbound) => {
    const outbound = net.connect(target, '127.0.0.1');
    socks.add(inbound).add(outbound);
    let initiator = '';
    for (const [from, to, toOwner] of [
      [inbound, outbound, true],
      [outbound, inbound, false],
    ] as const) {
      const framer = new BusFramer();
      from.on('data', (d: Buffer) => {
        const fs = framer.push(d);
        if (toOwner && !initiator && fs[0]) initiator = fs[0].toString('latin1', 40, 80);
        frames.push(...fs);
        const dest = toOwner ? relay.owner : initiator;
        if (held.has(dest)) waiting.push(() => to.write(d));
        else to.write(d);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  });
  relay.close = () => {
    for (const s of socks) s.destroy();
    server.close();
  };
  return new Promise((resolve) => server.listen(listenPort, '127.0.0.1', () => resolve(relay)));
}

async function until(what: string, f: () => Promise<boolean> | boolean, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const tracked = trackPerTest();

async function startNode(relayPort: number, busPort: number, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bus-'));
  return tracked.start(
    'redis',
    [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, 'nodes.conf'),
      '--cluster-node-timeout',
      '1000',
      '--cluster-port',
      String(busPort),
      '--cluster-announce-bus-port',
      String(relayPort),
      ...extra,
    ],
    dir,
  );
}

describe('cluster bus codec against redis-server 7.0', () => {
  it('round-trips captured traffic byte for byte and covers the message types', async () => {
    const relays: Relay[] = [];
    tracked.cleanups.push(() => {
      release();
      for (const r of relays) r.close();
    });
    const nodes = [];
    for (let i = 0; i < 3; i++) {
      const bus = await freePort();
      const relay = await startRelay(bus, await freePort());
      relays.push(relay);
      nodes.push(await startNode(relay.port, bus, i === 0 ? ['--cluster-announce-hostname', 'node-a.example'] : []));
      relay.owner = String(await nodes[i]!.c.call('CLUSTER', 'MYID'));
    }
    const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    await a.c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await b.c.call('CLUSTER', 'MEET', '127.0.0.1', String(a.s.port), String(relays[0]!.port));
    await c.c.call('CLUSTER', 'MEET', '127.0.0.1', String(a.s.port), String(relays[0]!.port));
    const idA = String(await a.c.call('CLUSTER', 'MYID'));
    await until('b knows a', async () => String(await b.c.call('CLUSTER', 'NODES')).includes(idA));
    await b.c.call('CLUSTER', 'REPLICATE', idA);
    await until('cluster ok on c', async () => String(await c.c.call('CLUSTER', 'INFO')).includes('cluster_state:ok'));
    await until('b in sync', async () => String(await b.c.call('INFO', 'replication')).includes('master_link_status:up'));
    // PUBLISH and PUBLISHSHARD over the bus.
    await a.c.call('PUBLISH', 'chan', 'hello');
    await a.c.call('SPUBLISH', 'shardchan', 'hello-shard');
    // Manual failover: MFSTART, FAILOVER_AUTH_REQUEST (FORCEACK), FAILOVER_AUTH_ACK.
    await b.c.call('CLUSTER', 'FAILOVER');
    await until('b is master', async () => String(await b.c.call('ROLE')).startsWith('master'));
    // UPDATE: b hears nothing while a takes over, so b keeps claiming the slots with its old epoch.
    await until('a is replica', async () => String(await a.c.call('ROLE')).startsWith('slave'));
    const idB = String(await b.c.call('CLUSTER', 'MYID'));
    held.add(idB);
    await a.c.call('CLUSTER', 'FAILOVER', 'TAKEOVER');
    await until('an UPDATE to b', () => relays.some((r) => r.frames.some((f) => f.readUInt16BE(12) === MsgType.UPDATE)));
    release();
    // FAIL: kill b (a replica by then, or a master with no slots) and let the masters agree.
    await until('b turned replica', async () => String(await b.c.call('ROLE')).startsWith('slave'));
    await b.s.stop();
    const flagsOfB = async () =>
      (
        String(await a.c.call('CLUSTER', 'NODES'))
          .split('\n')
          .find((l) => l.startsWith(idB)) ?? ''
      ).split(' ')[2] ?? '';
    await until('b marked fail', async () => (await flagsOfB()).split(',').includes('fail'));
    await new Promise((r) => setTimeout(r, 500));

    const frames = relays.flatMap((r) => r.frames);
    const seen = new Set<number>();
    let hostnames = 0;
    for (const f of frames) {
      const d = decodeMessage(f);
      expect(d.ok, d.ok ? '' : d.log).toBe(true);
      if (!d.ok) continue;
      seen.add(d.msg.type);
      if (d.msg.kind === 'ping' && d.msg.extensions.some((e) => e.kind === 'hostname' && e.hostname === 'node-a.example')) hostnames++;
      expect(encodeMessage(d.msg).equals(f)).toBe(true);
    }
    expect(hostnames).toBeGreaterThan(0);
    // Redis's nodes.conf (a master with a hostname, a failed replica) loads into our brain and renders back
    // the same (ping/pong times become the load time, links are not up yet).
    const conf = readFileSync(join(a.s.dir, 'nodes.conf'), 'utf8');
    const brain = new ClusterBrain({ ...DEFAULT_CLUSTER_CONFIG, port: a.s.port, cport: relays[0]!.port, announceHostname: 'node-a.example' }, seededRng(1));
    expect(brain.step(Date.now(), { type: 'load', content: conf }).filter((o) => o.type === 'fatal')).toEqual([]);
    const norm = (text: string) =>
      text
        .split('\n')
        .map((l) =>
          l
            .split(' ')
            .map((f, i) => (l.startsWith('vars') ? f : i === 4 || i === 5 ? 'T' : i === 7 ? 'L' : f))
            .join(' '),
        )
        .sort()
        .join('\n');
    expect(norm(brain.renderConfig())).toBe(norm(conf));
    expect(conf).toMatch(/,node-a\.example myself,master /);
    expect(conf).toMatch(/ (master|slave),fail /);
    for (const t of [
      MsgType.PING,
      MsgType.PONG,
      MsgType.MEET,
      MsgType.FAIL,
      MsgType.PUBLISH,
      MsgType.PUBLISHSHARD,
      MsgType.FAILOVER_AUTH_REQUEST,
      MsgType.FAILOVER_AUTH_ACK,
      MsgType.MFSTART,
      MsgType.UPDATE,
    ]) {
      expect(seen, `type ${t} captured`).toContain(t);
    }
  });

  it('a real node completes a handshake with what we encode, and drops what it must', async () => {
    const bus = await freePort();
    const { s, c } = await startNode(bus, bus);
    const sub = tracked.conn(s.port);
    await sub.subscribe('news');
    const got: string[] = [];
    sub.on('message', (ch: string, m: string) => got.push(`${ch}:${m}`));
    const realId = String(await c.call('CLUSTER', 'MYID'));

    // Our fake node: a bus listener answering PINGs with our own encoded PONGs.
    const fakeBus = await freePort();
    const fake = 'f'.repeat(40);
    const header = (type: number, mflags: [number, number, number] = [0, 0, 0]) => ({
      type,
      port: 7777,
      pport: 0,
      cport: fakeBus,
      currentEpoch: 5,
      configEpoch: 3,
      offset: 0,
      sender: fake,
      myslots: new Uint8Array(2048),
      slaveof: null,
      myip: '127.0.0.1',
      flags: NodeFlag.MASTER,
      state: 1,
      mflags,
    });
    const ping = (type: number, hostname: string): PingMsg => ({
      ...header(type, hostname ? [4, 0, 0] : [0, 0, 0]),
      kind: 'ping',
      gossip: [],
      extensions: hostname ? [{ kind: 'hostname', hostname }] : [],
    });
    const fromReal: ClusterMsg[] = [];
    const listener = net.createServer((sock) => {
      const framer = new BusFramer();
      sock.on('data', (d: Buffer) => {
        for (const f of framer.push(d)) {
          const r = decodeMessage(f);
          if (!r.ok) throw new Error(r.log);
          fromReal.push(r.msg);
          if (r.msg.type === MsgType.PING || r.msg.type === MsgType.MEET) sock.write(encodeMessage(ping(MsgType.PONG, 'fake-host')));
        }
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => listener.listen(fakeBus, '127.0.0.1', () => r()));
    tracked.cleanups.push(() => listener.close());

    const out = net.connect(bus, '127.0.0.1');
    tracked.cleanups.push(() => out.destroy());
    const outFramer = new BusFramer();
    out.on('data', (d: Buffer) => {
      for (const f of outFramer.push(d)) {
        const r = decodeMessage(f);
        if (r.ok) fromReal.push(r.msg);
      }
    });
    await new Promise<void>((r) => out.once('connect', () => r()));
    out.write(encodeMessage(ping(MsgType.MEET, 'fake-host')));

    const nodeLine = async () =>
      String(await c.call('CLUSTER', 'NODES'))
        .split('\n')
        .find((l) => l.startsWith(fake)) ?? '';
    await until('handshake completed', async () => /^f{40} 127\.0\.0\.1:7777@\d+(,fake-host)? master /.test(await nodeLine()));
    expect(fromReal.some((m) => m.type === MsgType.PONG && m.sender === realId)).toBe(true);
    expect(fromReal.some((m) => m.type === MsgType.PING && m.sender === realId)).toBe(true);
    // Now a known sender: its hostname extension and its PUBLISH are taken.
    out.write(encodeMessage(ping(MsgType.PING, 'fake-host')));
    await until('hostname from our extension', async () => (await nodeLine()).includes('127.0.0.1:7777@' + fakeBus + ',fake-host '));
    out.write(encodeMessage({ ...header(MsgType.PUBLISH), kind: 'publish', channel: Buffer.from('news'), message: Buffer.from('from-splitbrain') }));
    await until('publish delivered', () => got.length > 0);
    expect(got).toEqual(['news:from-splitbrain']);
    // A frame whose length does not match its type is logged and dropped, as clusterProcessPacket does.
    const bad = encodeMessage({ ...header(MsgType.FAILOVER_AUTH_ACK), kind: 'bare' });
    out.write(Buffer.concat([bad.subarray(0, 4), Buffer.from([0, 0, 0x08, 0xd8]), bad.subarray(8), Buffer.alloc(8)]));
    await until('invalid length logged', () => s.output().includes('Received invalid auth-ack packet of length 2264 but expected length 2256'));
    const r = decodeMessage(Buffer.concat([bad.subarray(0, 4), Buffer.from([0, 0, 0x08, 0xd8]), bad.subarray(8), Buffer.alloc(8)]));
    expect(r).toEqual({ ok: false, type: MsgType.FAILOVER_AUTH_ACK, log: 'Received invalid auth-ack packet of length 2264 but expected length 2256' });
  });
});
