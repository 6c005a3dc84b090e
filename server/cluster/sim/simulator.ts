import { ClusterBrain } from '../brain.js';
import { decodeMessage, encodeMessage } from '../bus/codec.js';
import { CLUSTER_SLOTS, MsgType, msgTypeName } from '../constants.js';
import { type ClusterRng, randomNodeName, seededRng } from '../rng.js';
import { type AdminCommand, type AdminReply, type ClusterConfig, type ClusterEvent, type ClusterOutput, DEFAULT_CLUSTER_CONFIG } from '../types.js';
import { Invariants } from './invariants.js';
import { type NetEvent, SimNetwork } from './network.js';
import { EventQueue } from './queue.js';
import { runScenario } from './scenario.js';

/**
 * The cluster simulator (VOPR style): the real brains of a 6–9 node cluster on a virtual network and
 * clock, one seed driving every choice (topology, configuration, faults, latencies, each brain's rng).
 * Invariants are checked after every step; a failing seed prints a trace and replays exactly.
 */

export interface SimOptions {
  seed: number;
  /** 6..9 (default: from the seed). */
  nodes?: number;
  /** Pass every message through the codec (encode, then the brain decodes the frame). */
  wire?: boolean;
  /** Test-only knob of the brains: vote twice per epoch. The invariants must catch it. */
  debugVoteTwicePerEpoch?: boolean;
  /** Virtual length of the fault phase, ms (default 30 s). */
  faultMs?: number;
  /** Trace lines printed per node on failure (default 25). */
  traceLines?: number;
  /** Brains log at 'verbose' too (a richer trace, slower). */
  verbose?: boolean;
}

export interface SimStats {
  nodes: number;
  masters: number;
  nodeTimeout: number;
  bootstrap: 'config' | 'meet';
  virtualMs: number;
  steps: number;
  messages: number;
  promotions: number;
  takeovers: number;
  faults: string[];
}

export interface SimResult {
  seed: number;
  ok: boolean;
  violation: string | null;
  /** Readable trace of the last events (per node), on failure. */
  trace: string;
  stats: SimStats;
  /** A hash of the final state (every node's nodes.conf) and the stats: equal digests, same run. */
  digest: string;
}

/** Virtual time starts at a realistic Unix time: gossip carries seconds since the epoch. */
const T0 = 1_700_000_000_000;
const PORT0 = 30001;
const CPORT0 = 40001;

/** Network events carry the incarnation of their node when scheduled: a restarted node never sees the old one's. */
type SimEvent = NetEvent | { k: 'tick'; node: number; inc: number } | { k: 'action'; name: string; run: () => void };

export class SimNode {
  brain: ClusterBrain | null = null;
  alive = true;
  incarnation = 0;
  /** nodes.conf as last saved. */
  disk: string | null = null;
  name = '';
  // Replication as the simulated data path sees it.
  offset = 0;
  replicaOf: number | null = null;
  masterLinkUp = false;
  lastInteraction = 0;
  downSince = 0;
  pausedUntil = 0;
  /** The replication state last reported to the brain. */
  reported = [-1, -1, -1, -1];
  /** The last CLUSTER FAILOVER mode sent to this node, and the old master's offset when it was paused. */
  lastFailoverMode: 'default' | 'force' | 'takeover' | null = null;
  /** When this incarnation started (a fresh process knows nothing about who is reachable). */
  startedAt = 0;

  constructor(
    readonly index: number,
    readonly phase: number,
  ) {}
}

class Violation extends Error {}

export class Simulation {
  readonly rng: ClusterRng;
  readonly net: SimNetwork;
  readonly nodes: SimNode[];
  readonly config: ClusterConfig;
  readonly inv: Invariants;
  readonly queue = new EventQueue<SimEvent>();
  now = T0;
  steps = 0;
  faults: string[] = [];
  private traceBuf: Array<[number, number, string]> = [];
  private violation: string | null = null;
  /** Bound for "a master cut from the majority refuses writes". */
  readonly minorityBound: number;
  readonly maxSlow = 800;

  constructor(
    readonly opts: SimOptions,
    readonly size: number,
    config: ClusterConfig,
  ) {
    this.rng = seededRng(opts.seed ^ 0x5eed);
    this.config = config;
    const netRng = seededRng(opts.seed ^ 0x7e7);
    this.net = new SimNetwork(size, netRng, { minLatency: 1, maxLatency: 5, duplicate: 0, reorder: 0 }, (t, ev) => {
      ev.inc = this.nodes[ev.node]!.incarnation;
      this.queue.push(t, ev);
    });
    this.nodes = Array.from({ length: size }, (_, i) => new SimNode(i, this.rng.int(100)));
    this.inv = new Invariants(() => this.nodes.map((n) => n.name), size);
    this.minorityBound = Math.floor(config.nodeTimeout * 1.5) + 200 + this.maxSlow + 600;
  }

  // -------------------------------------------------------------------------------------------
  // Trace
  // -------------------------------------------------------------------------------------------

  trace(node: number, text: string): void {
    this.traceBuf.push([this.now, node, text]);
    if (this.traceBuf.length > 40000) this.traceBuf.splice(0, 20000);
  }

  /** Every trace line of a node (its log lines, admin commands, role changes), oldest first. */
  lines(node: number): string[] {
    return this.traceBuf.filter(([, n]) => n === node).map(([, , text]) => text);
  }

  renderTrace(perNode: number): string {
    const t = (ms: number) => `+${((ms - T0) / 1000).toFixed(3)}s`;
    const lines: string[] = [];
    lines.push('--- faults and admin steps ---');
    for (const [time, node, text] of this.traceBuf) if (node < 0 && text !== 'next fault') lines.push(`${t(time)} ${text}`);
    lines.push('--- last events, all nodes ---');
    for (const [time, node, text] of this.traceBuf.slice(-40)) lines.push(`${t(time)} ${node < 0 ? 'sim' : `n${node}`} ${text}`);
    for (let i = 0; i < this.size; i++) {
      const mine = this.traceBuf.filter(([, n]) => n === i).slice(-perNode);
      lines.push(`--- node ${i} (${this.nodes[i]!.name.slice(0, 8)}, port ${PORT0 + i}) ---`);
      for (const [time, , text] of mine) lines.push(`${t(time)} ${text}`);
    }
    return lines.join('\n');
  }

  fail(text: string): never {
    this.violation = text;
    this.trace(-1, `VIOLATION: ${text}`);
    throw new Violation(text);
  }

  // -------------------------------------------------------------------------------------------
  // Nodes
  // -------------------------------------------------------------------------------------------

  portOf(i: number): number {
    return PORT0 + i;
  }

  private byName = new Map<string, number>();

  indexOfName(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  brainConfig(i: number): ClusterConfig {
    return { ...this.config, port: PORT0 + i, cport: CPORT0 + i, verbosity: this.opts.verbose ? 'verbose' : 'notice' };
  }

  /** Start (or restart) node i from its disk. */
  start(i: number, content: string | null): void {
    const n = this.nodes[i]!;
    n.incarnation++;
    n.alive = true;
    n.startedAt = this.now;
    n.brain = new ClusterBrain(this.brainConfig(i), seededRng((this.opts.seed * 31 + i * 7919 + n.incarnation * 104729) >>> 0));
    n.replicaOf = null;
    n.masterLinkUp = false;
    n.pausedUntil = 0;
    n.reported = [-1, -1, -1, -1];
    this.net.revive(this.now, i);
    this.inv.restarted(i);
    this.step(i, { type: 'load', content });
    n.name = n.brain.myself?.name ?? '';
    this.byName.set(n.name, i);
    this.queue.push(this.now + n.phase + 1, { k: 'tick', node: i, inc: n.incarnation });
    this.net.retry(this.now);
  }

  kill(i: number): void {
    const n = this.nodes[i]!;
    n.alive = false;
    n.brain = null;
    n.incarnation++;
    n.masterLinkUp = false;
    this.net.kill(this.now, i);
    this.trace(i, 'KILLED');
    this.trace(-1, `KILL node ${i}`);
  }

  admin(i: number, command: AdminCommand): AdminReply {
    const n = this.nodes[i]!;
    if (!n.brain) return { error: 'node is down' };
    if (command.cmd === 'failover') n.lastFailoverMode = command.mode;
    let reply: AdminReply = { error: 'no reply' };
    this.step(i, { type: 'admin', command }, (r) => (reply = r));
    // RESET HARD renames the node.
    const me = n.brain?.myself;
    if (me && me.name !== n.name) {
      n.name = me.name;
      this.byName.set(me.name, i);
    }
    this.trace(i, `ADMIN ${JSON.stringify(command)} -> ${JSON.stringify(reply)}`);
    return reply;
  }

  /** One event into node i's brain, its outputs applied, beforeSleep if work is pending, invariants checked. */
  step(i: number, ev: ClusterEvent, onReply?: (r: AdminReply) => void): void {
    const n = this.nodes[i]!;
    const b = n.brain;
    if (!b) return;
    this.steps++;
    this.apply(i, b.step(this.now, ev), onReply);
    if (b.todo !== 0 && n.brain === b) this.apply(i, b.step(this.now, { type: 'beforeSleep' }));
    if (n.brain === b && b.myself) this.check(i, b);
  }

  private apply(i: number, outs: ClusterOutput[], onReply?: (r: AdminReply) => void): void {
    const n = this.nodes[i]!;
    for (const o of outs) {
      switch (o.type) {
        case 'send':
          if (o.msg.type !== MsgType.PING && o.msg.type !== MsgType.PONG)
            this.trace(i, `send ${msgTypeName(o.msg.type)} on ${o.link}${o.msg.kind === 'fail' ? ` about ${o.msg.nodename.slice(0, 8)}` : ''}`);
          this.net.send(this.now, i, o.link, this.opts.wire ? { kind: 'frame', bytes: encodeMessage(o.msg) } : { kind: 'msg', msg: o.msg });
          break;
        case 'connect': {
          const to = o.cport - CPORT0;
          this.net.connect(this.now, i, o.link, to >= 0 && to < this.size ? to : -1);
          break;
        }
        case 'close':
          this.net.close(this.now, i, o.link);
          break;
        case 'replicate': {
          const m = o.port - PORT0;
          if (n.masterLinkUp) n.downSince = this.now;
          n.replicaOf = m >= 0 && m < this.size ? m : null;
          n.masterLinkUp = false;
          this.trace(i, `REPLICATE ${o.master.slice(0, 8)} (${o.ip}:${o.port})`);
          break;
        }
        case 'promote':
          n.replicaOf = null;
          n.masterLinkUp = false;
          this.trace(i, 'PROMOTE (replicaof no one)');
          break;
        case 'saveConfig':
          n.disk = o.content;
          break;
        case 'pauseWrites':
          n.pausedUntil = o.until;
          break;
        case 'unpauseWrites':
          n.pausedUntil = 0;
          break;
        case 'log':
          this.trace(i, `${o.level === 'warning' ? '#' : o.level === 'notice' ? '*' : '-'} ${o.text}`);
          break;
        case 'reply':
          onReply?.(o.reply);
          break;
        case 'fatal':
          this.fail(`node ${i} fatal: ${o.message}`);
          break;
        case 'audit': {
          this.trace(i, `audit ${JSON.stringify(o.record)}`);
          const v = this.inv.audit(i, n.name, o.record);
          if (v) this.fail(v);
          if (o.record.what === 'promoted' && o.record.how === 'manual' && n.lastFailoverMode === 'default') this.checkNoLoss(i);
          break;
        }
        case 'publish':
        case 'deleteKeysInSlots':
        case 'dropShardChannels':
        case 'flushData':
          break;
      }
    }
  }

  /** A default manual failover waited for the paused master's offset: nothing acknowledged is lost. */
  private checkNoLoss(i: number): void {
    const n = this.nodes[i]!;
    for (const m of this.nodes) {
      if (m === n || !m.brain?.myself || m.brain.mfSlave?.name !== n.name) continue;
      if (m.offset > n.offset) this.fail(`default manual failover of node ${i}: old master ${m.index} has offset ${m.offset} > ${n.offset}`);
    }
  }

  private check(i: number, b: ClusterBrain): void {
    const v = this.inv.slotClaims(i, b);
    if (v) this.fail(v);
    // Failure detection starts with the process: a node restarted less than the bound ago is exempt.
    if (this.now - this.nodes[i]!.startedAt > this.minorityBound) {
      const m = this.inv.minority(i, b, (name) => this.heardRecently(i, name));
      if (m) this.fail(m);
    }
  }

  /** Could anything from the node named `name` have reached node i within the minority bound? */
  private heardRecently(i: number, name: string): boolean {
    const j = this.indexOfName(name);
    return j >= 0 && this.net.heardWithin(this.now, j, i, this.minorityBound);
  }

  // -------------------------------------------------------------------------------------------
  // The simulated data path: writes on masters, replication to replicas
  // -------------------------------------------------------------------------------------------

  /** Whether node i accepts writes now: master with slots, cluster ok, not paused. */
  writable(i: number): boolean {
    const n = this.nodes[i]!;
    const b = n.brain;
    return !!b && b.myself.isMaster && b.myself.numSlots > 0 && b.state === 'ok' && this.now >= n.pausedUntil;
  }

  private replicationTick(i: number): void {
    const n = this.nodes[i]!;
    if (n.replicaOf === null) {
      // Writes come in bursts: about one tick in five carries some.
      if (this.writable(i) && this.rng.int(5) === 0) n.offset += 1 + this.rng.int(400);
    } else {
      const m = this.nodes[n.replicaOf]!;
      const up = m.alive && this.net.passes(i, n.replicaOf) && this.net.passes(n.replicaOf, i);
      if (up) {
        n.masterLinkUp = true;
        n.offset = m.offset;
        n.lastInteraction = this.now;
      } else if (n.masterLinkUp) {
        n.masterLinkUp = false;
        n.downSince = this.now;
      }
    }
    // The brain reads lastInteraction in whole seconds (data age, as Redis's unixtime): report changes of those.
    const r = n.reported;
    const secs = Math.floor(n.lastInteraction / 1000);
    if (r[0] !== n.offset || r[1] !== +n.masterLinkUp || r[2] !== secs || r[3] !== n.downSince) {
      n.reported = [n.offset, +n.masterLinkUp, secs, n.downSince];
      this.step(i, { type: 'replication', offset: n.offset, masterLinkUp: n.masterLinkUp, lastInteraction: n.lastInteraction, downSince: n.downSince });
    }
  }

  // -------------------------------------------------------------------------------------------
  // The event loop
  // -------------------------------------------------------------------------------------------

  at(delay: number, name: string, run: () => void): void {
    this.queue.push(this.now + delay, { k: 'action', name, run });
  }

  /** Run events until `until` (virtual ms since T0 reached). */
  runUntil(until: number): void {
    const end = T0 + until;
    while (this.queue.size > 0 && this.queue.peekTime() <= end) {
      const { time, item } = this.queue.pop()!;
      this.now = time;
      this.dispatch(item);
    }
    this.now = Math.max(this.now, end);
  }

  get elapsed(): number {
    return this.now - T0;
  }

  private dispatch(ev: SimEvent): void {
    if (ev.k !== 'action') {
      const n = this.nodes[ev.node]!;
      if (!n.alive || n.incarnation !== ev.inc) return;
    }
    switch (ev.k) {
      case 'tick': {
        this.replicationTick(ev.node);
        this.step(ev.node, { type: 'tick' });
        this.queue.push(this.now + 100, ev);
        return;
      }
      case 'action':
        if (ev.name !== 'next fault') this.trace(-1, ev.name);
        ev.run();
        return;
      case 'accepted':
        if (this.net.accepts(ev.node, ev.link, ev.conn)) this.step(ev.node, { type: 'linkAccepted', link: ev.link, peerIp: '127.0.0.1', localIp: '127.0.0.1' });
        return;
      case 'connected':
        if (this.net.accepts(ev.node, ev.link, ev.conn)) this.step(ev.node, { type: 'linkConnected', link: ev.link, localIp: '127.0.0.1' });
        return;
      case 'closed':
        this.step(ev.node, { type: 'linkClosed', link: ev.link });
        return;
      case 'packet': {
        if (!this.net.accepts(ev.node, ev.link, ev.conn)) return;
        const p = ev.packet;
        if (p.kind === 'fin') {
          this.net.finished(ev.node, ev.link);
          this.step(ev.node, { type: 'linkClosed', link: ev.link });
          return;
        }
        if (p.kind === 'frame') {
          const d = decodeMessage(p.bytes);
          if (d.ok && d.msg.type !== MsgType.PING && d.msg.type !== MsgType.PONG)
            this.trace(ev.node, `recv ${msgTypeName(d.msg.type)} from ${d.msg.sender.slice(0, 8)}`);
          this.step(ev.node, { type: 'frame', link: ev.link, bytes: p.bytes });
        } else {
          if (p.msg.type !== MsgType.PING && p.msg.type !== MsgType.PONG)
            this.trace(ev.node, `recv ${msgTypeName(p.msg.type)} from ${p.msg.sender.slice(0, 8)}`);
          this.step(ev.node, { type: 'message', link: ev.link, msg: p.msg });
        }
        return;
      }
    }
  }

  /** Nodes.conf for a cluster formed as redis-cli --cluster create leaves it (config bootstrap). */
  initialConfigs(masters: number): string[] {
    const names = this.nodes.map(() => randomNodeName(this.rng));
    const lines: string[] = [];
    const per = Math.floor(CLUSTER_SLOTS / masters);
    for (let i = 0; i < this.size; i++) {
      const port = PORT0 + i;
      const addr = `127.0.0.1:${port}@${CPORT0 + i}`;
      if (i < masters) {
        const start = i * per;
        const end = i === masters - 1 ? CLUSTER_SLOTS - 1 : start + per - 1;
        lines.push(`${names[i]} ${addr} master - 0 0 ${i + 1} connected ${start}-${end}`);
      } else {
        lines.push(`${names[i]} ${addr} slave ${names[(i - masters) % masters]} 0 0 ${((i - masters) % masters) + 1} connected`);
      }
    }
    return names.map((_, i) =>
      lines
        .map((l, j) => (j === i ? l.replace(/ (master|slave) /, ' myself,$1 ') : l))
        .join('\n')
        .concat(`\nvars currentEpoch ${masters} lastVoteEpoch 0\n`),
    );
  }

  /** Run the whole seed. */
  run(): SimResult {
    let bootstrap: 'config' | 'meet' = 'config';
    let masters = 0;
    try {
      ({ bootstrap, masters } = runScenario(this));
    } catch (e) {
      if (!(e instanceof Violation)) {
        this.violation = `simulator crashed: ${(e as Error).stack ?? e}`;
      }
    }
    const stats: SimStats = {
      nodes: this.size,
      masters,
      nodeTimeout: this.config.nodeTimeout,
      bootstrap,
      virtualMs: this.elapsed,
      steps: this.steps,
      messages: this.net.messages,
      promotions: this.inv.promotions,
      takeovers: this.inv.takeovers,
      faults: this.faults,
    };
    let h = 0x811c9dc5;
    const text = JSON.stringify(stats) + this.nodes.map((n) => n.brain?.renderConfig() ?? 'down').join('|');
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return {
      seed: this.opts.seed,
      ok: this.violation === null,
      violation: this.violation,
      trace: this.violation === null ? '' : this.renderTrace(this.opts.traceLines ?? 25),
      stats,
      digest: (h >>> 0).toString(16),
    };
  }
}

/** Run one seed of the simulation. */
export function runSeed(opts: SimOptions): SimResult {
  const rng = seededRng(opts.seed);
  const size = opts.nodes ?? 6 + rng.int(4);
  const config: ClusterConfig = {
    ...DEFAULT_CLUSTER_CONFIG,
    nodeTimeout: [500, 1000, 1000, 1500, 2000][rng.int(5)]!,
    replicaValidityFactor: [10, 10, 0, 1][rng.int(4)]!,
    migrationBarrier: [1, 1, 0, 2][rng.int(4)]!,
    allowReplicaMigration: rng.int(5) !== 0,
    requireFullCoverage: rng.int(6) !== 0,
    debugVoteTwicePerEpoch: opts.debugVoteTwicePerEpoch === true,
  };
  return new Simulation(opts, size, config).run();
}
