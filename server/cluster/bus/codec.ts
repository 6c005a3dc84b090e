import { CLUSTER_SLOTS, MsgFlag0, MsgType, msgTypeName, PingExtType } from '../constants.js';
import type { ClusterMsg, GossipEntry, MsgHeader, PingExt, PingMsg } from './message.js';

/**
 * clusterMsg <-> bytes, byte-compatible with Redis 7.0 (cluster.h): every integer in network byte
 * order, fixed-size strings NUL-padded, the data union after a 2256-byte header, ping extensions
 * 8-byte aligned after the gossip section. Encoding writes exactly what redis-server writes for the
 * same message (zeroed buffer, then the fields), so decode → encode of real traffic is the identity.
 *
 * Decoding follows clusterProcessPacket's checks: wrong version → silent drop, length not matching
 * the type → a drop with Redis's log line. It never throws on any input.
 */

export const HEADER_LEN = 2256;
export const GOSSIP_LEN = 104;
const SLOTS_BYTES = CLUSTER_SLOTS / 8;
const NAMELEN = 40;
const IP_LEN = 46;
const PROTO_VER = 1;
const FAIL_LEN = HEADER_LEN + NAMELEN;
const UPDATE_LEN = HEADER_LEN + 8 + NAMELEN + SLOTS_BYTES;
/** sizeof(clusterMsgDataPublish) - 8 and sizeof(clusterMsgModule) - 3: the fixed parts before the bulk data. */
const PUBLISH_FIXED = 8;
const MODULE_FIXED = 13;
const EXT_HEADER = 8;

const TWO32 = 4294967296;

export type DecodeResult =
  | { ok: true; msg: ClusterMsg }
  /** `type` as read from the header (for stats); `log` is Redis's warning, '' for a silent drop. */
  | { ok: false; type: number; log: string };

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

function readU64(v: DataView, off: number): number {
  return v.getUint32(off) * TWO32 + v.getUint32(off + 4);
}

/** A NUL-terminated string in a fixed field (latin1). */
function readCString(b: Uint8Array, off: number, len: number): string {
  let end = off;
  const max = off + len;
  while (end < max && b[end] !== 0) end++;
  return latin1(b, off, end);
}

function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

function readName(b: Uint8Array, off: number): string {
  return latin1(b, off, off + NAMELEN);
}

function isZero(b: Uint8Array, off: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (b[off + i] !== 0) return false;
  return true;
}

/** The type field of a frame, read before any validation (Redis counts received messages by it first). */
export function peekType(b: Uint8Array): number {
  return b.length >= 14 ? (b[12]! << 8) | b[13]! : -1;
}

function readHeader(b: Uint8Array, v: DataView): MsgHeader {
  return {
    type: v.getUint16(12),
    port: v.getUint16(10),
    pport: v.getUint16(2246),
    cport: v.getUint16(2248),
    currentEpoch: readU64(v, 16),
    configEpoch: readU64(v, 24),
    offset: readU64(v, 32),
    sender: readName(b, 40),
    myslots: b.slice(80, 80 + SLOTS_BYTES),
    slaveof: isZero(b, 2128, NAMELEN) ? null : readName(b, 2128),
    myip: readCString(b, 2168, IP_LEN),
    flags: v.getUint16(2250),
    state: b[2252]!,
    mflags: [b[2253]!, b[2254]!, b[2255]!],
  };
}

function invalidLength(type: number, totlen: number, explen: number): DecodeResult {
  return { ok: false, type, log: `Received invalid ${msgTypeName(type)} packet of length ${totlen} but expected length ${explen}` };
}

/** Decode one whole frame (as cut by BusFramer). Never throws. */
export function decodeMessage(b: Uint8Array): DecodeResult {
  const type = peekType(b);
  if (b.length < HEADER_LEN) return { ok: false, type, log: 'Bad message length or signature received from Cluster bus.' };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const totlen = v.getUint32(4);
  if (totlen !== b.length) return invalidLength(type, b.length, totlen);
  if (v.getUint16(8) !== PROTO_VER) return { ok: false, type, log: '' };
  const h = readHeader(b, v);
  switch (type) {
    case MsgType.PING:
    case MsgType.PONG:
    case MsgType.MEET: {
      const count = v.getUint16(14);
      let explen = HEADER_LEN + GOSSIP_LEN * count;
      const extensions: PingExt[] = [];
      if ((h.mflags[0] & MsgFlag0.EXT_DATA) !== 0) {
        let n = v.getUint16(2214);
        while (n-- > 0) {
          if (explen + EXT_HEADER > totlen) {
            return { ok: false, type, log: `Received invalid ${msgTypeName(type)} packet with extension data that exceeds total packet length (${totlen})` };
          }
          const extlen = v.getUint32(explen);
          if (extlen % 8 !== 0 || extlen < EXT_HEADER) {
            return { ok: false, type, log: `Received a ${msgTypeName(type)} packet without proper padding (${extlen} bytes)` };
          }
          if (totlen - explen < extlen) {
            return { ok: false, type, log: `Received invalid ${msgTypeName(type)} packet with extension data that exceeds total packet length (${totlen})` };
          }
          const extType = v.getUint16(explen + 4);
          if (extType === PingExtType.HOSTNAME) extensions.push({ kind: 'hostname', hostname: readCString(b, explen + EXT_HEADER, extlen - EXT_HEADER) });
          else extensions.push({ kind: 'raw', type: extType, data: b.slice(explen + EXT_HEADER, explen + extlen) });
          explen += extlen;
        }
      }
      if (totlen !== explen) return invalidLength(type, totlen, explen);
      const gossip: GossipEntry[] = new Array(count);
      for (let i = 0, off = HEADER_LEN; i < count; i++, off += GOSSIP_LEN) {
        gossip[i] = {
          nodename: readName(b, off),
          pingSent: v.getUint32(off + 40),
          pongReceived: v.getUint32(off + 44),
          ip: readCString(b, off + 48, IP_LEN),
          port: v.getUint16(off + 94),
          cport: v.getUint16(off + 96),
          flags: v.getUint16(off + 98),
          pport: v.getUint16(off + 100),
        };
      }
      return { ok: true, msg: { ...h, kind: 'ping', gossip, extensions } };
    }
    case MsgType.FAIL:
      if (totlen !== FAIL_LEN) return invalidLength(type, totlen, FAIL_LEN);
      return { ok: true, msg: { ...h, kind: 'fail', nodename: readName(b, HEADER_LEN) } };
    case MsgType.PUBLISH:
    case MsgType.PUBLISHSHARD: {
      if (totlen < HEADER_LEN + PUBLISH_FIXED) return invalidLength(type, totlen, HEADER_LEN + PUBLISH_FIXED);
      const clen = v.getUint32(HEADER_LEN);
      const mlen = v.getUint32(HEADER_LEN + 4);
      const explen = HEADER_LEN + PUBLISH_FIXED + clen + mlen;
      if (totlen !== explen) return invalidLength(type, totlen, explen);
      const start = HEADER_LEN + PUBLISH_FIXED;
      return { ok: true, msg: { ...h, kind: 'publish', channel: b.slice(start, start + clen), message: b.slice(start + clen, start + clen + mlen) } };
    }
    case MsgType.FAILOVER_AUTH_REQUEST:
    case MsgType.FAILOVER_AUTH_ACK:
    case MsgType.MFSTART:
      if (totlen !== HEADER_LEN) return invalidLength(type, totlen, HEADER_LEN);
      return { ok: true, msg: { ...h, kind: 'bare' } };
    case MsgType.UPDATE:
      if (totlen !== UPDATE_LEN) return invalidLength(type, totlen, UPDATE_LEN);
      return {
        ok: true,
        msg: {
          ...h,
          kind: 'update',
          nodeConfigEpoch: readU64(v, HEADER_LEN),
          nodename: readName(b, HEADER_LEN + 8),
          slots: b.slice(HEADER_LEN + 48, HEADER_LEN + 48 + SLOTS_BYTES),
        },
      };
    case MsgType.MODULE: {
      // Only the fixed part must be there to read the length; Redis reads it regardless.
      const len = totlen >= HEADER_LEN + 12 ? v.getUint32(HEADER_LEN + 8) : 0;
      const explen = HEADER_LEN + MODULE_FIXED + len;
      if (totlen !== explen || totlen < HEADER_LEN + MODULE_FIXED) return invalidLength(type, totlen, explen);
      return {
        ok: true,
        msg: {
          ...h,
          kind: 'module',
          moduleId: b.slice(HEADER_LEN, HEADER_LEN + 8),
          moduleType: b[HEADER_LEN + 12]!,
          payload: b.slice(HEADER_LEN + MODULE_FIXED, HEADER_LEN + MODULE_FIXED + len),
        },
      };
    }
    default:
      // "We don't know this type of packet, so we assume it's well formed."
      return { ok: true, msg: { ...h, kind: 'unknown', body: b.slice(HEADER_LEN) } };
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

function writeU64(v: DataView, off: number, n: number): void {
  // Values past 2^53 lost precision when decoded; clamp to what 64 bits hold.
  const x = n > 0 ? n : 0;
  const hi = Math.min(Math.floor(x / TWO32), 0xffffffff);
  v.setUint32(off, hi);
  v.setUint32(off + 4, Math.min(x - hi * TWO32, 0xffffffff));
}

/** Copy a latin1 string into a fixed field, truncated to `max` bytes (the rest stays zero). */
function writeString(b: Buffer, off: number, s: string, max: number): void {
  b.write(s, off, Math.min(s.length, max), 'latin1');
}

function extLength(e: PingExt): number {
  return e.kind === 'hostname' ? EXT_HEADER + (((e.hostname.length + 1 + 7) >> 3) << 3) : EXT_HEADER + e.data.length;
}

/** The wire length of a message (totlen). */
export function messageLength(m: ClusterMsg): number {
  switch (m.kind) {
    case 'ping': {
      let n = HEADER_LEN + GOSSIP_LEN * m.gossip.length;
      for (const e of m.extensions) n += extLength(e);
      return n;
    }
    case 'fail':
      return FAIL_LEN;
    case 'publish':
      return HEADER_LEN + PUBLISH_FIXED + m.channel.length + m.message.length;
    case 'bare':
      return HEADER_LEN;
    case 'update':
      return UPDATE_LEN;
    case 'module':
      return HEADER_LEN + MODULE_FIXED + m.payload.length;
    case 'unknown':
      return HEADER_LEN + m.body.length;
  }
}

function writeHeader(b: Buffer, v: DataView, m: ClusterMsg, totlen: number): void {
  b.write('RCmb', 0, 'latin1');
  v.setUint32(4, totlen);
  v.setUint16(8, PROTO_VER);
  v.setUint16(10, m.port);
  v.setUint16(12, m.type);
  writeU64(v, 16, m.currentEpoch);
  writeU64(v, 24, m.configEpoch);
  writeU64(v, 32, m.offset);
  writeString(b, 40, m.sender, NAMELEN);
  b.set(m.myslots.subarray(0, SLOTS_BYTES), 80);
  if (m.slaveof !== null) writeString(b, 2128, m.slaveof, NAMELEN);
  writeString(b, 2168, m.myip, IP_LEN - 1);
  v.setUint16(2246, m.pport);
  v.setUint16(2248, m.cport);
  v.setUint16(2250, m.flags);
  b[2252] = m.state;
  b[2253] = m.mflags[0];
  b[2254] = m.mflags[1];
  b[2255] = m.mflags[2];
}

function writePing(b: Buffer, v: DataView, m: PingMsg): void {
  v.setUint16(14, m.gossip.length);
  v.setUint16(2214, m.extensions.length);
  let off = HEADER_LEN;
  for (const g of m.gossip) {
    writeString(b, off, g.nodename, NAMELEN);
    v.setUint32(off + 40, g.pingSent >>> 0);
    v.setUint32(off + 44, g.pongReceived >>> 0);
    writeString(b, off + 48, g.ip, IP_LEN);
    v.setUint16(off + 94, g.port);
    v.setUint16(off + 96, g.cport);
    v.setUint16(off + 98, g.flags);
    v.setUint16(off + 100, g.pport);
    off += GOSSIP_LEN;
  }
  for (const e of m.extensions) {
    const len = extLength(e);
    v.setUint32(off, len);
    if (e.kind === 'hostname') {
      v.setUint16(off + 4, PingExtType.HOSTNAME);
      writeString(b, off + EXT_HEADER, e.hostname, len - EXT_HEADER - 1);
    } else {
      v.setUint16(off + 4, e.type);
      b.set(e.data, off + EXT_HEADER);
    }
    off += len;
  }
}

/** The bytes redis-server 7.0 would send for this message. */
export function encodeMessage(m: ClusterMsg): Buffer {
  const totlen = messageLength(m);
  const b = Buffer.alloc(totlen);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  writeHeader(b, v, m, totlen);
  switch (m.kind) {
    case 'ping':
      writePing(b, v, m);
      break;
    case 'fail':
      writeString(b, HEADER_LEN, m.nodename, NAMELEN);
      break;
    case 'publish':
      v.setUint32(HEADER_LEN, m.channel.length);
      v.setUint32(HEADER_LEN + 4, m.message.length);
      b.set(m.channel, HEADER_LEN + PUBLISH_FIXED);
      b.set(m.message, HEADER_LEN + PUBLISH_FIXED + m.channel.length);
      break;
    case 'update':
      writeU64(v, HEADER_LEN, m.nodeConfigEpoch);
      writeString(b, HEADER_LEN + 8, m.nodename, NAMELEN);
      b.set(m.slots.subarray(0, SLOTS_BYTES), HEADER_LEN + 48);
      break;
    case 'module':
      b.set(m.moduleId.subarray(0, 8), HEADER_LEN);
      v.setUint32(HEADER_LEN + 8, m.payload.length);
      b[HEADER_LEN + 12] = m.moduleType;
      b.set(m.payload, HEADER_LEN + MODULE_FIXED);
      break;
    case 'bare':
      break;
    case 'unknown':
      b.set(m.body, HEADER_LEN);
      break;
  }
  return b;
}
