import type { ClusterMsg } from '../bus/message.js';
import type { ClusterRng } from '../rng.js';
import type { LinkId } from '../types.js';

/**
 * The simulated network: TCP-like connections between nodes on a virtual clock. A connection carries
 * two ordered byte streams; a cut direction stalls its stream (packets wait, as TCP retransmits) until
 * healed; a reset or a dead peer ends it. Chaos (duplicates, reordering) is opt-in, beyond TCP.
 */

/** A message, the same message as bytes (the simulator's wire mode), or the end of the stream. */
export type Packet = { kind: 'msg'; msg: ClusterMsg } | { kind: 'frame'; bytes: Uint8Array } | { kind: 'fin' };

/** What the network asks the simulator to deliver later. */
export type NetEvent = (
  | { k: 'accepted'; node: number; link: LinkId; conn: number }
  | { k: 'connected'; node: number; link: LinkId; conn: number }
  | { k: 'closed'; node: number; link: LinkId; conn: number }
  | { k: 'packet'; node: number; link: LinkId; conn: number; packet: Packet }
) & {
  /** Set by the simulator when scheduled: the incarnation of the receiving node. */
  inc?: number;
};

interface Conn {
  id: number;
  /** ends[0] opened the connection, ends[1] accepted it. */
  ends: [number, number];
  links: [LinkId, LinkId];
  open: [boolean, boolean];
  state: 'connecting' | 'open' | 'reset';
  /** Per direction (0: ends[0] → ends[1]), the time of the last scheduled delivery (FIFO). */
  last: [number, number];
  stalled: [Packet[], Packet[]];
}

export interface NetConfig {
  /** Base one-way latency range, ms. */
  minLatency: number;
  maxLatency: number;
  /** Probability that a packet is delivered twice / out of order (0 for TCP semantics). */
  duplicate: number;
  reorder: number;
}

export class SimNetwork {
  private conns = new Map<number, Conn>();
  private byLink = new Map<string, { conn: Conn; end: 0 | 1 }>();
  private nextConn = 1;
  /** cut[a][b]: packets from a to b do not get through. */
  readonly cut: boolean[][];
  /** Extra latency per directed pair (slow links). */
  readonly slow: number[][];
  alive: boolean[];
  /** silentSince[a][b]: since when nothing from a can reach b (a dead or a → b cut); 0 while it can. */
  readonly silentSince: number[][];
  cfg: NetConfig;
  messages = 0;

  constructor(
    readonly size: number,
    private readonly rng: ClusterRng,
    cfg: NetConfig,
    private readonly schedule: (time: number, ev: NetEvent) => void,
  ) {
    this.cut = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.slow = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    this.alive = new Array<boolean>(size).fill(true);
    this.silentSince = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    this.cfg = { ...cfg };
  }

  private updateSilence(now: number): void {
    for (let a = 0; a < this.size; a++) {
      for (let b = 0; b < this.size; b++) {
        const open = this.alive[a]! && !this.cut[a]![b];
        if (open) this.silentSince[a]![b] = 0;
        else if (this.silentSince[a]![b] === 0) this.silentSince[a]![b] = now;
      }
    }
  }

  /** Could anything from a have reached b within the last `window` ms? */
  heardWithin(now: number, a: number, b: number, window: number): boolean {
    const since = this.silentSince[a]![b]!;
    return since === 0 || now - since <= window;
  }

  private latency(a: number, b: number): number {
    return this.cfg.minLatency + this.rng.int(this.cfg.maxLatency - this.cfg.minLatency + 1) + this.slow[a]![b]!;
  }

  private key(node: number, link: LinkId): string {
    return `${node}|${link}`;
  }

  /** Can a packet go from a to b right now? */
  passes(a: number, b: number): boolean {
    return !this.cut[a]![b];
  }

  /** The brain of `from` asked for an outgoing link to node `to` (or to no node: -1). */
  connect(now: number, from: number, link: LinkId, to: number): void {
    const c: Conn = {
      id: this.nextConn++,
      ends: [from, to],
      links: [link, ''],
      open: [true, false],
      state: 'connecting',
      last: [now, now],
      stalled: [[], []],
    };
    this.conns.set(c.id, c);
    this.byLink.set(this.key(from, link), { conn: c, end: 0 });
    this.tryEstablish(now, c);
  }

  /** SYN / SYN-ACK: completes when both directions pass; refused at once by a dead (or missing) peer. */
  private tryEstablish(now: number, c: Conn): void {
    const [a, b] = c.ends;
    if (c.state !== 'connecting' || !c.open[0]) return;
    if (b < 0 || !this.alive[b]) {
      if (b < 0 || this.passes(a, b)) {
        c.state = 'reset';
        this.schedule(now + this.latency(a, Math.max(b, 0)) * (b < 0 ? 0 : 2), { k: 'closed', node: a, link: c.links[0], conn: c.id });
      }
      return;
    }
    if (!this.passes(a, b) || !this.passes(b, a)) return;
    c.state = 'open';
    c.open[1] = true;
    c.links[1] = `from:${a}#${c.id}`;
    this.byLink.set(this.key(b, c.links[1]), { conn: c, end: 1 });
    const t1 = now + this.latency(a, b);
    const t2 = t1 + this.latency(b, a);
    c.last = [t2, t1];
    this.schedule(t1, { k: 'accepted', node: b, link: c.links[1], conn: c.id });
    this.schedule(t2, { k: 'connected', node: a, link: c.links[0], conn: c.id });
    // What was written while connecting goes out now, behind the handshake.
    const early = c.stalled[0];
    c.stalled[0] = [];
    for (const p of early) this.transmit(now, c, 0, p);
  }

  /** Queue a packet from `node` on its link. */
  send(now: number, node: number, link: LinkId, packet: Packet): void {
    const e = this.byLink.get(this.key(node, link));
    if (!e) return;
    const c = e.conn;
    if (c.state === 'reset' || !c.open[e.end]) return;
    if (packet.kind !== 'fin') this.messages++;
    if (c.state === 'connecting') {
      // Written before the connection is up: goes out once it is.
      c.stalled[e.end].push(packet);
      return;
    }
    const from = c.ends[e.end];
    const to = c.ends[1 - e.end]!;
    if (!this.passes(from, to)) {
      c.stalled[e.end].push(packet);
      return;
    }
    this.transmit(now, c, e.end, packet);
  }

  private transmit(now: number, c: Conn, dir: 0 | 1, packet: Packet): void {
    const from = c.ends[dir];
    const to = c.ends[1 - dir]!;
    const link = c.links[1 - dir]!;
    let t = now + this.latency(from, to);
    if (packet.kind !== 'fin' && this.cfg.reorder > 0 && this.rng.int(1_000_000) < this.cfg.reorder * 1_000_000) {
      t += this.rng.int(200);
    } else {
      if (t < c.last[dir]) t = c.last[dir];
      c.last[dir] = t;
    }
    this.schedule(t, { k: 'packet', node: to, link, conn: c.id, packet });
    if (packet.kind !== 'fin' && this.cfg.duplicate > 0 && this.rng.int(1_000_000) < this.cfg.duplicate * 1_000_000) {
      this.schedule(t + 1 + this.rng.int(100), { k: 'packet', node: to, link, conn: c.id, packet });
    }
  }

  /** Whether a delivery for (node, link, conn) still lands on an open end (else it is dropped). */
  accepts(node: number, link: LinkId, conn: number): boolean {
    const e = this.byLink.get(this.key(node, link));
    return !!e && e.conn.id === conn && e.conn.state !== 'reset' && e.conn.open[e.end];
  }

  /** A FIN reached `node`: its end is closed too. */
  finished(node: number, link: LinkId): void {
    const e = this.byLink.get(this.key(node, link));
    if (!e) return;
    e.conn.open[e.end] = false;
    this.byLink.delete(this.key(node, link));
  }

  /** The brain of `node` closed its link: a FIN follows the data already written. */
  close(now: number, node: number, link: LinkId): void {
    const e = this.byLink.get(this.key(node, link));
    if (!e) return;
    this.byLink.delete(this.key(node, link));
    const c = e.conn;
    c.open[e.end] = false;
    if (c.state === 'connecting') {
      c.state = 'reset';
      return;
    }
    if (c.state === 'open' && c.open[1 - e.end]) this.send2(now, c, e.end, { kind: 'fin' });
  }

  private send2(now: number, c: Conn, dir: 0 | 1, p: Packet): void {
    if (!this.passes(c.ends[dir], c.ends[1 - dir]!)) c.stalled[dir].push(p);
    else this.transmit(now, c, dir, p);
  }

  /** A process died: its connections end; peers learn it when the RST/FIN reaches them. */
  kill(now: number, node: number): void {
    this.alive[node] = false;
    this.updateSilence(now);
    for (const c of this.conns.values()) {
      if (c.ends[0] !== node && c.ends[1] !== node) continue;
      const dir: 0 | 1 = c.ends[0] === node ? 0 : 1;
      this.byLink.delete(this.key(node, c.links[dir]));
      c.open[dir] = false;
      c.stalled[1 - dir] = [];
      if (c.state === 'open' && c.open[1 - dir]) this.send2(now, c, dir, { kind: 'fin' });
      else if (c.state === 'connecting' && dir === 0) c.state = 'reset';
    }
  }

  revive(now: number, node: number): void {
    this.alive[node] = true;
    this.updateSilence(now);
  }

  /** Reset a random open connection (a dropped TCP connection: in-flight data lost, both ends told). */
  resetRandom(now: number): string | null {
    const open = [...this.conns.values()].filter((c) => c.state === 'open');
    if (open.length === 0) return null;
    const c = open[this.rng.int(open.length)]!;
    c.state = 'reset';
    c.stalled = [[], []];
    for (const end of [0, 1] as const) {
      if (!c.open[end]) continue;
      c.open[end] = false;
      this.byLink.delete(this.key(c.ends[end], c.links[end]));
      this.schedule(now + this.latency(c.ends[1 - end]!, c.ends[end]), { k: 'closed', node: c.ends[end], link: c.links[end], conn: c.id });
    }
    return `${c.ends[0]}->${c.ends[1]}`;
  }

  /** Change cuts, then let stalled streams and pending connections through where they now pass. */
  setCut(now: number, cut: (a: number, b: number) => boolean): void {
    for (let a = 0; a < this.size; a++) for (let b = 0; b < this.size; b++) this.cut[a]![b] = a !== b && cut(a, b);
    this.updateSilence(now);
    this.flush(now);
  }

  private flush(now: number): void {
    for (const c of [...this.conns.values()]) {
      if (c.state === 'reset' || (!c.open[0] && !c.open[1])) {
        this.conns.delete(c.id);
        continue;
      }
      if (c.state === 'connecting') this.tryEstablish(now, c);
      if (c.state !== 'open') continue;
      for (const dir of [0, 1] as const) {
        if (c.stalled[dir].length === 0 || !this.passes(c.ends[dir], c.ends[1 - dir]!)) continue;
        const ps = c.stalled[dir];
        c.stalled[dir] = [];
        for (const p of ps) this.transmit(now, c, dir, p);
      }
    }
  }

  /** A restarted process: connection attempts towards it may complete. */
  retry(now: number): void {
    this.flush(now);
  }
}
