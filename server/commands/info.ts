import os from 'node:os';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import { bytesToHuman } from '../store/memory.js';
import { REDIS_VERSION } from '../version.js';
import { type CommandSpec, cmd } from './table.js';

/**
 * INFO (Redis 7.0's genRedisInfoString): built-in sections with Redis's field names. A section
 * with a provider in server.infoSections (replication, persistence, cluster ... registered by
 * their layers) is rendered by it; otherwise the standalone default below is used.
 */

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list', 'errorstats', 'cluster', 'keyspace'];
const ALL_ORDER = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
];
const TITLES: Record<string, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  latencystats: 'Latencystats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
};

const f2 = (n: number) => n.toFixed(2);
const cpuTime = (usec: number) => `${Math.floor(usec / 1e6)}.${String(Math.floor(usec % 1e6)).padStart(6, '0')}`;

function serverSection(s: Server): string[] {
  const now = Date.now();
  const uptime = Math.floor((now - s.startedAt) / 1000);
  return [
    `redis_version:${REDIS_VERSION}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    'redis_build_id:0000000000000000',
    `redis_mode:${s.config.clusterEnabled ? 'cluster' : 'standalone'}`,
    `os:${os.type()} ${os.release()} ${os.arch() === 'x64' ? 'x86_64' : os.arch()}`,
    'arch_bits:64',
    'monotonic_clock:POSIX clock_gettime',
    'multiplexing_api:epoll',
    'atomicvar_api:c11-builtin',
    'gcc_version:0.0.0',
    `process_id:${process.pid}`,
    'process_supervised:no',
    `run_id:${s.runId}`,
    `tcp_port:${s.boundPort || s.config.port}`,
    `server_time_usec:${now * 1000}`,
    `uptime_in_seconds:${uptime}`,
    `uptime_in_days:${Math.floor(uptime / 86400)}`,
    `hz:${s.config.hz}`,
    `configured_hz:${s.config.hz}`,
    `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
    `executable:${process.argv[1] ?? ''}`,
    `config_file:${s.configStore.file ?? ''}`,
    'io_threads_active:0',
    ...(s.shutdownMstime !== 0 ? [`shutdown_in_milliseconds:${s.shutdownMstime - now}`] : []),
  ];
}

function clientsSection(s: Server): string[] {
  let normal = 0;
  let blocked = 0;
  let timeouts = 0;
  let maxIn = 0;
  let maxOut = 0;
  for (const c of s.clients.values()) {
    if (!c.isReplica) normal++;
    if (c.blocked) {
      blocked++;
      if (c.blocked.deadline > 0) timeouts++;
    }
    maxIn = Math.max(maxIn, c.parser.buffered);
    maxOut = Math.max(maxOut, c.out.length);
  }
  return [
    `connected_clients:${normal}`,
    `cluster_connections:${s.hooks.clusterConnections.reduce((n, f) => n + f(), 0)}`,
    `maxclients:${s.config.maxclients}`,
    `client_recent_max_input_buffer:${maxIn}`,
    `client_recent_max_output_buffer:${maxOut}`,
    `blocked_clients:${blocked}`,
    `tracking_clients:${s.tracking.clients}`,
    `clients_in_timeout_table:${timeouts}`,
  ];
}

function memorySection(s: Server): string[] {
  const mem = s.memory;
  const used = mem.used();
  const rss = process.memoryUsage().rss;
  const total = os.totalmem();
  const maxmemory = s.config.maxmemory;
  const overhead = used - mem.dataset;
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${rss}`,
    `used_memory_rss_human:${bytesToHuman(rss)}`,
    `used_memory_peak:${mem.peak}`,
    `used_memory_peak_human:${bytesToHuman(mem.peak)}`,
    `used_memory_peak_perc:${f2(mem.peak ? (used * 100) / mem.peak : 100)}%`,
    `used_memory_overhead:${overhead}`,
    `used_memory_startup:${used - mem.dataset - mem.clientsMemory() - mem.backlogMemory()}`,
    `used_memory_dataset:${mem.dataset}`,
    `used_memory_dataset_perc:${f2(used ? (mem.dataset * 100) / used : 0)}%`,
    `allocator_allocated:${used}`,
    `allocator_active:${used}`,
    `allocator_resident:${rss}`,
    `total_system_memory:${total}`,
    `total_system_memory_human:${bytesToHuman(total)}`,
    'used_memory_lua:31744',
    'used_memory_vm_eval:31744',
    'used_memory_lua_human:31.00K',
    'used_memory_scripts_eval:0',
    'number_of_cached_scripts:0',
    'number_of_functions:0',
    'number_of_libraries:0',
    'used_memory_vm_functions:32768',
    'used_memory_vm_total:64512',
    'used_memory_vm_total_human:63.00K',
    'used_memory_functions:184',
    'used_memory_scripts:184',
    'used_memory_scripts_human:184B',
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${s.config.maxmemoryPolicy}`,
    'allocator_frag_ratio:1.00',
    'allocator_frag_bytes:0',
    `allocator_rss_ratio:${f2(used ? rss / used : 1)}`,
    `allocator_rss_bytes:${rss - used}`,
    'rss_overhead_ratio:1.00',
    'rss_overhead_bytes:0',
    `mem_fragmentation_ratio:${f2(used ? rss / used : 1)}`,
    `mem_fragmentation_bytes:${rss - used}`,
    'mem_not_counted_for_evict:0',
    `mem_replication_backlog:${mem.backlogMemory()}`,
    `mem_total_replication_buffers:${mem.backlogMemory()}`,
    `mem_clients_slaves:${mem.clientsMemory(true)}`,
    `mem_clients_normal:${mem.clientsMemory(false)}`,
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    'mem_allocator:libc',
    'active_defrag_running:0',
    'lazyfree_pending_objects:0',
    'lazyfreed_objects:0',
  ];
}

function persistenceSection(s: Server): string[] {
  const aof = s.config.appendonly;
  return [
    'loading:0',
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    'current_save_keys_processed:0',
    'current_save_keys_total:0',
    `rdb_changes_since_last_save:${s.dirtySinceSave}`,
    'rdb_bgsave_in_progress:0',
    `rdb_last_save_time:${s.lastSave}`,
    'rdb_last_bgsave_status:ok',
    'rdb_last_bgsave_time_sec:-1',
    'rdb_current_bgsave_time_sec:-1',
    'rdb_saves:0',
    'rdb_last_cow_size:0',
    'rdb_last_load_keys_expired:0',
    'rdb_last_load_keys_loaded:0',
    `aof_enabled:${aof ? 1 : 0}`,
    'aof_rewrite_in_progress:0',
    'aof_rewrite_scheduled:0',
    'aof_last_rewrite_time_sec:-1',
    'aof_current_rewrite_time_sec:-1',
    'aof_last_bgrewrite_status:ok',
    'aof_rewrites:0',
    'aof_rewrites_consecutive_failures:0',
    'aof_last_write_status:ok',
    'aof_last_cow_size:0',
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
  ];
}

function statsSection(s: Server): string[] {
  const st = s.stats;
  const ps = s.pubsub;
  return [
    `total_connections_received:${st.totalConnections}`,
    `total_commands_processed:${st.totalCommands}`,
    `instantaneous_ops_per_sec:${st.instantaneousOps}`,
    `total_net_input_bytes:${st.netInputBytes}`,
    `total_net_output_bytes:${st.netOutputBytes}`,
    'total_net_repl_input_bytes:0',
    'total_net_repl_output_bytes:0',
    'instantaneous_input_kbps:0.00',
    'instantaneous_output_kbps:0.00',
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${st.rejectedConnections}`,
    `sync_full:${st.syncFull}`,
    `sync_partial_ok:${st.syncPartialOk}`,
    `sync_partial_err:${st.syncPartialErr}`,
    `expired_keys:${st.expiredKeys}`,
    `expired_stale_perc:${f2(st.expiredStalePerc * 100)}`,
    `expired_time_cap_reached_count:${st.expiredTimeCapReached}`,
    'expire_cycle_cpu_milliseconds:0',
    `evicted_keys:${st.evictedKeys}`,
    `evicted_clients:${st.evictedClients}`,
    'total_eviction_exceeded_time:0',
    'current_eviction_exceeded_time:0',
    `keyspace_hits:${st.keyspaceHits}`,
    `keyspace_misses:${st.keyspaceMisses}`,
    `pubsub_channels:${ps.channels.size}`,
    `pubsub_patterns:${ps.patterns.size}`,
    `pubsubshard_channels:${ps.shardChannels.size}`,
    'latest_fork_usec:0',
    'total_forks:0',
    'migrate_cached_sockets:0',
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    `tracking_total_keys:${s.tracking.keys.size}`,
    `tracking_total_items:${s.tracking.totalItems()}`,
    `tracking_total_prefixes:${s.tracking.prefixes.size}`,
    `unexpected_error_replies:${st.unexpectedErrorReplies}`,
    `total_error_replies:${st.totalErrorReplies}`,
    `dump_payload_sanitizations:${st.dumpPayloadSanitizations}`,
    `total_reads_processed:${st.totalReadsProcessed}`,
    `total_writes_processed:${st.totalWritesProcessed}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
  ];
}

function replicationSection(s: Server): string[] {
  return [
    `role:${s.role}`,
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${s.repl.replid}`,
    'master_replid2:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    `repl_backlog_size:${s.config.replBacklogSize}`,
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}

function cpuSection(): string[] {
  const u = process.cpuUsage();
  return [
    `used_cpu_sys:${cpuTime(u.system)}`,
    `used_cpu_user:${cpuTime(u.user)}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
    `used_cpu_sys_main_thread:${cpuTime(u.system)}`,
    `used_cpu_user_main_thread:${cpuTime(u.user)}`,
  ];
}

function commandstatsSection(s: Server): string[] {
  const out: string[] = [];
  for (const [name, st] of s.stats.commands) {
    if (!st.calls && !st.failed && !st.rejected) continue;
    const usec = Math.round(st.usec);
    out.push(
      `cmdstat_${name}:calls=${st.calls},usec=${usec},usec_per_call=${f2(st.calls ? st.usec / st.calls : 0)},rejected_calls=${st.rejected},failed_calls=${st.failed}`,
    );
  }
  return out;
}

function errorstatsSection(s: Server): string[] {
  return [...s.stats.errors.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([code, n]) => `errorstat_${code}:count=${n}`);
}

function keyspaceSection(s: Server): string[] {
  const out: string[] = [];
  const now = s.now();
  for (const db of s.dbs) {
    const keys = db.size;
    const vkeys = db.expiresCount;
    if (!keys && !vkeys) continue;
    // Redis keeps a running estimate from the expire cycle's samples; we average a sample.
    let sum = 0;
    let n = 0;
    for (let i = 0; i < vkeys && n < 1000; i++) {
      const ttl = db.volatile[i]!.expireAt - now;
      if (ttl > 0) {
        sum += ttl;
        n++;
      }
    }
    out.push(`db${db.id}:keys=${keys},expires=${vkeys},avg_ttl=${n ? Math.round(sum / n) : 0}`);
  }
  return out;
}

function builtin(s: Server, name: string): string[] | null {
  switch (name) {
    case 'server':
      return serverSection(s);
    case 'clients':
      return clientsSection(s);
    case 'memory':
      return memorySection(s);
    case 'persistence':
      return persistenceSection(s);
    case 'stats':
      return statsSection(s);
    case 'replication':
      return replicationSection(s);
    case 'cpu':
      return cpuSection();
    case 'modules':
      return [];
    case 'commandstats':
      return commandstatsSection(s);
    case 'errorstats':
      return errorstatsSection(s);
    case 'latencystats':
      return [];
    case 'cluster':
      return [`cluster_enabled:${s.config.clusterEnabled ? 1 : 0}`];
    case 'keyspace':
      return keyspaceSection(s);
  }
  return null;
}

/** The INFO text for the given arguments (section names, default, all, everything). */
export function genInfo(s: Server, args: string[]): string {
  let all = false;
  const wanted = new Set<string>();
  if (args.length === 0) for (const d of DEFAULT_SECTIONS) wanted.add(d);
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') for (const d of DEFAULT_SECTIONS) wanted.add(d);
    else if (l === 'all' || l === 'everything') all = true;
    else wanted.add(l);
  }
  if (wanted.has('module_list')) wanted.add('modules');
  const names = ALL_ORDER.filter((n) => all || wanted.has(n));
  // Sections contributed by layers with no built-in counterpart (e.g. "sentinel").
  for (const n of s.infoSections.keys()) if (!ALL_ORDER.includes(n) && (all || wanted.has(n))) names.push(n);
  const parts: string[] = [];
  for (const n of names) {
    const provider = s.infoSections.get(n);
    const lines = provider ? provider() : builtin(s, n);
    if (lines === null) continue;
    const title = TITLES[n] ?? n.charAt(0).toUpperCase() + n.slice(1);
    parts.push(`# ${title}\r\n` + lines.map((l) => l + '\r\n').join(''));
  }
  return parts.join('\r\n');
}

function info(c: Client, argv: string[]): void {
  c.addReplyVerbatim(genInfo(c.server, argv.slice(1)));
}

export const infoCommands: CommandSpec[] = [
  cmd('info', -1, ['loading', 'stale', 'sentinel'], [0, 0, 0], 'server', 'Get information and statistics about the server', info, {
    acl: ['slow', 'dangerous'],
    hint: '[section [section ...]]',
  }),
];
