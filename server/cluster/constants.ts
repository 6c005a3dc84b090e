/**
 * Redis Cluster constants, as Redis 7.0's cluster.h defines them (values are part of the wire format
 * and of nodes.conf, so they are not ours to choose).
 */

export const CLUSTER_SLOTS = 16384;
/** Node ids are 40 lowercase hex characters (Redis accepts [a-z0-9]). */
export const CLUSTER_NAMELEN = 40;
/** The default cluster bus port is the client port + 10000. */
export const CLUSTER_PORT_INCR = 10000;

/** clusterNode.flags bits (also sent on the wire in headers and gossip entries). */
export const NodeFlag = {
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
} as const;

/** Bus message types (clusterMsg.type). */
export const MsgType = {
  PING: 0,
  PONG: 1,
  MEET: 2,
  FAIL: 3,
  PUBLISH: 4,
  FAILOVER_AUTH_REQUEST: 5,
  FAILOVER_AUTH_ACK: 6,
  UPDATE: 7,
  MFSTART: 8,
  MODULE: 9,
  PUBLISHSHARD: 10,
} as const;
/** Number of known message types: the size of the per-type stats arrays. */
export const MSG_TYPE_COUNT = 11;

/** Names used by CLUSTER INFO's cluster_stats_messages_<name>_sent/received and in log lines. */
export const MSG_TYPE_NAMES: readonly string[] = [
  'ping',
  'pong',
  'meet',
  'fail',
  'publish',
  'auth-req',
  'auth-ack',
  'update',
  'mfstart',
  'module',
  'publishshard',
];

/** clusterGetMessageTypeString: the name of a type, "unknown" outside the table. */
export function msgTypeName(type: number): string {
  return MSG_TYPE_NAMES[type] ?? 'unknown';
}

/** clusterMsg.mflags[0] bits. */
export const MsgFlag0 = {
  /** Master paused for manual failover. */
  PAUSED: 1,
  /** Give ACK to AUTH_REQUEST even if the master is up (manual failover). */
  FORCEACK: 2,
  /** The message carries ping extensions. */
  EXT_DATA: 4,
} as const;

/** Ping extension types of 7.0 (7.0 knows only the hostname; later versions add more, which 7.0 logs and skips). */
export const PingExtType = {
  HOSTNAME: 0,
} as const;

/** Cluster state as sent in headers (clusterMsg.state). */
export const CLUSTER_OK = 0;
export const CLUSTER_FAIL = 1;

/** Timing constants of cluster.c / cluster.h (milliseconds unless noted). */
export const Timing = {
  /** Failure reports older than node-timeout × this are discarded. */
  FAIL_REPORT_VALIDITY_MULT: 2,
  /** A master still serving slots gets its FAIL cleared after node-timeout × this once reachable. */
  FAIL_UNDO_TIME_MULT: 2,
  /** A manual failover aborts after this. */
  MF_TIMEOUT: 5000,
  /** The master pauses writes for MF_TIMEOUT × this. */
  MF_PAUSE_MULT: 2,
  /** An orphaned master must stay orphaned this long before a replica migrates to it. */
  SLAVE_MIGRATION_DELAY: 5000,
  /** A restarted master stays in FAIL state at least this long after the first state evaluation. */
  WRITABLE_DELAY: 2000,
  /** A master leaving the minority waits node-timeout, clamped to [MIN, MAX], before turning OK. */
  MIN_REJOIN_DELAY: 500,
  MAX_REJOIN_DELAY: 5000,
  /** CLUSTER FORGET keeps the node out for this many seconds. */
  BLACKLIST_TTL_SECONDS: 60,
  /** clusterCron runs every 100 ms (serverCron at hz 10 with run_with_period(100)). */
  CRON_PERIOD: 100,
  /** "Currently unable to failover" lines are repeated at most every this many seconds for the same reason. */
  CANT_FAILOVER_RELOG_PERIOD_SECONDS: 300,
} as const;

/** Why a replica cannot fail over (clusterState.cant_failover_reason). */
export const CantFailover = {
  NONE: 0,
  DATA_AGE: 1,
  WAITING_DELAY: 2,
  EXPIRED: 3,
  WAITING_VOTES: 4,
} as const;

/** clusterState.todo_before_sleep bits: work deferred to clusterBeforeSleep. */
export const Todo = {
  HANDLE_FAILOVER: 1,
  UPDATE_STATE: 2,
  SAVE_CONFIG: 4,
  FSYNC_CONFIG: 8,
  HANDLE_MANUALFAILOVER: 16,
} as const;
