import { NodeFlag } from './constants.js';
import { newSlotBitmap } from './slots.js';
import type { LinkId, LinkView, NodeView } from './types.js';

/** A bus link (clusterLink). */
export class Link implements LinkView {
  node: ClusterNode | null;
  connected: boolean;
  /** The peer's address: the address we dialled for outgoing links, getpeername for incoming ones. */
  peerIp: string;
  /** Our address on this link (getsockname), '' until known. */
  localIp = '';

  constructor(
    readonly id: LinkId,
    readonly ctime: number,
    readonly inbound: boolean,
    node: ClusterNode | null,
    peerIp: string,
  ) {
    this.node = node;
    this.connected = inbound;
    this.peerIp = peerIp;
  }
}

export interface FailReport {
  node: ClusterNode;
  time: number;
}

/** A node of the cluster table (clusterNode), owned and mutated by the brain only. */
export class ClusterNode implements NodeView {
  flags: number;
  ip = '';
  port = 0;
  pport = 0;
  cport = 0;
  hostname = '';
  configEpoch = 0;
  slots = newSlotBitmap();
  numSlots = 0;
  master: ClusterNode | null = null;
  replicas: ClusterNode[] = [];
  pingSent = 0;
  pongReceived = 0;
  dataReceived = 0;
  failTime = 0;
  votedTime = 0;
  replOffset = 0;
  replOffsetTime = 0;
  orphanedTime = 0;
  link: Link | null = null;
  inboundLink: Link | null = null;
  failReports: FailReport[] = [];
  /** The ping number this node was last put in a gossip section of (avoids duplicates in one message). */
  lastInPingGossip = 0;
  /** Registry index for the brain's slot maps (never 0). */
  uid = 0;
  /** A copy of `slots` shared by the messages built until the slots change. */
  slotsSnapshot: Uint8Array | null = null;

  constructor(
    public name: string,
    flags: number,
    readonly ctime: number,
  ) {
    this.flags = flags;
  }

  get isMaster(): boolean {
    return (this.flags & NodeFlag.MASTER) !== 0;
  }
  get isSlave(): boolean {
    return (this.flags & NodeFlag.SLAVE) !== 0;
  }
  get inHandshake(): boolean {
    return (this.flags & NodeFlag.HANDSHAKE) !== 0;
  }
  get timedOut(): boolean {
    return (this.flags & NodeFlag.PFAIL) !== 0;
  }
  get failed(): boolean {
    return (this.flags & NodeFlag.FAIL) !== 0;
  }

  snapshotSlots(): Uint8Array {
    if (this.slotsSnapshot === null) this.slotsSnapshot = this.slots.slice();
    return this.slotsSnapshot;
  }

  /** clusterNodeAddSlave: false when already there. */
  addReplica(r: ClusterNode): boolean {
    if (this.replicas.includes(r)) return false;
    this.replicas.push(r);
    this.flags |= NodeFlag.MIGRATE_TO;
    return true;
  }

  /** clusterNodeRemoveSlave. */
  removeReplica(r: ClusterNode): boolean {
    const i = this.replicas.indexOf(r);
    if (i < 0) return false;
    this.replicas.splice(i, 1);
    if (this.replicas.length === 0) this.flags &= ~NodeFlag.MIGRATE_TO;
    return true;
  }

  /** clusterCountNonFailingSlaves. */
  okReplicas(): number {
    let n = 0;
    for (const r of this.replicas) if (!r.failed) n++;
    return n;
  }
}
