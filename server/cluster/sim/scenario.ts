import { CLUSTER_SLOTS } from '../constants.js';
import { Invariants } from './invariants.js';
import type { Simulation } from './simulator.js';

/**
 * What happens to the simulated cluster: bootstrap (from nodes.conf files as `redis-cli --cluster
 * create` leaves them, or through MEET / ADDSLOTS / REPLICATE as it does them), a fault phase drawn
 * from the seed, then healing and the convergence check.
 */

type Groups = number[][];

function shuffle<T>(sim: Simulation, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = sim.rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function pick<T>(sim: Simulation, xs: T[]): T | undefined {
  return xs.length === 0 ? undefined : xs[sim.rng.int(xs.length)];
}

function alive(sim: Simulation): number[] {
  return sim.nodes.filter((n) => n.alive).map((n) => n.index);
}

function mastersNow(sim: Simulation): number[] {
  return sim.nodes.filter((n) => n.brain?.myself.isMaster && n.brain.myself.numSlots > 0).map((n) => n.index);
}

function replicasNow(sim: Simulation): number[] {
  return sim.nodes.filter((n) => n.brain?.myself.isSlave).map((n) => n.index);
}

/** Cut every pair not inside one group (groups may overlap: a bridge belongs to two). */
function partition(sim: Simulation, name: string, groups: Groups, oneWay = false): void {
  const together = (a: number, b: number) => groups.some((g) => g.includes(a) && g.includes(b));
  sim.faults.push(name);
  sim.net.setCut(sim.now, (a, b) => (oneWay ? a < b : true) && !together(a, b));
  sim.trace(-1, `PARTITION ${name}: ${groups.map((g) => `{${g.join(',')}}`).join(' ')}${oneWay ? ' (one way: lower → higher cut)' : ''}`);
}

function heal(sim: Simulation): void {
  sim.net.setCut(sim.now, () => false);
  sim.trace(-1, 'HEAL');
}

/** A partition of a shape drawn from the seed. */
function randomPartition(sim: Simulation): void {
  const n = sim.size;
  const all = shuffle(
    sim,
    sim.nodes.map((x) => x.index),
  );
  switch (sim.rng.int(6)) {
    case 0: {
      const k = Math.floor(n / 2);
      partition(sim, 'halves', [all.slice(0, k), all.slice(k)]);
      return;
    }
    case 1: {
      // A master alone (maybe with one node): the minority master of the spec.
      const m = pick(sim, mastersNow(sim)) ?? all[0]!;
      const rest = all.filter((x) => x !== m);
      const buddy = sim.rng.int(2) === 0 ? rest.splice(0, 1) : [];
      partition(sim, 'minority-master', [[m, ...buddy], rest]);
      return;
    }
    case 2: {
      const x = all[0]!;
      const rest = all.slice(1);
      // Only one direction between x and the rest.
      const inbound = sim.rng.int(2) === 0;
      sim.faults.push('one-way');
      sim.net.setCut(sim.now, (a, b) => (inbound ? b === x && a !== x : a === x && b !== x));
      sim.trace(-1, `PARTITION one-way: node ${x} ${inbound ? 'hears nobody' : 'reaches nobody'} (${rest.length} others)`);
      return;
    }
    case 3: {
      const bridge = all[0]!;
      const k = Math.floor((n - 1) / 2);
      partition(sim, 'bridge', [
        [bridge, ...all.slice(1, 1 + k)],
        [bridge, ...all.slice(1 + k)],
      ]);
      return;
    }
    case 4: {
      // Each node reaches only its two ring neighbours.
      const groups = all.map((x, i) => [x, all[(i + 1) % n]!]);
      partition(sim, 'ring', groups);
      return;
    }
    default: {
      sim.faults.push('random-pairs');
      const cuts = new Set<string>();
      for (let k = sim.rng.int(n * 2) + 1; k > 0; k--) cuts.add(`${sim.rng.int(n)}>${sim.rng.int(n)}`);
      sim.net.setCut(sim.now, (a, b) => cuts.has(`${a}>${b}`));
      sim.trace(-1, `PARTITION random directed cuts: ${[...cuts].join(' ')}`);
    }
  }
}

/** redis-cli's moveSlot: IMPORTING on the target, MIGRATING on the source, then NODE on target, source, others. */
function migrateSlots(sim: Simulation): void {
  const masters = mastersNow(sim);
  const src = pick(sim, masters);
  const dst = pick(
    sim,
    masters.filter((m) => m !== src),
  );
  if (src === undefined || dst === undefined) return;
  const sb = sim.nodes[src]!.brain!;
  const owned: number[] = [];
  for (let s = 0; s < CLUSTER_SLOTS && owned.length < 64; s += 1 + sim.rng.int(200)) if (sb.slotTable.get(s) === sb.myself) owned.push(s);
  const slots = shuffle(sim, owned).slice(0, 1 + sim.rng.int(4));
  const srcName = sim.nodes[src]!.name;
  const dstName = sim.nodes[dst]!.name;
  // redis-cli knows the masters as they were when it started.
  const others = masters.filter((m) => m !== src && m !== dst);
  sim.faults.push('migrate');
  let delay = 0;
  for (const slot of slots) {
    const steps: Array<[number, () => boolean]> = [
      [dst, () => !('error' in sim.admin(dst, { cmd: 'setslot', slot, action: 'importing', node: srcName, keysInSlot: 0 }))],
      [src, () => !('error' in sim.admin(src, { cmd: 'setslot', slot, action: 'migrating', node: dstName, keysInSlot: 0 }))],
      [dst, () => !('error' in sim.admin(dst, { cmd: 'setslot', slot, action: 'node', node: dstName, keysInSlot: 0 }))],
      [
        src,
        () => {
          const r = sim.admin(src, { cmd: 'setslot', slot, action: 'node', node: dstName, keysInSlot: 0 });
          return !('error' in r) || r.error === 'Please use SETSLOT only with masters.';
        },
      ],
      [
        -1,
        () => {
          for (const m of others) sim.admin(m, { cmd: 'setslot', slot, action: 'node', node: dstName, keysInSlot: 0 });
          return true;
        },
      ],
    ];
    // Each command after the previous, stopping at the first refusal as redis-cli does.
    let aborted = false;
    for (const [, run] of steps) {
      delay += 2 + sim.rng.int(40);
      sim.at(delay, `migrate slot ${slot} ${src}->${dst}`, () => {
        if (!aborted && !run()) aborted = true;
      });
    }
  }
}

/**
 * Two operators at once: CLUSTER FAILOVER on two replicas of the same master at the same instant.
 * Both may start an election in the same epoch; the one-vote-per-epoch rule must elect at most one.
 */
function doubleManualFailover(sim: Simulation): void {
  const byMaster = new Map<string, number[]>();
  for (const r of replicasNow(sim)) {
    const m = sim.nodes[r]!.brain!.myself.master?.name;
    if (!m) continue;
    byMaster.set(m, [...(byMaster.get(m) ?? []), r]);
  }
  const pair = pick(
    sim,
    [...byMaster.values()].filter((rs) => rs.length >= 2),
  );
  if (!pair) return;
  sim.faults.push('double-failover');
  const mode = sim.rng.int(3) === 0 ? 'force' : 'default';
  for (const r of pair.slice(0, 2)) sim.admin(r, { cmd: 'failover', mode });
}

function manualFailover(sim: Simulation): void {
  const r = pick(sim, replicasNow(sim));
  if (r === undefined) return;
  const x = sim.rng.int(20);
  const mode = x < 12 ? 'default' : x < 17 ? 'force' : 'takeover';
  sim.faults.push(`failover-${mode}`);
  sim.admin(r, { cmd: 'failover', mode });
}

/** Redis-cli --cluster create, step by step. */
function bootstrapMeet(sim: Simulation, masters: number): void {
  for (let i = 0; i < sim.size; i++) sim.start(i, null);
  const per = Math.floor(CLUSTER_SLOTS / masters);
  for (let i = 0; i < masters; i++) {
    sim.admin(i, { cmd: 'addslotsrange', ranges: [[i * per, i === masters - 1 ? CLUSTER_SLOTS - 1 : i * per + per - 1]] });
  }
  for (let i = 0; i < sim.size; i++) sim.admin(i, { cmd: 'set-config-epoch', epoch: i + 1 });
  for (let i = 1; i < sim.size; i++) sim.admin(i, { cmd: 'meet', ip: '127.0.0.1', port: sim.portOf(0) });
  // Replicas are told their master once they know it (redis-cli retries after the join).
  const pending = new Set<number>();
  for (let i = masters; i < sim.size; i++) pending.add(i);
  const tryReplicate = () => {
    for (const i of [...pending]) {
      const master = sim.nodes[(i - masters) % masters]!.name;
      if (!('error' in sim.admin(i, { cmd: 'replicate', node: master, dbEmpty: true }))) pending.delete(i);
    }
    if (pending.size > 0) sim.at(500, 'retry CLUSTER REPLICATE', tryReplicate);
  };
  sim.at(1000, 'CLUSTER REPLICATE', tryReplicate);
}

/**
 * What `redis-cli --cluster fix` does about what admin races leave behind: close open slots, and
 * cover slots that no master claims as its own (DELSLOTS + ADDSLOTS + BUMPEPOCH on one master, as
 * clusterManagerSetSlotOwner). A migration racing with a delayed message can leave a slot each of two
 * masters believes the other's; Redis does not repair that by itself either.
 */
function fixCluster(sim: Simulation, seenUncovered: Set<number>): void {
  const brains = sim.nodes.map((n) => n.brain);
  for (const n of sim.nodes) {
    const b = n.brain;
    if (!b?.myself.isMaster || !b.openSlots) continue;
    for (let s = 0; s < CLUSTER_SLOTS; s++) if (b.migrating.get(s) || b.importing.get(s)) sim.admin(n.index, { cmd: 'setslot', slot: s, action: 'stable' });
  }
  // Only slots found unclaimed by the previous pass too: a slot may be unclaimed for a moment.
  const claimed = new Uint8Array(CLUSTER_SLOTS / 8);
  for (const b of brains) {
    if (!b?.myself.isMaster) continue;
    for (let i = 0; i < claimed.length; i++) claimed[i]! |= b.myself.slots[i]!;
  }
  const uncovered: number[] = [];
  const now = new Set<number>();
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if ((claimed[s >> 3]! & (1 << (s & 7))) !== 0) continue;
    now.add(s);
    if (seenUncovered.has(s)) uncovered.push(s);
  }
  seenUncovered.clear();
  for (const s of now) seenUncovered.add(s);
  const master = pick(sim, mastersNow(sim));
  if (uncovered.length === 0 || master === undefined) return;
  sim.faults.push(`fix-${uncovered.length}-slots`);
  const mb = sim.nodes[master]!.brain!;
  const assigned = uncovered.filter((s) => mb.slotTable.get(s) !== null);
  if (assigned.length > 0) sim.admin(master, { cmd: 'delslots', slots: assigned });
  sim.admin(master, { cmd: 'addslots', slots: uncovered });
  sim.admin(master, { cmd: 'bumpepoch' });
}

/** Wait until every node agrees; returns the disagreement left at the deadline, or null. */
function settle(sim: Simulation, deadline: number, epochs: boolean, fix = false): string | null {
  let last: string | null = 'not checked';
  const seenUncovered = new Set<number>();
  let nextFix = sim.elapsed;
  while (sim.elapsed < deadline) {
    if (fix && sim.elapsed >= nextFix) {
      fixCluster(sim, seenUncovered);
      nextFix = sim.elapsed + 1500;
    }
    sim.runUntil(sim.elapsed + 500);
    const brains = sim.nodes.map((n) => n.brain);
    if (brains.some((b) => !b)) {
      last = 'a node is down';
      continue;
    }
    const bs = brains as NonNullable<(typeof brains)[number]>[];
    last = Invariants.disagreement(bs) ?? (epochs ? Invariants.distinctEpochs(bs) : null);
    if (last === null) return null;
  }
  return last;
}

export function runScenario(sim: Simulation): { bootstrap: 'config' | 'meet'; masters: number } {
  const masters = sim.size <= 7 ? 3 : 3 + sim.rng.int(2);
  const bootstrap = sim.rng.int(4) === 0 ? 'meet' : 'config';
  const T = sim.config.nodeTimeout;
  if (bootstrap === 'config') {
    const confs = sim.initialConfigs(masters);
    for (let i = 0; i < sim.size; i++) sim.start(i, confs[i]!);
  } else {
    bootstrapMeet(sim, masters);
  }
  const formed = settle(sim, 20_000, false);
  if (formed !== null) sim.fail(`the cluster did not form: ${formed}`);

  // Fault phase.
  const faultEnd = sim.elapsed + (sim.opts.faultMs ?? 30_000);
  const chaos = sim.rng.int(5) === 0;
  let partitioned = false;
  const schedule = (): void => {
    if (sim.elapsed >= faultEnd) return;
    const x = sim.rng.int(100);
    if (x < 30) {
      if (!partitioned) {
        partitioned = true;
        randomPartition(sim);
        sim.at(T / 2 + sim.rng.int(T * 6), 'heal partition', () => {
          partitioned = false;
          heal(sim);
        });
      }
    } else if (x < 45) {
      const victims = alive(sim);
      if (victims.length > sim.size - 2) {
        const v = pick(sim, victims)!;
        sim.faults.push('kill');
        sim.kill(v);
        if (sim.rng.int(3) !== 0) {
          sim.at(1000 + sim.rng.int(10_000), `restart node ${v}`, () => {
            if (!sim.nodes[v]!.alive) sim.start(v, sim.nodes[v]!.disk);
          });
        }
      }
    } else if (x < 53) {
      manualFailover(sim);
    } else if (x < 60) {
      doubleManualFailover(sim);
    } else if (x < 75) {
      migrateSlots(sim);
    } else if (x < 85) {
      const a = sim.rng.int(sim.size);
      const b = sim.rng.int(sim.size);
      const extra = 100 + sim.rng.int(sim.maxSlow - 100);
      sim.faults.push('slow');
      sim.net.slow[a]![b] = extra;
      sim.trace(-1, `SLOW ${a}->${b} +${extra} ms`);
      sim.at(1000 + sim.rng.int(4000), `unslow ${a}->${b}`, () => (sim.net.slow[a]![b] = 0));
    } else if (x < 95) {
      sim.faults.push('reset');
      for (let k = 1 + sim.rng.int(3); k > 0; k--) {
        const c = sim.net.resetRandom(sim.now);
        if (c) sim.trace(-1, `RESET connection ${c}`);
      }
    } else if (chaos) {
      sim.faults.push('chaos');
      sim.net.cfg.duplicate = 0.02;
      sim.net.cfg.reorder = 0.02;
      sim.trace(-1, 'CHAOS on: duplicates and reordering');
      sim.at(2000 + sim.rng.int(6000), 'chaos off', () => {
        sim.net.cfg.duplicate = 0;
        sim.net.cfg.reorder = 0;
      });
    }
    sim.at(300 + sim.rng.int(3000), 'next fault', schedule);
  };
  sim.at(0, 'faults begin', schedule);
  sim.runUntil(faultEnd);

  // Heal everything, restart the dead, close half-done migrations (as redis-cli --cluster fix).
  heal(sim);
  sim.net.cfg.duplicate = 0;
  sim.net.cfg.reorder = 0;
  for (const row of sim.net.slow) row.fill(0);
  for (const n of sim.nodes) if (!n.alive) sim.start(n.index, n.disk);
  // Admin steps of a migration may still be on their way.
  sim.runUntil(sim.elapsed + 300);
  const bound = 30_000 + 10 * T;
  const left = settle(sim, sim.elapsed + bound, true, true);
  if (left !== null) sim.fail(`no convergence ${bound} ms after healing: ${left}`);
  return { bootstrap, masters };
}
