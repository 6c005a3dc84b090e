import { type Addr, type Conn, FailoverState, formatAddr, Instance, LINK_STATUS_DOWN, LINK_STATUS_UP, type ReplyTag, SRI } from './instance.js';
import type { LogLevel, Output, Reply } from './outputs.js';
import { DEFAULT_TIMING, type Timing } from './timing.js';

/**
 * The decision logic of a sentinel, as Redis 7.0's sentinel.c: monitoring (PING, INFO, hello
 * messages), SDOWN/ODOWN, leader election by epoch, the failover state machine and config
 * propagation. A pure state machine: every entry point takes `now` (ms) and the only effects are
 * the Outputs appended to `out` (drained by the shell or the simulator). Randomness (failover
 * start desync, timer jitter, the sentinel id) comes from the injected `rng`, so a seeded run is
 * exactly reproducible.
 */

export const HELLO_CHANNEL = '__sentinel__:hello';
const MAX_PENDING_COMMANDS = 100;
const MAX_DESYNC = 1000;
const ASK_FORCED = 1;

export interface BrainOptions {
  /** Uniform in [0, 1). */
  rng: () => number;
  /** Resolve a hostname to an ip (null when it can't be resolved now). IPs need no resolver. */
  resolve?: (host: string) => string | null;
  /** The port we listen on (announced in hellos without announce-port). */
  port: number;
  /** Our requirepass: also used to authenticate to other sentinels without sentinel-pass. */
  requirepass?: () => string;
  /**
   * TEST ONLY: grant every vote request, even a second one in the same epoch. Breaks the
   * one-vote-per-epoch rule so the simulator can show it catches two leaders in one epoch.
   */
  debugBreakVoteRule?: boolean;
}

export class SentinelBrain {
  myid = '';
  currentEpoch = 0;
  readonly masters = new Map<string, Instance>();
  tilt = false;
  tiltStartTime = 0;
  previousTime: number;
  announceIp: string | null = null;
  announcePort = 0;
  simFailureFlags = 0;
  denyScriptsReconfig = true;
  sentinelAuthPass: string | null = null;
  sentinelAuthUser: string | null = null;
  resolveHostnames = false;
  announceHostnames = false;
  timing: Timing = { ...DEFAULT_TIMING };
  /** Outputs not yet drained by the shell. */
  out: Output[] = [];
  now: number;
  private readonly byId = new Map<number, Instance>();
  private nextId = 1;
  private nextGen = 1;

  constructor(
    readonly opts: BrainOptions,
    now: number,
  ) {
    this.now = now;
    this.previousTime = now;
  }

  drain(): Output[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  instance(id: number): Instance | undefined {
    return this.byId.get(id);
  }

  /** The timer period: Redis runs the sentinel timer at hz 10..19, re-drawn each time to desync sentinels. */
  nextTimerDelay(): number {
    return Math.floor(1000 / (10 + Math.floor(this.opts.rng() * 10)));
  }

  randomHex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.opts.rng() * 16).toString(16);
    return s;
  }

  // ---- events and logs ----

  /** sentinelEvent: `ri` given means the message starts with the instance ("%@"). */
  event(level: LogLevel, type: string, ri: Instance | null, rest = ''): void {
    let msg = '';
    if (ri !== null) {
      const m = ri.flags & SRI.MASTER ? null : ri.master;
      msg = `${ri.typeName} ${ri.name} ${this.announceAddr(ri.addr)} ${ri.addr.port}`;
      if (m) msg += ` @ ${m.name} ${this.announceAddr(m.addr)} ${m.addr.port}`;
    }
    this.out.push({ kind: 'event', level, type, msg: msg + rest });
  }

  log(level: LogLevel, msg: string): void {
    this.out.push({ kind: 'log', level, msg });
  }

  flushConfig(): void {
    this.out.push({ kind: 'flush-config' });
  }

  // ---- addresses ----

  announceAddr(a: Addr): string {
    return this.announceHostnames ? a.hostname : a.ip;
  }

  announceAddrAndPort(a: Addr): string {
    return formatAddr(this.announceAddr(a), a.port);
  }

  /** Resolve host: an IP as is; a hostname only with resolve-hostnames. null: unresolvable. */
  private resolveIp(host: string): string | null {
    if (isIp(host)) return host;
    if (!this.resolveHostnames) return null;
    if (host.toLowerCase() === 'localhost') return '127.0.0.1';
    return this.opts.resolve?.(host) ?? null;
  }

  /** createSentinelAddr; an error text ('ENOENT'/'EINVAL') instead of errno. */
  createAddr(host: string, port: number, acceptUnresolved: boolean): Addr | 'EINVAL' | 'ENOENT' {
    if (!Number.isInteger(port) || port < 0 || port > 65535) return 'EINVAL';
    let ip = this.resolveIp(host);
    if (ip === null) {
      this.log('warning', `Failed to resolve hostname '${host}'`);
      if (this.resolveHostnames && acceptUnresolved) ip = '';
      else return 'ENOENT';
    }
    return { hostname: host, ip, port };
  }

  addrEqual(a: Addr, b: Addr): boolean {
    return a.port === b.port && (a.ip === b.ip || a.hostname.toLowerCase() === b.hostname.toLowerCase());
  }

  addrEqualsHostname(a: Addr, host: string | null): boolean {
    if (host === null) return false;
    const ip = this.resolveIp(host);
    if (ip === null) return (this.resolveHostnames ? a.hostname : a.ip).toLowerCase() === host.toLowerCase();
    return a.ip.toLowerCase() === ip.toLowerCase();
  }

  // ---- instances ----

  /**
   * createSentinelRedisInstance. Returns the instance or an errno-like code: EBUSY (duplicate),
   * ENOENT (unresolvable), EINVAL (bad port).
   */
  createInstance(
    name: string | null,
    flags: number,
    host: string,
    port: number,
    quorum: number,
    master: Instance | null,
  ): Instance | 'EBUSY' | 'ENOENT' | 'EINVAL' {
    const addr = this.createAddr(host, port, true);
    if (typeof addr === 'string') return addr;
    const key = flags & SRI.SLAVE ? this.announceAddrAndPort(addr) : name!;
    const table = flags & SRI.MASTER ? this.masters : flags & SRI.SLAVE ? master!.slaves : master!.sentinels;
    if (table.has(key)) return 'EBUSY';
    const ri = new Instance(this.nextId++, flags, key, addr, quorum, master, this.now, {
      downAfter: this.timing.defaultDownAfter,
      failoverTimeout: this.timing.defaultFailoverTimeout,
    });
    table.set(key, ri);
    this.byId.set(ri.id, ri);
    return ri;
  }

  /** releaseSentinelRedisInstance (the caller removes it from its table). */
  releaseInstance(ri: Instance): void {
    for (const s of ri.sentinels.values()) this.releaseInstance(s);
    for (const s of ri.slaves.values()) this.releaseInstance(s);
    ri.sentinels.clear();
    ri.slaves.clear();
    this.closeConn(ri, 'cc');
    this.closeConn(ri, 'pc');
    this.byId.delete(ri.id);
    if (ri.flags & SRI.SLAVE && ri.flags & SRI.PROMOTED && ri.master) ri.master.promotedSlave = null;
  }

  lookupSlave(master: Instance, host: string, port: number): Instance | undefined {
    const addr = this.createAddr(host, port, false);
    if (typeof addr === 'string') return undefined;
    return master.slaves.get(this.announceAddrAndPort(addr));
  }

  removeMatchingSentinel(master: Instance, runid: string | null): number {
    if (runid === null) return 0;
    let removed = 0;
    for (const [k, ri] of [...master.sentinels]) {
      if (ri.runid !== null && ri.runid === runid) {
        master.sentinels.delete(k);
        this.releaseInstance(ri);
        removed++;
      }
    }
    return removed;
  }

  /** getSentinelRedisInstanceByAddrAndRunID: match by runid and/or address. */
  findByAddrAndRunid(instances: Map<string, Instance>, host: string | null, port: number, runid: string | null): Instance | undefined {
    let want: Addr | null = null;
    if (host !== null) {
      const a = this.createAddr(host, port, true);
      if (typeof a === 'string') return undefined;
      want = a;
    }
    for (const ri of instances.values()) {
      if (runid !== null && ri.runid === null) continue;
      if ((runid === null || ri.runid === runid) && (want === null || this.addrEqual(ri.addr, want))) return ri;
    }
    return undefined;
  }

  resetMaster(ri: Instance, flags: { noSentinels?: boolean; event?: boolean }): void {
    for (const s of ri.slaves.values()) this.releaseInstance(s);
    ri.slaves = new Map();
    if (!flags.noSentinels) {
      for (const s of ri.sentinels.values()) this.releaseInstance(s);
      ri.sentinels = new Map();
    }
    this.closeConn(ri, 'cc');
    this.closeConn(ri, 'pc');
    ri.flags &= SRI.MASTER;
    ri.leader = null;
    ri.failoverState = FailoverState.NONE;
    ri.failoverStateChangeTime = 0;
    ri.failoverStartTime = 0;
    ri.promotedSlave = null;
    ri.runid = null;
    ri.slaveMasterHost = null;
    ri.link.actPingTime = this.now;
    ri.link.lastPingTime = 0;
    ri.link.lastAvailTime = this.now;
    ri.link.lastPongTime = this.now;
    ri.roleReportedTime = this.now;
    ri.roleReported = SRI.MASTER;
    if (flags.event) this.event('warning', '+reset-master', ri);
  }

  resetMastersByPattern(pattern: string, match: (p: string, s: string) => boolean): number {
    let n = 0;
    for (const ri of [...this.masters.values()]) {
      if (match(pattern, ri.name)) {
        this.resetMaster(ri, { event: true });
        n++;
      }
    }
    return n;
  }

  /** sentinelResetMasterAndChangeAddress: the +switch-master step. false when unresolvable. */
  resetMasterAndChangeAddress(master: Instance, host: string, port: number): boolean {
    const newaddr = this.createAddr(host, port, false);
    if (typeof newaddr === 'string') return false;
    const slaves: Addr[] = [];
    for (const s of master.slaves.values()) {
      if (this.addrEqual(s.addr, newaddr)) continue;
      slaves.push({ ...s.addr });
    }
    if (!this.addrEqual(newaddr, master.addr)) slaves.push({ ...master.addr });
    this.resetMaster(master, { noSentinels: true });
    master.addr = newaddr;
    master.oDownSinceTime = 0;
    master.sDownSinceTime = 0;
    for (const a of slaves) {
      const s = this.createInstance(null, SRI.SLAVE, a.hostname, a.port, master.quorum, master);
      if (typeof s !== 'string') this.event('notice', '+slave', s);
    }
    this.flushConfig();
    return true;
  }

  noDownFor(ri: Instance, ms: number): boolean {
    let mostRecent = ri.sDownSinceTime;
    if (ri.oDownSinceTime > mostRecent) mostRecent = ri.oDownSinceTime;
    return mostRecent === 0 || this.now - mostRecent > ms;
  }

  currentMasterAddress(master: Instance): Addr {
    if (master.flags & SRI.FAILOVER_IN_PROGRESS && master.promotedSlave && master.failoverState >= FailoverState.RECONF_SLAVES) {
      return master.promotedSlave.addr;
    }
    return master.addr;
  }

  propagateDownAfterPeriod(master: Instance): void {
    for (const ri of master.slaves.values()) ri.downAfterPeriod = master.downAfterPeriod;
    for (const ri of master.sentinels.values()) ri.downAfterPeriod = master.downAfterPeriod;
  }

  mapCommand(ri: Instance, command: string): string {
    const owner = ri.master ?? ri;
    return owner.renamedCommands.get(command.toLowerCase()) ?? command;
  }

  // ---- links ----

  private send(ri: Instance, which: 'cc' | 'pc', argv: string[], tag: ReplyTag): boolean {
    const conn = ri.link[which];
    if (conn === null) return false;
    conn.pending.push(tag);
    this.out.push({ kind: 'send', inst: ri.id, conn: which, gen: conn.gen, argv });
    if (which === 'cc' || tag === 'discard') ri.link.pendingCommands++;
    return true;
  }

  private closeConn(ri: Instance, which: 'cc' | 'pc'): void {
    const conn = ri.link[which];
    if (conn === null) return;
    this.out.push({ kind: 'close', inst: ri.id, conn: which, gen: conn.gen });
    ri.link[which] = null;
    if (which === 'cc') ri.link.pendingCommands = 0;
    ri.link.disconnected = true;
  }

  /** The shell reports a connection established (with its local address). */
  connected(now: number, inst: number, which: 'cc' | 'pc', gen: number, localIp: string): void {
    this.now = now;
    const ri = this.byId.get(inst);
    const conn = ri?.link[which];
    if (!conn || conn.gen !== gen) return;
    conn.localIp = localIp;
  }

  /** The shell reports a connection lost or refused (instanceLinkConnectionError). */
  closed(now: number, inst: number, which: 'cc' | 'pc', gen: number): void {
    this.now = now;
    const ri = this.byId.get(inst);
    const conn = ri?.link[which];
    if (!ri || !conn || conn.gen !== gen) return;
    ri.link[which] = null;
    ri.link.disconnected = true;
  }

  /** A reply (or a Pub/Sub message) arrived on a connection. */
  reply(now: number, inst: number, which: 'cc' | 'pc', gen: number, r: Reply): void {
    this.now = now;
    const ri = this.byId.get(inst);
    const conn = ri?.link[which];
    if (!ri || !conn || conn.gen !== gen) return;
    // On the Pub/Sub connection, once AUTH/SETNAME are answered everything is the hello channel.
    const tag = conn.pending.shift() ?? 'hello';
    if (tag !== 'hello') ri.link.pendingCommands--;
    switch (tag) {
      case 'info':
        if (r.t === 'bulk' && r.s !== null) this.refreshInstanceInfo(ri, r.s);
        else if (r.t === 'status') this.refreshInstanceInfo(ri, r.s);
        break;
      case 'ping':
        this.onPingReply(ri, r);
        break;
      case 'publish':
        if (r.t !== 'error') ri.lastPubTime = this.now;
        break;
      case 'is-master-down':
        this.onIsMasterDownReply(ri, r);
        break;
      case 'hello':
        this.onHelloChannelReply(ri, r);
        break;
      case 'discard':
        break;
    }
  }

  private reconnectInstance(ri: Instance): void {
    const link = ri.link;
    if (!link.disconnected) return;
    if (ri.addr.port === 0) return;
    if (this.now - link.lastReconnTime < this.timing.pingPeriod) return;
    link.lastReconnTime = this.now;
    if (link.cc === null) {
      if (this.resolveHostnames) {
        const a = this.createAddr(ri.addr.hostname, ri.addr.port, false);
        if (typeof a !== 'string') ri.addr = a;
      }
      const gen = this.nextGen++;
      link.cc = { gen, pending: [], localIp: null };
      this.out.push({
        kind: 'connect',
        inst: ri.id,
        conn: 'cc',
        gen,
        host: ri.addr.ip || ri.addr.hostname,
        port: ri.addr.port,
        sentinel: (ri.flags & SRI.SENTINEL) !== 0,
      });
      link.pendingCommands = 0;
      link.ccConnTime = this.now;
      this.sendAuthIfNeeded(ri, 'cc');
      this.setClientName(ri, 'cc', 'cmd');
      this.sendPing(ri);
    }
    if (ri.flags & (SRI.MASTER | SRI.SLAVE) && link.pc === null) {
      const gen = this.nextGen++;
      link.pc = { gen, pending: [], localIp: null };
      this.out.push({ kind: 'connect', inst: ri.id, conn: 'pc', gen, host: ri.addr.ip || ri.addr.hostname, port: ri.addr.port, sentinel: false });
      link.pcConnTime = this.now;
      this.sendAuthIfNeeded(ri, 'pc');
      this.setClientName(ri, 'pc', 'pubsub');
      const pc: Conn = link.pc;
      this.out.push({ kind: 'send', inst: ri.id, conn: 'pc', gen: pc.gen, argv: [this.mapCommand(ri, 'SUBSCRIBE'), HELLO_CHANNEL] });
    }
    if (link.cc && (ri.flags & SRI.SENTINEL || link.pc)) link.disconnected = false;
  }

  private sendAuthIfNeeded(ri: Instance, which: 'cc' | 'pc'): void {
    let pass: string | null = null;
    let user: string | null = null;
    if (ri.flags & SRI.MASTER) {
      pass = ri.authPass;
      user = ri.authUser;
    } else if (ri.flags & SRI.SLAVE) {
      pass = ri.master!.authPass;
      user = ri.master!.authUser;
    } else if (ri.flags & SRI.SENTINEL) {
      if (this.sentinelAuthPass) {
        pass = this.sentinelAuthPass;
        user = this.sentinelAuthUser;
      } else {
        pass = this.opts.requirepass?.() || null;
      }
    }
    if (pass && user === null) this.send(ri, which, [this.mapCommand(ri, 'AUTH'), pass], 'discard');
    else if (pass && user) this.send(ri, which, [this.mapCommand(ri, 'AUTH'), user, pass], 'discard');
  }

  private setClientName(ri: Instance, which: 'cc' | 'pc', type: string): void {
    this.send(ri, which, [this.mapCommand(ri, 'CLIENT'), 'SETNAME', `sentinel-${this.myid.slice(0, 8)}-${type}`], 'discard');
  }

  // ---- monitoring ----

  masterLooksSane(master: Instance): boolean {
    return (
      (master.flags & SRI.MASTER) !== 0 &&
      master.roleReported === SRI.MASTER &&
      (master.flags & (SRI.S_DOWN | SRI.O_DOWN)) === 0 &&
      this.now - master.infoRefresh < this.timing.infoPeriod * 2
    );
  }

  /** sentinelRefreshInstanceInfo: learn run id, replicas, role and replication state from INFO. */
  refreshInstanceInfo(ri: Instance, info: string): void {
    ri.info = info;
    ri.masterLinkDownTime = 0;
    let role = 0;
    for (const l of info.split('\r\n')) {
      if (l.length >= 47 && l.startsWith('run_id:')) {
        const id = l.slice(7, 47);
        if (ri.runid === null) ri.runid = id;
        else if (ri.runid !== id) {
          this.event('notice', '+reboot', ri);
          if (ri.flags & SRI.MASTER && ri.masterRebootDownAfterPeriod !== 0) {
            ri.flags |= SRI.MASTER_REBOOT;
            ri.masterRebootSinceTime = this.now;
          }
          ri.runid = id;
        }
      }
      if (ri.flags & SRI.MASTER && l.length >= 7 && l.startsWith('slave') && isDigit(l.charCodeAt(5))) {
        let ip: string;
        let port: string;
        if (!l.includes('ip=')) {
          const colon = l.indexOf(':');
          if (colon < 0) continue;
          const parts = l.slice(colon + 1).split(',');
          if (parts.length < 3) continue;
          ip = parts[0]!;
          port = parts[1]!;
        } else {
          const i = l.indexOf('ip=');
          const p = l.indexOf('port=');
          if (p < 0) continue;
          ip = l.slice(i + 3).split(',')[0]!;
          port = l.slice(p + 5).split(',')[0]!;
        }
        const portNum = atoi(port);
        if (this.lookupSlave(ri, ip, portNum) === undefined) {
          const slave = this.createInstance(null, SRI.SLAVE, ip, portNum, ri.quorum, ri);
          if (typeof slave !== 'string') {
            this.event('notice', '+slave', slave);
            this.flushConfig();
          }
        }
      }
      if (l.length >= 32 && l.startsWith('master_link_down_since_seconds')) {
        ri.masterLinkDownTime = atoi(l.slice(31)) * 1000;
      }
      if (l.startsWith('role:master')) role = SRI.MASTER;
      else if (l.startsWith('role:slave')) role = SRI.SLAVE;
      if (role === SRI.SLAVE) {
        if (l.startsWith('master_host:')) {
          const h = l.slice(12);
          if (ri.slaveMasterHost === null || h.toLowerCase() !== ri.slaveMasterHost.toLowerCase()) {
            ri.slaveMasterHost = h;
            ri.slaveConfChangeTime = this.now;
          }
        }
        if (l.startsWith('master_port:')) {
          const p = atoi(l.slice(12));
          if (ri.slaveMasterPort !== p) {
            ri.slaveMasterPort = p;
            ri.slaveConfChangeTime = this.now;
          }
        }
        if (l.startsWith('master_link_status:')) {
          ri.slaveMasterLinkStatus = l.slice(19).toLowerCase() === 'up' ? LINK_STATUS_UP : LINK_STATUS_DOWN;
        }
        if (l.startsWith('slave_priority:')) ri.slavePriority = atoi(l.slice(15));
        if (l.startsWith('slave_repl_offset:')) ri.slaveReplOffset = atoi(l.slice(18));
        if (l.startsWith('replica_announced:')) ri.replicaAnnounced = atoi(l.slice(18));
      }
    }
    ri.infoRefresh = this.now;

    // ---- acting half ----
    if (role !== ri.roleReported) {
      ri.roleReportedTime = this.now;
      ri.roleReported = role;
      if (role === SRI.SLAVE) ri.slaveConfChangeTime = this.now;
      this.event(
        'verbose',
        (ri.flags & (SRI.MASTER | SRI.SLAVE)) === role ? '+role-change' : '-role-change',
        ri,
        ` new reported role is ${role === SRI.MASTER ? 'master' : 'slave'}`,
      );
    }
    if (this.tilt) return;

    // A replica turned master: our promotion completing, or one to convert back.
    if (ri.flags & SRI.SLAVE && role === SRI.MASTER) {
      const master = ri.master!;
      if (ri.flags & SRI.PROMOTED && master.flags & SRI.FAILOVER_IN_PROGRESS && master.failoverState === FailoverState.WAIT_PROMOTION) {
        master.configEpoch = master.failoverEpoch;
        master.failoverState = FailoverState.RECONF_SLAVES;
        master.failoverStateChangeTime = this.now;
        this.flushConfig();
        this.event('warning', '+promoted-slave', ri);
        if (this.simFailureFlags & SIMFAILURE_CRASH_AFTER_PROMOTION) this.simFailureCrash();
        this.event('warning', '+failover-state-reconf-slaves', master);
        this.forceHelloUpdateForMaster(master);
      } else {
        const wait = this.timing.publishPeriod * 4;
        if (!(ri.flags & SRI.PROMOTED) && this.masterLooksSane(master) && this.noDownFor(ri, wait) && this.now - ri.roleReportedTime > wait) {
          if (this.sendSlaveOf(ri, master.addr)) this.event('notice', '+convert-to-slave', ri);
        }
      }
    }

    // A replica replicating from another address than its master's.
    if (
      ri.flags & SRI.SLAVE &&
      role === SRI.SLAVE &&
      (ri.slaveMasterPort !== ri.master!.addr.port || !this.addrEqualsHostname(ri.master!.addr, ri.slaveMasterHost))
    ) {
      const wait = ri.master!.failoverTimeout;
      if (this.masterLooksSane(ri.master!) && this.noDownFor(ri, wait) && this.now - ri.slaveConfChangeTime > wait) {
        if (this.sendSlaveOf(ri, ri.master!.addr)) this.event('notice', '+fix-slave-config', ri);
      }
    }

    // A replica being reconfigured moved forward.
    if (ri.flags & SRI.SLAVE && role === SRI.SLAVE && ri.flags & (SRI.RECONF_SENT | SRI.RECONF_INPROG)) {
      const promoted = ri.master!.promotedSlave;
      if (
        ri.flags & SRI.RECONF_SENT &&
        promoted &&
        ri.slaveMasterHost !== null &&
        this.addrEqualsHostname(promoted.addr, ri.slaveMasterHost) &&
        ri.slaveMasterPort === promoted.addr.port
      ) {
        ri.flags &= ~SRI.RECONF_SENT;
        ri.flags |= SRI.RECONF_INPROG;
        this.event('notice', '+slave-reconf-inprog', ri);
      }
      if (ri.flags & SRI.RECONF_INPROG && ri.slaveMasterLinkStatus === LINK_STATUS_UP) {
        ri.flags &= ~SRI.RECONF_INPROG;
        ri.flags |= SRI.RECONF_DONE;
        this.event('notice', '+slave-reconf-done', ri);
      }
    }
  }

  private onPingReply(ri: Instance, r: Reply): void {
    const link = ri.link;
    if (r.t === 'status' || r.t === 'error') {
      if (r.s.startsWith('PONG') || r.s.startsWith('LOADING') || r.s.startsWith('MASTERDOWN')) {
        link.lastAvailTime = this.now;
        link.actPingTime = 0;
        if (ri.flags & SRI.MASTER_REBOOT && r.s.startsWith('PONG')) ri.flags &= ~SRI.MASTER_REBOOT;
      } else if (r.s.startsWith('BUSY') && ri.flags & SRI.S_DOWN && !(ri.flags & SRI.SCRIPT_KILL_SENT)) {
        this.send(ri, 'cc', [this.mapCommand(ri, 'SCRIPT'), 'KILL'], 'discard');
        ri.flags |= SRI.SCRIPT_KILL_SENT;
      }
    }
    link.lastPongTime = this.now;
  }

  private onHelloChannelReply(ri: Instance, r: Reply): void {
    ri.link.pcLastActivity = this.now;
    if (r.t !== 'array' || r.items === null || r.items.length !== 3) return;
    const [k, , payload] = r.items;
    if (k!.t !== 'bulk' || k!.s !== 'message' || payload!.t !== 'bulk' || payload!.s === null) return;
    if (r.items[1]!.t !== 'bulk') return;
    if (payload!.s.includes(this.myid)) return;
    this.processHelloMessage(payload!.s);
  }

  /** sentinelProcessHelloMessage: discover a sentinel, adopt a newer epoch or master config. */
  processHelloMessage(hello: string): void {
    const token = hello.split(',');
    if (token.length !== 8) return;
    const master = this.masters.get(token[4]!);
    if (!master) return;
    const port = atoi(token[1]!);
    const masterPort = atoi(token[6]!);
    let si = this.findByAddrAndRunid(master.sentinels, token[0]!, port, token[2]!);
    const currentEpoch = parseEpoch(token[3]!);
    const masterConfigEpoch = parseEpoch(token[7]!);
    if (!si) {
      const removed = this.removeMatchingSentinel(master, token[2]!);
      if (removed) {
        this.event('notice', '+sentinel-address-switch', master, ` ip ${token[0]} port ${port} for ${token[2]}`);
      } else {
        const other = this.findByAddrAndRunid(master.sentinels, token[0]!, port, null);
        if (other) {
          this.event('notice', '+sentinel-invalid-addr', other);
          const obsolete = other.runid;
          for (const m of this.masters.values()) this.removeMatchingSentinel(m, obsolete);
        }
      }
      const created = this.createInstance(token[2]!, SRI.SENTINEL, token[0]!, port, master.quorum, master);
      if (typeof created !== 'string') {
        si = created;
        if (!removed) this.event('notice', '+sentinel', si);
        si.runid = token[2]!;
        if (removed) this.updateSentinelAddressInAllMasters(si);
        this.flushConfig();
      }
    }
    if (currentEpoch > this.currentEpoch) {
      this.currentEpoch = currentEpoch;
      this.flushConfig();
      this.rawEvent('warning', '+new-epoch', String(this.currentEpoch));
    }
    if (si && master.configEpoch < masterConfigEpoch) {
      master.configEpoch = masterConfigEpoch;
      if (masterPort !== master.addr.port || !this.addrEqualsHostname(master.addr, token[5]!)) {
        this.event('warning', '+config-update-from', si);
        this.rawEvent('warning', '+switch-master', `${master.name} ${this.announceAddr(master.addr)} ${master.addr.port} ${token[5]} ${masterPort}`);
        this.resetMasterAndChangeAddress(master, token[5]!, masterPort);
      }
    }
    if (si) si.lastHelloTime = this.now;
  }

  private updateSentinelAddressInAllMasters(ri: Instance): void {
    let reconfigured = 0;
    for (const master of this.masters.values()) {
      const match = this.findByAddrAndRunid(master.sentinels, null, 0, ri.runid);
      if (!match) continue;
      this.closeConn(match, 'cc');
      this.closeConn(match, 'pc');
      if (match === ri) continue;
      match.addr = { ...ri.addr };
      reconfigured++;
    }
    if (reconfigured) this.event('notice', '+sentinel-address-update', ri, ` ${reconfigured} additional matching instances`);
  }

  /** sentinelSendHello: publish our address, epoch and the master's config through an instance. */
  private sendHello(ri: Instance): boolean {
    const master = ri.flags & SRI.MASTER ? ri : ri.master!;
    const maddr = this.currentMasterAddress(master);
    if (ri.link.disconnected || ri.link.cc === null) return false;
    let ip = this.announceIp;
    if (!ip) {
      ip = ri.link.cc.localIp;
      if (!ip) return false;
    }
    const port = this.announcePort || this.opts.port;
    const payload = `${ip},${port},${this.myid},${this.currentEpoch},${master.name},${this.announceAddr(maddr)},${maddr.port},${master.configEpoch}`;
    return this.send(ri, 'cc', [this.mapCommand(ri, 'PUBLISH'), HELLO_CHANNEL, payload], 'publish');
  }

  private forceHelloUpdateDict(instances: Map<string, Instance>): void {
    const p = this.timing.publishPeriod + 1;
    for (const ri of instances.values()) if (ri.lastPubTime >= p) ri.lastPubTime -= p;
  }

  forceHelloUpdateForMaster(master: Instance): void {
    const p = this.timing.publishPeriod + 1;
    if (master.lastPubTime >= p) master.lastPubTime -= p;
    this.forceHelloUpdateDict(master.sentinels);
    this.forceHelloUpdateDict(master.slaves);
  }

  private sendPing(ri: Instance): boolean {
    if (!this.send(ri, 'cc', [this.mapCommand(ri, 'PING')], 'ping')) return false;
    ri.link.lastPingTime = this.now;
    if (ri.link.actPingTime === 0) ri.link.actPingTime = ri.link.lastPingTime;
    return true;
  }

  private sendPeriodicCommands(ri: Instance): void {
    const now = this.now;
    if (ri.link.disconnected) return;
    if (ri.link.pendingCommands >= MAX_PENDING_COMMANDS) return;
    const infoPeriod =
      ri.flags & SRI.SLAVE && (ri.master!.flags & (SRI.O_DOWN | SRI.FAILOVER_IN_PROGRESS) || ri.masterLinkDownTime !== 0) ? 1000 : this.timing.infoPeriod;
    let pingPeriod = ri.downAfterPeriod;
    if (pingPeriod > this.timing.pingPeriod) pingPeriod = this.timing.pingPeriod;
    if ((ri.flags & SRI.SENTINEL) === 0 && (ri.infoRefresh === 0 || now - ri.infoRefresh > infoPeriod)) {
      this.send(ri, 'cc', [this.mapCommand(ri, 'INFO')], 'info');
    }
    if (now - ri.link.lastPongTime > pingPeriod && now - ri.link.lastPingTime > pingPeriod / 2) this.sendPing(ri);
    if (now - ri.lastPubTime > this.timing.publishPeriod) this.sendHello(ri);
  }

  // ---- availability ----

  private checkSubjectivelyDown(ri: Instance): void {
    const link = ri.link;
    const now = this.now;
    let elapsed = 0;
    if (link.actPingTime) elapsed = now - link.actPingTime;
    else if (link.disconnected) elapsed = now - link.lastAvailTime;
    if (
      link.cc &&
      now - link.ccConnTime > this.timing.minLinkReconnectPeriod &&
      link.actPingTime !== 0 &&
      now - link.actPingTime > ri.downAfterPeriod / 2 &&
      now - link.lastPongTime > ri.downAfterPeriod / 2
    ) {
      this.closeConn(ri, 'cc');
    }
    if (link.pc && now - link.pcConnTime > this.timing.minLinkReconnectPeriod && now - link.pcLastActivity > this.timing.publishPeriod * 3) {
      this.closeConn(ri, 'pc');
    }
    if (
      elapsed > ri.downAfterPeriod ||
      (ri.flags & SRI.MASTER && ri.roleReported === SRI.SLAVE && now - ri.roleReportedTime > ri.downAfterPeriod + this.timing.infoPeriod * 2) ||
      (ri.flags & SRI.MASTER_REBOOT && now - ri.masterRebootSinceTime > ri.masterRebootDownAfterPeriod)
    ) {
      if ((ri.flags & SRI.S_DOWN) === 0) {
        this.event('warning', '+sdown', ri);
        ri.sDownSinceTime = now;
        ri.flags |= SRI.S_DOWN;
      }
    } else if (ri.flags & SRI.S_DOWN) {
      this.event('warning', '-sdown', ri);
      ri.flags &= ~(SRI.S_DOWN | SRI.SCRIPT_KILL_SENT);
    }
  }

  private checkObjectivelyDown(master: Instance): void {
    let quorum = 0;
    let odown = false;
    if (master.flags & SRI.S_DOWN) {
      quorum = 1;
      for (const ri of master.sentinels.values()) if (ri.flags & SRI.MASTER_DOWN) quorum++;
      if (quorum >= master.quorum) odown = true;
    }
    if (odown) {
      if ((master.flags & SRI.O_DOWN) === 0) {
        this.event('warning', '+odown', master, ` #quorum ${quorum}/${master.quorum}`);
        master.flags |= SRI.O_DOWN;
        master.oDownSinceTime = this.now;
      }
    } else if (master.flags & SRI.O_DOWN) {
      this.event('warning', '-odown', master);
      master.flags &= ~SRI.O_DOWN;
    }
  }

  private onIsMasterDownReply(ri: Instance, r: Reply): void {
    if (r.t !== 'array' || r.items === null || r.items.length !== 3) return;
    const [down, leader, epoch] = r.items;
    if (down!.t !== 'int' || leader!.t !== 'bulk' || leader!.s === null || epoch!.t !== 'int') return;
    ri.lastMasterDownReplyTime = this.now;
    if (down!.n === 1) ri.flags |= SRI.MASTER_DOWN;
    else ri.flags &= ~SRI.MASTER_DOWN;
    if (leader!.s !== '*') {
      if (ri.leaderEpoch !== epoch!.n) this.log('warning', `${ri.name} voted for ${leader!.s} ${epoch!.n}`);
      ri.leader = leader!.s;
      ri.leaderEpoch = epoch!.n;
    }
  }

  private askMasterStateToOtherSentinels(master: Instance, flags: number): void {
    for (const ri of master.sentinels.values()) {
      const elapsed = this.now - ri.lastMasterDownReplyTime;
      if (elapsed > this.timing.askPeriod * 5) {
        ri.flags &= ~SRI.MASTER_DOWN;
        ri.leader = null;
      }
      if ((master.flags & SRI.S_DOWN) === 0) continue;
      if (ri.link.disconnected) continue;
      if (!(flags & ASK_FORCED) && this.now - ri.lastMasterDownReplyTime < this.timing.askPeriod) continue;
      this.send(
        ri,
        'cc',
        [
          this.mapCommand(ri, 'SENTINEL'),
          'is-master-down-by-addr',
          this.announceAddr(master.addr),
          String(master.addr.port),
          String(this.currentEpoch),
          master.failoverState > FailoverState.NONE ? this.myid : '*',
        ],
        'is-master-down',
      );
    }
  }

  // ---- leader election ----

  /**
   * sentinelVoteLeader: vote for req_runid in req_epoch unless we already voted in that epoch
   * (or a later one). Returns the leader we voted for (or null) and the epoch of that vote.
   */
  voteLeader(master: Instance, reqEpoch: number, reqRunid: string): { leader: string | null; epoch: number } {
    if (reqEpoch > this.currentEpoch) {
      this.currentEpoch = reqEpoch;
      this.flushConfig();
      this.rawEvent('warning', '+new-epoch', String(this.currentEpoch));
    }
    const mayVote = this.opts.debugBreakVoteRule ? this.currentEpoch <= reqEpoch : master.leaderEpoch < reqEpoch && this.currentEpoch <= reqEpoch;
    if (mayVote) {
      master.leader = reqRunid;
      master.leaderEpoch = this.currentEpoch;
      this.flushConfig();
      this.rawEvent('warning', '+vote-for-leader', `${master.leader} ${master.leaderEpoch}`);
      if (master.leader.toLowerCase() !== this.myid.toLowerCase()) master.failoverStartTime = this.now + Math.floor(this.opts.rng() * MAX_DESYNC);
    }
    return { leader: master.leader, epoch: master.leaderEpoch };
  }

  /**
   * sentinelGetLeader: the sentinel a majority of all known sentinels (and at least quorum) voted
   * for in this epoch, counting our own vote (for the most voted one, or ourselves).
   */
  getLeader(master: Instance, epoch: number): string | null {
    const counters = new Map<string, number>();
    const voters = master.sentinels.size + 1;
    for (const ri of master.sentinels.values()) {
      if (ri.leader !== null && ri.leaderEpoch === this.currentEpoch) counters.set(ri.leader, (counters.get(ri.leader) ?? 0) + 1);
    }
    let winner: string | null = null;
    let maxVotes = 0;
    for (const [id, votes] of counters) {
      if (votes > maxVotes) {
        maxVotes = votes;
        winner = id;
      }
    }
    const mine = this.voteLeader(master, epoch, winner ?? this.myid);
    if (mine.leader !== null && mine.epoch === epoch) {
      const votes = (counters.get(mine.leader) ?? 0) + 1;
      counters.set(mine.leader, votes);
      if (votes > maxVotes) {
        maxVotes = votes;
        winner = mine.leader;
      }
    }
    const votersQuorum = Math.floor(voters / 2) + 1;
    if (winner !== null && (maxVotes < votersQuorum || maxVotes < master.quorum)) winner = null;
    return winner;
  }

  // ---- failover ----

  /** MULTI; SLAVEOF host port (or NO ONE); CONFIG REWRITE; CLIENT KILL TYPE normal/pubsub; EXEC. */
  sendSlaveOf(ri: Instance, addr: Addr | null): boolean {
    if (ri.link.cc === null) return false;
    const host = addr ? this.announceAddr(addr) : 'NO';
    const port = addr ? String(addr.port) : 'ONE';
    this.send(ri, 'cc', [this.mapCommand(ri, 'MULTI')], 'discard');
    this.send(ri, 'cc', [this.mapCommand(ri, 'SLAVEOF'), host, port], 'discard');
    this.send(ri, 'cc', [this.mapCommand(ri, 'CONFIG'), 'REWRITE'], 'discard');
    this.send(ri, 'cc', [this.mapCommand(ri, 'CLIENT'), 'KILL', 'TYPE', 'normal'], 'discard');
    this.send(ri, 'cc', [this.mapCommand(ri, 'CLIENT'), 'KILL', 'TYPE', 'pubsub'], 'discard');
    this.send(ri, 'cc', [this.mapCommand(ri, 'EXEC')], 'discard');
    return true;
  }

  startFailover(master: Instance): void {
    master.failoverState = FailoverState.WAIT_START;
    master.flags |= SRI.FAILOVER_IN_PROGRESS;
    master.failoverEpoch = ++this.currentEpoch;
    this.rawEvent('warning', '+new-epoch', String(this.currentEpoch));
    this.event('warning', '+try-failover', master);
    master.failoverStartTime = this.now + Math.floor(this.opts.rng() * MAX_DESYNC);
    master.failoverStateChangeTime = this.now;
  }

  private startFailoverIfNeeded(master: Instance): boolean {
    if (!(master.flags & SRI.O_DOWN)) return false;
    if (master.flags & SRI.FAILOVER_IN_PROGRESS) return false;
    if (this.now - master.failoverStartTime < master.failoverTimeout * 2) {
      if (master.failoverDelayLogged !== master.failoverStartTime) {
        master.failoverDelayLogged = master.failoverStartTime;
        this.log('warning', `Next failover delay: I will not start a failover before ${ctime(master.failoverStartTime + master.failoverTimeout * 2)}`);
      }
      return false;
    }
    this.startFailover(master);
    return true;
  }

  /** sentinelSelectSlave: the best replica to promote, or null. */
  selectSlave(master: Instance): Instance | null {
    const candidates: Instance[] = [];
    let maxMasterDownTime = 0;
    if (master.flags & SRI.S_DOWN) maxMasterDownTime += this.now - master.sDownSinceTime;
    maxMasterDownTime += master.downAfterPeriod * 10;
    for (const s of master.slaves.values()) {
      if (s.flags & (SRI.S_DOWN | SRI.O_DOWN)) continue;
      if (s.link.disconnected) continue;
      if (this.now - s.link.lastAvailTime > this.timing.pingPeriod * 5) continue;
      if (s.slavePriority === 0) continue;
      const infoValidity = master.flags & SRI.S_DOWN ? this.timing.pingPeriod * 5 : this.timing.infoPeriod * 3;
      if (this.now - s.infoRefresh > infoValidity) continue;
      if (s.masterLinkDownTime > maxMasterDownTime) continue;
      candidates.push(s);
    }
    if (candidates.length === 0) return null;
    candidates.sort(compareSlavesForPromotion);
    return candidates[0]!;
  }

  private failoverWaitStart(ri: Instance): void {
    const leader = this.getLeader(ri, ri.failoverEpoch);
    const isLeader = leader !== null && leader.toLowerCase() === this.myid.toLowerCase();
    if (!isLeader && !(ri.flags & SRI.FORCE_FAILOVER)) {
      let electionTimeout = this.timing.electionTimeout;
      if (electionTimeout > ri.failoverTimeout) electionTimeout = ri.failoverTimeout;
      if (this.now - ri.failoverStartTime > electionTimeout) {
        this.event('warning', '-failover-abort-not-elected', ri);
        this.abortFailover(ri);
      }
      return;
    }
    this.event('warning', '+elected-leader', ri);
    if (this.simFailureFlags & SIMFAILURE_CRASH_AFTER_ELECTION) this.simFailureCrash();
    ri.failoverState = FailoverState.SELECT_SLAVE;
    ri.failoverStateChangeTime = this.now;
    this.event('warning', '+failover-state-select-slave', ri);
  }

  private failoverSelectSlave(ri: Instance): void {
    const slave = this.selectSlave(ri);
    if (slave === null) {
      this.event('warning', '-failover-abort-no-good-slave', ri);
      this.abortFailover(ri);
      return;
    }
    this.event('warning', '+selected-slave', slave);
    slave.flags |= SRI.PROMOTED;
    ri.promotedSlave = slave;
    ri.failoverState = FailoverState.SEND_SLAVEOF_NOONE;
    ri.failoverStateChangeTime = this.now;
    this.event('notice', '+failover-state-send-slaveof-noone', slave);
  }

  private failoverSendSlaveOfNoOne(ri: Instance): void {
    const promoted = ri.promotedSlave!;
    if (promoted.link.disconnected) {
      if (this.now - ri.failoverStateChangeTime > ri.failoverTimeout) {
        this.event('warning', '-failover-abort-slave-timeout', ri);
        this.abortFailover(ri);
      }
      return;
    }
    if (!this.sendSlaveOf(promoted, null)) return;
    this.event('notice', '+failover-state-wait-promotion', promoted);
    ri.failoverState = FailoverState.WAIT_PROMOTION;
    ri.failoverStateChangeTime = this.now;
  }

  private failoverWaitPromotion(ri: Instance): void {
    if (this.now - ri.failoverStateChangeTime > ri.failoverTimeout) {
      this.event('warning', '-failover-abort-slave-timeout', ri);
      this.abortFailover(ri);
    }
  }

  private failoverDetectEnd(master: Instance): void {
    const elapsed = this.now - master.failoverStateChangeTime;
    if (master.promotedSlave === null || master.promotedSlave.flags & SRI.S_DOWN) return;
    let notReconfigured = 0;
    let timeout = false;
    for (const s of master.slaves.values()) {
      if (s.flags & (SRI.PROMOTED | SRI.RECONF_DONE)) continue;
      if (s.flags & SRI.S_DOWN) continue;
      notReconfigured++;
    }
    if (elapsed > master.failoverTimeout) {
      notReconfigured = 0;
      timeout = true;
      this.event('warning', '+failover-end-for-timeout', master);
    }
    if (notReconfigured === 0) {
      this.event('warning', '+failover-end', master);
      master.failoverState = FailoverState.UPDATE_CONFIG;
      master.failoverStateChangeTime = this.now;
    }
    if (timeout) {
      for (const s of master.slaves.values()) {
        if (s.flags & (SRI.PROMOTED | SRI.RECONF_DONE | SRI.RECONF_SENT)) continue;
        if (s.link.disconnected) continue;
        if (this.sendSlaveOf(s, master.promotedSlave.addr)) {
          this.event('notice', '+slave-reconf-sent-be', s);
          s.flags |= SRI.RECONF_SENT;
        }
      }
    }
  }

  private failoverReconfNextSlave(master: Instance): void {
    let inProgress = 0;
    for (const s of master.slaves.values()) if (s.flags & (SRI.RECONF_SENT | SRI.RECONF_INPROG)) inProgress++;
    for (const s of master.slaves.values()) {
      if (inProgress >= master.parallelSyncs) break;
      if (s.flags & (SRI.PROMOTED | SRI.RECONF_DONE)) continue;
      if (s.flags & SRI.RECONF_SENT && this.now - s.slaveReconfSentTime > this.timing.slaveReconfTimeout) {
        this.event('notice', '-slave-reconf-sent-timeout', s);
        s.flags &= ~SRI.RECONF_SENT;
        s.flags |= SRI.RECONF_DONE;
      }
      if (s.flags & (SRI.RECONF_SENT | SRI.RECONF_INPROG)) continue;
      if (s.link.disconnected) continue;
      if (this.sendSlaveOf(s, master.promotedSlave!.addr)) {
        s.flags |= SRI.RECONF_SENT;
        s.slaveReconfSentTime = this.now;
        this.event('notice', '+slave-reconf-sent', s);
        inProgress++;
      }
    }
    this.failoverDetectEnd(master);
  }

  private failoverSwitchToPromotedSlave(master: Instance): void {
    const ref = master.promotedSlave ?? master;
    this.rawEvent(
      'warning',
      '+switch-master',
      `${master.name} ${this.announceAddr(master.addr)} ${master.addr.port} ${this.announceAddr(ref.addr)} ${ref.addr.port}`,
    );
    this.resetMasterAndChangeAddress(master, ref.addr.hostname, ref.addr.port);
  }

  private failoverStateMachine(ri: Instance): void {
    if (!(ri.flags & SRI.FAILOVER_IN_PROGRESS)) return;
    switch (ri.failoverState) {
      case FailoverState.WAIT_START:
        this.failoverWaitStart(ri);
        break;
      case FailoverState.SELECT_SLAVE:
        this.failoverSelectSlave(ri);
        break;
      case FailoverState.SEND_SLAVEOF_NOONE:
        this.failoverSendSlaveOfNoOne(ri);
        break;
      case FailoverState.WAIT_PROMOTION:
        this.failoverWaitPromotion(ri);
        break;
      case FailoverState.RECONF_SLAVES:
        this.failoverReconfNextSlave(ri);
        break;
    }
  }

  abortFailover(ri: Instance): void {
    ri.flags &= ~(SRI.FAILOVER_IN_PROGRESS | SRI.FORCE_FAILOVER);
    ri.failoverState = FailoverState.NONE;
    ri.failoverStateChangeTime = this.now;
    if (ri.promotedSlave) {
      ri.promotedSlave.flags &= ~SRI.PROMOTED;
      ri.promotedSlave = null;
    }
  }

  private simFailureCrash(): void {
    this.log('warning', 'Sentinel CRASH because of SENTINEL simulate-failure');
    this.out.push({ kind: 'crash' });
  }

  /** An event whose message is given whole (no instance prefix): +switch-master, +tilt. */
  rawEvent(level: LogLevel, type: string, msg: string): void {
    this.out.push({ kind: 'event', level, type, msg });
  }

  // ---- the timer ----

  private handleInstance(ri: Instance): void {
    this.reconnectInstance(ri);
    this.sendPeriodicCommands(ri);
    if (this.tilt) {
      if (this.now - this.tiltStartTime < this.timing.tiltPeriod) return;
      this.tilt = false;
      this.rawEvent('warning', '-tilt', '#tilt mode exited');
    }
    this.checkSubjectivelyDown(ri);
    if (ri.flags & SRI.MASTER) {
      this.checkObjectivelyDown(ri);
      if (this.startFailoverIfNeeded(ri)) this.askMasterStateToOtherSentinels(ri, ASK_FORCED);
      this.failoverStateMachine(ri);
      this.askMasterStateToOtherSentinels(ri, 0);
    }
  }

  private handleDict(instances: Map<string, Instance>): void {
    let switchToPromoted: Instance | null = null;
    for (const ri of [...instances.values()]) {
      if (!this.byId.has(ri.id)) continue; // released by an earlier step of this pass
      this.handleInstance(ri);
      if (ri.flags & SRI.MASTER) {
        this.handleDict(ri.slaves);
        this.handleDict(ri.sentinels);
        if (ri.failoverState === FailoverState.UPDATE_CONFIG) switchToPromoted = ri;
      }
    }
    if (switchToPromoted) this.failoverSwitchToPromotedSlave(switchToPromoted);
  }

  private checkTiltCondition(): void {
    const delta = this.now - this.previousTime;
    if (delta < 0 || delta > this.timing.tiltTrigger) {
      this.tilt = true;
      this.tiltStartTime = this.now;
      this.rawEvent('warning', '+tilt', '#tilt mode entered');
    }
    this.previousTime = this.now;
  }

  /** sentinelTimer: one pass of monitoring and acting over every instance. */
  timer(now: number): void {
    this.now = now;
    this.checkTiltCondition();
    this.handleDict(this.masters);
  }

  // ---- startup and commands with effects on the state ----

  /** sentinelIsRunning: pick an id if none, persist, log it, emit +monitor for each master. */
  isRunning(now: number): void {
    this.now = now;
    if (this.myid === '') {
      this.myid = this.randomHex(40);
      this.flushConfig();
    }
    this.log('warning', `Sentinel ID is ${this.myid}`);
    for (const ri of this.masters.values()) this.event('warning', '+monitor', ri, ` quorum ${ri.quorum}`);
  }

  /** SENTINEL IS-MASTER-DOWN-BY-ADDR: [down?, leader or '*', leader epoch]. */
  isMasterDownByAddr(now: number, ip: string, port: number, reqEpoch: number, runid: string): { down: boolean; leader: string | null; epoch: number } {
    this.now = now;
    const ri = this.findByAddrAndRunid(this.masters, ip, port, null);
    const down = !this.tilt && ri !== undefined && (ri.flags & SRI.S_DOWN) !== 0 && (ri.flags & SRI.MASTER) !== 0;
    let leader: string | null = null;
    let epoch = 0;
    if (ri && ri.flags & SRI.MASTER && runid !== '*') {
      const v = this.voteLeader(ri, reqEpoch, runid);
      leader = v.leader;
      epoch = v.epoch;
    }
    return { down, leader, epoch };
  }

  /** SENTINEL FAILOVER: error text or null. */
  forceFailover(now: number, master: Instance): string | null {
    this.now = now;
    if (master.flags & SRI.FAILOVER_IN_PROGRESS) return '-INPROG Failover already in progress';
    if (this.selectSlave(master) === null) return '-NOGOODSLAVE No suitable replica to promote';
    this.log('warning', `Executing user requested FAILOVER of '${master.name}'`);
    this.startFailover(master);
    master.flags |= SRI.FORCE_FAILOVER;
    return null;
  }

  removeMaster(master: Instance): void {
    this.event('warning', '-monitor', master);
    this.masters.delete(master.name);
    this.releaseInstance(master);
  }

  /** SENTINEL CONFIG SET / auth changes: close every link to other sentinels so they reconnect. */
  dropSentinelConnections(): number {
    let dropped = 0;
    for (const m of this.masters.values()) {
      for (const si of m.sentinels.values()) {
        if (!si.link.disconnected) {
          this.closeConn(si, 'pc');
          this.closeConn(si, 'cc');
          dropped++;
        }
      }
    }
    return dropped;
  }

  /** Close the links to a master and its replicas (auth-pass/auth-user changed). */
  dropInstanceConnections(master: Instance): void {
    this.closeConn(master, 'cc');
    this.closeConn(master, 'pc');
    for (const s of master.slaves.values()) {
      this.closeConn(s, 'cc');
      this.closeConn(s, 'pc');
    }
  }
}

export const SIMFAILURE_CRASH_AFTER_ELECTION = 1;
export const SIMFAILURE_CRASH_AFTER_PROMOTION = 2;

/** Better replica first: lower priority, then higher offset, then smaller run id (null last). */
export function compareSlavesForPromotion(a: Instance, b: Instance): number {
  if (a.slavePriority !== b.slavePriority) return a.slavePriority - b.slavePriority;
  if (a.slaveReplOffset > b.slaveReplOffset) return -1;
  if (a.slaveReplOffset < b.slaveReplOffset) return 1;
  if (a.runid === null && b.runid === null) return 0;
  if (a.runid === null) return 1;
  if (b.runid === null) return -1;
  const x = a.runid.toLowerCase();
  const y = b.runid.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** C atoi: leading digits (with sign), 0 when none. */
export function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

/** strtoull-ish: leading digits, 0 when none. */
function parseEpoch(s: string): number {
  const m = /^\s*(\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

const ipCache = new Map<string, boolean>();

function isIp(host: string): boolean {
  let v = ipCache.get(host);
  if (v === undefined) {
    v = parseIp(host);
    if (ipCache.size > 10000) ipCache.clear();
    ipCache.set(host, v);
  }
  return v;
}

function parseIp(host: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host)) return host.split('.').every((p) => Number(p) <= 255);
  return host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime_r without the newline: "Thu Nov 24 18:22:48 2026". */
function ctime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}
