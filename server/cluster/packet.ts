import type { ClusterBrain } from './brain.js';
import type { ClusterMsg, PingMsg } from './bus/message.js';
import { MsgFlag0, MsgType, msgTypeName, NodeFlag, Timing, Todo } from './constants.js';
import { sendFailoverAuthIfNeeded } from './failover.js';
import { clearNodeFailureIfNeeded, processGossipSection, sendPing } from './gossip.js';
import type { ClusterNode, Link } from './node.js';
import { popcount8, sameSlots } from './slots.js';

/**
 * clusterProcessPacket: what a valid message does to our state, and the config-propagation rules it
 * applies (clusterUpdateSlotsConfigWith, UPDATE messages, configEpoch collisions, address updates).
 */

/** getNodeFromLinkAndMsg: the sender, binding an anonymous incoming link to it once named. */
function senderOf(b: ClusterBrain, link: Link, msg: ClusterMsg): ClusterNode | null {
  if (link.node && !link.node.inHandshake) return link.node;
  const sender = b.lookup(msg.sender);
  if (sender && !link.node) b.setInboundLink(sender, link);
  return sender;
}

/** nodeIp2String: the announced IP, else the link's peer address ('' when unknown). */
function peerIp(link: Link, announced: string): string {
  return announced !== '' ? announced.slice(0, 45) : link.peerIp;
}

/** nodeUpdateAddressIfNeeded: true when the node's address changed. */
function updateAddressIfNeeded(b: ClusterBrain, node: ClusterNode, link: Link, msg: ClusterMsg): boolean {
  if (link === node.link) return false;
  const ip = peerIp(link, msg.myip);
  if (ip === '') return false;
  if (node.port === msg.port && node.cport === msg.cport && node.pport === msg.pport && ip === node.ip) return false;
  node.ip = ip;
  node.port = msg.port;
  node.pport = msg.pport;
  node.cport = msg.cport;
  if (node.link) b.freeLink(node.link);
  node.flags &= ~NodeFlag.NOADDR;
  b.log('warning', `Address updated for node ${node.name}, now ${node.ip}:${node.port}`);
  // Our master moved: replicate from the new address.
  if (b.myself.isSlave && b.myself.master === node) b.replicate(node);
  return true;
}

export function processPacket(b: ClusterBrain, link: Link, msg: ClusterMsg): void {
  const now = b.now;
  const type = msg.type;
  const me = b.myself;
  if (b.logEnabled('debug')) b.log('debug', `--- Processing packet of type ${msgTypeName(type)}`);
  const sender = senderOf(b, link, msg);
  if (sender) sender.dataReceived = now;

  let senderCurrentEpoch = 0;
  let senderConfigEpoch = 0;
  if (sender && !sender.inHandshake) {
    senderCurrentEpoch = msg.currentEpoch;
    senderConfigEpoch = msg.configEpoch;
    if (senderCurrentEpoch > b.currentEpoch) b.currentEpoch = senderCurrentEpoch;
    if (senderConfigEpoch > sender.configEpoch) {
      sender.configEpoch = senderConfigEpoch;
      b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.FSYNC_CONFIG);
    }
    sender.replOffset = msg.offset;
    sender.replOffsetTime = now;
    // A replica in a manual failover learns the offset its paused master stopped at.
    if (b.mfEnd !== 0 && me.isSlave && me.master === sender && (msg.mflags[0] & MsgFlag0.PAUSED) !== 0 && b.mfMasterOffset === -1) {
      b.mfMasterOffset = sender.replOffset;
      b.todoBeforeSleep(Todo.HANDLE_MANUALFAILOVER);
      b.log('warning', `Received replication offset for paused master manual failover: ${b.mfMasterOffset}`);
    }
  }

  switch (msg.kind) {
    case 'ping':
      processPing(b, link, msg, sender, senderConfigEpoch);
      return;
    case 'fail': {
      if (!sender) {
        b.log('notice', `Ignoring FAIL message from unknown node ${msg.sender} about ${msg.nodename}`);
        return;
      }
      const failing = b.lookup(msg.nodename);
      if (failing && (failing.flags & (NodeFlag.FAIL | NodeFlag.MYSELF)) === 0) {
        b.log('notice', `FAIL message received from ${msg.sender} about ${msg.nodename}`);
        failing.flags |= NodeFlag.FAIL;
        failing.failTime = now;
        failing.flags &= ~NodeFlag.PFAIL;
        b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE);
      }
      return;
    }
    case 'publish':
      if (!sender) return;
      b.emit({ type: 'publish', channel: msg.channel, message: msg.message, sharded: type === MsgType.PUBLISHSHARD });
      return;
    case 'bare':
      if (!sender) return;
      if (type === MsgType.FAILOVER_AUTH_REQUEST) {
        sendFailoverAuthIfNeeded(b, sender, msg);
      } else if (type === MsgType.FAILOVER_AUTH_ACK) {
        // A vote counts from a master serving slots, for an election not older than the sender's epoch.
        if (sender.isMaster && sender.numSlots > 0 && senderCurrentEpoch >= b.failoverAuthEpoch) {
          b.failoverAuthVoters.add(sender.name);
          b.todoBeforeSleep(Todo.HANDLE_FAILOVER);
        }
      } else if (type === MsgType.MFSTART) {
        if (sender.master !== me) return;
        b.resetManualFailover();
        b.mfEnd = now + Timing.MF_TIMEOUT;
        b.mfSlave = sender;
        b.emit({ type: 'pauseWrites', until: now + Timing.MF_TIMEOUT * Timing.MF_PAUSE_MULT });
        b.log('warning', `Manual failover requested by replica ${sender.name}.`);
        // Our PING carries the paused offset, so the replica can start at once.
        sendPing(b, link, MsgType.PING);
      }
      return;
    case 'update': {
      if (!sender) return;
      const n = b.lookup(msg.nodename);
      if (!n) return;
      if (n.configEpoch >= msg.nodeConfigEpoch) return;
      if (n.isSlave) b.setNodeAsMaster(n);
      n.configEpoch = msg.nodeConfigEpoch;
      b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.FSYNC_CONFIG);
      updateSlotsConfigWith(b, n, msg.nodeConfigEpoch, msg.slots);
      return;
    }
    case 'module':
      // No modules here: a known sender's message is simply not delivered to anyone.
      return;
    case 'unknown':
      b.log('warning', `Received unknown packet type: ${type}`);
      return;
  }
}

function processPing(b: ClusterBrain, link: Link, msg: PingMsg, sender: ClusterNode | null, senderConfigEpoch: number): void {
  const me = b.myself;
  const type = msg.type;
  if (type === MsgType.PING || type === MsgType.MEET) {
    // MEETs (and any PING while we know no address of ours) teach us our own address.
    if ((type === MsgType.MEET || me.ip === '') && b.config.announceIp === '') {
      const ip = link.localIp;
      if (ip !== '' && ip !== me.ip) {
        me.ip = ip;
        b.log('warning', `IP address for this node updated to ${me.ip}`);
        b.todoBeforeSleep(Todo.SAVE_CONFIG);
      }
    }
    if (!sender && type === MsgType.MEET) {
      const node = b.createNode(null, NodeFlag.HANDSHAKE);
      node.ip = peerIp(link, msg.myip);
      node.port = msg.port;
      node.pport = msg.pport;
      node.cport = msg.cport;
      b.addNode(node);
      b.todoBeforeSleep(Todo.SAVE_CONFIG);
      processGossipSection(b, msg, link);
    }
    sendPing(b, link, MsgType.PONG);
  }

  if (b.logEnabled('debug'))
    b.log('debug', `${type === MsgType.PING ? 'ping' : type === MsgType.PONG ? 'pong' : 'meet'} packet received: ${link.node ? link.node.name : 'NULL'}`);
  if (!link.inbound && link.node) {
    const ln = link.node;
    if (ln.inHandshake) {
      if (sender) {
        // We already know this node: update its address and drop the handshake node.
        b.log('verbose', `Handshake: we already know node ${sender.name}, updating the address if needed.`);
        if (updateAddressIfNeeded(b, sender, link, msg)) b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE);
        b.delNode(ln);
        return;
      }
      b.renameNode(ln, msg.sender);
      b.log('debug', `Handshake with node ${ln.name} completed.`);
      ln.flags &= ~NodeFlag.HANDSHAKE;
      ln.flags |= msg.flags & (NodeFlag.MASTER | NodeFlag.SLAVE);
      b.todoBeforeSleep(Todo.SAVE_CONFIG);
    } else if (ln.name !== msg.sender) {
      // Another node answers at this address: forget the address, it will be learnt again.
      b.log('debug', `PONG contains mismatching sender ID. About node ${ln.name} added ${b.now - ln.ctime} ms ago, having flags ${ln.flags}`);
      ln.flags |= NodeFlag.NOADDR;
      ln.ip = '';
      ln.port = 0;
      ln.pport = 0;
      ln.cport = 0;
      b.freeLink(link);
      b.todoBeforeSleep(Todo.SAVE_CONFIG);
      return;
    }
  }

  // NOFAILOVER is dynamic: trust the latest the sender says (replica ranking needs it).
  if (sender) {
    sender.flags &= ~NodeFlag.NOFAILOVER;
    sender.flags |= msg.flags & NodeFlag.NOFAILOVER;
  }
  if (sender && type === MsgType.PING && !sender.inHandshake && updateAddressIfNeeded(b, sender, link, msg)) {
    b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE);
  }

  if (!link.inbound && type === MsgType.PONG && link.node) {
    const ln = link.node;
    ln.pongReceived = b.now;
    ln.pingSent = 0;
    // PFAIL reverts by itself; FAIL only under clearNodeFailureIfNeeded's conditions.
    if (ln.timedOut) {
      ln.flags &= ~NodeFlag.PFAIL;
      b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE);
    } else if (ln.failed) {
      clearNodeFailureIfNeeded(b, ln);
    }
  }

  // Role switch: replica -> master or master -> replica.
  if (sender) {
    if (msg.slaveof === null) {
      b.setNodeAsMaster(sender);
    } else {
      const master = b.lookup(msg.slaveof);
      if (sender.isMaster) {
        b.delNodeSlots(sender);
        sender.flags &= ~(NodeFlag.MASTER | NodeFlag.MIGRATE_TO);
        sender.flags |= NodeFlag.SLAVE;
        b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE);
      }
      if (master && sender.master !== master) {
        if (sender.master) sender.master.removeReplica(sender);
        master.addReplica(sender);
        sender.master = master;
        b.todoBeforeSleep(Todo.SAVE_CONFIG);
      }
    }
  }

  // Served slots: only when what the sender claims differs from what we record for it.
  let dirty = false;
  if (sender) {
    const senderMaster = sender.isMaster ? sender : sender.master;
    if (senderMaster) dirty = !sameSlots(senderMaster.slots, msg.myslots);
  }
  if (sender?.isMaster && dirty) updateSlotsConfigWith(b, sender, senderConfigEpoch, msg.myslots);

  // The reverse: the sender claims slots we know are served with a newer configEpoch. Tell it.
  if (sender && dirty) {
    const claimed = msg.myslots;
    outer: for (let i = 0; i < claimed.length; i++) {
      const byte = claimed[i]!;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((byte & (1 << bit)) === 0) continue;
        const j = (i << 3) | bit;
        const owner = b.slotTable.get(j);
        if (owner === sender || b.isSlotUnclaimed(j) || !owner) continue;
        if (owner.configEpoch > senderConfigEpoch) {
          b.log('verbose', `Node ${sender.name} has old slots configuration, sending an UPDATE message about ${owner.name}`);
          sendUpdate(b, sender.link, owner);
          break outer;
        }
      }
    }
  }

  if (sender && me.isMaster && sender.isMaster && senderConfigEpoch === me.configEpoch) handleConfigEpochCollision(b, sender);

  if (sender) {
    processGossipSection(b, msg, link);
    // The hostname extension; none means no announced hostname.
    let hostname = '';
    for (const e of msg.extensions) {
      if (e.kind === 'hostname') hostname = e.hostname;
      else b.log('warning', `Received unknown extension type ${e.type}`);
    }
    sender.hostname = hostname;
  }
}

/** clusterSendUpdate: a node's slots (without those it stopped claiming) and configEpoch. */
function sendUpdate(b: ClusterBrain, link: Link | null, node: ClusterNode): void {
  if (!link) return;
  const slots = node.slots.slice();
  for (let i = 0; i < slots.length; i++) slots[i]! &= ~b.ownerNotClaiming[i]!;
  b.send(link, { ...b.header(MsgType.UPDATE), kind: 'update', nodename: node.name, nodeConfigEpoch: node.configEpoch, slots });
}

/**
 * clusterHandleConfigEpochCollision: two masters with the same configEpoch; the one with the smaller
 * node id takes a new epoch, so eventually every master has its own.
 */
function handleConfigEpochCollision(b: ClusterBrain, sender: ClusterNode): void {
  const me = b.myself;
  if (sender.configEpoch !== me.configEpoch || !sender.isMaster || !me.isMaster) return;
  if (sender.name <= me.name) return;
  b.currentEpoch++;
  me.configEpoch = b.currentEpoch;
  b.saveConfigNow(true);
  b.log('verbose', `WARNING: configEpoch collision with node ${sender.name}. configEpoch set to ${me.configEpoch}`);
  b.audit({ what: 'epochBump', configEpoch: me.configEpoch, reason: 'collision' });
}

/**
 * clusterUpdateSlotsConfigWith: a master's claimed slots under a configEpoch. Slots with an older
 * (or no) owner move to it; if that empties our shard we follow the new owner as a replica; slots we
 * lose while still serving others get their keys deleted.
 */
export function updateSlotsConfigWith(b: ClusterBrain, sender: ClusterNode, senderConfigEpoch: number, slots: Uint8Array): void {
  const me = b.myself;
  if (sender === me) {
    b.log('warning', 'Discarding UPDATE message about myself.');
    return;
  }
  const curmaster = me.isMaster ? me : me.master;
  let newmaster: ClusterNode | null = null;
  const dirtySlots: number[] = [];
  let senderSlots = 0;
  let migratedOurSlots = 0;
  // One pass over the bitmaps a byte at a time (Redis loops over all slots; same outcome). Slots bound
  // to the sender that it no longer claims keep their binding (fewer client errors) but are marked
  // not claimed; claimed slots already the sender's lose that mark; the others may move to it.
  const notClaiming = b.ownerNotClaiming;
  const known = sender.slots;
  for (let i = 0; i < slots.length; i++) {
    const claimed = slots[i]!;
    const had = known[i]!;
    if (had & ~claimed) notClaiming[i]! |= had & ~claimed;
    if (claimed === 0) continue;
    senderSlots += popcount8(claimed);
    if (claimed & had) notClaiming[i]! &= ~(claimed & had);
    const rest = claimed & ~had;
    if (rest === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if ((rest & (1 << bit)) === 0) continue;
      const j = (i << 3) | bit;
      const owner = b.slotTable.get(j);
      // An importing slot changes only by hand (redis-cli closes it).
      if (b.importing.get(j)) continue;
      if (b.isSlotUnclaimed(j) || owner!.configEpoch < senderConfigEpoch) {
        if (owner === me && sender !== me) dirtySlots.push(j);
        if (owner === curmaster && curmaster !== null) {
          newmaster = sender;
          migratedOurSlots++;
        }
        b.delSlot(j);
        b.addSlot(sender, j);
        b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE | Todo.FSYNC_CONFIG);
      }
    }
  }

  if (newmaster && curmaster && curmaster.numSlots === 0 && (b.config.allowReplicaMigration || senderSlots === migratedOurSlots)) {
    b.log('warning', `Configuration change detected. Reconfiguring myself as a replica of ${sender.name}`);
    b.setMaster(sender);
    b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE | Todo.FSYNC_CONFIG);
  } else if (me.master?.master && me.master.master !== me) {
    // Safeguard against sub-replicas: follow the grandmaster.
    b.log('warning', `I'm a sub-replica! Reconfiguring myself as a replica of grandmaster ${me.master.master.name}`);
    b.setMaster(me.master.master);
    b.todoBeforeSleep(Todo.SAVE_CONFIG | Todo.UPDATE_STATE | Todo.FSYNC_CONFIG);
  } else if (dirtySlots.length > 0) {
    b.emit({ type: 'deleteKeysInSlots', slots: dirtySlots });
  }
}
