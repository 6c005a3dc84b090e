import { describe, expect, it } from 'vitest';
import { ClusterBrain } from './brain.js';
import type { ClusterMsg } from './bus/message.js';
import {
  CantFailover,
  CLUSTER_FAIL,
  CLUSTER_NAMELEN,
  CLUSTER_OK,
  CLUSTER_PORT_INCR,
  CLUSTER_SLOTS,
  MSG_TYPE_COUNT,
  MsgFlag0,
  MsgType,
  msgTypeName,
  NodeFlag,
  PingExtType,
  Timing,
} from './constants.js';
import { randomNodeName, seededRng } from './rng.js';
import { type ClusterOutput, type ClusterView, DEFAULT_CLUSTER_CONFIG } from './types.js';

describe('cluster contract', () => {
  it('uses the wire values of Redis 7.0 cluster.h', () => {
    expect(CLUSTER_SLOTS).toBe(16384);
    expect(NodeFlag).toMatchObject({
      MASTER: 1,
      SLAVE: 2,
      PFAIL: 4,
      FAIL: 8,
      MYSELF: 16,
      HANDSHAKE: 32,
      NOADDR: 64,
      MEET: 128,
      MIGRATE_TO: 256,
      NOFAILOVER: 512,
    });
    expect(MsgType.PUBLISHSHARD).toBe(10);
    expect(MSG_TYPE_COUNT).toBe(11);
    expect(msgTypeName(MsgType.FAILOVER_AUTH_ACK)).toBe('auth-ack');
    expect(msgTypeName(42)).toBe('unknown');
    expect([CLUSTER_NAMELEN, CLUSTER_PORT_INCR, CLUSTER_OK, CLUSTER_FAIL]).toEqual([40, 10000, 0, 1]);
    expect(MsgFlag0).toEqual({ PAUSED: 1, FORCEACK: 2, EXT_DATA: 4 });
    expect(PingExtType.HOSTNAME).toBe(0);
    expect(CantFailover.WAITING_VOTES).toBe(4);
    expect(Timing).toMatchObject({ FAIL_REPORT_VALIDITY_MULT: 2, FAIL_UNDO_TIME_MULT: 2, MF_TIMEOUT: 5000, MF_PAUSE_MULT: 2, SLAVE_MIGRATION_DELAY: 5000 });
    expect(Timing).toMatchObject({ WRITABLE_DELAY: 2000, MIN_REJOIN_DELAY: 500, MAX_REJOIN_DELAY: 5000, BLACKLIST_TTL_SECONDS: 60 });
  });

  it('draws node ids and choices from the seed only', () => {
    const a = seededRng(7);
    const b = seededRng(7);
    const ids = [randomNodeName(a), randomNodeName(a)];
    expect([randomNodeName(b), randomNodeName(b)]).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(ids[0]).not.toBe(ids[1]);
    const r = seededRng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[r.int(4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('keeps its own copy of the configuration', () => {
    const config = { ...DEFAULT_CLUSTER_CONFIG };
    const brain = new ClusterBrain(config, seededRng(1));
    config.nodeTimeout = 1;
    expect(brain.config.nodeTimeout).toBe(15000);
    const out: ClusterOutput[] = brain.step(0, { type: 'tick' });
    const view: Partial<ClusterView> = {};
    expect(view.state).toBeUndefined();
    const sends = out.filter((o): o is Extract<ClusterOutput, { type: 'send' }> => o.type === 'send').map((o): ClusterMsg => o.msg);
    expect(sends).toEqual([]);
  });
});
