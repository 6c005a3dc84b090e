import { SentinelBrain } from '../brain.js';
import { applyDirective, orderDirectives, sentinelRewriteLines } from '../directives.js';
import { SRI } from '../instance.js';
import type { Output, Reply } from '../outputs.js';
import { Rng } from './rng.js';

/**
 * A seeded simulation of a sentinel deployment: the real SentinelBrain of every sentinel, a model
 * of the Redis nodes (roles, replication links, offsets, Pub/Sub, MULTI/SLAVEOF/CLIENT KILL), and
 * a virtual network and clock with partitions, delays, kills and pauses. Everything random comes
 * from the seed, so a seed replays the exact same run (and trace).
 *
 * TCP is modelled faithfully enough for the brain: a connection delivers in order; a partition
 * holds messages until it heals (retransmission) unless the connection is closed first; a killed
 * process resets its connections; a stopped (paused) process accepts connections in the kernel
 * but reads nothing until it resumes.
 */

const HOST = '127.0.0.1';
const NODE_PORT = 6379;
const SENTINEL_PORT = 26379;
const MASTER_NAME = 'mymaster';

export interface SimOptions {
  seed: number;
  /** Keep a readable trace of events, faults and logs. */
  trace?: boolean;
  /** TEST ONLY: sentinels grant every vote (breaks one-vote-per-epoch). */
  breakVoteRule?: boolean;
  /** Virtual time with faults (ms); default 45 s. */
  durationMs?: number;
  /** Quiet time after the faults, before convergence is checked (ms); default 30 s. */
  quietMs?: number;
}

export interface SimResult {
  seed: number;
  violations: string[];
  trace: string[];
  /** What happened, for the summary: failovers completed, epochs reached, converged at the end. */
  stats: { elections: number; switches: number; maxEpoch: number; faults: number; converged: boolean; hazardousPromotions: number };
  params: string;
}

interface Proc {
  id: string;
  port: number;
  alive: boolean;
  /** Stopped (SIGSTOP) until this time; 0 when running. */
  pausedUntil: number;
  /** Extra one-way delay on its traffic until `slowUntil`. */
  slowMs: number;
  slowUntil: number;
}

interface NodeModel extends Proc {
  kind: 'node';
  role: 'master' | 'slave';
  masterPort: number;
  runid: string;
  offset: number;
  linkUp: boolean;
  linkDownSince: number;
  /** Ports of the masters this node ever had an up replication link with. */
  replicatedFrom: Set<number>;
  clients: Set<SimConn>;
}

interface SentinelProc extends Proc {
  kind: 'sentinel';
  brain: SentinelBrain;
  rng: Rng;
  /** The `sentinel ...` lines of its last config flush: what a restart loads. */
  saved: string[];
  conns: Map<string, SimConn>;
}

interface Msg {
  ready: number;
  run: () => void;
}

interface SimConn {
  from: SentinelProc;
  to: NodeModel | SentinelProc;
  inst: number;
  kind: 'cc' | 'pc';
  gen: number;
  open: boolean;
  subscribed: boolean;
  multi: string[][] | null;
  /** Messages toward the target, and back toward the sentinel, each in order. */
  toQ: Msg[];
  backQ: Msg[];
  toPumping: boolean;
  backPumping: boolean;
}

interface Ev {
  t: number;
  seq: number;
  run: () => void;
}

/** A binary min-heap of events by (time, insertion order). */
class Queue {
  private h: Ev[] = [];
  private seq = 0;

  push(t: number, run: () => void): void {
    const e = { t, seq: this.seq++, run };
    const h = this.h;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, e)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  pop(): Ev | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && less(h[r]!, h[l]!) ? r : l;
        if (less(last, h[c]!)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  get size(): number {
    return this.h.length;
  }
}

function less(a: Ev, b: Ev): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

const ok: Reply = { t: 'status', s: 'OK' };
const bulk = (s: string): Reply => ({ t: 'bulk', s });

export class World {
  now = 0;
  readonly rng: Rng;
  private readonly q = new Queue();
  readonly nodes: NodeModel[] = [];
  readonly sentinels: SentinelProc[] = [];
  /** Partition: process id → side; processes on different sides cannot talk. */
  private sides: Map<string, number> | null = null;
  readonly trace: string[] = [];
  readonly violations: string[] = [];
  private readonly votes = new Map<string, string>();
  private readonly votesFor = new Map<number, Map<string, Set<string>>>();
  private readonly leaders = new Map<number, string>();
  private readonly stats = { elections: 0, switches: 0, maxEpoch: 0, faults: 0, converged: false, hazardousPromotions: 0 };
  /** Ports of every node that has been this group's master. */
  private readonly groupMasters = new Set<number>([NODE_PORT]);
  private readonly quorum: number;
  private readonly params: string;

  constructor(private readonly opts: SimOptions) {
    this.rng = new Rng(opts.seed);
    const r = this.rng;
    const nSentinels = r.pick([3, 3, 5]);
    const nReplicas = r.range(1, 3);
    this.quorum = r.range(1, nSentinels);
    const downAfter = r.pick([1000, 2000, 5000]);
    const failoverTimeout = r.range(3, 20) * 1000;
    const parallelSyncs = r.range(1, 2);
    this.params = `sentinels=${nSentinels} replicas=${nReplicas} quorum=${this.quorum} down-after=${downAfter} failover-timeout=${failoverTimeout} parallel-syncs=${parallelSyncs}`;
    for (let i = 0; i <= nReplicas; i++) {
      const n: NodeModel = {
        kind: 'node',
        id: `n${i}`,
        port: NODE_PORT + i,
        alive: true,
        pausedUntil: 0,
        slowMs: 0,
        slowUntil: 0,
        role: i === 0 ? 'master' : 'slave',
        masterPort: i === 0 ? 0 : NODE_PORT,
        runid: this.hex(40),
        offset: 0,
        linkUp: false,
        linkDownSince: 0,
        replicatedFrom: new Set(),
        clients: new Set(),
      };
      this.nodes.push(n);
    }
    const ids = Array.from({ length: nSentinels }, () => this.hex(40));
    for (let i = 0; i < nSentinels; i++) {
      const lines = [
        `sentinel myid ${ids[i]}`,
        `sentinel monitor ${MASTER_NAME} ${HOST} ${NODE_PORT} ${this.quorum}`,
        `sentinel down-after-milliseconds ${MASTER_NAME} ${downAfter}`,
        `sentinel failover-timeout ${MASTER_NAME} ${failoverTimeout}`,
        `sentinel parallel-syncs ${MASTER_NAME} ${parallelSyncs}`,
        ...this.nodes.slice(1).map((n) => `sentinel known-replica ${MASTER_NAME} ${HOST} ${n.port}`),
        ...ids.flatMap((id, j) => (j === i ? [] : [`sentinel known-sentinel ${MASTER_NAME} ${HOST} ${SENTINEL_PORT + j} ${id}`])),
        'sentinel current-epoch 0',
      ];
      const s = this.startSentinel(`s${i}`, SENTINEL_PORT + i, lines, r.fork());
      this.sentinels.push(s);
    }
  }

  private hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += this.rng.int(16).toString(16);
    return s;
  }

  private log(who: string, text: string): void {
    if (this.opts.trace) this.trace.push(`${(this.now / 1000).toFixed(3).padStart(8)} ${who.padEnd(3)} ${text}`);
  }

  violation(text: string): void {
    this.violations.push(`t=${(this.now / 1000).toFixed(3)} ${text}`);
    this.log('!!', `VIOLATION ${text}`);
  }

  // ---- processes ----

  private startSentinel(id: string, port: number, lines: string[], rng: Rng): SentinelProc {
    const brain = new SentinelBrain({ rng: () => rng.next(), port, debugBreakVoteRule: this.opts.breakVoteRule }, this.now);
    const directives = lines.map((l, i) => ({ argv: l.split(' ').slice(1), lineNo: i + 1, line: l }));
    for (const d of orderDirectives(directives)) {
      const err = applyDirective(brain, d.argv, { isExecutable: () => false });
      if (err) throw new Error(`sim config: ${d.line}: ${err}`);
    }
    brain.drain();
    const s: SentinelProc = { kind: 'sentinel', id, port, alive: true, pausedUntil: 0, slowMs: 0, slowUntil: 0, brain, rng, saved: lines, conns: new Map() };
    brain.isRunning(this.now);
    this.applyOutputs(s);
    this.scheduleTick(s, brain);
    return s;
  }

  private scheduleTick(s: SentinelProc, brain: SentinelBrain): void {
    this.q.push(this.now + brain.nextTimerDelay(), () => {
      if (!s.alive || s.brain !== brain) return;
      if (s.pausedUntil > this.now) {
        // Stopped: the timer fires late, on resume (which is what trips TILT).
        this.q.push(s.pausedUntil, () => this.runTick(s, brain));
        return;
      }
      this.runTick(s, brain);
    });
  }

  private runTick(s: SentinelProc, brain: SentinelBrain): void {
    if (!s.alive || s.brain !== brain) return;
    brain.timer(this.now);
    this.applyOutputs(s);
    this.scheduleTick(s, brain);
  }

  /** Does a message from a to b get through now? */
  private blocked(a: Proc, b: Proc): boolean {
    if (this.sides === null) return false;
    const x = this.sides.get(a.id);
    const y = this.sides.get(b.id);
    return x !== undefined && y !== undefined && x !== y;
  }

  private delay(a: Proc, b: Proc): number {
    let d = 1 + this.rng.int(4);
    if (this.rng.chance(0.01)) d += this.rng.int(200);
    if (a.slowUntil > this.now) d += a.slowMs;
    if (b.slowUntil > this.now) d += b.slowMs;
    return d;
  }

  // ---- connections ----

  /** Queue a message on a connection, toward its target (`to`) or back to the sentinel. */
  private enqueue(c: SimConn, toward: 'to' | 'back', run: () => void): void {
    const q = toward === 'to' ? c.toQ : c.backQ;
    const last = q.length ? q[q.length - 1]!.ready : 0;
    const ready = Math.max(last, this.now + this.delay(c.from, c.to));
    q.push({ ready, run });
    this.pump(c, toward, ready);
  }

  private pump(c: SimConn, toward: 'to' | 'back', at: number): void {
    const flag = toward === 'to' ? 'toPumping' : 'backPumping';
    if (c[flag]) return;
    c[flag] = true;
    this.q.push(Math.max(at, this.now), () => {
      c[flag] = false;
      this.pumpNow(c, toward);
    });
  }

  private pumpNow(c: SimConn, toward: 'to' | 'back'): void {
    const q = toward === 'to' ? c.toQ : c.backQ;
    if (!c.open && toward === 'to') {
      q.length = 0;
      return;
    }
    const receiver: Proc = toward === 'to' ? c.to : c.from;
    const sender: Proc = toward === 'to' ? c.from : c.to;
    while (q.length > 0) {
      const m = q[0]!;
      if (m.ready > this.now) return this.pump(c, toward, m.ready);
      if (!receiver.alive) {
        q.length = 0;
        return;
      }
      if (this.blocked(sender, receiver)) return this.pump(c, toward, this.now + 200); // retransmit later
      if (receiver.pausedUntil > this.now) return this.pump(c, toward, receiver.pausedUntil);
      q.shift();
      m.run();
      if (!c.open && toward === 'to') return;
    }
  }

  private openConn(s: SentinelProc, o: Extract<Output, { kind: 'connect' }>): void {
    const target = o.sentinel ? this.sentinels.find((x) => x.port === o.port) : this.nodes.find((x) => x.port === o.port);
    const key = `${o.inst}:${o.conn}`;
    const old = s.conns.get(key);
    if (old) this.dropConn(old);
    if (!target) {
      this.q.push(this.now + 1, () => this.deliverBrain(s, (b) => b.closed(this.now, o.inst, o.conn, o.gen)));
      return;
    }
    const c: SimConn = {
      from: s,
      to: target,
      inst: o.inst,
      kind: o.conn,
      gen: o.gen,
      open: true,
      subscribed: false,
      multi: null,
      toQ: [],
      backQ: [],
      toPumping: false,
      backPumping: false,
    };
    s.conns.set(key, c);
    if (!target.alive) {
      this.enqueue(c, 'back', () => this.connLost(c));
      return;
    }
    if (target.kind === 'node') target.clients.add(c);
    this.enqueue(c, 'back', () => {
      if (c.open) this.deliverBrain(s, (b) => b.connected(this.now, c.inst, c.kind, c.gen, HOST));
    });
  }

  /** The sentinel learns its connection was reset or refused. */
  private connLost(c: SimConn): void {
    if (!c.open) return;
    this.dropConn(c);
    this.deliverBrain(c.from, (b) => b.closed(this.now, c.inst, c.kind, c.gen));
  }

  private dropConn(c: SimConn): void {
    c.open = false;
    c.toQ.length = 0;
    if (c.to.kind === 'node') c.to.clients.delete(c);
    const key = `${c.inst}:${c.kind}`;
    if (c.from.conns.get(key) === c) c.from.conns.delete(key);
  }

  /** The target side closes a connection (CLIENT KILL, process death): FIN/RST back to the sentinel. */
  private serverClose(c: SimConn): void {
    if (c.to.kind === 'node') c.to.clients.delete(c);
    this.enqueue(c, 'back', () => this.connLost(c));
  }

  private deliverBrain(s: SentinelProc, f: (b: SentinelBrain) => void): void {
    if (!s.alive) return;
    f(s.brain);
    this.applyOutputs(s);
  }

  private send(c: SimConn, argv: string[]): void {
    this.enqueue(c, 'to', () => {
      const replies = c.to.kind === 'node' ? this.nodeCommand(c.to, c, argv) : this.sentinelCommand(c.to, argv);
      for (const r of replies) this.reply(c, r);
    });
  }

  private reply(c: SimConn, r: Reply): void {
    this.enqueue(c, 'back', () => {
      if (c.open) this.deliverBrain(c.from, (b) => b.reply(this.now, c.inst, c.kind, c.gen, r));
    });
  }

  // ---- the brain's outputs ----

  private applyOutputs(s: SentinelProc): void {
    for (;;) {
      const outs = s.brain.drain();
      if (outs.length === 0) return;
      for (const o of outs) this.applyOutput(s, o);
    }
  }

  private applyOutput(s: SentinelProc, o: Output): void {
    switch (o.kind) {
      case 'connect':
        this.openConn(s, o);
        return;
      case 'close': {
        const c = s.conns.get(`${o.inst}:${o.conn}`);
        if (c && c.gen === o.gen) this.dropConn(c);
        return;
      }
      case 'send': {
        const c = s.conns.get(`${o.inst}:${o.conn}`);
        if (c && c.gen === o.gen && c.open) this.send(c, o.argv);
        return;
      }
      case 'event':
        if (o.level !== 'debug' && o.level !== 'verbose') this.log(s.id, `${o.type} ${o.msg}`);
        this.checkEvent(s, o.type, o.msg);
        return;
      case 'log':
        this.log(s.id, `(log) ${o.msg}`);
        return;
      case 'flush-config':
        s.saved = sentinelRewriteLines(s.brain, (x) => x).map((l) => l.line);
        return;
      case 'crash':
        this.killSentinel(s);
        return;
    }
  }

  // ---- invariants ----

  private checkEvent(s: SentinelProc, type: string, msg: string): void {
    const b = s.brain;
    const master = b.masters.get(MASTER_NAME);
    const S = this.sentinels.length || this.sentinelCount();
    const majority = Math.floor(S / 2) + 1;
    if (type === '+new-epoch') this.stats.maxEpoch = Math.max(this.stats.maxEpoch, Number(msg));
    if (type === '+vote-for-leader') {
      const [leader, epochText] = msg.split(' ');
      const epoch = Number(epochText);
      const key = `${b.myid}:${epoch}`;
      const prev = this.votes.get(key);
      if (prev !== undefined) this.violation(`${s.id} voted twice in epoch ${epoch}: for ${short(prev)} and for ${short(leader!)}`);
      this.votes.set(key, leader!);
      let byLeader = this.votesFor.get(epoch);
      if (!byLeader) this.votesFor.set(epoch, (byLeader = new Map()));
      let voters = byLeader.get(leader!);
      if (!voters) byLeader.set(leader!, (voters = new Set()));
      voters.add(b.myid);
    }
    if (type === '+try-failover' && master) {
      if (!(master.flags & SRI.O_DOWN)) this.violation(`${s.id} started a failover without ODOWN`);
      let agreeing = 1;
      for (const si of master.sentinels.values()) if (si.flags & SRI.MASTER_DOWN) agreeing++;
      if (!(master.flags & SRI.S_DOWN) || agreeing < master.quorum)
        this.violation(`${s.id} started a failover with ${agreeing}/${master.quorum} sentinels agreeing`);
    }
    if (type === '+elected-leader' && master) {
      const epoch = master.failoverEpoch;
      this.stats.elections++;
      const prev = this.leaders.get(epoch);
      if (prev !== undefined && prev !== b.myid) this.violation(`two leaders in epoch ${epoch}: ${short(prev)} and ${short(b.myid)} (${s.id})`);
      this.leaders.set(epoch, b.myid);
      const votes = this.votesFor.get(epoch)?.get(b.myid)?.size ?? 0;
      if (!(master.flags & SRI.FORCE_FAILOVER) && (votes < majority || votes < this.quorum)) {
        this.violation(`${s.id} acts as leader of epoch ${epoch} with ${votes} votes (majority ${majority}, quorum ${this.quorum})`);
      }
    }
    if (type === '+selected-slave' && master) {
      const port = Number(msg.split(' ')[3]);
      const node = this.nodes.find((n) => n.port === port);
      // The promoted instance must hold this group's data: it replicated from a master of the
      // group, or was one. Redis 7.0 does not check that a candidate replicates from the failed
      // master itself (nor that it still reports role slave): such promotions are counted as
      // hazards (diverged data, lost writes), not errors, since redis-sentinel does the same.
      const related = node !== undefined && (this.groupMasters.has(port) || [...node.replicatedFrom].some((p) => this.groupMasters.has(p)));
      if (!related) this.violation(`${s.id} selected ${HOST}:${port}, which never replicated from a master of ${MASTER_NAME}`);
      else if (!node.replicatedFrom.has(master.addr.port) || node.role !== 'slave' || node.masterPort !== master.addr.port) {
        this.stats.hazardousPromotions++;
        this.log(
          '!!',
          `note: ${s.id} promotes ${HOST}:${port} (${node.role}${node.role === 'slave' ? ` of ${node.masterPort}` : ''}), not a replica of the failed master ${master.addr.port}`,
        );
      }
    }
    if (type === '+switch-master') this.stats.switches++;
  }

  private sentinelCount(): number {
    return this.sentinels.length;
  }

  // ---- the node model ----

  private nodeCommand(n: NodeModel, c: SimConn, argv: string[]): Reply[] {
    const cmd = argv[0]!.toUpperCase();
    if (c.multi !== null && cmd !== 'EXEC') {
      c.multi.push(argv);
      return [{ t: 'status', s: 'QUEUED' }];
    }
    switch (cmd) {
      case 'MULTI':
        c.multi = [];
        return [ok];
      case 'EXEC': {
        const queued = c.multi ?? [];
        c.multi = null;
        return [{ t: 'array', items: queued.map((a) => this.nodeCommand(n, c, a)[0]!) }];
      }
      case 'PING':
        return [{ t: 'status', s: 'PONG' }];
      case 'AUTH':
      case 'CONFIG':
        return [ok];
      case 'INFO':
        return [bulk(this.info(n))];
      case 'SUBSCRIBE':
        c.subscribed = true;
        return [{ t: 'array', items: [bulk('subscribe'), bulk(argv[1]!), { t: 'int', n: 1 }] }];
      case 'PUBLISH': {
        let count = 0;
        for (const sub of n.clients) {
          if (!sub.subscribed || !sub.open) continue;
          count++;
          this.enqueue(sub, 'back', () => {
            if (sub.open)
              this.deliverBrain(sub.from, (b) =>
                b.reply(this.now, sub.inst, sub.kind, sub.gen, { t: 'array', items: [bulk('message'), bulk(argv[1]!), bulk(argv[2]!)] }),
              );
          });
        }
        return [{ t: 'int', n: count }];
      }
      case 'SLAVEOF':
        if (argv[1]!.toUpperCase() === 'NO' && argv[2]!.toUpperCase() === 'ONE') {
          if (n.role !== 'master') this.log(n.id, `REPLICAOF NO ONE (was replica of ${n.masterPort})`);
          this.groupMasters.add(n.port);
          n.role = 'master';
          n.masterPort = 0;
        } else {
          const port = Number(argv[2]);
          if (n.role !== 'slave' || n.masterPort !== port) this.log(n.id, `REPLICAOF ${argv[1]} ${port}`);
          n.role = 'slave';
          n.masterPort = port;
          n.linkUp = false;
          n.linkDownSince = this.now;
        }
        return [ok];
      case 'CLIENT':
        if (argv[1]!.toUpperCase() === 'KILL') {
          const type = argv[3]!.toLowerCase();
          for (const other of [...n.clients]) {
            if (other === c) continue;
            if ((type === 'pubsub') === other.subscribed) this.serverClose(other);
          }
        }
        return [ok];
      case 'SCRIPT':
        return [{ t: 'error', s: 'NOTBUSY No scripts in execution right now.' }];
    }
    return [{ t: 'error', s: `ERR unknown command '${argv[0]}'` }];
  }

  private info(n: NodeModel): string {
    const lines = ['# Server', `run_id:${n.runid}`, `tcp_port:${n.port}`, '', '# Replication'];
    if (n.role === 'master') {
      const replicas = this.nodes.filter((r) => r.alive && r.role === 'slave' && r.masterPort === n.port && r.linkUp);
      lines.push('role:master', `connected_slaves:${replicas.length}`);
      for (const [i, r] of replicas.entries()) lines.push(`slave${i}:ip=${HOST},port=${r.port},state=online,offset=${r.offset},lag=0`);
      lines.push(`master_repl_offset:${n.offset}`);
    } else {
      lines.push('role:slave', `master_host:${HOST}`, `master_port:${n.masterPort}`, `master_link_status:${n.linkUp ? 'up' : 'down'}`);
      if (!n.linkUp) lines.push(`master_link_down_since_seconds:${n.linkDownSince ? Math.floor((this.now - n.linkDownSince) / 1000) : -1}`);
      lines.push(`slave_repl_offset:${n.offset}`, 'slave_priority:100', 'replica_announced:1');
    }
    return lines.join('\r\n') + '\r\n';
  }

  /** Replication every 100 ms: masters take writes, replicas with a working link catch up. */
  private replicate(): void {
    for (const n of this.nodes) {
      if (!n.alive || n.pausedUntil > this.now) continue;
      if (n.role === 'master') {
        n.offset += this.rng.int(100);
        continue;
      }
      const m = this.nodes.find((x) => x.port === n.masterPort);
      const up = m?.alive && m.pausedUntil <= this.now && m.role === 'master' && !this.blocked(n, m) && !this.blocked(m, n);
      if (up) {
        if (!n.linkUp) this.log(n.id, `replication link up with ${m.port}`);
        n.linkUp = true;
        n.linkDownSince = 0;
        n.offset = m.offset;
        n.replicatedFrom.add(m.port);
      } else if (n.linkUp) {
        n.linkUp = false;
        n.linkDownSince = this.now;
        this.log(n.id, `replication link down with ${n.masterPort}`);
      }
    }
    this.q.push(this.now + 100, () => this.replicate());
  }

  // ---- sentinel commands between sentinels ----

  private sentinelCommand(t: SentinelProc, argv: string[]): Reply[] {
    const cmd = argv[0]!.toUpperCase();
    const b = t.brain;
    let r: Reply;
    if (cmd === 'PING') r = { t: 'status', s: 'PONG' };
    else if (cmd === 'AUTH' || cmd === 'CLIENT') r = ok;
    else if (cmd === 'PUBLISH') {
      b.processHelloMessage(argv[2]!);
      r = { t: 'int', n: 1 };
    } else if (cmd === 'SENTINEL' && argv[1]!.toLowerCase() === 'is-master-down-by-addr') {
      const v = b.isMasterDownByAddr(this.now, argv[2]!, Number(argv[3]), Number(argv[4]), argv[5]!);
      r = { t: 'array', items: [{ t: 'int', n: v.down ? 1 : 0 }, bulk(v.leader ?? '*'), { t: 'int', n: v.epoch }] };
    } else r = { t: 'error', s: `ERR unknown command '${argv[0]}'` };
    this.applyOutputs(t);
    return [r];
  }

  // ---- faults ----

  private killNode(n: NodeModel, forMs: number): void {
    this.log('**', `FAULT kill ${n.id} (${n.role}) for ${forMs} ms`);
    n.alive = false;
    n.linkUp = false;
    for (const c of [...n.clients]) this.serverClose(c);
    n.clients.clear();
    this.q.push(this.now + forMs, () => {
      // Restarted with its config as last rewritten: a master stays master, a replica a replica.
      n.alive = true;
      n.runid = this.hex(40);
      n.linkDownSince = this.now;
      this.log('**', `HEAL restart ${n.id} (${n.role}${n.role === 'slave' ? ` of ${n.masterPort}` : ''})`);
    });
  }

  private killSentinel(s: SentinelProc, forMs = 0): void {
    this.log('**', `FAULT kill ${s.id}${forMs ? ` for ${forMs} ms` : ' (crash)'}`);
    s.alive = false;
    for (const c of [...s.conns.values()]) this.dropConn(c);
    // Its peers see their connections to it reset.
    for (const o of this.sentinels) for (const c of [...o.conns.values()]) if (c.to === s) this.serverClose(c);
    if (forMs > 0) this.q.push(this.now + forMs, () => this.restartSentinel(s));
  }

  private restartSentinel(s: SentinelProc): void {
    const fresh = this.startSentinelFrom(s);
    this.log('**', `HEAL restart ${s.id} (epoch ${fresh.brain.currentEpoch})`);
  }

  private startSentinelFrom(s: SentinelProc): SentinelProc {
    const idx = this.sentinels.indexOf(s);
    const fresh = this.startSentinel(s.id, s.port, s.saved, s.rng.fork());
    this.sentinels[idx] = fresh;
    return fresh;
  }

  private pause(p: Proc, forMs: number): void {
    this.log('**', `FAULT pause ${p.id} for ${forMs} ms`);
    p.pausedUntil = this.now + forMs;
  }

  private partition(sides: Map<string, number>, forMs: number, what: string): void {
    this.log('**', `FAULT partition ${what} for ${forMs} ms`);
    this.sides = sides;
    this.q.push(this.now + forMs, () => {
      this.sides = null;
      this.log('**', 'HEAL partition');
    });
  }

  private allProcs(): Proc[] {
    return [...this.nodes, ...this.sentinels];
  }

  /** One random fault; returns how long it lasts. */
  private fault(): number {
    const r = this.rng;
    this.stats.faults++;
    const kind = r.pick(['kill-master', 'kill-master', 'isolate-master', 'partition', 'pause-sentinel', 'kill-sentinel', 'pause-master', 'slow']);
    const master = this.nodes.find((n) => n.alive && n.role === 'master') ?? r.pick(this.nodes);
    switch (kind) {
      case 'kill-master': {
        const d = r.range(2000, 15000);
        this.killNode(master, d);
        return d;
      }
      case 'pause-master': {
        const d = r.range(500, 8000);
        this.pause(master, d);
        return d;
      }
      case 'isolate-master': {
        const d = r.range(2000, 15000);
        const sides = new Map<string, number>();
        for (const p of this.allProcs()) sides.set(p.id, 1);
        sides.set(master.id, 0);
        // A minority of sentinels may stay with the old master (the 2013 split brain).
        const minority = r.int(Math.floor(this.sentinels.length / 2) + 1);
        for (let i = 0; i < minority; i++) sides.set(r.pick(this.sentinels).id, 0);
        this.partition(
          sides,
          d,
          `${[...sides]
            .filter(([, v]) => v === 0)
            .map(([k]) => k)
            .join(',')} | rest`,
        );
        return d;
      }
      case 'partition': {
        const d = r.range(1000, 15000);
        const sides = new Map<string, number>();
        for (const p of this.allProcs()) sides.set(p.id, r.int(2));
        this.partition(
          sides,
          d,
          [0, 1]
            .map((side) =>
              [...sides]
                .filter(([, v]) => v === side)
                .map(([k]) => k)
                .join(','),
            )
            .join(' | '),
        );
        return d;
      }
      case 'pause-sentinel': {
        const d = r.range(300, 5000);
        this.pause(r.pick(this.sentinels), d);
        return d;
      }
      case 'kill-sentinel': {
        const d = r.range(1000, 10000);
        const s = r.pick(this.sentinels.filter((x) => x.alive));
        if (s) this.killSentinel(s, d);
        return d;
      }
      default: {
        const d = r.range(1000, 8000);
        const p = r.pick(this.allProcs());
        p.slowMs = r.range(50, 800);
        p.slowUntil = this.now + d;
        this.log('**', `FAULT slow ${p.id} +${p.slowMs} ms for ${d} ms`);
        return d;
      }
    }
  }

  run(): SimResult {
    const duration = this.opts.durationMs ?? 45000;
    const quiet = this.opts.quietMs ?? 30000;
    this.q.push(100, () => this.replicate());
    const scheduleFault = (at: number): void => {
      if (at >= duration) return;
      this.q.push(at, () => {
        const d = this.fault();
        scheduleFault(this.now + d + this.rng.range(1000, 8000));
      });
    };
    scheduleFault(this.rng.range(3000, 8000));
    const end = duration + quiet;
    while (this.q.size > 0) {
      const e = this.q.pop()!;
      if (e.t > end) break;
      this.now = e.t;
      e.run();
      if (this.violations.length > 0 && !this.opts.trace) break;
    }
    this.stats.converged = this.converged();
    return { seed: this.opts.seed, violations: this.violations, trace: this.trace, stats: this.stats, params: this.params };
  }

  /** After the quiet period: every sentinel names the same master, and that node is a master. */
  private converged(): boolean {
    const addrs = new Set(this.sentinels.filter((s) => s.alive).map((s) => s.brain.currentMasterAddress(s.brain.masters.get(MASTER_NAME)!).port));
    if (addrs.size !== 1) return false;
    const node = this.nodes.find((n) => n.port === [...addrs][0]);
    return node !== undefined && node.role === 'master';
  }
}

function short(id: string): string {
  return id.slice(0, 8);
}

export function simulate(opts: SimOptions): SimResult {
  return new World(opts).run();
}
