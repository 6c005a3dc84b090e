import type { ClusterBrain } from './brain.js';
import type { GossipEntry, PingExt, PingMsg } from './bus/message.js';
import { MsgFlag0, MsgType, NodeFlag, Timing, Todo } from './constants.js';
import type { ClusterNode, Link } from './node.js';
import { renderFlags } from './nodes-conf.js';

/**
 * Heartbeats and gossip (cluster.c: clusterSendPing, clusterProcessGossipSection) and the failure
 * detector they feed (markNodeAsFailingIfNeeded, clearNodeFailureIfNeeded).
 */

function gossipEntry(n: ClusterNode): GossipEntry {
  return {
    nodename: n.name,
    pingSent: Math.floor(n.pingSent / 1000) >>> 0,
    pongReceived: Math.floor(n.pongReceived / 1000) >>> 0,
    ip: n.ip,
    port: n.port,
    cport: n.cport,
    flags: n.flags & 0xffff,
    pport: n.pport,
  };
}

/** clusterSendPing: a PING, PONG or MEET with a gossip section about a tenth of the nodes, PFAIL ones all included. */
export function sendPing(b: ClusterBrain, link: Link, type: number): void {
  const pingNo = ++b.pingsSent;
  const total = b.nodeList.length;
  let freshnodes = total - 2;
  let wanted = Math.floor(total / 10);
  if (wanted < 3) wanted = 3;
  if (wanted > freshnodes) wanted = freshnodes;
  let pfailWanted = b.statsPfailNodes;

  if (!link.inbound && type === MsgType.PING && link.node) link.node.pingSent = b.now;
  const gossip: GossipEntry[] = [];
  let maxIterations = wanted * 3;
  while (freshnodes > 0 && gossip.length < wanted && maxIterations-- > 0) {
    const n = b.randomNode();
    if (n === b.myself) continue;
    if ((n.flags & NodeFlag.PFAIL) !== 0) continue;
    if ((n.flags & (NodeFlag.HANDSHAKE | NodeFlag.NOADDR)) !== 0 || (n.link === null && n.numSlots === 0)) {
      freshnodes--; // Technically not correct, but saves CPU (as Redis).
      continue;
    }
    if (n.lastInPingGossip === pingNo) continue;
    gossip.push(gossipEntry(n));
    n.lastInPingGossip = pingNo;
    freshnodes--;
  }
  if (pfailWanted > 0) {
    for (const n of b.nodeList) {
      if (pfailWanted <= 0) break;
      if ((n.flags & (NodeFlag.HANDSHAKE | NodeFlag.NOADDR)) !== 0) continue;
      if ((n.flags & NodeFlag.PFAIL) === 0) continue;
      gossip.push(gossipEntry(n));
      pfailWanted--;
    }
  }
  const extensions: PingExt[] = [];
  // The header object becomes the message (no copy: pings are most of the traffic).
  const msg = b.header(type) as PingMsg;
  msg.kind = 'ping';
  msg.gossip = gossip;
  msg.extensions = extensions;
  if (b.myself.hostname !== '') {
    msg.mflags[0] |= MsgFlag0.EXT_DATA;
    extensions.push({ kind: 'hostname', hostname: b.myself.hostname });
  }
  b.send(link, msg);
}

/** clusterProcessGossipSection. */
export function processGossipSection(b: ClusterBrain, msg: PingMsg, link: Link): void {
  const sender = link.node ?? b.lookup(msg.sender);
  const debug = b.logEnabled('debug');
  for (const g of msg.gossip) {
    const flags = g.flags;
    if (debug) b.log('debug', `GOSSIP ${g.nodename} ${g.ip}:${g.port}@${g.cport} ${renderFlags(flags)}`);
    const node = b.lookup(g.nodename);
    if (node) {
      // Failure reports count only when the sender is a master.
      if (sender?.isMaster && node !== b.myself) {
        if ((flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) !== 0) {
          if (b.addFailureReport(node, sender)) b.log('verbose', `Node ${sender.name} reported node ${node.name} as not reachable.`);
          markNodeAsFailingIfNeeded(b, node);
        } else if (b.delFailureReport(node, sender)) {
          b.log('verbose', `Node ${sender.name} reported node ${node.name} is back online.`);
        }
      }
      // A node up for us, with no pending ping nor failure report, takes the freshest pong time seen.
      if ((flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) === 0 && node.pingSent === 0 && b.failureReportsCount(node) === 0) {
        const pongtime = g.pongReceived * 1000;
        if (pongtime <= b.now + 500 && pongtime > node.pongReceived) node.pongReceived = pongtime;
      }
      // Unreachable for us but reachable at another address for the sender: take that address.
      if (
        (node.flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) !== 0 &&
        (flags & NodeFlag.NOADDR) === 0 &&
        (flags & (NodeFlag.FAIL | NodeFlag.PFAIL)) === 0 &&
        (node.ip.toLowerCase() !== g.ip.toLowerCase() || node.port !== g.port || node.cport !== g.cport)
      ) {
        if (node.link) b.freeLink(node.link);
        node.ip = g.ip;
        node.port = g.port;
        node.pport = g.pport;
        node.cport = g.cport;
        node.flags &= ~NodeFlag.NOADDR;
      }
    } else if (sender && (flags & NodeFlag.NOADDR) === 0 && !blacklisted(b, g.nodename)) {
      // Trust nodes a known node tells us about (never start a handshake from gossip: addresses get reused).
      const n = b.createNode(g.nodename, flags);
      n.ip = g.ip;
      n.port = g.port;
      n.pport = g.pport;
      n.cport = g.cport;
      b.addNode(n);
    }
  }
}

/** clusterBlacklistExists (after clusterBlacklistCleanup). */
export function blacklisted(b: ClusterBrain, name: string): boolean {
  cleanupBlacklist(b);
  return b.blacklist.has(name);
}

export function cleanupBlacklist(b: ClusterBrain): void {
  const unix = Math.floor(b.now / 1000);
  for (const [id, expire] of b.blacklist) if (expire < unix) b.blacklist.delete(id);
}

/** markNodeAsFailingIfNeeded: PFAIL here + a majority of masters reporting it → FAIL, broadcast. */
export function markNodeAsFailingIfNeeded(b: ClusterBrain, node: ClusterNode): void {
  const quorum = Math.floor(b.size / 2) + 1;
  if (!node.timedOut) return;
  if (node.failed) return;
  let failures = b.failureReportsCount(node);
  if (b.myself.isMaster) failures++;
  if (failures < quorum) return;
  b.log('notice', `Marking node ${node.name} as failing (quorum reached).`);
  node.flags &= ~NodeFlag.PFAIL;
  node.flags |= NodeFlag.FAIL;
  node.failTime = b.now;
  // Even a replica helps propagate: the decision was made from masters' reports.
  b.broadcast({ ...b.header(MsgType.FAIL), kind: 'fail', nodename: node.name });
  b.todoBeforeSleep(Todo.UPDATE_STATE | Todo.SAVE_CONFIG);
}

/** clearNodeFailureIfNeeded: a FAIL node we reach again. */
export function clearNodeFailureIfNeeded(b: ClusterBrain, node: ClusterNode): void {
  if (node.isSlave || node.numSlots === 0) {
    b.log('notice', `Clear FAIL state for node ${node.name}: ${node.isSlave ? 'replica' : 'master without slots'} is reachable again.`);
    node.flags &= ~NodeFlag.FAIL;
    b.todoBeforeSleep(Todo.UPDATE_STATE | Todo.SAVE_CONFIG);
  }
  if (node.isMaster && node.numSlots > 0 && b.now - node.failTime > b.config.nodeTimeout * Timing.FAIL_UNDO_TIME_MULT) {
    b.log('notice', `Clear FAIL state for node ${node.name}: is reachable again and nobody is serving its slots after some time.`);
    node.flags &= ~NodeFlag.FAIL;
    b.todoBeforeSleep(Todo.UPDATE_STATE | Todo.SAVE_CONFIG);
  }
}
