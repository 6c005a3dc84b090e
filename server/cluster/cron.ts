import type { ClusterBrain } from './brain.js';
import { MsgType, NodeFlag } from './constants.js';
import { handleManualFailover, handleSlaveFailover, handleSlaveMigration, manualFailoverCheckTimeout } from './failover.js';
import { sendPing } from './gossip.js';
import type { ClusterNode } from './node.js';

/**
 * clusterCron, every 100 ms: reconnect links, ping (one random node a second, and anyone whose pong
 * is older than node-timeout / 2), flag PFAIL after node-timeout without an answer, then the replica
 * duties (manual failover, election, migration) and the cluster state.
 */
export function clusterCron(b: ClusterBrain): void {
  const now = b.now;
  const nodeTimeout = b.config.nodeTimeout;
  b.cronIteration++;
  b.myself.hostname = b.config.announceHostname;
  const handshakeTimeout = Math.max(nodeTimeout, 1000);

  b.statsPfailNodes = 0;
  // Copy only when a handshake node may be deleted while iterating.
  const nodes = b.nodeList.some((n) => n.inHandshake) ? [...b.nodeList] : b.nodeList;
  for (const node of nodes) {
    if ((node.flags & (NodeFlag.MYSELF | NodeFlag.NOADDR)) !== 0) continue;
    if (node.timedOut) b.statsPfailNodes++;
    // A handshake that did not complete within the node timeout is dropped.
    if (node.inHandshake && now - node.ctime > handshakeTimeout) {
      b.delNode(node);
      continue;
    }
    if (node.link === null) b.connect(node);
  }

  // About once a second, ping the node with the oldest pong among five random ones.
  if (b.cronIteration % 10 === 0) {
    let minPongNode: ClusterNode | null = null;
    let minPong = 0;
    for (let j = 0; j < 5; j++) {
      const n = b.randomNode();
      if (n.link === null || n.pingSent !== 0) continue;
      if ((n.flags & (NodeFlag.MYSELF | NodeFlag.HANDSHAKE)) !== 0) continue;
      if (minPongNode === null || minPong > n.pongReceived) {
        minPongNode = n;
        minPong = n.pongReceived;
      }
    }
    if (minPongNode) {
      b.log('debug', `Pinging node ${minPongNode.name}`);
      sendPing(b, minPongNode.link!, MsgType.PING);
    }
  }

  let updateState = false;
  let orphanedMasters = 0;
  let maxSlaves = 0;
  let thisSlaves = 0;
  const me = b.myself;
  for (const node of b.nodeList) {
    if ((node.flags & (NodeFlag.MYSELF | NodeFlag.NOADDR | NodeFlag.HANDSHAKE)) !== 0) continue;
    if (me.isSlave && node.isMaster && !node.failed) {
      const ok = node.okReplicas();
      // Orphaned: serves slots, no working replica, but had some (or failed over a master that had).
      if (ok === 0 && node.numSlots > 0 && (node.flags & NodeFlag.MIGRATE_TO) !== 0) orphanedMasters++;
      if (ok > maxSlaves) maxSlaves = ok;
      if (me.master === node) thisSlaves = ok;
    }
    const pingDelay = now - node.pingSent;
    const dataDelay = now - node.dataReceived;
    // No pong for node-timeout / 2 and no traffic at all on a link older than node-timeout: reconnect.
    if (node.link && now - node.link.ctime > nodeTimeout && node.pingSent && pingDelay > nodeTimeout / 2 && dataDelay > nodeTimeout / 2) {
      b.freeLink(node.link);
    }
    if (node.link && node.pingSent === 0 && now - node.pongReceived > nodeTimeout / 2) {
      sendPing(b, node.link, MsgType.PING);
      continue;
    }
    // Our replica asked for a manual failover: ping it continuously (the pings carry our paused offset).
    if (b.mfEnd !== 0 && me.isMaster && b.mfSlave === node && node.link) {
      sendPing(b, node.link, MsgType.PING);
      continue;
    }
    if (node.pingSent === 0) continue;
    // Any incoming data counts as liveness: the bus also carries Pub/Sub.
    const nodeDelay = pingDelay < dataDelay ? pingDelay : dataDelay;
    if (nodeDelay > nodeTimeout && (node.flags & (NodeFlag.PFAIL | NodeFlag.FAIL)) === 0) {
      b.log('debug', `*** NODE ${node.name} possibly failing`);
      node.flags |= NodeFlag.PFAIL;
      updateState = true;
    }
  }

  // A replica whose replication is off starts it once its master has an address.
  if (me.isSlave && b.replicating === null && me.master && (me.master.flags & NodeFlag.NOADDR) === 0) b.replicate(me.master);

  manualFailoverCheckTimeout(b);
  if (me.isSlave) {
    handleManualFailover(b);
    handleSlaveFailover(b);
    // Migrate only when some master has at least two working replicas and ours is among those with most.
    if (orphanedMasters && maxSlaves >= 2 && thisSlaves === maxSlaves && b.config.allowReplicaMigration) handleSlaveMigration(b, maxSlaves);
  }
  if (updateState || b.state === 'fail') b.updateState();
}
