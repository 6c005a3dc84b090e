import { randomInt } from 'node:crypto';
import path from 'node:path';
import { emptyData } from '../../commands/serverinfo.js';
import type { ConfigName } from '../../config/definitions.js';
import { setMaster, unsetMaster } from '../../replication/replica.js';
import type { Server } from '../../server.js';
import { ClusterBrain } from '../brain.js';
import { encodeMessage } from '../bus/codec.js';
import { CLUSTER_SLOTS } from '../constants.js';
import { keyHashSlot } from '../data/slot.js';
import { SlotIndex } from '../data/slot-index.js';
import { seededRng } from '../rng.js';
import type { AdminCommand, AdminReply, ClusterConfig, ClusterEvent, ClusterOutput, ClusterView, LinkId, LogLevel, ReplicationReport } from '../types.js';
import { BusLinks } from './bus-links.js';
import { lockClusterConfig } from './config-lock.js';
import { readNodesConf, writeNodesConf } from './nodes-conf-file.js';

/** Server options the brain's ClusterConfig is made of. */
const CONFIG_OPTIONS: ConfigName[] = [
  'cluster-node-timeout',
  'cluster-replica-validity-factor',
  'repl-ping-replica-period',
  'cluster-migration-barrier',
  'cluster-allow-replica-migration',
  'cluster-require-full-coverage',
  'cluster-replica-no-failover',
  'cluster-announce-port',
  'cluster-announce-bus-port',
  'cluster-announce-tls-port',
  'cluster-announce-ip',
  'cluster-announce-hostname',
];

const VERBOSITY: Record<string, LogLevel> = { debug: 'debug', verbose: 'verbose', notice: 'notice', warning: 'warning', nothing: 'warning' };

/** The brain's configuration from the server's (Redis's deriveAnnouncedPorts for the ports). */
function brainConfig(server: Server): ClusterConfig {
  const cfg = server.config;
  // With tls-cluster the node is known by its TLS port (the plain one as pport).
  const port = cfg.tlsCluster ? cfg.tlsPort : cfg.port;
  const cport = cfg.clusterPort || port + 10000;
  const tlsAnnounce = cfg.tlsCluster && cfg.clusterAnnounceTlsPort !== 0;
  return {
    nodeTimeout: cfg.clusterNodeTimeout,
    replicaValidityFactor: cfg.clusterReplicaValidityFactor,
    replPingReplicaPeriod: cfg.replPingReplicaPeriod,
    migrationBarrier: cfg.clusterMigrationBarrier,
    allowReplicaMigration: cfg.clusterAllowReplicaMigration,
    requireFullCoverage: cfg.clusterRequireFullCoverage,
    replicaNoFailover: cfg.clusterReplicaNoFailover,
    port: tlsAnnounce ? cfg.clusterAnnounceTlsPort : cfg.clusterAnnouncePort || port,
    pport: tlsAnnounce ? cfg.clusterAnnouncePort : cfg.tlsCluster ? cfg.port : 0,
    cport: cfg.clusterAnnounceBusPort || cport,
    announceIp: cfg.clusterAnnounceIp,
    announceHostname: cfg.clusterAnnounceHostname,
    verbosity: VERBOSITY[cfg.loglevel] ?? 'notice',
  };
}

/** nodes.conf content with each line's ping-sent / pong-received times reduced to zero or not. */
function configEssence(content: string): string {
  return content
    .split('\n')
    .map((line) => {
      const f = line.split(' ');
      if (f.length < 8 || f[0] === 'vars') return line;
      f[4] = f[4] === '0' ? '0' : '1';
      f[5] = f[5] === '0' ? '0' : '1';
      return f.join(' ');
    })
    .join('\n');
}

/**
 * The shell around one cluster brain: feeds it time, bus frames, link changes, admin commands
 * and replication reports, and carries out what it decides (send, connect, replicate, promote,
 * save nodes.conf, pause writes, delete keys, deliver bus PUBLISH). No decision is taken here.
 */
export class ClusterNode {
  readonly brain: ClusterBrain;
  readonly slots = new SlotIndex();
  readonly bus: BusLinks;
  readonly configFile: string;
  private queue: ClusterEvent[] = [];
  private running = false;
  private reply: AdminReply | null = null;
  private lastReport = '';
  private beforeSleepScheduled = false;
  private tickTimer: NodeJS.Timeout | null = null;
  private firstTick: NodeJS.Timeout | null = null;
  /** The end of the write pause we set (a CLIENT PAUSE given meanwhile is not ours to end), or 0. */
  private pausedUntil = 0;
  private releaseLock: (() => void) | null = null;
  /** What the file holds (see save). */
  private savedEssence = '';
  private savedSynced = false;

  constructor(readonly server: Server) {
    this.brain = new ClusterBrain(brainConfig(server), seededRng(randomInt(0x7fffffff)));
    this.configFile = path.resolve(server.config.dir, server.config.clusterConfigFile);
    this.bus = new BusLinks(server, {
      accepted: (link, peerIp, localIp) => this.step({ type: 'linkAccepted', link, peerIp, localIp }),
      connected: (link, localIp) => this.step({ type: 'linkConnected', link, localIp }),
      closed: (link) => this.step({ type: 'linkClosed', link }),
      frame: (link, bytes) => this.step({ type: 'frame', link, bytes }),
    });
  }

  get view(): ClusterView {
    return this.brain;
  }

  /** clusterInit: lock and load nodes.conf, listen on the bus port, start the 100 ms cron. */
  async start(): Promise<void> {
    const server = this.server;
    this.releaseLock = lockClusterConfig(this.configFile);
    const content = readNodesConf(this.configFile);
    this.step({ type: 'load', content });
    const port = server.config.tlsCluster ? server.config.tlsPort : server.config.port;
    const cport = server.config.clusterPort || port + 10000;
    if (!server.config.clusterPort && port > 65535 - 10000) {
      throw new Error(
        'Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis port. Your Redis port number must be 55535 or less.',
      );
    }
    server.dbs[0]!.index = this.slots;
    this.slots.clear();
    for (const key of server.dbs[0]!.dict.keys()) this.slots.add(key);
    // verifyClusterConfigWithData: keys loaded from disk claim their slots (or mark them importing).
    const slotsWithKeys: number[] = [];
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) if (this.slots.count(slot) > 0) slotsWithKeys.push(slot);
    if (slotsWithKeys.length > 0) this.step({ type: 'verifyData', slotsWithKeys });
    await this.bus.listen(cport);
    for (const name of [...CONFIG_OPTIONS, 'loglevel'] as ConfigName[])
      server.configStore.onApply(name, () => this.step({ type: 'config', config: brainConfig(server) }));
    const tick = (): void => {
      // clusterCron's cluster-link-sendbuf-limit check: freed links are reported closed to the brain.
      const limit = server.config.clusterLinkSendbufLimit;
      if (limit > 0) this.bus.enforceSendBufferLimit(limit, (id) => this.linkNodeName(id));
      this.step({ type: 'tick' });
    };
    // The first clusterCron runs at once, as Redis's first serverCron (1 ms after initServer) runs
    // it: that first call starts the 2 s a master waits before turning cluster_state ok.
    this.firstTick = setTimeout(tick, 1);
    this.firstTick.unref();
    this.tickTimer = setInterval(tick, 100);
    this.tickTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.firstTick) clearTimeout(this.firstTick);
    await this.bus.closeAll();
    this.releaseLock?.();
  }

  /** Run an admin command through the brain and return its answer. */
  admin(command: AdminCommand): AdminReply {
    this.reply = null;
    this.step({ type: 'admin', command });
    const r = this.reply ?? { error: 'cluster brain gave no reply' };
    this.reply = null;
    return r;
  }

  /** PUBLISH / SPUBLISH executed here: the brain propagates it over the bus. */
  publish(channel: string, message: string, sharded: boolean): void {
    this.step({ type: 'publish', channel: Buffer.from(channel, 'latin1'), message: Buffer.from(message, 'latin1'), sharded });
  }

  /** Feed one event (queued while outputs of another are being applied: the brain sees one at a time). */
  step(event: ClusterEvent): void {
    this.queue.push(event);
    if (this.running) return;
    this.running = true;
    try {
      for (let ev = this.queue.shift(); ev !== undefined; ev = this.queue.shift()) {
        this.reportReplication();
        this.apply(this.brain.step(Date.now(), ev));
      }
    } finally {
      this.running = false;
    }
    if (event.type === 'beforeSleep') {
      this.bus.flush();
    } else if (!this.beforeSleepScheduled) {
      this.beforeSleepScheduled = true;
      setImmediate(() => this.beforeSleep());
    }
  }

  /**
   * clusterBeforeSleep, once per event-loop turn: the turn's coalesced save, state update and
   * failover checks. Also run before the server writes the turn's replies (Hooks.beforeFlush), so
   * that a reply never precedes the nodes.conf save of the command it answers, pipelined or not.
   */
  beforeSleep(): void {
    if (!this.beforeSleepScheduled) return;
    this.beforeSleepScheduled = false;
    this.step({ type: 'beforeSleep' });
  }

  /** Our replication state, sent to the brain whenever it changed. */
  private reportReplication(): void {
    const rs = this.server.repl;
    let offset: number;
    let masterLinkUp = false;
    let lastInteraction = 0;
    let downSince = 0;
    if (rs.isReplica) {
      const link = rs.link;
      offset = link?.client ? link.reploff : (rs.cachedMaster?.reploff ?? 0);
      if (offset < 0) offset = 0;
      masterLinkUp = rs.linkState === 'connected';
      lastInteraction = link?.client?.lastInteraction ?? 0;
      downSince = rs.downSince * 1000;
    } else {
      offset = rs.masterReplOffset;
    }
    const key = `${offset} ${masterLinkUp} ${lastInteraction} ${downSince}`;
    if (key === this.lastReport) return;
    this.lastReport = key;
    const report: ReplicationReport = { type: 'replication', offset, masterLinkUp, lastInteraction, downSince };
    this.apply(this.brain.step(Date.now(), report));
  }

  private apply(outputs: ClusterOutput[]): void {
    const server = this.server;
    for (const o of outputs) {
      switch (o.type) {
        case 'send':
          this.bus.send(o.link, encodeMessage(o.msg));
          break;
        case 'connect':
          this.bus.connect(o.link, o.ip, o.cport);
          break;
        case 'close':
          this.bus.close(o.link);
          break;
        case 'replicate': {
          const rs = server.repl;
          if (!(rs.isReplica && rs.masterHost === o.ip && rs.masterPort === o.port)) setMaster(rs, o.ip, o.port);
          break;
        }
        case 'promote':
          unsetMaster(server.repl);
          break;
        case 'flushData':
          emptyData(server, null);
          break;
        case 'deleteKeysInSlots':
          this.deleteKeysInSlots(o.slots);
          break;
        case 'dropShardChannels':
          this.dropShardChannels(o.slots);
          break;
        case 'saveConfig':
          this.save(o.content, o.fsync);
          break;
        case 'pauseWrites':
          this.pauseWrites(o.until);
          break;
        case 'unpauseWrites':
          this.unpauseWrites();
          break;
        case 'publish': {
          const channel = Buffer.from(o.channel).toString('latin1');
          const message = Buffer.from(o.message).toString('latin1');
          if (o.sharded) server.pubsub.spublish(channel, message);
          else server.pubsub.publish(channel, message);
          break;
        }
        case 'log':
          server.log.log(o.level, o.text);
          break;
        case 'reply':
          this.reply = o.reply;
          break;
        case 'fatal':
          server.log.warning(o.message);
          process.exit(1);
          break;
        case 'audit':
          break;
      }
    }
  }

  /**
   * clusterSaveConfigOrDie. A save whose content equals the file's except for the ping/pong times
   * (which nodes.conf only reads as zero or not) is skipped when the file was synced at least as
   * well: resharding asks for a save on every node for every gossiped slot update.
   */
  private save(content: string, fsync: boolean): void {
    try {
      this.writeConfig(content, fsync);
    } catch {
      this.server.log.warning("Fatal: can't update cluster config file.");
      process.exit(1);
    }
  }

  /** Write nodes.conf (unless it already holds this content, see save); throws on I/O errors. */
  writeConfig(content: string, fsync: boolean): void {
    const essence = configEssence(content);
    if (essence === this.savedEssence && (this.savedSynced || !fsync)) return;
    this.savedEssence = '';
    writeNodesConf(this.configFile, content, fsync);
    this.savedEssence = essence;
    this.savedSynced = fsync;
  }

  /** Redis 7.0's delKeysInSlot: the keys go without propagation (the slot's new owner has them). */
  private deleteKeysInSlots(slots: number[]): void {
    const db = this.server.dbs[0]!;
    for (const slot of slots) {
      for (const key of this.slots.keys(slot)) {
        db.delete(key);
        this.server.signalModifiedKey(db, key);
      }
    }
  }

  /** removeChannelsInSlot: shard-channel subscribers of these slots are unsubscribed, with notice. */
  private dropShardChannels(slots: number[]): void {
    const wanted = new Set(slots);
    const ps = this.server.pubsub;
    for (const [channel, clients] of [...ps.shardChannels]) {
      if (!wanted.has(keyHashSlot(channel))) continue;
      for (const c of [...clients]) {
        ps.sunsubscribe(c, channel);
        c.addReplyPushLen(3);
        c.addReplyBulk('sunsubscribe');
        c.addReplyBulk(channel);
        c.addReplyInt(c.shardChannels.size);
      }
    }
  }

  /** Manual failover, master side: writes wait until the replica caught up (or `until`). */
  private pauseWrites(until: number): void {
    this.server.pause.pause('write', until);
    this.pausedUntil = this.server.pause.until;
  }

  private unpauseWrites(): void {
    const p = this.server.pause;
    if (this.pausedUntil !== 0 && p.active && p.until === this.pausedUntil) p.unpause();
    this.pausedUntil = 0;
  }

  /** Link id → the name of its node (for log lines), '' when unknown. */
  linkNodeName(id: LinkId): string {
    for (const n of this.view.nodes.values()) {
      if (n.link?.id === id || n.inboundLink?.id === id) return n.name;
    }
    return '';
  }
}
