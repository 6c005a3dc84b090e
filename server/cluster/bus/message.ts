/**
 * The cluster bus message (Redis 7.0's clusterMsg) as data. `encodeMessage` / `decodeMessage`
 * (codec.ts) turn it into the exact bytes redis-server sends and back; the brain builds and reads
 * these objects and never sees bytes.
 *
 * Field names follow cluster.h. Strings that are fixed-size NUL-padded char arrays on the wire
 * (node names, IPs) are JS strings here, one char per byte (latin1), without the padding.
 */

/** One entry of the gossip section of PING / PONG / MEET (clusterMsgDataGossip, 104 bytes). */
export interface GossipEntry {
  nodename: string;
  /** Seconds (the sender's ping_sent / 1000, truncated to 32 bits). */
  pingSent: number;
  /** Seconds (the sender's pong_received / 1000, truncated to 32 bits). */
  pongReceived: number;
  ip: string;
  port: number;
  cport: number;
  flags: number;
  pport: number;
}

/**
 * A ping extension (clusterMsgPingExt). 7.0 knows only the hostname (type 0); other types (7.2's
 * forgotten-node, shard-id, …) are kept raw: 7.0 logs and skips them. `data` is the extension's body
 * after its 8-byte header, padding included.
 */
export type PingExt = { kind: 'hostname'; hostname: string } | { kind: 'raw'; type: number; data: Uint8Array };

/** The fixed header every message starts with (2256 bytes on the wire). `kind` tells the body apart. */
export interface MsgHeader {
  /** Message type (MsgType); unknown types decode as `UnknownMsg`. */
  type: number;
  /** Client port the sender announces. */
  port: number;
  /** Plaintext client port when `port` is TLS (0 otherwise). */
  pport: number;
  /** Cluster bus port the sender announces. */
  cport: number;
  currentEpoch: number;
  /** The sender's configEpoch, or its master's when the sender is a replica. */
  configEpoch: number;
  /** Master replication offset, or the processed offset of a replica. */
  offset: number;
  /** 40-character node id of the sender. */
  sender: string;
  /** Slots bitmap (2048 bytes) the sender (or its master) serves. Never mutate a received one. */
  myslots: Uint8Array;
  /** The sender's master id, or null for a master (all-zero on the wire). */
  slaveof: string | null;
  /** cluster-announce-ip of the sender, '' when it lets receivers use the socket address. */
  myip: string;
  /** Sender node flags (NodeFlag bits). */
  flags: number;
  /** CLUSTER_OK (0) or CLUSTER_FAIL (1) from the sender's point of view. */
  state: number;
  /** mflags[0..2]; mflags[0] holds MsgFlag0 bits. */
  mflags: [number, number, number];
}

export interface PingMsg extends MsgHeader {
  kind: 'ping';
  /** PING (0), PONG (1) or MEET (2). */
  type: number;
  gossip: GossipEntry[];
  /** Ping extensions, in wire order. Encoded only when mflags[0] has EXT_DATA (Redis sets both together). */
  extensions: PingExt[];
}

export interface FailMsg extends MsgHeader {
  kind: 'fail';
  /** The node the sender declares FAIL. */
  nodename: string;
}

export interface PublishMsg extends MsgHeader {
  kind: 'publish';
  /** PUBLISH (4) or PUBLISHSHARD (10). */
  channel: Uint8Array;
  message: Uint8Array;
}

/** FAILOVER_AUTH_REQUEST (5), FAILOVER_AUTH_ACK (6), MFSTART (8): a bare header. */
export interface BareMsg extends MsgHeader {
  kind: 'bare';
}

export interface UpdateMsg extends MsgHeader {
  kind: 'update';
  /** The node whose configuration this is, its configEpoch and its slots. */
  nodename: string;
  nodeConfigEpoch: number;
  slots: Uint8Array;
}

export interface ModuleMsg extends MsgHeader {
  kind: 'module';
  /** module_id as the 8 raw bytes the sender wrote (Redis does not byte-swap it). */
  moduleId: Uint8Array;
  moduleType: number;
  payload: Uint8Array;
}

/** A type this version does not know (Redis processes its header and logs it): the body is kept raw. */
export interface UnknownMsg extends MsgHeader {
  kind: 'unknown';
  body: Uint8Array;
}

export type ClusterMsg = PingMsg | FailMsg | PublishMsg | BareMsg | UpdateMsg | ModuleMsg | UnknownMsg;
