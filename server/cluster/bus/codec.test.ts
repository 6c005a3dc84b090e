import { describe, expect, it } from 'vitest';
import { MsgType, NodeFlag } from '../constants.js';
import { seededRng } from '../rng.js';
import { decodeMessage, encodeMessage, GOSSIP_LEN, HEADER_LEN } from './codec.js';
import { BusFramer } from './framer.js';
import type { ClusterMsg, MsgHeader, PingMsg } from './message.js';

function header(type: number): MsgHeader {
  const myslots = new Uint8Array(2048);
  myslots[0] = 0b101;
  myslots[2047] = 0x80;
  return {
    type,
    port: 30001,
    pport: 0,
    cport: 40001,
    currentEpoch: 2 ** 40 + 7,
    configEpoch: 3,
    offset: 123456789,
    sender: 'a'.repeat(40),
    myslots,
    slaveof: 'b'.repeat(40),
    myip: '10.1.2.3',
    flags: NodeFlag.SLAVE | NodeFlag.NOFAILOVER,
    state: 1,
    mflags: [0, 0, 0],
  };
}

const ping: PingMsg = {
  ...header(MsgType.PING),
  mflags: [4, 0, 0],
  kind: 'ping',
  gossip: [
    {
      nodename: 'c'.repeat(40),
      pingSent: 1700000000,
      pongReceived: 1700000001,
      ip: '127.0.0.1',
      port: 30002,
      cport: 40002,
      flags: NodeFlag.MASTER | NodeFlag.PFAIL,
      pport: 0,
    },
  ],
  extensions: [
    { kind: 'hostname', hostname: 'host-7' },
    { kind: 'raw', type: 2, data: new Uint8Array(40).fill(9) },
  ],
};

const samples: ClusterMsg[] = [
  ping,
  { ...header(MsgType.FAIL), kind: 'fail', nodename: 'd'.repeat(40) },
  { ...header(MsgType.PUBLISHSHARD), kind: 'publish', channel: Buffer.from('ch'), message: Buffer.from('payload\0bin') },
  { ...header(MsgType.FAILOVER_AUTH_REQUEST), mflags: [2, 0, 0], kind: 'bare' },
  { ...header(MsgType.UPDATE), kind: 'update', nodename: 'e'.repeat(40), nodeConfigEpoch: 9, slots: new Uint8Array(2048).fill(0xff) },
  { ...header(MsgType.MODULE), kind: 'module', moduleId: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), moduleType: 3, payload: Buffer.from('xyz') },
  { ...header(42), kind: 'unknown', body: Buffer.from('future') },
];

describe('bus codec', () => {
  it('lays out the header and gossip as cluster.h', () => {
    const b = encodeMessage(ping);
    expect(b.toString('latin1', 0, 4)).toBe('RCmb');
    expect(b.readUInt32BE(4)).toBe(b.length);
    expect(b.length).toBe(HEADER_LEN + GOSSIP_LEN + 8 + 8 + 8 + 40);
    expect(b.readUInt16BE(8)).toBe(1);
    expect(b.readUInt16BE(14)).toBe(1);
    expect(b.readBigUInt64BE(16)).toBe(2n ** 40n + 7n);
    expect(b.toString('latin1', 2168, 2176)).toBe('10.1.2.3');
    expect(b.readUInt16BE(2214)).toBe(2);
    expect(b.readUInt16BE(2250)).toBe(NodeFlag.SLAVE | NodeFlag.NOFAILOVER);
    // Hostname extension: length 16 (8 header + "host-7\0" padded to 8), type 0.
    const ext = HEADER_LEN + GOSSIP_LEN;
    expect(b.readUInt32BE(ext)).toBe(16);
    expect(b.readUInt16BE(ext + 4)).toBe(0);
    expect(b.toString('latin1', ext + 8, ext + 16)).toBe('host-7\0\0');
  });

  it('decodes what it encodes', () => {
    for (const m of samples) {
      const r = decodeMessage(encodeMessage(m));
      expect(r.ok).toBe(true);
      if (r.ok) expect(encodeMessage(r.msg).equals(encodeMessage(m))).toBe(true);
      if (r.ok) expect(r.msg).toMatchObject({ kind: m.kind, type: m.type, sender: m.sender, slaveof: m.slaveof, currentEpoch: m.currentEpoch });
    }
  });

  it('drops malformed messages with Redis log lines', () => {
    const b = encodeMessage(ping);
    const ext = HEADER_LEN + GOSSIP_LEN;
    const badPad = Buffer.from(b);
    badPad.writeUInt32BE(12, ext);
    expect(decodeMessage(badPad)).toEqual({ ok: false, type: 0, log: 'Received a ping packet without proper padding (12 bytes)' });
    const tooLong = Buffer.from(b);
    tooLong.writeUInt32BE(4096, ext);
    expect(decodeMessage(tooLong)).toEqual({
      ok: false,
      type: 0,
      log: `Received invalid ping packet with extension data that exceeds total packet length (${b.length})`,
    });
    const badCount = Buffer.from(b);
    badCount.writeUInt16BE(2, 14);
    expect(decodeMessage(badCount).ok).toBe(false);
    const publish = encodeMessage(samples[2]!);
    publish.writeUInt32BE(3, HEADER_LEN);
    expect(decodeMessage(publish)).toEqual({
      ok: false,
      type: 10,
      log: `Received invalid publishshard packet of length ${publish.length} but expected length ${publish.length + 1}`,
    });
    const ver = Buffer.from(b);
    ver.writeUInt16BE(2, 8);
    expect(decodeMessage(ver)).toEqual({ ok: false, type: 0, log: '' });
    expect(decodeMessage(Buffer.alloc(10)).ok).toBe(false);
  });

  it('never throws on mutated or truncated frames', () => {
    const rng = seededRng(99);
    const frames = samples.map((m) => encodeMessage(m));
    for (let i = 0; i < 3000; i++) {
      const base = frames[rng.int(frames.length)]!;
      const f = Buffer.from(base.subarray(0, base.length - (rng.int(4) === 0 ? rng.int(base.length) : 0)));
      for (let k = rng.int(8); k > 0; k--) f[rng.int(f.length)] = rng.int(256);
      if (rng.int(3) === 0 && f.length >= 8) f.writeUInt32BE(f.length, 4);
      expect(() => decodeMessage(f)).not.toThrow();
    }
  });

  it('frames a stream cut anywhere and refuses a bad signature', () => {
    const stream = Buffer.concat(samples.map((m) => encodeMessage(m)));
    const rng = seededRng(5);
    const framer = new BusFramer();
    const frames: Buffer[] = [];
    for (let off = 0; off < stream.length; ) {
      const n = 1 + rng.int(3000);
      frames.push(...framer.push(stream.subarray(off, off + n)));
      off += n;
    }
    expect(frames.map((f) => decodeMessage(f).ok)).toEqual(samples.map(() => true));
    const bad = new BusFramer();
    expect(bad.push(Buffer.from('RCmx\0\0\x08\xd0'))).toEqual([]);
    expect(bad.error).toBe('Bad message length or signature received from Cluster bus.');
    const short = new BusFramer();
    short.push(Buffer.from('RCmb\0\0\0\x10'));
    expect(short.error).toBe('Bad message length or signature received from Cluster bus.');
  });
});
