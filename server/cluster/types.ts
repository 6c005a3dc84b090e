/**
 * THE CLUSTER CONTRACT — what the brain (brain.ts, a pure state machine mirroring Redis 7.0's cluster.c)
 * takes in, gives out and lets the data path read. The shell (sockets, timers, files, replication,
 * clients) and the simulator drive a brain only through these types:
 *
 *     const outputs = brain.step(now, event);   // now: milliseconds, the shell's clock (mstime())
 *
 * Everything the brain decides is a function of (its state, now, event, its seeded ClusterRng).
 * Changes to this file are additive only; each one is documented in its commit message.
 */
import type { ClusterMsg } from './bus/message.js';

/** Identifies one bus connection. The brain names its outgoing links ("to:…"); the shell names incoming ones (any other string). */
export type LinkId = string;

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/** The cluster-* options the brain's decisions depend on (names and defaults as redis.conf). */
export interface ClusterConfig {
  /** cluster-node-timeout, ms (15000). */
  nodeTimeout: number;
  /** cluster-replica-validity-factor (10; 0 = a replica always tries to fail over). */
  replicaValidityFactor: number;
  /** repl-ping-replica-period, seconds (10): part of the data-age limit. */
  replPingReplicaPeriod: number;
  /** cluster-migration-barrier (1). */
  migrationBarrier: number;
  /** cluster-allow-replica-migration (yes). */
  allowReplicaMigration: boolean;
  /** cluster-require-full-coverage (yes). */
  requireFullCoverage: boolean;
  /** cluster-replica-no-failover (no). */
  replicaNoFailover: boolean;
  /** Our client port as announced (cluster-announce-port, else port). */
  port: number;
  /** Plaintext port when `port` is TLS (0). */
  pport: number;
  /** Our bus port as announced (cluster-announce-bus-port, else cluster-port, else port + 10000). */
  cport: number;
  /** cluster-announce-ip ('' = let peers use the socket address, as Redis's NULL). */
  announceIp: string;
  /** cluster-announce-hostname ('' = none). */
  announceHostname: string;
  /** Least severe log level emitted (Redis's loglevel; 'notice' when unset). */
  verbosity?: LogLevel;
  /**
   * Test-only (never a config option): this node grants a vote even if it already voted in the epoch
   * or for a replica of the same master within 2 × node-timeout. The simulator must catch it.
   */
  debugVoteTwicePerEpoch?: boolean;
}

export const DEFAULT_CLUSTER_CONFIG: Readonly<ClusterConfig> = {
  nodeTimeout: 15000,
  replicaValidityFactor: 10,
  replPingReplicaPeriod: 10,
  migrationBarrier: 1,
  allowReplicaMigration: true,
  requireFullCoverage: true,
  replicaNoFailover: false,
  port: 6379,
  pport: 0,
  cport: 16379,
  announceIp: '',
  announceHostname: '',
};

// ---------------------------------------------------------------------------------------------
// Events (inputs)
// ---------------------------------------------------------------------------------------------

/**
 * Our own replication state, as the shell sees it. Send it before any other event whenever it
 * changed since the last report (offsets go into every message header the brain builds, and a
 * manual failover compares them exactly).
 */
export interface ReplicationReport {
  type: 'replication';
  /** master_repl_offset when we are a master; the processed offset (replicationGetSlaveOffset) when a replica. */
  offset: number;
  /** Replica side: the link to our master is up (repl_state == CONNECTED). */
  masterLinkUp: boolean;
  /** Replica side, ms: last interaction with the master while the link is up (master->lastinteraction). */
  lastInteraction: number;
  /** Replica side, ms: when the link went down (repl_down_since); 0 if never up. */
  downSince: number;
}

/** Admin commands (the CLUSTER subcommands that change cluster state). Arguments are already parsed. */
export type AdminCommand =
  | { cmd: 'meet'; ip: string; port: number; cport?: number }
  | { cmd: 'forget'; node: string }
  | { cmd: 'addslots' | 'delslots'; slots: number[] }
  | { cmd: 'addslotsrange' | 'delslotsrange'; ranges: Array<[number, number]> }
  /** FLUSHSLOTS; `dbEmpty`: db 0 has no keys (Redis refuses otherwise). */
  | { cmd: 'flushslots'; dbEmpty: boolean }
  /** SETSLOT <slot> IMPORTING|MIGRATING|NODE <id>; `keysInSlot` = COUNTKEYSINSLOT of that slot here (NODE checks it). */
  | { cmd: 'setslot'; slot: number; action: 'importing' | 'migrating' | 'node'; node: string; keysInSlot: number }
  | { cmd: 'setslot'; slot: number; action: 'stable' }
  /** REPLICATE <id>; `dbEmpty`: db 0 has no keys. */
  | { cmd: 'replicate'; node: string; dbEmpty: boolean }
  | { cmd: 'failover'; mode: 'default' | 'force' | 'takeover' }
  /** RESET [SOFT|HARD]; `dbEmpty`: db 0 has no keys (a master must be empty). */
  | { cmd: 'reset'; hard: boolean; dbEmpty: boolean }
  | { cmd: 'set-config-epoch'; epoch: number }
  | { cmd: 'bumpepoch' }
  | { cmd: 'count-failure-reports'; node: string };

export type ClusterEvent =
  /**
   * First event of a brain's life: the nodes.conf content, or null when the file is missing or empty
   * (a new node: it names itself and asks to save). A corrupt file yields a `fatal` output.
   */
  | { type: 'load'; content: string | null }
  /** clusterCron: every 100 ms. */
  | { type: 'tick' }
  /** clusterBeforeSleep: once per event-loop turn, after the turn's other events (coalesced saves, failover checks). */
  | { type: 'beforeSleep' }
  /** An outgoing link the brain asked for (`connect`) is established. `localIp`: our address on it (getsockname). */
  | { type: 'linkConnected'; link: LinkId; localIp: string }
  /** A peer connected to our bus port. `peerIp`: its address (getpeername); `localIp`: ours (getsockname). */
  | { type: 'linkAccepted'; link: LinkId; peerIp: string; localIp: string }
  /** A link failed to connect, hit an I/O error, was closed by the peer, or sent a bad signature / length. */
  | { type: 'linkClosed'; link: LinkId }
  /** One complete frame read from a link (bus/framer.ts): the brain decodes, validates and counts it. */
  | { type: 'frame'; link: LinkId; bytes: Uint8Array }
  /** An already decoded message (the simulator skips the codec); same processing as `frame`. */
  | { type: 'message'; link: LinkId; msg: ClusterMsg }
  | ReplicationReport
  /** An admin command: answered by exactly one `reply` output. */
  | { type: 'admin'; command: AdminCommand }
  /** PUBLISH (sharded = false) or SPUBLISH (true) executed here: propagate it over the bus. */
  | { type: 'publish'; channel: Uint8Array; message: Uint8Array; sharded: boolean }
  /** CONFIG SET of a cluster option (announce-*, replica-no-failover, node-timeout, …). */
  | { type: 'config'; config: Partial<ClusterConfig> }
  /**
   * After loading the dataset at start (verifyClusterConfigWithData): the slots holding keys. A master
   * takes unassigned ones and marks the others importing.
   */
  | { type: 'verifyData'; slotsWithKeys: number[] };

// ---------------------------------------------------------------------------------------------
// Outputs (what the shell must do, in order)
// ---------------------------------------------------------------------------------------------

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** An admin command's answer. The shell prefixes errors with "ERR " as Redis's addReplyError does. */
export type AdminReply = { ok: true } | { error: string } | { integer: number } | { status: string };

/** Facts the simulator checks invariants with; the shell ignores them. */
export type AuditRecord =
  /** We granted our vote to `candidate` in `epoch`. */
  | { what: 'vote'; candidate: string; epoch: number }
  /** We became a master taking our old master's slots. `votes`: distinct masters whose ACK we counted. */
  | { what: 'promoted'; how: 'election' | 'manual' | 'takeover'; epoch: number; configEpoch: number; votes: string[]; quorum: number }
  /** We gave ourselves a new configEpoch without agreement (BUMPEPOCH, TAKEOVER, importing a slot, collision). */
  | { what: 'epochBump'; configEpoch: number; reason: 'bumpepoch' | 'takeover' | 'import' | 'collision' | 'set-config-epoch' };

export type ClusterOutput =
  /** Queue a message on a link (outgoing or incoming). The shell encodes it with bus/codec.ts encodeMessage. */
  | { type: 'send'; link: LinkId; msg: ClusterMsg }
  /** Open an outgoing link to a node's bus port (through the route table). Report `linkConnected` or `linkClosed`. */
  | { type: 'connect'; link: LinkId; node: string; ip: string; cport: number }
  /** Close a link (either direction). No `linkClosed` event is expected back. */
  | { type: 'close'; link: LinkId }
  /** Replicate from this master (replicationSetMaster): our role is replica from now on. */
  | { type: 'replicate'; master: string; ip: string; port: number }
  /** Stop replicating and serve as a master (replicationUnsetMaster). */
  | { type: 'promote' }
  /** Drop the whole dataset (CLUSTER RESET of a replica: emptyData). */
  | { type: 'flushData' }
  /** Delete every key of these slots: we lost them but still serve others (Redis's dirty slots). */
  | { type: 'deleteKeysInSlots'; slots: number[] }
  /** Drop shard-channel subscriptions of these slots: our shard no longer serves them (removeChannelsInSlot). */
  | { type: 'dropShardChannels'; slots: number[] }
  /** Write nodes.conf atomically with this content (fsync when asked). Emitted at once or at beforeSleep, as Redis. */
  | { type: 'saveConfig'; content: string; fsync: boolean }
  /** Manual failover on the master side: pause client writes until `until` (ms), as pauseClients(…, WRITE). */
  | { type: 'pauseWrites'; until: number }
  /** End the manual-failover write pause. */
  | { type: 'unpauseWrites' }
  /** Deliver a bus PUBLISH / PUBLISHSHARD to our local subscribers. */
  | { type: 'publish'; channel: Uint8Array; message: Uint8Array; sharded: boolean }
  /** A log line in Redis's wording. */
  | { type: 'log'; level: LogLevel; text: string }
  /** The answer to the `admin` event being processed. */
  | { type: 'reply'; reply: AdminReply }
  /** Unrecoverable (corrupt nodes.conf, …): log `message` and exit(1), as Redis. */
  | { type: 'fatal'; message: string }
  | { type: 'audit'; record: AuditRecord };

// ---------------------------------------------------------------------------------------------
// The read-only view (data path, CLUSTER NODES/SLOTS/SHARDS/LINKS/INFO rendering)
// ---------------------------------------------------------------------------------------------

export interface LinkView {
  readonly id: LinkId;
  /** Creation time, ms (CLUSTER LINKS create-time). */
  readonly ctime: number;
  /** Accepted from the peer (CLUSTER LINKS direction "from") or opened by us ("to"). */
  readonly inbound: boolean;
  /** The node this link belongs to; null for an incoming link whose peer has not named itself yet. */
  readonly node: NodeView | null;
  /** Outgoing links: the connection is established (inbound links always are). */
  readonly connected: boolean;
}

export interface FailureReportView {
  readonly node: NodeView;
  /** When the report was last refreshed, ms. */
  readonly time: number;
}

/** A node of the table, as Redis's clusterNode. Do not mutate. */
export interface NodeView {
  readonly name: string;
  /** NodeFlag bits. */
  readonly flags: number;
  readonly ip: string;
  readonly port: number;
  readonly pport: number;
  readonly cport: number;
  /** Announced hostname, '' when none. */
  readonly hostname: string;
  readonly configEpoch: number;
  /** Slots bitmap (2048 bytes, bit j of byte j>>3 is slot j, as Redis). */
  readonly slots: Uint8Array;
  readonly numSlots: number;
  /** Its master (slaveof), null for masters or when the master is unknown. */
  readonly master: NodeView | null;
  readonly replicas: readonly NodeView[];
  readonly ctime: number;
  /** ms; 0 when no ping is pending. */
  readonly pingSent: number;
  readonly pongReceived: number;
  readonly dataReceived: number;
  readonly failTime: number;
  readonly votedTime: number;
  readonly replOffset: number;
  readonly replOffsetTime: number;
  readonly orphanedTime: number;
  readonly link: LinkView | null;
  readonly inboundLink: LinkView | null;
  readonly failReports: readonly FailureReportView[];
}

/** Why the cluster state is fail ('' when ok). */
export type ClusterFailReason = '' | 'not-started' | 'slots-uncovered' | 'minority';

/** The read side of a brain (ClusterBrain implements it). */
export interface ClusterView {
  readonly myself: NodeView;
  readonly currentEpoch: number;
  readonly lastVoteEpoch: number;
  /** 'ok' or 'fail': the data path refuses queries with -CLUSTERDOWN when 'fail'. */
  readonly state: 'ok' | 'fail';
  /** Why `state` is (or would be, during the rejoin delays) fail. */
  readonly failReason: ClusterFailReason;
  /** Number of masters serving at least one slot. */
  readonly size: number;
  /** All known nodes, myself and handshake nodes included. */
  readonly nodes: ReadonlyMap<string, NodeView>;
  /** The node serving a slot, or null when unassigned. */
  slotOwner(slot: number): NodeView | null;
  /** SETSLOT MIGRATING target of a slot (ASK redirections), or null. */
  migratingTo(slot: number): NodeView | null;
  /** SETSLOT IMPORTING source of a slot (ASKING accepted), or null. */
  importingFrom(slot: number): NodeView | null;
  /** Messages sent / received by type (index = MsgType), for CLUSTER INFO. */
  readonly messagesSent: readonly number[];
  readonly messagesReceived: readonly number[];
  /** Manual failover in progress: its deadline (ms), else 0. */
  readonly mfEnd: number;
  /** Replica side of a manual failover: the offset our paused master reported (-1 until known); we start once ours reaches it. */
  readonly mfMasterOffset: number;
  readonly mfCanStart: boolean;
  /** Election bookkeeping (replica side): the epoch asked for, when it starts / started (ms), our rank, the masters that voted for us. */
  readonly failoverAuthEpoch: number;
  readonly failoverAuthTime: number;
  readonly failoverAuthSent: boolean;
  readonly failoverAuthRank: number;
  readonly failoverAuthVoters: ReadonlySet<string>;
  /** Our replication offset as last reported. */
  readonly replOffset: number;
  /** Nodes.conf content of the current state (clusterGenNodesDescription + vars line), e.g. for CLUSTER SAVECONFIG. */
  renderConfig(): string;
  /** CLUSTER NODES output (every node, handshake ones included); `usePport`: plain-text ports where known. */
  renderNodes(usePport?: boolean): string;
}
