import { handleAdmin } from './admin.js';
import { decodeMessage, peekType } from './bus/codec.js';
import type { ClusterMsg, MsgHeader } from './bus/message.js';
import { CLUSTER_FAIL, CLUSTER_OK, CLUSTER_SLOTS, MSG_TYPE_COUNT, MsgFlag0, MsgType, NodeFlag, Timing, Todo } from './constants.js';
import { clusterCron } from './cron.js';
import { handleManualFailover, handleSlaveFailover } from './failover.js';
import { sendPing } from './gossip.js';
import { ClusterNode, Link } from './node.js';
import { isValidNodeId, type NodesTable, parseNodesConf, renderNodes, renderNodesConf, renderRanges } from './nodes-conf.js';
import { processPacket } from './packet.js';
import { type ClusterRng, randomNodeName } from './rng.js';
import { clearBit, forEachSlot, SlotMap, setBit, testBit } from './slots.js';
import type {
  AdminReply,
  AuditRecord,
  ClusterConfig,
  ClusterEvent,
  ClusterFailReason,
  ClusterOutput,
  ClusterView,
  LinkId,
  LogLevel,
  NodeView,
  ReplicationReport,
} from './types.js';

const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };

/** Rendered slot ranges by slots snapshot (snapshots are immutable copies). */
const RANGES = new WeakMap<Uint8Array, string>();

/**
 * The cluster brain: Redis 7.0's cluster.c decision logic (membership, gossip, failure detection,
 * elections, epochs, slot ownership, manual failover, replica migration) as a pure state machine.
 * The contract is types.ts; the logic is split by concern (packet.ts, gossip.ts, cron.ts,
 * failover.ts, admin.ts), each a set of functions over this object, in cluster.c's order and words.
 *
 * Deviations from Redis 7.0.15, deliberate:
 * - votes are counted as a set of distinct voters per election (Redis counts ACK messages; identical
 *   over TCP, and safe when the simulator duplicates messages);
 * - deleting a slot clears its owner-not-claiming mark, as Redis 7.2+ does (#12564): with 7.0.15's
 *   code a delayed message can make a master give its own slot to an older configEpoch, leaving it
 *   unassigned for good (simulator seed 397);
 * - an election forgets the ACKs counted before it asks for votes: Redis (7.0 and later) counts a
 *   late ACK of the previous epoch that arrives between the retry's scheduling and the new request,
 *   so a replica can win an epoch with votes granted in an older one (simulator seed 5131, wire).
 */
export class ClusterBrain implements ClusterView {
  readonly config: ClusterConfig;
  readonly rng: ClusterRng;
  private level: number;

  myself!: ClusterNode;
  currentEpoch = 0;
  lastVoteEpoch = 0;
  state: 'ok' | 'fail' = 'fail';
  failReason: ClusterFailReason = 'not-started';
  size = 1;
  readonly nodes = new Map<string, ClusterNode>();
  /** The same nodes as an array, for O(1) random picks (dictGetRandomKey). */
  readonly nodeList: ClusterNode[] = [];
  readonly blacklist = new Map<string, number>();
  /** Every node ever created here, by uid (the slot maps refer to them). */
  readonly byUid: (ClusterNode | undefined)[] = [undefined];
  readonly slotTable = new SlotMap<ClusterNode>(this.byUid);
  assignedSlots = 0;
  readonly migrating = new SlotMap<ClusterNode>(this.byUid);
  readonly importing = new SlotMap<ClusterNode>(this.byUid);
  /** Some slot is migrating or importing (else rendering and node deletion skip scanning both tables). */
  get openSlots(): boolean {
    return this.migrating.size + this.importing.size > 0;
  }
  /** Slots whose owner stopped claiming them (owner_not_claiming_slot). */
  readonly ownerNotClaiming = new Uint8Array(CLUSTER_SLOTS / 8);
  readonly links = new Map<LinkId, Link>();
  private nextLinkNo = 1;

  // Election state (replica side).
  failoverAuthTime = 0;
  failoverAuthVoters = new Set<string>();
  failoverAuthSent = false;
  failoverAuthRank = 0;
  failoverAuthEpoch = 0;
  cantFailoverReason = 0;
  lastCantFailoverLog = 0;
  // Manual failover.
  mfEnd = 0;
  mfSlave: ClusterNode | null = null;
  mfMasterOffset = -1;
  mfCanStart = false;

  todo = 0;
  readonly messagesSent: number[] = new Array(MSG_TYPE_COUNT).fill(0);
  readonly messagesReceived: number[] = new Array(MSG_TYPE_COUNT).fill(0);
  statsPfailNodes = 0;
  /** clusterCron's iteration counter and clusterSendPing's ping counter (statics in Redis). */
  cronIteration = 0;
  pingsSent = 0;
  /** clusterUpdateState's statics. */
  firstStateCall = 0;
  amongMinorityTime = 0;

  // Replication as the shell reported it, and what we asked of it.
  replOffset = 0;
  masterLinkUp = false;
  lastInteraction = 0;
  downSince = 0;
  /** The master we told the shell to replicate from (server.masterhost set), or null. */
  replicating: { ip: string; port: number } | null = null;
  private prevAnnounceIp = '';

  /** The time of the event being processed, and where its outputs go. */
  now = 0;
  private out: ClusterOutput[] = [];

  constructor(config: ClusterConfig, rng: ClusterRng) {
    this.config = { ...config };
    this.rng = rng;
    this.level = LEVELS[config.verbosity ?? 'notice'];
  }

  /** Process one event at time `now` (ms) and return what the shell must do, in order. */
  step(now: number, event: ClusterEvent): ClusterOutput[] {
    this.now = now;
    const out: ClusterOutput[] = [];
    this.out = out;
    this.pendingChannelDrops = null;
    switch (event.type) {
      case 'load':
        this.load(event.content);
        break;
      case 'tick':
        if (this.myself) clusterCron(this);
        break;
      case 'beforeSleep':
        if (this.myself) this.beforeSleep();
        break;
      case 'linkConnected':
        this.linkConnected(event.link, event.localIp);
        break;
      case 'linkAccepted': {
        const link = new Link(event.link, now, true, null, event.peerIp);
        link.localIp = event.localIp;
        this.links.set(link.id, link);
        break;
      }
      case 'linkClosed':
        this.linkClosed(event.link);
        break;
      case 'frame':
        this.frame(event.link, event.bytes);
        break;
      case 'message': {
        const link = this.links.get(event.link);
        if (link && this.myself) {
          if (event.msg.type < MSG_TYPE_COUNT) this.messagesReceived[event.msg.type]!++;
          processPacket(this, link, event.msg);
        }
        break;
      }
      case 'replication':
        this.replication(event);
        break;
      case 'admin':
        if (this.myself) this.reply(handleAdmin(this, event.command));
        break;
      case 'publish':
        if (this.myself) this.propagatePublish(event.channel, event.message, event.sharded);
        break;
      case 'config':
        this.configure(event.config);
        break;
      case 'verifyData':
        if (this.myself) this.verifyData(event.slotsWithKeys);
        break;
    }
    this.out = [];
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Outputs
  // -------------------------------------------------------------------------------------------

  emit(o: ClusterOutput): void {
    this.out.push(o);
  }

  logEnabled(level: LogLevel): boolean {
    return LEVELS[level] >= this.level;
  }

  log(level: LogLevel, text: string): void {
    if (LEVELS[level] >= this.level) this.out.push({ type: 'log', level, text });
  }

  audit(record: AuditRecord): void {
    this.out.push({ type: 'audit', record });
  }

  private reply(r: AdminReply): void {
    this.out.push({ type: 'reply', reply: r });
  }

  todoBeforeSleep(flags: number): void {
    this.todo |= flags;
  }

  /** clusterSendMessage: a null link drops the message uncounted. */
  send(link: Link | null, msg: ClusterMsg): void {
    if (!link) return;
    if (msg.type < MSG_TYPE_COUNT) this.messagesSent[msg.type]!++;
    this.out.push({ type: 'send', link: link.id, msg });
  }

  /** clusterBroadcastMessage: every node but myself and nodes in handshake, on their outgoing link. */
  broadcast(msg: ClusterMsg): void {
    for (const n of this.nodeList) {
      if ((n.flags & (NodeFlag.MYSELF | NodeFlag.HANDSHAKE)) !== 0) continue;
      this.send(n.link, msg);
    }
  }

  /** clusterBuildMessageHdr. */
  header(type: number): MsgHeader {
    const me = this.myself;
    const master = me.isSlave && me.master ? me.master : me;
    let mflags0 = 0;
    if (me.isMaster && this.mfEnd !== 0) mflags0 |= MsgFlag0.PAUSED;
    return {
      type,
      port: this.config.port,
      pport: this.config.pport,
      cport: this.config.cport,
      currentEpoch: this.currentEpoch,
      configEpoch: master.configEpoch,
      offset: this.replOffset,
      sender: me.name,
      myslots: master.snapshotSlots(),
      slaveof: me.master ? me.master.name : null,
      myip: this.config.announceIp,
      flags: me.flags,
      state: this.state === 'ok' ? CLUSTER_OK : CLUSTER_FAIL,
      mflags: [mflags0, 0, 0],
    };
  }

  /** clusterBroadcastPong: PONG to every linked node (or only the replicas of our shard). */
  broadcastPong(localReplicasOnly: boolean): void {
    for (const n of this.nodeList) {
      if (!n.link || n === this.myself || n.inHandshake) continue;
      if (localReplicasOnly) {
        const local = n.isSlave && n.master !== null && (n.master === this.myself || n.master === this.myself.master);
        if (!local) continue;
      }
      sendPing(this, n.link, MsgType.PONG);
    }
  }

  saveConfigNow(fsync: boolean): void {
    this.todo &= ~Todo.SAVE_CONFIG;
    if (fsync) this.todo &= ~Todo.FSYNC_CONFIG;
    this.out.push({ type: 'saveConfig', content: this.renderConfig(), fsync });
  }

  replicate(node: ClusterNode): void {
    this.replicating = { ip: node.ip, port: node.port };
    this.out.push({ type: 'replicate', master: node.name, ip: node.ip, port: node.port });
  }

  promote(): void {
    this.replicating = null;
    this.out.push({ type: 'promote' });
  }

  // -------------------------------------------------------------------------------------------
  // Node table
  // -------------------------------------------------------------------------------------------

  createNode(name: string | null, flags: number): ClusterNode {
    const n = new ClusterNode(name ?? randomNodeName(this.rng), flags, this.now);
    n.uid = this.byUid.length;
    this.byUid.push(n);
    return n;
  }

  addNode(n: ClusterNode): void {
    this.nodes.set(n.name, n);
    this.nodeList.push(n);
  }

  /** clusterLookupNode: names that are not valid node ids are never found. */
  lookup(name: string): ClusterNode | null {
    const n = this.nodes.get(name);
    return n !== undefined && isValidNodeId(name) ? n : null;
  }

  randomNode(): ClusterNode {
    return this.nodeList[this.rng.int(this.nodeList.length)]!;
  }

  private unlistNode(n: ClusterNode): void {
    this.nodes.delete(n.name);
    const i = this.nodeList.indexOf(n);
    if (i >= 0) this.nodeList.splice(i, 1);
  }

  /** clusterRenameNode. */
  renameNode(n: ClusterNode, name: string): void {
    this.log('debug', `Renaming node ${n.name} into ${name}`);
    this.nodes.delete(n.name);
    n.name = name;
    this.nodes.set(name, n);
  }

  /** clusterDelNode + freeClusterNode. */
  delNode(del: ClusterNode): void {
    if (this.openSlots) {
      for (let j = 0; j < CLUSTER_SLOTS; j++) {
        if (this.importing.get(j) === del) this.importing.set(j, null);
        if (this.migrating.get(j) === del) this.migrating.set(j, null);
      }
    }
    if (del.numSlots > 0) forEachSlot(del.slots, (j) => this.delSlot(j));
    for (const n of this.nodeList) if (n !== del) this.delFailureReport(n, del);
    for (const r of del.replicas) r.master = null;
    if (del.isSlave && del.master) del.master.removeReplica(del);
    this.unlistNode(del);
    if (del.link) this.freeLink(del.link);
    if (del.inboundLink) this.freeLink(del.inboundLink);
  }

  /** clusterGetMaxEpoch. */
  maxEpoch(): number {
    let max = 0;
    for (const n of this.nodeList) if (n.configEpoch > max) max = n.configEpoch;
    return Math.max(max, this.currentEpoch);
  }

  /** clusterBumpConfigEpochWithoutConsensus. */
  bumpEpochWithoutConsensus(reason: 'bumpepoch' | 'takeover' | 'import'): boolean {
    const max = this.maxEpoch();
    if (this.myself.configEpoch === 0 || this.myself.configEpoch !== max) {
      this.currentEpoch++;
      this.myself.configEpoch = this.currentEpoch;
      this.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.FSYNC_CONFIG);
      this.log('warning', `New configEpoch set to ${this.myself.configEpoch}`);
      this.audit({ what: 'epochBump', configEpoch: this.myself.configEpoch, reason });
      return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Failure reports
  // -------------------------------------------------------------------------------------------

  /** clusterNodeAddFailureReport: true when a new report was created. */
  addFailureReport(failing: ClusterNode, sender: ClusterNode): boolean {
    for (const fr of failing.failReports) {
      if (fr.node === sender) {
        fr.time = this.now;
        return false;
      }
    }
    failing.failReports.push({ node: sender, time: this.now });
    return true;
  }

  cleanupFailureReports(n: ClusterNode): void {
    const maxtime = this.config.nodeTimeout * Timing.FAIL_REPORT_VALIDITY_MULT;
    if (n.failReports.length === 0) return;
    n.failReports = n.failReports.filter((fr) => this.now - fr.time <= maxtime);
  }

  delFailureReport(n: ClusterNode, sender: ClusterNode): boolean {
    const i = n.failReports.findIndex((fr) => fr.node === sender);
    if (i < 0) return false;
    n.failReports.splice(i, 1);
    this.cleanupFailureReports(n);
    return true;
  }

  failureReportsCount(n: ClusterNode): number {
    this.cleanupFailureReports(n);
    return n.failReports.length;
  }

  // -------------------------------------------------------------------------------------------
  // Slots
  // -------------------------------------------------------------------------------------------

  /** clusterNodeSetSlotBit. */
  setSlotBit(n: ClusterNode, slot: number): boolean {
    const old = testBit(n.slots, slot);
    if (!old) {
      setBit(n.slots, slot);
      n.slotsSnapshot = null;
      n.numSlots++;
      // A master getting its first slot is a replica-migration target if masters have replicas at all.
      if (n.numSlots === 1 && this.mastersHaveReplicas()) n.flags |= NodeFlag.MIGRATE_TO;
    }
    return old;
  }

  private mastersHaveReplicas(): boolean {
    for (const n of this.nodeList) if (!n.isSlave && n.replicas.length > 0) return true;
    return false;
  }

  /** clusterAddSlot: false when the slot is already assigned. */
  addSlot(n: ClusterNode, slot: number): boolean {
    if (this.slotTable.get(slot)) return false;
    this.setSlotBit(n, slot);
    this.slotTable.set(slot, n);
    this.assignedSlots++;
    return true;
  }

  /** clusterDelSlot: false when the slot was unassigned. */
  delSlot(slot: number): boolean {
    const n = this.slotTable.get(slot);
    if (!n) return false;
    // Shard channels of this slot go away when our shard stops serving it (removeChannelsInSlot).
    const primary = n.isMaster ? n : n.master;
    if (primary && (primary === this.myself || this.myself.master === primary)) this.dropShardChannelsOf(slot);
    clearBit(n.slots, slot);
    n.slotsSnapshot = null;
    n.numSlots--;
    this.slotTable.set(slot, null);
    this.assignedSlots--;
    // Deliberately as Redis 7.2+ (#12564), not 7.0.15: a stale "not claiming" mark must not outlive the
    // ownership it was about, or a later claim under an older configEpoch takes the slot (found by the simulator).
    clearBit(this.ownerNotClaiming, slot);
    return true;
  }

  private pendingChannelDrops: number[] | null = null;
  private dropShardChannelsOf(slot: number): void {
    if (this.pendingChannelDrops === null) {
      this.pendingChannelDrops = [];
      const drops = this.pendingChannelDrops;
      this.out.push({ type: 'dropShardChannels', slots: drops });
    }
    this.pendingChannelDrops.push(slot);
  }

  /** clusterDelNodeSlots. */
  delNodeSlots(n: ClusterNode): number {
    let deleted = 0;
    forEachSlot(n.slots, (j) => {
      this.delSlot(j);
      deleted++;
    });
    return deleted;
  }

  closeAllSlots(): void {
    this.migrating.clear();
    this.importing.clear();
  }

  isSlotUnclaimed(slot: number): boolean {
    return this.slotTable.get(slot) === null || testBit(this.ownerNotClaiming, slot);
  }

  // -------------------------------------------------------------------------------------------
  // Roles
  // -------------------------------------------------------------------------------------------

  /** clusterSetNodeAsMaster. */
  setNodeAsMaster(n: ClusterNode): void {
    if (n.isMaster) return;
    if (n.master) {
      n.master.removeReplica(n);
      if (n !== this.myself) n.flags |= NodeFlag.MIGRATE_TO;
    }
    n.flags &= ~NodeFlag.SLAVE;
    n.flags |= NodeFlag.MASTER;
    n.master = null;
    this.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE);
  }

  /** clusterSetMaster: we become a replica of n. */
  setMaster(n: ClusterNode): void {
    const me = this.myself;
    if (me.isMaster) {
      me.flags &= ~(NodeFlag.MASTER | NodeFlag.MIGRATE_TO);
      me.flags |= NodeFlag.SLAVE;
      this.closeAllSlots();
    } else if (me.master) {
      me.master.removeReplica(me);
    }
    me.master = n;
    n.addReplica(me);
    this.replicate(n);
    this.resetManualFailover();
  }

  /** resetManualFailover. */
  resetManualFailover(): void {
    if (this.mfSlave) this.out.push({ type: 'unpauseWrites' });
    this.mfEnd = 0;
    this.mfCanStart = false;
    this.mfSlave = null;
    this.mfMasterOffset = -1;
  }

  // -------------------------------------------------------------------------------------------
  // Links
  // -------------------------------------------------------------------------------------------

  /** createClusterLink for an outgoing link, and ask the shell to connect it. */
  connect(n: ClusterNode): Link {
    const id = `to:${n.name.slice(0, 8)}#${this.nextLinkNo++}`;
    const link = new Link(id, this.now, false, n, n.ip);
    this.links.set(id, link);
    n.link = link;
    this.out.push({ type: 'connect', link: id, node: n.name, ip: n.ip, cport: n.cport });
    return link;
  }

  /** freeClusterLink: detach and close. */
  freeLink(link: Link): void {
    this.detachLink(link);
    this.out.push({ type: 'close', link: link.id });
  }

  private detachLink(link: Link): void {
    this.links.delete(link.id);
    const n = link.node;
    if (n) {
      if (n.link === link) n.link = null;
      else if (n.inboundLink === link) n.inboundLink = null;
    }
  }

  /** setClusterNodeToInboundClusterLink. */
  setInboundLink(n: ClusterNode, link: Link): void {
    if (n.inboundLink && n.inboundLink !== link) {
      this.log('debug', `Replacing inbound link ${n.inboundLink.id} from node ${n.name} with ${link.id}`);
      this.freeLink(n.inboundLink);
    }
    n.inboundLink = link;
    link.node = n;
  }

  /** clusterLinkConnectHandler. */
  private linkConnected(id: LinkId, localIp: string): void {
    const link = this.links.get(id);
    if (!link || link.inbound || !link.node) return;
    const node = link.node;
    link.connected = true;
    link.localIp = localIp;
    // Queue a PING (or MEET) at once: crucial to avoid false positives in failure detection.
    const oldPingSent = node.pingSent;
    sendPing(this, link, (node.flags & NodeFlag.MEET) !== 0 ? MsgType.MEET : MsgType.PING);
    if (oldPingSent) node.pingSent = oldPingSent;
    node.flags &= ~NodeFlag.MEET;
    this.log('debug', `Connecting with Node ${node.name} at ${node.ip}:${node.cport}`);
  }

  private linkClosed(id: LinkId): void {
    const link = this.links.get(id);
    if (!link) return;
    if (!link.inbound && !link.connected && link.node) {
      this.log('verbose', `Connection with Node ${link.node.name} at ${link.node.ip}:${link.node.cport} failed`);
    }
    this.detachLink(link);
  }

  private frame(id: LinkId, bytes: Uint8Array): void {
    const link = this.links.get(id);
    if (!link || !this.myself) return;
    const type = peekType(bytes);
    if (type >= 0 && type < MSG_TYPE_COUNT) this.messagesReceived[type]!++;
    const r = decodeMessage(bytes);
    if (!r.ok) {
      if (r.log !== '') this.log('warning', r.log);
      return;
    }
    processPacket(this, link, r.msg);
  }

  // -------------------------------------------------------------------------------------------
  // Replication, configuration, publish
  // -------------------------------------------------------------------------------------------

  private replication(r: ReplicationReport): void {
    this.replOffset = r.offset;
    this.masterLinkUp = r.masterLinkUp;
    this.lastInteraction = r.lastInteraction;
    this.downSince = r.downSince;
  }

  private configure(c: Partial<ClusterConfig>): void {
    Object.assign(this.config, c);
    if (c.verbosity) this.level = LEVELS[c.verbosity];
    if (!this.myself) return;
    this.updateMyselfFlags();
    this.updateMyselfAnnounced();
  }

  /** clusterUpdateMyselfFlags (NOFAILOVER follows cluster-replica-no-failover). */
  updateMyselfFlags(): void {
    const old = this.myself.flags;
    this.myself.flags &= ~NodeFlag.NOFAILOVER;
    if (this.config.replicaNoFailover) this.myself.flags |= NodeFlag.NOFAILOVER;
    if (this.myself.flags !== old) this.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE);
  }

  /** clusterUpdateMyselfAnnouncedPorts / Ip / Hostname. */
  updateMyselfAnnounced(): void {
    const me = this.myself;
    me.port = this.config.port;
    me.pport = this.config.pport;
    me.cport = this.config.cport;
    const ip = this.config.announceIp;
    if (ip !== this.prevAnnounceIp) {
      this.prevAnnounceIp = ip;
      me.ip = ip.slice(0, 45);
    }
    me.hostname = this.config.announceHostname;
  }

  /** clusterPropagatePublish. */
  private propagatePublish(channel: Uint8Array, message: Uint8Array, sharded: boolean): void {
    if (!sharded) {
      this.broadcast({ ...this.header(MsgType.PUBLISH), kind: 'publish', channel, message });
      return;
    }
    const me = this.myself;
    const primary = me.isMaster ? me : me.master;
    if (!primary) return;
    const msg: ClusterMsg = { ...this.header(MsgType.PUBLISHSHARD), kind: 'publish', channel, message };
    for (const n of [primary, ...primary.replicas]) {
      if ((n.flags & (NodeFlag.MYSELF | NodeFlag.HANDSHAKE)) !== 0) continue;
      this.send(n.link, msg);
    }
  }

  /** verifyClusterConfigWithData: keys found at load time in slots that are not ours. */
  private verifyData(slotsWithKeys: number[]): void {
    if (this.myself.isSlave) return;
    let update = 0;
    for (const j of slotsWithKeys) {
      if (j < 0 || j >= CLUSTER_SLOTS) continue;
      const owner = this.slotTable.get(j);
      if (owner === this.myself || this.importing.get(j) !== null) continue;
      update++;
      if (owner === null) {
        this.log('warning', `I have keys for unassigned slot ${j}. Taking responsibility for it.`);
        this.addSlot(this.myself, j);
      } else {
        this.log('warning', `I have keys for slot ${j}, but the slot is assigned to another node. Setting it to importing state.`);
        this.importing.set(j, owner);
      }
    }
    if (update > 0) this.saveConfigNow(true);
  }

  // -------------------------------------------------------------------------------------------
  // Load (clusterInit + clusterLoadConfig)
  // -------------------------------------------------------------------------------------------

  private load(content: string | null): void {
    if (content === null || content === '') {
      this.myself = this.createNode(null, NodeFlag.MYSELF | NodeFlag.MASTER);
      this.log('notice', `No cluster configuration found, I'm ${this.myself.name}`);
      this.addNode(this.myself);
      this.initMyself();
      this.saveConfigNow(true);
      return;
    }
    const parsed = parseNodesConf(content);
    if (!parsed.ok) {
      this.out.push({ type: 'fatal', message: parsed.error });
      return;
    }
    const conf = parsed.conf;
    for (const w of conf.warnings) this.log('warning', w);
    this.currentEpoch = conf.currentEpoch;
    this.lastVoteEpoch = conf.lastVoteEpoch;
    const get = (name: string): ClusterNode => {
      let n = this.nodes.get(name);
      if (!n) {
        n = this.createNode(name, 0);
        this.addNode(n);
      }
      return n;
    };
    for (const c of conf.nodes) {
      const n = get(c.name);
      n.hostname = c.hostname;
      n.ip = c.ip;
      n.port = c.port;
      n.cport = c.cport;
      n.flags |= c.flags;
      if ((c.flags & NodeFlag.MYSELF) !== 0) this.myself = n;
      if ((c.flags & NodeFlag.FAIL) !== 0) n.failTime = this.now;
      if (c.master !== null) {
        const m = get(c.master);
        n.master = m;
        m.addReplica(n);
      }
      if (c.pingSent) n.pingSent = this.now;
      if (c.pongReceived) n.pongReceived = this.now;
      n.configEpoch = n.isSlave && n.master ? 0 : c.configEpoch;
      for (const [slot, id] of c.migrating) this.migrating.set(slot, get(id));
      for (const [slot, id] of c.importing) this.importing.set(slot, get(id));
      for (const [start, stop] of c.slots) for (let s = start; s <= stop; s++) this.addSlot(n, s);
    }
    this.log('notice', `Node configuration loaded, I'm ${this.myself.name}`);
    const max = this.maxEpoch();
    if (max > this.currentEpoch) this.currentEpoch = max;
    this.initMyself();
  }

  private initMyself(): void {
    this.prevAnnounceIp = '';
    this.updateMyselfAnnounced();
    this.resetManualFailover();
    this.updateMyselfFlags();
  }

  // -------------------------------------------------------------------------------------------
  // beforeSleep and state
  // -------------------------------------------------------------------------------------------

  /** clusterBeforeSleep. */
  private beforeSleep(): void {
    const flags = this.todo;
    this.todo = 0;
    if ((flags & Todo.HANDLE_MANUALFAILOVER) !== 0) {
      if (this.myself.isSlave) {
        handleManualFailover(this);
        handleSlaveFailover(this);
      }
    } else if ((flags & Todo.HANDLE_FAILOVER) !== 0) {
      handleSlaveFailover(this);
    }
    if ((flags & Todo.UPDATE_STATE) !== 0) this.updateState();
    if ((flags & Todo.SAVE_CONFIG) !== 0) this.saveConfigNow((flags & Todo.FSYNC_CONFIG) !== 0);
  }

  /** clusterUpdateState. */
  updateState(): void {
    this.todo &= ~Todo.UPDATE_STATE;
    const now = this.now;
    if (this.firstStateCall === 0) this.firstStateCall = now;
    // A restarted master waits before turning OK, giving the cluster a chance to reconfigure it.
    if (this.myself.isMaster && this.state === 'fail' && now - this.firstStateCall < Timing.WRITABLE_DELAY) return;

    let reason: ClusterFailReason = '';
    if (this.config.requireFullCoverage) {
      let covered = this.assignedSlots === CLUSTER_SLOTS;
      if (covered) {
        for (const n of this.nodeList) {
          if (n.numSlots > 0 && n.failed) {
            covered = false;
            break;
          }
        }
      }
      if (!covered) reason = 'slots-uncovered';
    }
    let size = 0;
    let reachable = 0;
    for (const n of this.nodeList) {
      if (n.isMaster && n.numSlots > 0) {
        size++;
        if ((n.flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) === 0) reachable++;
      }
    }
    this.size = size;
    if (reachable < Math.floor(size / 2) + 1) {
      reason = 'minority';
      this.amongMinorityTime = now;
    }
    const newState = reason === '' ? 'ok' : 'fail';
    if (newState !== this.state) {
      const rejoinDelay = Math.min(Math.max(this.config.nodeTimeout, Timing.MIN_REJOIN_DELAY), Timing.MAX_REJOIN_DELAY);
      // A master back from the minority waits for a configuration update before accepting queries.
      if (newState === 'ok' && this.myself.isMaster && now - this.amongMinorityTime < rejoinDelay) return;
      this.log('warning', `Cluster state changed: ${newState}`);
      this.state = newState;
    }
    this.failReason = reason;
  }

  // -------------------------------------------------------------------------------------------
  // ClusterView
  // -------------------------------------------------------------------------------------------

  slotOwner(slot: number): NodeView | null {
    return this.slotTable.get(slot);
  }
  migratingTo(slot: number): NodeView | null {
    return this.migrating.get(slot);
  }
  importingFrom(slot: number): NodeView | null {
    return this.importing.get(slot);
  }
  renderConfig(): string {
    return renderNodesConf(this.table(), this.currentEpoch, this.lastVoteEpoch);
  }
  renderNodes(usePport = false): string {
    return renderNodes({ ...this.table(), usePport });
  }
  private table(): NodesTable {
    return {
      nodes: this.nodeList,
      slotTable: this.slotTable,
      migrating: this.migrating,
      importing: this.importing,
      openSlots: this.openSlots,
      rangesOf: (n) => {
        // The slots snapshot changes identity whenever the slots change: cache the rendering on it.
        const snap = (n as ClusterNode).snapshotSlots();
        let r = RANGES.get(snap);
        if (r === undefined) RANGES.set(snap, (r = renderRanges(snap)));
        return r;
      },
    };
  }
}
