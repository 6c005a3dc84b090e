import type { Client } from '../../client.js';
import { CLUSTER_SLOTS, MSG_TYPE_COUNT, msgTypeName, NodeFlag } from '../constants.js';
import type { ClusterNode } from '../shell/cluster-node.js';
import type { ClusterView, LinkView, NodeView } from '../types.js';

/** CLUSTER INFO / SLOTS / SHARDS / LINKS from the brain's view, in Redis 7.0's reply shapes. */

const failed = (n: NodeView): boolean => (n.flags & NodeFlag.FAIL) !== 0;
const isReplica = (n: NodeView): boolean => (n.flags & NodeFlag.SLAVE) !== 0;
const isMyself = (n: NodeView): boolean => (n.flags & NodeFlag.MYSELF) !== 0;

/**
 * Redis reports plain-text ports to a plain-text client of a TLS cluster (tls-cluster: nodes are
 * known by their TLS ports, pport is the plain one). Internal clients (no socket) see the TLS port.
 */
export function usePport(node: ClusterNode, c: Client): boolean {
  return node.server.config.tlsCluster && c.socket !== null && !(c.socket as { encrypted?: boolean }).encrypted;
}

/** The port a client is shown for a node (NODES, SLOTS, REPLICAS, MOVED/ASK). */
export function clientPort(node: ClusterNode, c: Client, n: NodeView): number {
  return usePport(node, c) && n.pport ? n.pport : n.port;
}

/** getPreferredEndpoint (cluster-preferred-endpoint-type). */
export function preferredEndpoint(node: ClusterNode, n: NodeView): string {
  const type = node.server.config.clusterPreferredEndpointType;
  if (type === 'hostname') return n.hostname !== '' ? n.hostname : '?';
  if (type === 'unknown-endpoint') return '';
  return n.ip;
}

export function infoText(node: ClusterNode): string {
  const v = node.view;
  let assigned = 0;
  let ok = 0;
  let pfail = 0;
  let fail = 0;
  for (let j = 0; j < CLUSTER_SLOTS; j++) {
    const n = v.slotOwner(j);
    if (n === null) continue;
    assigned++;
    if (failed(n)) fail++;
    else if (n.flags & NodeFlag.PFAIL) pfail++;
    else ok++;
  }
  const me = v.myself;
  const myEpoch = isReplica(me) && me.master ? me.master.configEpoch : me.configEpoch;
  const lines = [
    `cluster_state:${v.state}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${ok}`,
    `cluster_slots_pfail:${pfail}`,
    `cluster_slots_fail:${fail}`,
    `cluster_known_nodes:${v.nodes.size}`,
    `cluster_size:${v.size}`,
    `cluster_current_epoch:${v.currentEpoch}`,
    `cluster_my_epoch:${myEpoch}`,
  ];
  let sent = 0;
  for (let i = 0; i < MSG_TYPE_COUNT; i++) {
    const n = v.messagesSent[i] ?? 0;
    if (n === 0) continue;
    sent += n;
    lines.push(`cluster_stats_messages_${msgTypeName(i)}_sent:${n}`);
  }
  lines.push(`cluster_stats_messages_sent:${sent}`);
  let received = 0;
  for (let i = 0; i < MSG_TYPE_COUNT; i++) {
    const n = v.messagesReceived[i] ?? 0;
    if (n === 0) continue;
    received += n;
    lines.push(`cluster_stats_messages_${msgTypeName(i)}_received:${n}`);
  }
  lines.push(`cluster_stats_messages_received:${received}`);
  lines.push(`total_cluster_links_buffer_limit_exceeded:${node.bus.limitExceeded}`);
  return lines.join('\r\n') + '\r\n';
}

export function replyInfo(c: Client, node: ClusterNode): void {
  c.addReplyVerbatim(infoText(node));
}

/** Slot ranges by owner, in slot order (clusterGenNodesSlotsInfo). */
function slotRanges(v: ClusterView): { owner: NodeView; start: number; end: number }[] {
  const out: { owner: NodeView; start: number; end: number }[] = [];
  let cur: NodeView | null = null;
  let start = 0;
  for (let i = 0; i <= CLUSTER_SLOTS; i++) {
    const n = i < CLUSTER_SLOTS ? v.slotOwner(i) : null;
    if (n === cur) continue;
    if (cur !== null) out.push({ owner: cur, start, end: i - 1 });
    cur = n;
    start = i;
  }
  return out;
}

/** isReplicaAvailable: not failed and has some replicated data. */
function replicaAvailable(v: ClusterView, n: NodeView): boolean {
  if (failed(n)) return false;
  return (isMyself(n) ? v.replOffset : n.replOffset) !== 0;
}

/** addNodeToNodeReply: [endpoint, port, id, {other endpoints}]. */
function nodeEntry(c: Client, node: ClusterNode, n: NodeView): void {
  const type = node.server.config.clusterPreferredEndpointType;
  c.addReplyArrayLen(4);
  if (type === 'ip') c.addReplyBulk(n.ip);
  else if (type === 'hostname') c.addReplyBulk(n.hostname !== '' ? n.hostname : '?');
  else c.addReplyNull();
  c.addReplyInt(clientPort(node, c, n));
  c.addReplyBulk(n.name);
  const extra: [string, string][] = [];
  if (type !== 'ip') extra.push(['ip', n.ip]);
  if (type !== 'hostname' && n.hostname !== '') extra.push(['hostname', n.hostname]);
  c.addReplyMapLen(extra.length);
  for (const [k, val] of extra) {
    c.addReplyBulk(k);
    c.addReplyBulk(val);
  }
}

export function replySlots(c: Client, node: ClusterNode): void {
  const v = node.view;
  const ranges = slotRanges(v);
  c.addReplyArrayLen(ranges.length);
  for (const r of ranges) {
    const replicas = r.owner.replicas.filter((s) => replicaAvailable(v, s));
    c.addReplyArrayLen(3 + replicas.length);
    c.addReplyInt(r.start);
    c.addReplyInt(r.end);
    nodeEntry(c, node, r.owner);
    for (const s of replicas) nodeEntry(c, node, s);
  }
}

/** addNodeDetailsToShardReply. */
function shardNode(c: Client, node: ClusterNode, n: NodeView): void {
  const v = node.view;
  const fields: [string, string | number][] = [['id', n.name]];
  // With tls-cluster a node's port is its TLS port and pport the plain one (whatever the client).
  const tlsCluster = node.server.config.tlsCluster;
  const plainPort = tlsCluster ? n.pport : n.port;
  if (plainPort) fields.push(['port', plainPort]);
  if (tlsCluster && n.port) fields.push(['tls-port', n.port]);
  fields.push(['ip', n.ip], ['endpoint', preferredEndpoint(node, n)]);
  if (n.hostname !== '') fields.push(['hostname', n.hostname]);
  const offset = isMyself(n) ? v.replOffset : n.replOffset;
  fields.push(['role', isReplica(n) ? 'replica' : 'master'], ['replication-offset', offset]);
  fields.push(['health', failed(n) ? 'fail' : isReplica(n) && offset === 0 ? 'loading' : 'online']);
  c.addReplyMapLen(fields.length);
  for (const [k, val] of fields) {
    c.addReplyBulk(k);
    if (typeof val === 'number') c.addReplyInt(val);
    else c.addReplyBulk(val);
  }
}

export function replyShards(c: Client, node: ClusterNode): void {
  const v = node.view;
  const pairs = new Map<NodeView, number[]>();
  for (const r of slotRanges(v)) {
    let p = pairs.get(r.owner);
    if (!p) pairs.set(r.owner, (p = []));
    p.push(r.start, r.end);
  }
  const masters = [...v.nodes.values()].filter((n) => (n.flags & NodeFlag.MASTER) !== 0);
  c.addReplyArrayLen(masters.length);
  for (const m of masters) {
    c.addReplyMapLen(2);
    c.addReplyBulk('slots');
    const p = pairs.get(m) ?? [];
    c.addReplyArrayLen(p.length);
    for (const s of p) c.addReplyInt(s);
    c.addReplyBulk('nodes');
    const serving = [m, ...m.replicas];
    c.addReplyArrayLen(serving.length);
    for (const n of serving) shardNode(c, node, n);
  }
}

function linkEntry(c: Client, node: ClusterNode, l: LinkView, owner: NodeView): void {
  const io = node.bus.describe(l.id);
  c.addReplyMapLen(6);
  c.addReplyBulk('direction');
  c.addReplyBulk(l.inbound ? 'from' : 'to');
  c.addReplyBulk('node');
  c.addReplyBulk(owner.name);
  c.addReplyBulk('create-time');
  c.addReplyInt(l.ctime);
  c.addReplyBulk('events');
  c.addReplyBulk(io?.events ?? '');
  c.addReplyBulk('send-buffer-allocated');
  c.addReplyInt(io?.sendBuffer ?? 0);
  c.addReplyBulk('send-buffer-used');
  c.addReplyInt(io?.sendBuffer ?? 0);
}

export function replyLinks(c: Client, node: ClusterNode): void {
  const entries: [LinkView, NodeView][] = [];
  for (const n of node.view.nodes.values()) {
    if (n.link) entries.push([n.link, n]);
    if (n.inboundLink) entries.push([n.inboundLink, n]);
  }
  c.addReplyArrayLen(entries.length);
  for (const [l, n] of entries) linkEntry(c, node, l, n);
}
