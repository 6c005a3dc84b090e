import type { Client } from '../client.js';
import { type ReplState, replicaIp, replicaPort } from './state.js';

/** INFO replication, field by field as Redis 7.0's genRedisInfoString. */
export function infoReplication(rs: ReplState): string[] {
  const server = rs.server;
  const cfg = server.config;
  const now = rs.unixtime();
  const lines: string[] = [`role:${rs.isReplica ? 'slave' : 'master'}`];
  if (rs.isReplica) {
    const link = rs.link;
    let replOff = 1;
    let readOff = 1;
    if (link?.client) {
      replOff = link.reploff;
      readOff = link.readReploff;
    } else if (rs.cachedMaster) {
      replOff = rs.cachedMaster.reploff;
      readOff = rs.cachedMaster.readReploff;
    }
    const transfer = rs.linkState === 'transfer';
    lines.push(
      `master_host:${rs.masterHost}`,
      `master_port:${rs.masterPort}`,
      `master_link_status:${rs.linkState === 'connected' ? 'up' : 'down'}`,
      `master_last_io_seconds_ago:${link?.client ? now - Math.floor(link.client.lastInteraction / 1000) : -1}`,
      `master_sync_in_progress:${transfer ? 1 : 0}`,
      `slave_read_repl_offset:${readOff}`,
      `slave_repl_offset:${replOff}`,
    );
    if (transfer && link) {
      const size = link.transferSize;
      const read = link.transferRead;
      const perc = size > 0 ? (read / size) * 100 : 0;
      lines.push(
        `master_sync_total_bytes:${size}`,
        `master_sync_read_bytes:${read}`,
        `master_sync_left_bytes:${size - read}`,
        `master_sync_perc:${perc.toFixed(2)}`,
        `master_sync_last_io_seconds_ago:${now - Math.floor(link.lastio / 1000)}`,
      );
    }
    if (rs.linkState !== 'connected') lines.push(`master_link_down_since_seconds:${rs.downSince ? now - rs.downSince : -1}`);
    lines.push(`slave_priority:${cfg.replicaPriority}`, `slave_read_only:${cfg.replicaReadOnly ? 1 : 0}`, `replica_announced:${cfg.replicaAnnounced ? 1 : 0}`);
  }
  lines.push(`connected_slaves:${rs.replicas.length}`);
  if (rs.server.config.minReplicasToWrite && rs.server.config.minReplicasMaxLag) lines.push(`min_slaves_good_slaves:${rs.goodReplicas}`);
  let id = 0;
  for (const l of rs.replicas) {
    const lag = l.state === 'online' ? Math.floor(Date.now() / 1000) - l.ackTime : 0;
    lines.push(`slave${id++}:ip=${replicaIp(rs, l.client)},port=${replicaPort(rs, l.client)},state=${l.state},offset=${l.ackOff},lag=${lag}`);
  }
  lines.push(
    `master_failover_state:${rs.failover.state}`,
    `master_replid:${rs.replid}`,
    `master_replid2:${rs.replid2}`,
    `master_repl_offset:${rs.masterReplOffset}`,
    `second_repl_offset:${rs.secondReplOffset}`,
    `repl_backlog_active:${rs.backlog ? 1 : 0}`,
    `repl_backlog_size:${rs.backlogSize()}`,
    `repl_backlog_first_byte_offset:${rs.backlog ? rs.backlog.offset : 0}`,
    `repl_backlog_histlen:${rs.backlog ? rs.backlog.histlen : 0}`,
  );
  return lines;
}

/** ROLE: master with its online replicas, or replica with its link state. */
export function roleCommand(c: Client): void {
  const rs = c.server.repl;
  if (!rs.isReplica) {
    const online = rs.replicas.filter((l) => l.state === 'online');
    c.addReplyArrayLen(3);
    c.addReplyBulk('master');
    c.addReplyInt(rs.masterReplOffset);
    c.addReplyArrayLen(online.length);
    for (const l of online) {
      c.addReplyArrayLen(3);
      c.addReplyBulk(replicaIp(rs, l.client));
      c.addReplyBulk(String(replicaPort(rs, l.client)));
      c.addReplyBulk(String(l.ackOff));
    }
    return;
  }
  const state = rs.linkState === 'transfer' ? 'sync' : rs.linkState;
  c.addReplyArrayLen(5);
  c.addReplyBulk('slave');
  c.addReplyBulk(rs.masterHost!);
  c.addReplyInt(rs.masterPort);
  c.addReplyBulk(state);
  c.addReplyInt(rs.link?.client ? rs.link.reploff : -1);
}
