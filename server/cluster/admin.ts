import { isIP } from 'node:net';
import type { ClusterBrain } from './brain.js';
import { CLUSTER_PORT_INCR, CLUSTER_SLOTS, MsgType, NodeFlag, Timing, Todo } from './constants.js';
import { failoverReplaceYourMaster } from './failover.js';
import { cleanupBlacklist } from './gossip.js';
import type { AdminCommand, AdminReply } from './types.js';

/**
 * The state-changing CLUSTER subcommands (clusterCommand), with Redis's checks and error texts (the
 * shell adds "ERR "). Arguments arrive parsed; facts about the dataset (empty db, keys in a slot)
 * arrive with the command.
 */

const OK: AdminReply = { ok: true };

function err(error: string): AdminReply {
  return { error };
}

function validSlot(s: number): boolean {
  return Number.isInteger(s) && s >= 0 && s < CLUSTER_SLOTS;
}

export function handleAdmin(b: ClusterBrain, c: AdminCommand): AdminReply {
  switch (c.cmd) {
    case 'meet':
      return meet(b, c.ip, c.port, c.cport ?? c.port + CLUSTER_PORT_INCR);
    case 'forget': {
      const n = b.lookup(c.node);
      if (!n) return err(`Unknown node ${c.node}`);
      if (n === b.myself) return err("I tried hard but I can't forget myself...");
      if (b.myself.isSlave && b.myself.master === n) return err("Can't forget my master!");
      cleanupBlacklist(b);
      b.blacklist.set(n.name, Math.floor(b.now / 1000) + Timing.BLACKLIST_TTL_SECONDS);
      b.delNode(n);
      b.todoBeforeSleep(Todo.UPDATE_STATE | Todo.SAVE_CONFIG);
      return OK;
    }
    case 'addslots':
    case 'delslots':
      return updateSlotList(b, c.slots, c.cmd === 'delslots');
    case 'addslotsrange':
    case 'delslotsrange':
      return updateSlotRanges(b, c.ranges, c.cmd === 'delslotsrange');
    case 'flushslots':
      if (!c.dbEmpty) return err('DB must be empty to perform CLUSTER FLUSHSLOTS.');
      b.delNodeSlots(b.myself);
      b.todoBeforeSleep(Todo.UPDATE_STATE | Todo.SAVE_CONFIG);
      return OK;
    case 'setslot':
      return setslot(b, c);
    case 'bumpepoch': {
      const bumped = b.bumpEpochWithoutConsensus('bumpepoch');
      return { status: `${bumped ? 'BUMPED' : 'STILL'} ${b.myself.configEpoch}` };
    }
    case 'replicate': {
      const n = b.lookup(c.node);
      if (!n) return err(`Unknown node ${c.node}`);
      if (n === b.myself) return err("Can't replicate myself");
      if (n.isSlave) return err('I can only replicate a master, not a replica.');
      if (b.myself.isMaster && (b.myself.numSlots !== 0 || !c.dbEmpty)) return err('To set a master the node must be empty and without assigned slots.');
      b.setMaster(n);
      b.todoBeforeSleep(Todo.UPDATE_STATE | Todo.SAVE_CONFIG);
      return OK;
    }
    case 'count-failure-reports': {
      const n = b.lookup(c.node);
      if (!n) return err(`Unknown node ${c.node}`);
      return { integer: b.failureReportsCount(n) };
    }
    case 'failover':
      return failover(b, c.mode);
    case 'set-config-epoch':
      if (!Number.isInteger(c.epoch) || c.epoch < 0) return err(`Invalid config epoch specified: ${c.epoch}`);
      if (b.nodes.size > 1) return err('The user can assign a config epoch only when the node does not know any other node.');
      if (b.myself.configEpoch !== 0) return err('Node config epoch is already non-zero');
      b.myself.configEpoch = c.epoch;
      b.log('warning', `configEpoch set to ${c.epoch} via CLUSTER SET-CONFIG-EPOCH`);
      b.audit({ what: 'epochBump', configEpoch: c.epoch, reason: 'set-config-epoch' });
      if (b.currentEpoch < c.epoch) b.currentEpoch = c.epoch;
      b.todoBeforeSleep(Todo.UPDATE_STATE | Todo.SAVE_CONFIG);
      return OK;
    case 'reset':
      if (b.myself.isMaster && !c.dbEmpty) return err("CLUSTER RESET can't be called with master nodes containing keys");
      reset(b, c.hard);
      return OK;
  }
}

/** An IP as inet_pton + inet_ntop would write it, or null when it is not an IP. */
export function normalizeIp(ip: string): string | null {
  const v = isIP(ip);
  if (v === 4) return ip;
  if (v !== 6) return null;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

/** CLUSTER MEET: clusterStartHandshake (a handshake already running for the address is not an error). */
function meet(b: ClusterBrain, ip: string, port: number, cport: number): AdminReply {
  const norm = normalizeIp(ip);
  if (norm === null || !(port > 0 && port <= 65535) || !(cport > 0 && cport <= 65535)) return err(`Invalid node address specified: ${ip}:${port}`);
  for (const n of b.nodeList) {
    if (n.inHandshake && n.ip.toLowerCase() === norm.toLowerCase() && n.port === port && n.cport === cport) return OK;
  }
  const n = b.createNode(null, NodeFlag.HANDSHAKE | NodeFlag.MEET);
  n.ip = norm;
  n.port = port;
  n.cport = cport;
  b.addNode(n);
  return OK;
}

/** checkSlotAssignmentsOrReply for one slot: the error, or '' (counts the slot in `seen`). */
function slotAssignmentError(b: ClusterBrain, s: number, del: boolean, seen: Uint8Array): string {
  if (del && b.slotTable.get(s) === null) return `Slot ${s} is already unassigned`;
  if (!del && b.slotTable.get(s) !== null) return `Slot ${s} is already busy`;
  if (seen[s]!++ === 1) return `Slot ${s} specified multiple times`;
  return '';
}

/**
 * ADDSLOTS / DELSLOTS: the slots one by one, as given (redis-cli --cluster create sends thousands
 * in one command to a node that has just started: no range tuple per slot).
 */
function updateSlotList(b: ClusterBrain, slots: readonly number[], del: boolean): AdminReply {
  for (const s of slots) if (!validSlot(s)) return err('Invalid or out of range slot');
  const seen = new Uint8Array(CLUSTER_SLOTS);
  for (const s of slots) {
    const e = slotAssignmentError(b, s, del, seen);
    if (e !== '') return err(e);
  }
  return applySlots(b, seen, del);
}

/** ADDSLOTSRANGE / DELSLOTSRANGE with checkSlotAssignmentsOrReply's checks, then clusterUpdateSlots. */
function updateSlotRanges(b: ClusterBrain, ranges: Array<[number, number]>, del: boolean): AdminReply {
  for (const [start, end] of ranges) {
    if (!validSlot(start) || !validSlot(end)) return err('Invalid or out of range slot');
  }
  const seen = new Uint8Array(CLUSTER_SLOTS);
  for (const [start, end] of ranges) {
    if (start > end) return err(`start slot number ${start} is greater than end slot number ${end}`);
    for (let s = start; s <= end; s++) {
      const e = slotAssignmentError(b, s, del, seen);
      if (e !== '') return err(e);
    }
  }
  return applySlots(b, seen, del);
}

/** clusterUpdateSlots: every slot marked in `seen` is added to (or deleted from) myself. */
function applySlots(b: ClusterBrain, seen: Uint8Array, del: boolean): AdminReply {
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if (!seen[s]) continue;
    // Assigning a slot we were importing: we are its owner now.
    if (b.importing.get(s)) b.importing.set(s, null);
    if (del) b.delSlot(s);
    else b.addSlot(b.myself, s);
  }
  b.todoBeforeSleep(Todo.UPDATE_STATE | Todo.SAVE_CONFIG);
  return OK;
}

function setslot(b: ClusterBrain, c: Extract<AdminCommand, { cmd: 'setslot' }>): AdminReply {
  const me = b.myself;
  if (me.isSlave) return err('Please use SETSLOT only with masters.');
  if (!validSlot(c.slot)) return err('Invalid or out of range slot');
  const slot = c.slot;
  if (c.action === 'migrating' || c.action === 'importing') {
    if (c.action === 'migrating' && b.slotTable.get(slot) !== me) return err(`I'm not the owner of hash slot ${slot}`);
    if (c.action === 'importing' && b.slotTable.get(slot) === me) return err(`I'm already the owner of hash slot ${slot}`);
    const n = b.lookup(c.node);
    if (!n) return err(`I don't know about node ${c.node}`);
    if (n.isSlave) return err('Target node is not a master');
    (c.action === 'migrating' ? b.migrating : b.importing).set(slot, n);
  } else if (c.action === 'stable') {
    b.importing.set(slot, null);
    b.migrating.set(slot, null);
  } else {
    const n = b.lookup(c.node);
    if (!n) return err(`Unknown node ${c.node}`);
    if (n.isSlave) return err('Target node is not a master');
    if (b.slotTable.get(slot) === me && n !== me && c.keysInSlot !== 0) {
      return err(`Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`);
    }
    if (c.keysInSlot === 0 && b.migrating.get(slot)) b.migrating.set(slot, null);
    const wasMine = b.slotTable.get(slot) === me;
    b.delSlot(slot);
    b.addSlot(n, slot);
    // A master left without slots follows the new owner.
    if (wasMine && n !== me && me.numSlots === 0 && b.config.allowReplicaMigration) {
      b.log('warning', `Configuration change detected. Reconfiguring myself as a replica of ${n.name}`);
      b.setMaster(n);
      b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE | Todo.FSYNC_CONFIG);
    }
    // Closing an import: take a new configEpoch (without agreement) so the cluster adopts the move.
    if (n === me && b.importing.get(slot)) {
      if (b.bumpEpochWithoutConsensus('import')) b.log('warning', `configEpoch updated after importing slot ${slot}`);
      b.importing.set(slot, null);
      b.broadcastPong(false);
    }
  }
  b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE);
  return OK;
}

/** CLUSTER FAILOVER [FORCE|TAKEOVER]. */
function failover(b: ClusterBrain, mode: 'default' | 'force' | 'takeover'): AdminReply {
  const me = b.myself;
  if (me.isMaster) return err('You should send CLUSTER FAILOVER to a replica');
  if (!me.master) return err("I'm a replica but my master is unknown to me");
  if (mode === 'default' && (me.master.failed || me.master.link === null)) return err('Master is down or failed, please use CLUSTER FAILOVER FORCE');
  b.resetManualFailover();
  b.mfEnd = b.now + Timing.MF_TIMEOUT;
  if (mode === 'takeover') {
    // No agreement at all: a new epoch of our own, the slots, and a broadcast.
    b.log('warning', 'Taking over the master (user request).');
    b.bumpEpochWithoutConsensus('takeover');
    failoverReplaceYourMaster(b, 'takeover', [], 0);
  } else if (mode === 'force') {
    // No offset agreement with the master: go straight to the election.
    b.log('warning', 'Forced failover user request accepted.');
    b.mfCanStart = true;
  } else {
    b.log('warning', 'Manual failover user request accepted.');
    if (me.master.link) b.send(me.master.link, { ...b.header(MsgType.MFSTART), kind: 'bare' });
  }
  return OK;
}

/** clusterReset: forget everyone, release slots, turn master; HARD also resets epochs and takes a new id. */
function reset(b: ClusterBrain, hard: boolean): void {
  const me = b.myself;
  if (me.isSlave) {
    b.setNodeAsMaster(me);
    b.promote();
    b.emit({ type: 'flushData' });
  }
  b.closeAllSlots();
  b.resetManualFailover();
  for (let j = 0; j < CLUSTER_SLOTS; j++) b.delSlot(j);
  for (const n of [...b.nodeList]) if (n !== me) b.delNode(n);
  if (hard) {
    b.currentEpoch = 0;
    b.lastVoteEpoch = 0;
    me.configEpoch = 0;
    b.log('warning', 'configEpoch set to 0 via CLUSTER RESET HARD');
    b.renameNode(me, b.createNode(null, 0).name);
    b.log('notice', `Node hard reset, now I'm ${me.name}`);
  }
  b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE | Todo.FSYNC_CONFIG);
}
