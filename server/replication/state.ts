import type { Client } from '../client.js';
import type { Server } from '../server.js';
import { randomHex } from '../util/random.js';
import { Backlog } from './backlog.js';
import type { MasterLink } from './replica.js';

/** A replica attached to us, master side (Redis's slave client + replstate). */
export interface ReplicaLink {
  client: Client;
  /** INFO's state: waiting for the RDB to be produced, sending it, or streaming. */
  state: 'wait_bgsave' | 'send_bulk' | 'online';
  /** Set once +FULLRESYNC was sent: from then on the stream is accumulated in `pending`. */
  fullResyncSent: boolean;
  /** Offset of the last REPLCONF ACK, and when it arrived (unix seconds, as Redis). */
  ackOff: number;
  ackTime: number;
  /** Diskless transfer: the stream starts after the replica's first ACK (it reads past the EOF mark otherwise). */
  startOnAck: boolean;
  /** Stream accumulated while the RDB is produced or before the first ACK. */
  pending: string[];
  pendingBytes: number;
  /** Unix seconds since when the output is above the soft limit (0: it is not). */
  softSince: number;
  /** The full sync in progress sends an EOF-marked payload straight to the socket. */
  diskless: boolean;
  /** Joined with SYNC (pre-PSYNC protocol: no ACKs, no +FULLRESYNC). */
  prePsync: boolean;
  /** Unix seconds when the replica asked for sync (repl-diskless-sync-delay counts from there). */
  waitingSince: number;
}

/** What a replica told us with REPLCONF before PSYNC. */
export interface ReplicaConf {
  listeningPort: number;
  ipAddress: string | null;
  capaEof: boolean;
  capaPsync2: boolean;
}

/** Replica side link states, named as ROLE reports them. */
export type LinkState = 'none' | 'connect' | 'connecting' | 'handshake' | 'transfer' | 'connected';

/** The state of a cached master (after a link drop) or of "ourselves" before REPLICAOF: what PSYNC asks for. */
export interface CachedMaster {
  replid: string;
  /** Offset processed (the last byte applied). */
  reploff: number;
  readReploff: number;
  /** The db the master's stream had selected (kept across a partial resync). */
  db: number;
}

/** Redis 6.2 coordinated failover state. */
export interface FailoverState {
  state: 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';
  targetHost: string | null;
  targetPort: number;
  endTime: number;
  force: boolean;
}

export const NULL_REPLID = '0000000000000000000000000000000000000000';

/** Everything replication keeps per server (Redis's server.repl_* / master_* fields). */
export class ReplState {
  replid = randomHex(40);
  replid2 = NULL_REPLID;
  masterReplOffset = 0;
  secondReplOffset = -1;
  backlog: Backlog | null = null;
  /** The db the stream last SELECTed (-1: emit SELECT before the next command). */
  seldb = -1;
  replicas: ReplicaLink[] = [];
  readonly replicaConf = new WeakMap<Client, ReplicaConf>();
  readonly linkOf = new WeakMap<Client, ReplicaLink>();
  /** Unix seconds since when there have been no replicas (repl-backlog-ttl). */
  noReplicasSince = Math.floor(Date.now() / 1000);
  goodReplicas = 0;
  /** An updateFailoverStatus is queued for the end of this event-loop turn. */
  failoverCheckScheduled = false;
  /** Clients blocked in WAIT, newest first (Redis adds at the list head). */
  waiting: Client[] = [];
  /** A full-sync RDB is being produced (Redis's BGSAVE child for replication). */
  syncInProgress = false;
  /** A REPLCONF GETACK is scheduled for the end of this event-loop turn. */
  getAckScheduled = false;
  failover: FailoverState = { state: 'no-failover', targetHost: null, targetPort: 0, endTime: 0, force: false };

  // ---- replica side ----
  masterHost: string | null = null;
  masterPort = 0;
  linkState: LinkState = 'none';
  /** Unix seconds when the link went down (0: never connected / reset). */
  downSince = 0;
  cachedMaster: CachedMaster | null = null;
  /** The link to our master while connecting, syncing or streaming. */
  link: MasterLink | null = null;

  constructor(public readonly server: Server) {}

  get isReplica(): boolean {
    return this.masterHost !== null;
  }

  unixtime(): number {
    return Math.floor(this.server.now() / 1000);
  }

  changeReplicationId(): void {
    this.replid = randomHex(40);
  }

  clearReplicationId2(): void {
    this.replid2 = NULL_REPLID;
    this.secondReplOffset = -1;
  }

  /** The current history becomes the secondary one (valid up to our offset), under a fresh id. */
  shiftReplicationId(): void {
    this.replid2 = this.replid;
    this.secondReplOffset = this.masterReplOffset + 1;
    this.changeReplicationId();
    this.server.log.warning(
      `Setting secondary replication ID to ${this.replid2}, valid up to offset: ${this.secondReplOffset}. New replication ID is ${this.replid}`,
    );
  }

  createBacklog(): void {
    this.backlog = new Backlog(this.backlogSize(), this.masterReplOffset);
  }

  /** repl-backlog-size in bytes. */
  backlogSize(): number {
    return this.server.config.replBacklogSize;
  }

  freeBacklog(): void {
    this.backlog = null;
  }
}

/** The address a replica is known by: its REPLCONF ip-address or the peer address of its link. */
export function replicaIp(rs: ReplState, c: Client): string {
  const conf = rs.replicaConf.get(c);
  if (conf?.ipAddress) return conf.ipAddress;
  const a = c.socket?.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

export function replicaPort(rs: ReplState, c: Client): number {
  return rs.replicaConf.get(c)?.listeningPort ?? 0;
}
