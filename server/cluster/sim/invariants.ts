import type { ClusterBrain } from '../brain.js';
import { CLUSTER_SLOTS } from '../constants.js';
import { forEachSlot, sameSlots } from '../slots.js';
import type { AuditRecord } from '../types.js';

/**
 * The properties the simulator checks after every step. Each returns a violation text, or null.
 * They look at the brains from outside (their views and audit records) and at the network's truth.
 */

export class Invariants {
  /** epoch → per slot, the master that claimed it at that configEpoch (index + 1, 0 = none). */
  private claims = new Map<number, { owner: Int16Array; unilateral: Uint8Array }>();
  /** Per node: the slots snapshot / epoch last recorded, so unchanged masters cost nothing. */
  private seen: Array<{ slots: Uint8Array | null; epoch: number }>;
  /** Per node: the configEpoch it gave itself without agreement (bumps, collisions, takeover). */
  private unilateralEpoch: number[];
  /** voter → epochs it voted in; (candidate, epoch) → voters. */
  private votes = new Map<string, Set<number>>();
  private votesFor = new Map<string, Set<string>>();
  promotions = 0;
  takeovers = 0;
  unilateralCollisions = 0;

  constructor(
    private readonly names: () => string[],
    size: number,
  ) {
    this.seen = Array.from({ length: size }, () => ({ slots: null, epoch: -1 }));
    this.unilateralEpoch = new Array<number>(size).fill(-1);
  }

  /** A node restarted: its claims are re-recorded from its loaded state. */
  restarted(node: number): void {
    this.seen[node] = { slots: null, epoch: -1 };
  }

  /** Audit records of one step of `node`. */
  audit(node: number, name: string, r: AuditRecord): string | null {
    switch (r.what) {
      case 'vote': {
        let epochs = this.votes.get(name);
        if (!epochs) this.votes.set(name, (epochs = new Set()));
        if (epochs.has(r.epoch)) return `node ${node} (${name}) voted twice in epoch ${r.epoch}`;
        epochs.add(r.epoch);
        const key = `${r.candidate}@${r.epoch}`;
        let voters = this.votesFor.get(key);
        if (!voters) this.votesFor.set(key, (voters = new Set()));
        voters.add(name);
        return null;
      }
      case 'promoted': {
        if (r.how === 'takeover') {
          this.takeovers++;
          this.unilateralEpoch[node] = r.configEpoch;
          return null;
        }
        this.promotions++;
        const granted = this.votesFor.get(`${name}@${r.epoch}`) ?? new Set<string>();
        const counted = r.votes.filter((v) => granted.has(v));
        if (counted.length < r.quorum || r.votes.length !== counted.length) {
          return `node ${node} (${name}) promoted in epoch ${r.epoch} with votes [${r.votes.join(',')}] but only [${[...granted].join(',')}] granted it (quorum ${r.quorum})`;
        }
        if (r.configEpoch !== r.epoch) this.unilateralEpoch[node] = r.configEpoch;
        return null;
      }
      case 'epochBump':
        this.unilateralEpoch[node] = r.configEpoch;
        return null;
    }
  }

  /** At most one master per slot per configEpoch (epochs taken without agreement are accounted apart). */
  slotClaims(node: number, b: ClusterBrain): string | null {
    const me = b.myself;
    if (!me.isMaster || me.numSlots === 0) return null;
    const snap = me.snapshotSlots();
    const seen = this.seen[node]!;
    if (seen.slots === snap && seen.epoch === me.configEpoch) return null;
    seen.slots = snap;
    seen.epoch = me.configEpoch;
    const epoch = me.configEpoch;
    let table = this.claims.get(epoch);
    if (!table) this.claims.set(epoch, (table = { owner: new Int16Array(CLUSTER_SLOTS), unilateral: new Uint8Array(CLUSTER_SLOTS) }));
    const unilateral = this.unilateralEpoch[node] === epoch ? 1 : 0;
    let violation: string | null = null;
    const t = table;
    forEachSlot(snap, (slot) => {
      if (violation) return;
      const prev = t.owner[slot]!;
      if (prev === 0 || prev === node + 1) {
        t.owner[slot] = node + 1;
        t.unilateral[slot] = t.unilateral[slot]! | unilateral;
        return;
      }
      if (unilateral || t.unilateral[slot]) {
        this.unilateralCollisions++;
        t.owner[slot] = node + 1;
        t.unilateral[slot] = 1;
        return;
      }
      violation = `slot ${slot} claimed at configEpoch ${epoch} by node ${prev - 1} (${this.names()[prev - 1]}) and node ${node} (${this.names()[node]})`;
    });
    return violation;
  }

  /**
   * A master that has heard nothing from a majority of the masters it knows (itself included) for
   * longer than the bound refuses writes: its cluster state is fail. `heardRecently(name)` says whether
   * anything from that node could have reached it within the bound (network truth).
   */
  minority(node: number, b: ClusterBrain, heardRecently: (name: string) => boolean): string | null {
    const me = b.myself;
    if (!me.isMaster || me.numSlots === 0 || b.state !== 'ok') return null;
    let size = 0;
    let heard = 0;
    const silent: string[] = [];
    for (const n of b.nodeList) {
      if (!n.isMaster || n.numSlots === 0) continue;
      size++;
      if (n === me || heardRecently(n.name)) heard++;
      else silent.push(n.name.slice(0, 8));
    }
    if (heard >= Math.floor(size / 2) + 1) return null;
    return `node ${node} (${me.name}) heard nothing from masters ${silent.join(',')} (${size - heard} of ${size}) within the bound but has cluster_state:ok (accepts writes)`;
  }

  /** The masters' configEpochs are distinct (checked once converged). */
  static distinctEpochs(brains: ClusterBrain[]): string | null {
    const byEpoch = new Map<number, string>();
    for (const b of brains) {
      if (!b.myself.isMaster) continue;
      const other = byEpoch.get(b.myself.configEpoch);
      if (other) return `masters ${other} and ${b.myself.name} share configEpoch ${b.myself.configEpoch}`;
      byEpoch.set(b.myself.configEpoch, b.myself.name);
    }
    return null;
  }

  /**
   * Every node sees the same owner for every slot, and that owner is a master claiming it; every
   * node has cluster_state:ok. Null when so, else what differs.
   */
  static disagreement(brains: ClusterBrain[]): string | null {
    for (const b of brains) {
      if (b.state !== 'ok') return `${b.myself.name} has cluster_state:fail (${b.failReason})`;
      if (b.assignedSlots !== CLUSTER_SLOTS) return `${b.myself.name} sees ${CLUSTER_SLOTS - b.assignedSlots} slots unassigned`;
    }
    const print = (b: ClusterBrain) =>
      b.nodeList
        .filter((n) => n.numSlots > 0)
        .map((n) => `${n.name}:${n.numSlots}:${n.configEpoch}`)
        .sort()
        .join(' ');
    const p0 = print(brains[0]!);
    for (const b of brains) if (print(b) !== p0) return `${b.myself.name} sees masters ${print(b)}, ${brains[0]!.myself.name} sees ${p0}`;
    // Same slot bitmaps everywhere as the owner's own (each brain keeps its slot table and bitmaps
    // consistent, so with every slot assigned this is the same owner per slot everywhere).
    const byName = new Map(brains.map((b) => [b.myself.name, b]));
    for (const n of brains[0]!.nodeList) {
      if (n.numSlots === 0) continue;
      const own = byName.get(n.name);
      if (!own?.myself.isMaster) return `${n.name.slice(0, 8)} serves ${n.numSlots} slots for the others but is not a master`;
      for (const b of brains) {
        const seen = b.nodes.get(n.name);
        if (!seen || !sameSlots(seen.slots, own.myself.slots)) return `${b.myself.name} and ${n.name} disagree on ${n.name}'s slots`;
      }
    }
    return null;
  }
}
