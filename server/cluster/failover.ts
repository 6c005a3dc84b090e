import type { ClusterBrain } from './brain.js';
import type { MsgHeader } from './bus/message.js';
import { CantFailover, MsgFlag0, MsgType, NodeFlag, Timing, Todo } from './constants.js';
import type { ClusterNode } from './node.js';
import { forEachSlot } from './slots.js';

/**
 * Elections and failovers (cluster.c's "SLAVE node specific functions", replica migration and manual
 * failover): votes granted by masters, the replica's election schedule by offset rank, promotion.
 */

/** clusterSendFailoverAuthIfNeeded: a master's vote, at most one per epoch (lastVoteEpoch). */
export function sendFailoverAuthIfNeeded(b: ClusterBrain, node: ClusterNode, request: MsgHeader): void {
  const me = b.myself;
  const master = node.master;
  const forceAck = (request.mflags[0] & MsgFlag0.FORCEACK) !== 0;
  const debugTwice = b.config.debugVoteTwicePerEpoch === true;
  // Only masters serving slots vote: the cluster size counts them only.
  if (me.isSlave || me.numSlots === 0) return;
  if (request.currentEpoch < b.currentEpoch) {
    b.log('warning', `Failover auth denied to ${node.name}: reqEpoch (${request.currentEpoch}) < curEpoch(${b.currentEpoch})`);
    return;
  }
  if (b.lastVoteEpoch === b.currentEpoch && !debugTwice) {
    b.log('warning', `Failover auth denied to ${node.name}: already voted for epoch ${b.currentEpoch}`);
    return;
  }
  if (node.isMaster || master === null || (!master.failed && !forceAck)) {
    if (node.isMaster) b.log('warning', `Failover auth denied to ${node.name}: it is a master node`);
    else if (master === null) b.log('warning', `Failover auth denied to ${node.name}: I don't know its master`);
    else b.log('warning', `Failover auth denied to ${node.name}: its master is up`);
    return;
  }
  // No vote for a replica of the same master within 2 × node-timeout (makes the base case more linear).
  const sinceVote = b.now - master.votedTime;
  if (sinceVote < b.config.nodeTimeout * 2 && !debugTwice) {
    b.log('warning', `Failover auth denied to ${node.name}: can't vote about this master before ${b.config.nodeTimeout * 2 - sinceVote} milliseconds`);
    return;
  }
  // The claimed slots must not be served, in our view, under a newer configEpoch than the request's.
  const claimed = request.myslots;
  for (let i = 0; i < claimed.length; i++) {
    const byte = claimed[i]!;
    if (byte === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if ((byte & (1 << bit)) === 0) continue;
      const j = (i << 3) | bit;
      const owner = b.slotTable.get(j);
      if (b.isSlotUnclaimed(j) || !owner || owner.configEpoch <= request.configEpoch) continue;
      b.log('warning', `Failover auth denied to ${node.name}: slot ${j} epoch (${owner.configEpoch}) > reqEpoch (${request.configEpoch})`);
      return;
    }
  }
  b.lastVoteEpoch = b.currentEpoch;
  master.votedTime = b.now;
  b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.FSYNC_CONFIG);
  if (node.link) b.send(node.link, { ...b.header(MsgType.FAILOVER_AUTH_ACK), kind: 'bare' });
  b.log('warning', `Failover auth granted to ${node.name} for epoch ${b.currentEpoch}`);
  b.audit({ what: 'vote', candidate: node.name, epoch: b.currentEpoch });
}

/** clusterGetSlaveRank: how many failover-capable replicas of our master have a better offset. */
export function replicaRank(b: ClusterBrain): number {
  const master = b.myself.master;
  if (!master) return 0;
  let rank = 0;
  for (const r of master.replicas) {
    if (r !== b.myself && (r.flags & NodeFlag.NOFAILOVER) === 0 && r.replOffset > b.replOffset) rank++;
  }
  return rank;
}

/** clusterLogCantFailover: log a stalled replica's reason, not too often. */
function logCantFailover(b: ClusterBrain, reason: number): void {
  const unix = Math.floor(b.now / 1000);
  if (reason === b.cantFailoverReason && unix - b.lastCantFailoverLog < Timing.CANT_FAILOVER_RELOG_PERIOD_SECONDS) return;
  b.cantFailoverReason = reason;
  const master = b.myself.master;
  // Nothing to say while the master failed only recently.
  if (master?.failed && b.now - master.failTime < b.config.nodeTimeout + 5000) return;
  const msg =
    reason === CantFailover.DATA_AGE
      ? "Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option."
      : reason === CantFailover.WAITING_DELAY
        ? 'Waiting the delay before I can start a new failover.'
        : reason === CantFailover.EXPIRED
          ? 'Failover attempt expired.'
          : reason === CantFailover.WAITING_VOTES
            ? 'Waiting for votes, but majority still not reached.'
            : 'Unknown reason code.';
  b.lastCantFailoverLog = unix;
  b.log('warning', `Currently unable to failover: ${msg}`);
}

/** clusterFailoverReplaceYourMaster: become master, take the old master's slots, tell everyone. */
export function failoverReplaceYourMaster(b: ClusterBrain, how: 'election' | 'manual' | 'takeover', votes: string[], quorum: number): void {
  const me = b.myself;
  const old = me.master;
  if (me.isMaster || old === null) return;
  b.setNodeAsMaster(me);
  b.promote();
  forEachSlot(old.slots.slice(), (j) => {
    b.delSlot(j);
    b.addSlot(me, j);
  });
  b.updateState();
  b.saveConfigNow(true);
  b.audit({ what: 'promoted', how, epoch: b.failoverAuthEpoch, configEpoch: me.configEpoch, votes, quorum });
  b.broadcastPong(false);
  b.resetManualFailover();
}

/**
 * clusterHandleSlaveFailover: a replica whose master is FAIL (or in a manual failover) schedules an
 * election at 500 ms + random(0..500) + rank × 1 s, asks the masters for votes in a new epoch, and
 * takes over with a majority.
 */
export function handleSlaveFailover(b: ClusterBrain): void {
  const me = b.myself;
  const now = b.now;
  const nodeTimeout = b.config.nodeTimeout;
  const authAge = now - b.failoverAuthTime;
  const quorum = Math.floor(b.size / 2) + 1;
  const manual = b.mfEnd !== 0 && b.mfCanStart;
  b.todo &= ~Todo.HANDLE_FAILOVER;
  const authTimeout = Math.max(nodeTimeout * 2, 2000);
  const authRetryTime = authTimeout * 2;

  const master = me.master;
  if (me.isMaster || master === null || (!master.failed && !manual) || (b.config.replicaNoFailover && !manual) || master.numSlots === 0) {
    b.cantFailoverReason = CantFailover.NONE;
    return;
  }

  // How long we are disconnected from the master, minus the node timeout it took to flag it FAIL.
  const unix = Math.floor(now / 1000);
  let dataAge = b.masterLinkUp ? (unix - Math.floor(b.lastInteraction / 1000)) * 1000 : (unix - Math.floor(b.downSince / 1000)) * 1000;
  if (dataAge > nodeTimeout) dataAge -= nodeTimeout;
  if (b.config.replicaValidityFactor !== 0 && dataAge > b.config.replPingReplicaPeriod * 1000 + nodeTimeout * b.config.replicaValidityFactor) {
    if (!manual) {
      logCantFailover(b, CantFailover.DATA_AGE);
      return;
    }
  }

  if (authAge > authRetryTime) {
    b.failoverAuthTime = now + 500 + b.rng.int(500);
    b.failoverAuthVoters = new Set();
    b.failoverAuthSent = false;
    b.failoverAuthRank = replicaRank(b);
    b.failoverAuthTime += b.failoverAuthRank * 1000;
    if (b.mfEnd !== 0) {
      b.failoverAuthTime = now;
      b.failoverAuthRank = 0;
      b.todoBeforeSleep(Todo.HANDLE_FAILOVER);
    }
    b.log('warning', `Start of election delayed for ${b.failoverAuthTime - now} milliseconds (rank #${b.failoverAuthRank}, offset ${b.replOffset}).`);
    // Tell the other replicas our offset, so they can rank themselves.
    b.broadcastPong(true);
    return;
  }

  // Replicas with better offsets showed up: add the delay our worse rank deserves.
  if (!b.failoverAuthSent && b.mfEnd === 0) {
    const rank = replicaRank(b);
    if (rank > b.failoverAuthRank) {
      const added = (rank - b.failoverAuthRank) * 1000;
      b.failoverAuthTime += added;
      b.failoverAuthRank = rank;
      b.log('warning', `Replica rank updated to #${rank}, added ${added} milliseconds of delay.`);
    }
  }

  if (now < b.failoverAuthTime) {
    logCantFailover(b, CantFailover.WAITING_DELAY);
    return;
  }
  if (authAge > authTimeout) {
    logCantFailover(b, CantFailover.EXPIRED);
    return;
  }

  if (!b.failoverAuthSent) {
    b.currentEpoch++;
    b.failoverAuthEpoch = b.currentEpoch;
    // Deliberately not as Redis: forget ACKs counted since the retry was scheduled. Those are late
    // votes of the previous epoch (their sender's epoch passed the old failover_auth_epoch), and
    // counting them in this epoch lets two replicas win the same epoch (found by the simulator).
    b.failoverAuthVoters = new Set();
    b.log('warning', `Starting a failover election for epoch ${b.currentEpoch}.`);
    const req = b.header(MsgType.FAILOVER_AUTH_REQUEST);
    if (b.mfEnd !== 0) req.mflags[0] |= MsgFlag0.FORCEACK;
    b.broadcast({ ...req, kind: 'bare' });
    b.failoverAuthSent = true;
    b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE | Todo.FSYNC_CONFIG);
    return;
  }

  if (b.failoverAuthVoters.size >= quorum) {
    b.log('warning', "Failover election won: I'm the new master.");
    if (me.configEpoch < b.failoverAuthEpoch) {
      me.configEpoch = b.failoverAuthEpoch;
      b.log('warning', `configEpoch set to ${me.configEpoch} after successful failover`);
    }
    failoverReplaceYourMaster(b, manual ? 'manual' : 'election', [...b.failoverAuthVoters], quorum);
  } else {
    logCantFailover(b, CantFailover.WAITING_VOTES);
  }
}

/**
 * clusterHandleSlaveMigration: a replica of a master with the most working replicas (and the
 * smallest id among those) moves to an orphaned master after it stays orphaned for 5 s.
 */
export function handleSlaveMigration(b: ClusterBrain, maxSlaves: number): void {
  const me = b.myself;
  if (b.state !== 'ok') return;
  const mymaster = me.master;
  if (!mymaster) return;
  let okslaves = 0;
  for (const r of mymaster.replicas) if (!r.failed && !r.timedOut) okslaves++;
  if (okslaves <= b.config.migrationBarrier) return;

  let target: ClusterNode | null = null;
  let candidate: ClusterNode = me;
  for (const node of b.nodeList) {
    let ok = 0;
    let orphaned = !(node.isSlave || node.failed) && (node.flags & NodeFlag.MIGRATE_TO) !== 0;
    if (node.isMaster) ok = node.okReplicas();
    if (ok > 0) orphaned = false;
    if (orphaned) {
      if (!target && node.numSlots > 0) target = node;
      if (!node.orphanedTime) node.orphanedTime = b.now;
    } else {
      node.orphanedTime = 0;
    }
    if (ok === maxSlaves) {
      for (const r of node.replicas) if (r.name < candidate.name) candidate = r;
    }
  }
  if (target && candidate === me && b.now - target.orphanedTime > Timing.SLAVE_MIGRATION_DELAY) {
    b.log('warning', `Migrating to orphaned master ${target.name}`);
    b.setMaster(target);
  }
}

/** manualFailoverCheckTimeout. */
export function manualFailoverCheckTimeout(b: ClusterBrain): void {
  if (b.mfEnd !== 0 && b.mfEnd < b.now) {
    b.log('warning', 'Manual failover timed out.');
    b.resetManualFailover();
  }
}

/** clusterHandleManualFailover: start once our offset reaches the one our paused master reported. */
export function handleManualFailover(b: ClusterBrain): void {
  if (b.mfEnd === 0) return;
  if (b.mfCanStart) return;
  if (b.mfMasterOffset === -1) return;
  if (b.mfMasterOffset === b.replOffset) {
    b.mfCanStart = true;
    b.log('warning', 'All master replication stream processed, manual failover can start.');
    b.todoBeforeSleep(Todo.HANDLE_FAILOVER);
    return;
  }
  b.todoBeforeSleep(Todo.HANDLE_MANUALFAILOVER);
}
