/**
 * What a sentinel knows about one monitored instance (a master, one of its replicas, or another
 * sentinel watching the same master): Redis 7.0's sentinelRedisInstance and instanceLink, as plain
 * data. The decision logic in brain.ts reads and changes these; nothing here does I/O.
 */

/** Instance flags, with sentinel.c's meanings (SRI_*). */
export const SRI = {
  MASTER: 1 << 0,
  SLAVE: 1 << 1,
  SENTINEL: 1 << 2,
  /** Subjectively down: no valid PING reply for down-after-milliseconds. */
  S_DOWN: 1 << 3,
  /** Objectively down: quorum sentinels agree. */
  O_DOWN: 1 << 4,
  /** On a sentinel: it told us it believes the master is down. */
  MASTER_DOWN: 1 << 5,
  FAILOVER_IN_PROGRESS: 1 << 6,
  /** The replica selected for promotion. */
  PROMOTED: 1 << 7,
  RECONF_SENT: 1 << 8,
  RECONF_INPROG: 1 << 9,
  RECONF_DONE: 1 << 10,
  FORCE_FAILOVER: 1 << 11,
  SCRIPT_KILL_SENT: 1 << 12,
  MASTER_REBOOT: 1 << 13,
} as const;

export const FailoverState = {
  NONE: 0,
  WAIT_START: 1,
  SELECT_SLAVE: 2,
  SEND_SLAVEOF_NOONE: 3,
  WAIT_PROMOTION: 4,
  RECONF_SLAVES: 5,
  UPDATE_CONFIG: 6,
} as const;

const FAILOVER_STATE_NAMES = ['none', 'wait_start', 'select_slave', 'send_slaveof_noone', 'wait_promotion', 'reconf_slaves', 'update_config'];

export function failoverStateName(state: number): string {
  return FAILOVER_STATE_NAMES[state] ?? 'unknown';
}

/** An address as configured (hostname or ip) and as resolved (ip, '' when unresolved). */
export interface Addr {
  hostname: string;
  ip: string;
  port: number;
}

/** What a reply on a link is for (the callback hiredis would run in sentinel.c). */
export type ReplyTag = 'discard' | 'info' | 'ping' | 'publish' | 'is-master-down' | 'hello';

/** One open (or opening) connection of a link: commands (cc) or Pub/Sub (pc). */
export interface Conn {
  /** Identifies this connection in outputs and in the events the shell reports back. */
  gen: number;
  /** Replies still expected, in order. On the Pub/Sub connection, once empty every reply is a hello. */
  pending: ReplyTag[];
  /** The local address of the connection once connected (announced in hellos without announce-ip). */
  localIp: string | null;
}

/** The link to an instance (one per instance here: no sharing between masters). */
export class Link {
  disconnected = true;
  pendingCommands = 0;
  cc: Conn | null = null;
  pc: Conn | null = null;
  ccConnTime = 0;
  pcConnTime = 0;
  pcLastActivity = 0;
  /** Last valid PING reply. */
  lastAvailTime: number;
  /** When the oldest unanswered PING was sent; 0 once answered. */
  actPingTime: number;
  lastPingTime = 0;
  /** Last PING reply of any kind. */
  lastPongTime: number;
  lastReconnTime = 0;

  constructor(now: number) {
    // As in Redis: "now" even before connecting, so a never-reachable instance times out.
    this.actPingTime = now;
    this.lastAvailTime = now;
    this.lastPongTime = now;
  }
}

export const LINK_STATUS_UP = 0;
export const LINK_STATUS_DOWN = 1;

export class Instance {
  flags: number;
  name: string;
  runid: string | null = null;
  configEpoch = 0;
  addr: Addr;
  link: Link;
  lastPubTime: number;
  lastHelloTime: number;
  lastMasterDownReplyTime: number;
  sDownSinceTime = 0;
  oDownSinceTime = 0;
  downAfterPeriod: number;
  masterRebootDownAfterPeriod = 0;
  masterRebootSinceTime = 0;
  /** When the last INFO reply arrived (0: never). */
  infoRefresh = 0;
  /** Commands renamed on the monitored instances (lower-case name → name to send). */
  renamedCommands = new Map<string, string>();
  roleReported: number;
  roleReportedTime: number;
  slaveConfChangeTime: number;

  // Master specific.
  sentinels = new Map<string, Instance>();
  slaves = new Map<string, Instance>();
  quorum: number;
  parallelSyncs = 1;
  authPass: string | null = null;
  authUser: string | null = null;

  // Replica specific.
  masterLinkDownTime = 0;
  slavePriority = 100;
  replicaAnnounced = 1;
  slaveReconfSentTime = 0;
  master: Instance | null;
  slaveMasterHost: string | null = null;
  slaveMasterPort = 0;
  slaveMasterLinkStatus = LINK_STATUS_DOWN;
  slaveReplOffset = 0;

  // Failover. On a master: the leader this sentinel voted for; on a sentinel: whom it voted for.
  leader: string | null = null;
  leaderEpoch = 0;
  failoverEpoch = 0;
  failoverState: number = FailoverState.NONE;
  failoverStateChangeTime = 0;
  failoverStartTime = 0;
  failoverTimeout: number;
  failoverDelayLogged = 0;
  promotedSlave: Instance | null = null;
  notificationScript: string | null = null;
  clientReconfigScript: string | null = null;
  /** Last INFO output (SENTINEL INFO-CACHE). */
  info: string | null = null;

  constructor(
    readonly id: number,
    flags: number,
    name: string,
    addr: Addr,
    quorum: number,
    master: Instance | null,
    now: number,
    defaults: { downAfter: number; failoverTimeout: number },
  ) {
    this.flags = flags;
    this.name = name;
    this.addr = addr;
    this.link = new Link(now);
    this.lastPubTime = now;
    this.lastHelloTime = now;
    this.lastMasterDownReplyTime = now;
    this.downAfterPeriod = master ? master.downAfterPeriod : defaults.downAfter;
    this.quorum = quorum;
    this.master = master;
    this.failoverTimeout = defaults.failoverTimeout;
    this.roleReported = flags & (SRI.MASTER | SRI.SLAVE);
    this.roleReportedTime = now;
    this.slaveConfChangeTime = now;
  }

  get typeName(): string {
    if (this.flags & SRI.MASTER) return 'master';
    if (this.flags & SRI.SLAVE) return 'slave';
    if (this.flags & SRI.SENTINEL) return 'sentinel';
    return 'unknown';
  }
}

/** "ip:port", IPv6 in brackets (anetFormatAddr). */
export function formatAddr(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
