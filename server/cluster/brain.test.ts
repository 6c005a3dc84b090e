import { describe, expect, it } from 'vitest';
import type { ClusterBrain } from './brain.js';
import { NodeFlag } from './constants.js';
import { Simulation } from './sim/simulator.js';
import { type ClusterConfig, DEFAULT_CLUSTER_CONFIG } from './types.js';

/**
 * The brain's behaviours one at a time, on the simulator's network and clock (deterministic): failure
 * detection and election, the minority master, manual failover, TAKEOVER, rank, epochs, replica
 * migration, the data-age limit. Expectations are Redis 7.0's log lines and timings.
 */

const T = 1000;

function cluster(size: number, masters: number, config: Partial<ClusterConfig> = {}, seed = 1): Simulation {
  const sim = new Simulation({ seed }, size, { ...DEFAULT_CLUSTER_CONFIG, nodeTimeout: T, ...config });
  const confs = sim.initialConfigs(masters);
  for (let i = 0; i < size; i++) sim.start(i, confs[i]!);
  sim.runUntil(3000);
  for (let i = 0; i < size; i++) expect(brain(sim, i).state).toBe('ok');
  return sim;
}

function brain(sim: Simulation, i: number): ClusterBrain {
  return sim.nodes[i]!.brain!;
}

function name(sim: Simulation, i: number): string {
  return sim.nodes[i]!.name;
}

/** Run until `f` holds, at most `ms` more virtual ms; returns the virtual time it took. */
function until(sim: Simulation, ms: number, f: () => boolean): number {
  const start = sim.elapsed;
  while (!f()) {
    if (sim.elapsed - start > ms) throw new Error(`condition not reached within ${ms} ms`);
    sim.runUntil(sim.elapsed + 10);
  }
  return sim.elapsed - start;
}

function logged(sim: Simulation, i: number, line: string | RegExp): boolean {
  return sim.lines(i).some((l) => (typeof line === 'string' ? l.includes(line) : line.test(l)));
}

describe('cluster brain', () => {
  it('fails a killed master over to its replica, with a majority of votes, and the old master rejoins as replica', () => {
    const sim = cluster(6, 3);
    const [m0, r0] = [name(sim, 0), name(sim, 3)];
    sim.kill(0);
    const took = until(sim, 10_000, () => brain(sim, 3).myself.isMaster);
    // PFAIL after node-timeout, FAIL on the masters' reports, then 500 ms + random(0..500) + rank × 1 s.
    expect(took).toBeGreaterThan(T + 500);
    expect(took).toBeLessThan(2 * T + 1000 + 600);
    expect(logged(sim, 1, `Marking node ${m0} as failing (quorum reached).`) || logged(sim, 2, `Marking node ${m0} as failing (quorum reached).`)).toBe(true);
    expect(logged(sim, 3, /^# Start of election delayed for ([5-9]\d\d) milliseconds \(rank #0, offset \d+\)\.$/)).toBe(true);
    expect(logged(sim, 3, '# Starting a failover election for epoch 4.')).toBe(true);
    expect(logged(sim, 3, "# Failover election won: I'm the new master.")).toBe(true);
    expect(logged(sim, 3, '# configEpoch set to 4 after successful failover')).toBe(true);
    expect(logged(sim, 1, `# Failover auth granted to ${r0} for epoch 4`)).toBe(true);
    expect(logged(sim, 2, `# Failover auth granted to ${r0} for epoch 4`)).toBe(true);
    // Everyone moves the slots to the new master (configEpoch 4 beats 1).
    until(sim, 5000, () => [1, 2, 4, 5].every((i) => brain(sim, i).slotOwner(0)?.name === r0));
    // The old master comes back with its old config, learns the new one, and follows it.
    sim.start(0, sim.nodes[0]!.disk);
    until(sim, 5000, () => brain(sim, 0).myself.isSlave);
    expect(logged(sim, 0, `# Configuration change detected. Reconfiguring myself as a replica of ${r0}`)).toBe(true);
    expect(brain(sim, 0).myself.master?.name).toBe(r0);
    expect(sim.nodes[0]!.replicaOf).toBe(3);
  });

  it('a master cut off from the majority refuses writes after node-timeout, and follows its successor after healing', () => {
    const sim = cluster(6, 3);
    const cut = (a: number, b: number) => a === 0 || b === 0;
    sim.net.setCut(sim.now, cut);
    const refused = until(sim, 5000, () => brain(sim, 0).state === 'fail');
    expect(brain(sim, 0).failReason).toBe('minority');
    expect(sim.writable(0)).toBe(false);
    // Not before node-timeout (PFAIL needs it), not much after 1.5 × node-timeout (the ping schedule).
    expect(refused).toBeGreaterThan(T);
    expect(refused).toBeLessThan(1.5 * T + 400);
    until(sim, 8000, () => brain(sim, 3).myself.isMaster);
    const epoch = brain(sim, 3).myself.configEpoch;
    sim.net.setCut(sim.now, () => false);
    until(sim, 5000, () => brain(sim, 0).myself.isSlave);
    expect(brain(sim, 0).myself.master?.name).toBe(name(sim, 3));
    expect(brain(sim, 0).slotOwner(0)?.configEpoch).toBe(epoch);
    until(sim, 8000, () => [0, 1, 2, 3, 4, 5].every((i) => brain(sim, i).state === 'ok'));
  });

  it('default manual failover: the master pauses, the replica reaches its offset, then wins the vote', () => {
    const sim = cluster(6, 3);
    const r0 = name(sim, 3);
    expect(sim.admin(3, { cmd: 'failover', mode: 'default' })).toEqual({ ok: true });
    until(sim, 3000, () => brain(sim, 3).myself.isMaster);
    expect(logged(sim, 3, '# Manual failover user request accepted.')).toBe(true);
    expect(logged(sim, 0, `# Manual failover requested by replica ${r0}.`)).toBe(true);
    expect(logged(sim, 3, /^# Received replication offset for paused master manual failover: \d+$/)).toBe(true);
    expect(logged(sim, 3, '# All master replication stream processed, manual failover can start.')).toBe(true);
    expect(logged(sim, 3, '# Start of election delayed for 0 milliseconds (rank #0, offset')).toBe(true);
    expect(sim.nodes[3]!.offset).toBeGreaterThanOrEqual(sim.nodes[0]!.offset);
    // The old master stays paused until it becomes a replica of the new one.
    expect(sim.nodes[0]!.pausedUntil).toBeGreaterThan(sim.now);
    until(sim, 2000, () => brain(sim, 0).myself.isSlave);
    expect(sim.nodes[0]!.pausedUntil).toBe(0);
  });

  it('FAILOVER refuses a failed master unless FORCE, and TAKEOVER needs no votes', () => {
    const sim = cluster(6, 3);
    expect(sim.admin(0, { cmd: 'failover', mode: 'default' })).toEqual({ error: 'You should send CLUSTER FAILOVER to a replica' });
    // Node 3 (replica of 0) will not fail over by itself; its master is cut away and flagged FAIL.
    sim.step(3, { type: 'config', config: { replicaNoFailover: true } });
    sim.net.setCut(sim.now, (a, b) => a === 0 || b === 0);
    until(sim, 6000, () => brain(sim, 3).myself.master?.failed === true);
    sim.runUntil(sim.elapsed + 3000);
    expect(brain(sim, 3).myself.isSlave).toBe(true);
    expect(sim.admin(3, { cmd: 'failover', mode: 'default' })).toEqual({ error: 'Master is down or failed, please use CLUSTER FAILOVER FORCE' });
    expect(sim.admin(3, { cmd: 'failover', mode: 'force' })).toEqual({ ok: true });
    until(sim, 2000, () => brain(sim, 3).myself.isMaster);
    expect(logged(sim, 3, '# Forced failover user request accepted.')).toBe(true);
    sim.net.setCut(sim.now, () => false);
    until(sim, 8000, () => [0, 1, 2, 3, 4, 5].every((i) => brain(sim, i).state === 'ok'));
    // TAKEOVER: a new configEpoch of its own, no AUTH request at all.
    const before = sim.lines(5).length;
    expect(sim.admin(5, { cmd: 'failover', mode: 'takeover' })).toEqual({ ok: true });
    expect(brain(sim, 5).myself.isMaster).toBe(true);
    const after = sim.lines(5).slice(before);
    expect(after).toContain('# Taking over the master (user request).');
    expect(after.some((l) => /^# New configEpoch set to \d+$/.test(l))).toBe(true);
    expect(after.some((l) => l.includes('auth-req'))).toBe(false);
  });

  it('ranks replicas by offset: the one behind waits a second more', () => {
    const sim = cluster(7, 3);
    // Node 6 is the second replica of master 0; cut it from the master so it falls behind.
    sim.net.setCut(sim.now, (a, b) => (a === 6 && b === 0) || (a === 0 && b === 6));
    const before = sim.nodes[6]!.offset;
    until(sim, 10_000, () => sim.nodes[0]!.offset > before && sim.nodes[3]!.offset === sim.nodes[0]!.offset);
    sim.net.setCut(sim.now, () => false);
    sim.kill(0);
    sim.runUntil(sim.elapsed + 200);
    expect(sim.nodes[6]!.offset).toBeLessThan(sim.nodes[3]!.offset);
    until(sim, 10_000, () => brain(sim, 3).myself.isMaster || brain(sim, 6).myself.isMaster);
    expect(brain(sim, 3).myself.isMaster).toBe(true);
    expect(logged(sim, 6, /rank #1/)).toBe(true);
    until(sim, 5000, () => brain(sim, 6).myself.master?.name === name(sim, 3));
  });

  it('resolves configEpoch collisions: masters created by MEET without SET-CONFIG-EPOCH end with distinct epochs', () => {
    const sim = new Simulation({ seed: 3 }, 6, { ...DEFAULT_CLUSTER_CONFIG, nodeTimeout: T });
    for (let i = 0; i < 3; i++) sim.start(i, null);
    expect(sim.admin(0, { cmd: 'addslotsrange', ranges: [[0, 5460]] })).toEqual({ ok: true });
    expect(sim.admin(1, { cmd: 'addslotsrange', ranges: [[5461, 10922]] })).toEqual({ ok: true });
    expect(sim.admin(2, { cmd: 'addslotsrange', ranges: [[10923, 16383]] })).toEqual({ ok: true });
    expect(sim.admin(1, { cmd: 'meet', ip: '127.0.0.1', port: sim.portOf(0) })).toEqual({ ok: true });
    expect(sim.admin(2, { cmd: 'meet', ip: '127.0.0.1', port: sim.portOf(0) })).toEqual({ ok: true });
    until(sim, 10_000, () => {
      const epochs = [0, 1, 2].map((i) => brain(sim, i).myself.configEpoch);
      return new Set(epochs).size === 3 && [0, 1, 2].every((i) => brain(sim, i).state === 'ok');
    });
    for (let i = 0; i < 3; i++) expect(brain(sim, i).nodes.size).toBe(3);
  });

  it('migrates a replica to an orphaned master after the migration delay', () => {
    const sim = cluster(7, 3);
    // Master 1 loses its only replica (node 4); master 0 has two (3 and 6).
    sim.kill(4);
    const took = until(sim, 20_000, () => [3, 6].some((i) => brain(sim, i).myself.master?.name === name(sim, 1)));
    expect(took).toBeGreaterThan(5000);
    const mover = [3, 6].find((i) => brain(sim, i).myself.master?.name === name(sim, 1))!;
    expect(logged(sim, mover, `# Migrating to orphaned master ${name(sim, 1)}`)).toBe(true);
    // The candidate is the smallest node id among the replicas of the richest master.
    expect(name(sim, mover) < name(sim, mover === 3 ? 6 : 3)).toBe(true);
  });

  it('a replica disconnected too long does not fail over (cluster-replica-validity-factor), unless the factor is 0', () => {
    for (const factor of [1, 0]) {
      const sim = cluster(6, 3, { replicaValidityFactor: factor, replPingReplicaPeriod: 1 });
      // The replica loses its master link (only that one) for long, then the master dies.
      sim.net.setCut(sim.now, (a, b) => (a === 0 && b === 3) || (a === 3 && b === 0));
      sim.runUntil(sim.elapsed + 4000);
      sim.kill(0);
      sim.net.setCut(sim.now, () => false);
      sim.runUntil(sim.elapsed + 12_000);
      expect(brain(sim, 3).myself.isMaster).toBe(factor === 0);
      if (factor !== 0) {
        expect(
          logged(
            sim,
            3,
            "# Currently unable to failover: Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.",
          ),
        ).toBe(true);
      }
    }
  });

  it('answers admin commands with Redis error texts', () => {
    const sim = cluster(6, 3);
    const me = name(sim, 0);
    const unknown = 'a'.repeat(40);
    const admin = (i: number, c: Parameters<Simulation['admin']>[1]) => sim.admin(i, c);
    expect(admin(0, { cmd: 'addslots', slots: [0] })).toEqual({ error: 'Slot 0 is already busy' });
    expect(admin(0, { cmd: 'addslots', slots: [16384] })).toEqual({ error: 'Invalid or out of range slot' });
    expect(admin(0, { cmd: 'delslots', slots: [0, 0] })).toEqual({ error: 'Slot 0 specified multiple times' });
    expect(admin(0, { cmd: 'addslotsrange', ranges: [[10, 5]] })).toEqual({ error: 'start slot number 10 is greater than end slot number 5' });
    expect(admin(0, { cmd: 'setslot', slot: 6000, action: 'migrating', node: name(sim, 1), keysInSlot: 0 })).toEqual({
      error: "I'm not the owner of hash slot 6000",
    });
    expect(admin(0, { cmd: 'setslot', slot: 0, action: 'importing', node: name(sim, 1), keysInSlot: 0 })).toEqual({
      error: "I'm already the owner of hash slot 0",
    });
    expect(admin(0, { cmd: 'setslot', slot: 0, action: 'migrating', node: unknown, keysInSlot: 0 })).toEqual({ error: `I don't know about node ${unknown}` });
    expect(admin(0, { cmd: 'setslot', slot: 0, action: 'migrating', node: name(sim, 3), keysInSlot: 0 })).toEqual({ error: 'Target node is not a master' });
    expect(admin(0, { cmd: 'setslot', slot: 0, action: 'node', node: name(sim, 1), keysInSlot: 3 })).toEqual({
      error: "Can't assign hashslot 0 to a different node while I still hold keys for this hash slot.",
    });
    expect(admin(3, { cmd: 'setslot', slot: 0, action: 'stable' })).toEqual({ error: 'Please use SETSLOT only with masters.' });
    expect(admin(0, { cmd: 'replicate', node: me, dbEmpty: true })).toEqual({ error: "Can't replicate myself" });
    expect(admin(0, { cmd: 'replicate', node: name(sim, 4), dbEmpty: true })).toEqual({ error: 'I can only replicate a master, not a replica.' });
    expect(admin(0, { cmd: 'replicate', node: name(sim, 1), dbEmpty: true })).toEqual({
      error: 'To set a master the node must be empty and without assigned slots.',
    });
    expect(admin(0, { cmd: 'forget', node: me })).toEqual({ error: "I tried hard but I can't forget myself..." });
    expect(admin(3, { cmd: 'forget', node: me })).toEqual({ error: "Can't forget my master!" });
    expect(admin(0, { cmd: 'forget', node: unknown })).toEqual({ error: `Unknown node ${unknown}` });
    expect(admin(0, { cmd: 'set-config-epoch', epoch: 5 })).toEqual({
      error: 'The user can assign a config epoch only when the node does not know any other node.',
    });
    expect(admin(0, { cmd: 'meet', ip: 'not-an-ip', port: 7000 })).toEqual({ error: 'Invalid node address specified: not-an-ip:7000' });
    expect(admin(0, { cmd: 'flushslots', dbEmpty: false })).toEqual({ error: 'DB must be empty to perform CLUSTER FLUSHSLOTS.' });
    expect(admin(0, { cmd: 'reset', hard: false, dbEmpty: false })).toEqual({ error: "CLUSTER RESET can't be called with master nodes containing keys" });
    expect(admin(0, { cmd: 'count-failure-reports', node: name(sim, 1) })).toEqual({ integer: 0 });
    const epoch = brain(sim, 0).myself.configEpoch;
    expect(admin(0, { cmd: 'bumpepoch' })).toEqual({ status: `BUMPED ${brain(sim, 0).currentEpoch}` });
    expect(brain(sim, 0).myself.configEpoch).toBeGreaterThan(epoch);
    expect(admin(0, { cmd: 'bumpepoch' })).toEqual({ status: `STILL ${brain(sim, 0).myself.configEpoch}` });
  });

  it('FORGET keeps a node out for a minute despite gossip, and RESET HARD starts over with a new id', () => {
    const sim = cluster(6, 3);
    const gone = name(sim, 5);
    for (const i of [0, 1, 2, 3, 4]) expect(sim.admin(i, { cmd: 'forget', node: gone })).toEqual({ ok: true });
    sim.kill(5);
    sim.runUntil(sim.elapsed + 5000);
    for (const i of [0, 1, 2, 3, 4]) expect(brain(sim, i).nodes.has(gone)).toBe(false);
    const old = name(sim, 4);
    expect(sim.admin(4, { cmd: 'reset', hard: true, dbEmpty: true })).toEqual({ ok: true });
    const b = brain(sim, 4);
    expect(b.myself.name).not.toBe(old);
    expect(b.nodes.size).toBe(1);
    expect(b.currentEpoch).toBe(0);
    expect(b.myself.flags & (NodeFlag.MASTER | NodeFlag.MYSELF)).toBe(NodeFlag.MASTER | NodeFlag.MYSELF);
    expect(logged(sim, 4, '# configEpoch set to 0 via CLUSTER RESET HARD')).toBe(true);
    expect(logged(sim, 4, `* Node hard reset, now I'm ${b.myself.name}`)).toBe(true);
  });
});
