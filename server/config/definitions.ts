/**
 * The configuration table: every option the server understands, with Redis's names, aliases,
 * defaults and validation. One table drives the config file, the command line, CONFIG GET/SET
 * and CONFIG REWRITE, and yields the typed `ConfigValues` the server reads (`server.config.hz`,
 * `server.config.maxmemoryPolicy` ...): adding an option is one row here.
 */
import { boolOption, type CamelCase, enumOption, intOption, memoryOption, specialOption, stringOption, ULLONG_MAX, type ValueOf } from './option.js';
import {
  bindCodec,
  dirCodec,
  fileNameIn,
  memoryOrPercentCodec,
  notifyCodec,
  obufLimitsCodec,
  octalPermCodec,
  oomScoreAdjValuesCodec,
  percentilesCodec,
  replicaofCodec,
  routesCodec,
  saveCodec,
  shutdownOnSignalCodec,
  validHostname,
  validProcTitleTemplate,
} from './special.js';

// Row helpers: name, default, [bounds,] mutable (false = immutable), aliases. Bounds, flags and
// enum orders are Redis 7.0's config.c (the error texts list them).
const b = <N extends string>(name: N, def: 'yes' | 'no', mutable = true, aliases?: string[]) =>
  boolOption(name, def === 'yes', { immutable: !mutable, aliases });
const i = <N extends string>(name: N, def: number, min: number | bigint, max: number | bigint, mutable = true, aliases?: string[]) =>
  intOption(name, def, min, max, { immutable: !mutable, aliases });
const m = <N extends string>(name: N, def: string, min: number | bigint = 0, max: number | bigint = ULLONG_MAX, mutable = true, aliases?: string[]) =>
  memoryOption(name, def, min, max, { immutable: !mutable, aliases });
const s = <N extends string>(name: N, def: string, mutable = true, aliases?: string[], validate?: (v: string) => string | null) =>
  stringOption(name, def, { immutable: !mutable, aliases, validate });
const e = <N extends string, const V extends readonly string[]>(name: N, def: V[number], values: V, mutable = true, aliases?: string[]) =>
  enumOption(name, def, values, { immutable: !mutable, aliases });

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;
/** LONG_MAX = LLONG_MAX on Redis's 64-bit builds. */
const LONG_MAX = (1n << 63n) - 1n;
const MB = 1024 * 1024;
const ACTIVE_DEFRAG_UNSUPPORTED =
  'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution';
/** enable-protected-configs, enable-debug-command, enable-module-command. */
const PROTECTED_ACTION = ['no', 'yes', 'local'] as const;

export const CONFIG_DEFS = [
  // Network
  specialOption('bind', '* -::*', bindCodec, { multiArg: true }),
  s('bind-source-addr', ''),
  i('port', 6379, 0, 65535),
  b('protected-mode', 'yes'),
  i('tcp-backlog', 511, 0, INT_MAX, false),
  i('timeout', 0, 0, INT_MAX),
  i('tcp-keepalive', 300, 0, INT_MAX),
  s('unixsocket', '', false),
  specialOption('unixsocketperm', '0', octalPermCodec, { immutable: true }),
  // SO_MARK / SO_USER_COOKIE: not settable from Node; accepted, no effect.
  i('socket-mark-id', 0, 0, UINT_MAX, false),
  i('databases', 16, 1, INT_MAX, false),
  i('maxclients', 10000, 1, UINT_MAX),
  s('requirepass', ''),
  s('masterauth', ''),
  s('masteruser', ''),
  // TLS (tls/)
  i('tls-port', 0, 0, 65535),
  s('tls-cert-file', ''),
  s('tls-key-file', ''),
  s('tls-key-file-pass', ''),
  s('tls-client-cert-file', ''),
  s('tls-client-key-file', ''),
  s('tls-client-key-file-pass', ''),
  s('tls-dh-params-file', ''),
  s('tls-ca-cert-file', ''),
  s('tls-ca-cert-dir', ''),
  s('tls-protocols', ''),
  s('tls-ciphers', ''),
  s('tls-ciphersuites', ''),
  e('tls-auth-clients', 'yes', ['no', 'yes', 'optional']),
  b('tls-prefer-server-ciphers', 'no'),
  b('tls-session-caching', 'yes'),
  i('tls-session-cache-size', 20480, 0, INT_MAX),
  i('tls-session-cache-timeout', 300, 0, INT_MAX),
  b('tls-replication', 'no'),
  b('tls-cluster', 'no'),
  // ACL
  s('aclfile', '', false),
  i('acllog-max-len', 128, 0, LONG_MAX),
  e('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),
  // General
  b('daemonize', 'no', false),
  s('pidfile', '', false),
  e('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning']),
  s('logfile', '', false),
  b('syslog-enabled', 'no', false),
  s('syslog-ident', 'redis', false),
  e('syslog-facility', 'local0', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], false),
  specialOption('dir', '.', dirCodec, { protected: true }),
  stringOption('dbfilename', 'dump.rdb', { protected: true, validate: fileNameIn('dbfilename', { kind: 'filename', nonEmpty: false }) }),
  s('appendfilename', 'appendonly.aof', false, undefined, fileNameIn('appendfilename', { kind: 'filename', nonEmpty: true })),
  s('appenddirname', 'appendonlydir', false, undefined, fileNameIn('appenddirname', { kind: 'dirname', nonEmpty: true })),
  // Redis accepts any hz and brings it into [1, 500] (updateHZ), which CONFIG GET then shows.
  intOption('hz', 10, 0, INT_MAX, { clamp: [1, 500] }),
  b('dynamic-hz', 'yes'),
  specialOption('notify-keyspace-events', '', notifyCodec),
  b('always-show-logo', 'no', false),
  b('set-proc-title', 'yes', false),
  e('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], false),
  b('crash-log-enabled', 'yes'),
  b('crash-memcheck-enabled', 'yes'),
  s('proc-title-template', '{title} {listen-addr} {server-mode}', true, undefined, validProcTitleTemplate),
  s('ignore-warnings', ''),
  // CPU affinity lists: a Node process cannot pin its threads; accepted, no effect.
  s('server_cpulist', '', false),
  s('bio_cpulist', '', false),
  s('aof_rewrite_cpulist', '', false),
  s('bgsave_cpulist', '', false),
  // What SIGINT/SIGTERM do (SHUTDOWN's flags), and how long SHUTDOWN waits for lagging replicas.
  specialOption('shutdown-on-sigint', 'default', shutdownOnSignalCodec, { multiArg: true }),
  specialOption('shutdown-on-sigterm', 'default', shutdownOnSignalCodec, { multiArg: true }),
  i('shutdown-timeout', 10, 0, INT_MAX),
  e('enable-debug-command', 'no', PROTECTED_ACTION, false),
  // Memory
  m('maxmemory', '0', 0, ULLONG_MAX),
  e('maxmemory-policy', 'noeviction', [
    'volatile-lru',
    'volatile-lfu',
    'volatile-random',
    'volatile-ttl',
    'allkeys-lru',
    'allkeys-lfu',
    'allkeys-random',
    'noeviction',
  ]),
  i('maxmemory-samples', 5, 1, INT_MAX),
  i('maxmemory-eviction-tenacity', 10, 0, 100),
  i('lfu-log-factor', 10, 0, INT_MAX),
  i('lfu-decay-time', 1, 0, INT_MAX),
  b('lazyfree-lazy-eviction', 'no'),
  b('lazyfree-lazy-expire', 'no'),
  b('lazyfree-lazy-server-del', 'no'),
  b('lazyfree-lazy-user-del', 'no'),
  b('lazyfree-lazy-user-flush', 'no'),
  b('replica-lazy-flush', 'no', true, ['slave-lazy-flush']),
  i('active-expire-effort', 1, 1, 10),
  // Limits
  m('proto-max-bulk-len', '512mb', MB, LONG_MAX),
  m('client-query-buffer-limit', '1gb', MB, LONG_MAX),
  specialOption('maxmemory-clients', '0', memoryOrPercentCodec),
  specialOption('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', obufLimitsCodec, { multiArg: true }),
  // Encodings (used to emulate OBJECT ENCODING)
  i('hash-max-listpack-entries', 512, 0, LONG_MAX, true, ['hash-max-ziplist-entries']),
  m('hash-max-listpack-value', '64', 0, LONG_MAX, true, ['hash-max-ziplist-value']),
  i('list-max-listpack-size', -2, INT_MIN, INT_MAX, true, ['list-max-ziplist-size']),
  i('list-compress-depth', 0, 0, INT_MAX),
  i('set-max-intset-entries', 512, 0, LONG_MAX),
  i('zset-max-listpack-entries', 128, 0, LONG_MAX, true, ['zset-max-ziplist-entries']),
  m('zset-max-listpack-value', '64', 0, LONG_MAX, true, ['zset-max-ziplist-value']),
  m('hll-sparse-max-bytes', '3000', 0, LONG_MAX),
  m('stream-node-max-bytes', '4096', 0, LONG_MAX),
  i('stream-node-max-entries', 100, 0, LONG_MAX),
  b('activerehashing', 'yes'),
  // Slow log, latency
  i('slowlog-log-slower-than', 10000, -1, LONG_MAX),
  i('slowlog-max-len', 128, 0, LONG_MAX),
  i('latency-monitor-threshold', 0, 0, LONG_MAX),
  b('latency-tracking', 'yes'),
  specialOption('latency-tracking-info-percentiles', '50 99 99.9', percentilesCodec, { multiArg: true }),
  // Persistence
  specialOption('save', '3600 1 300 100 60 10000', saveCodec, { multiArg: true }),
  b('stop-writes-on-bgsave-error', 'yes'),
  b('rdbcompression', 'yes'),
  b('rdbchecksum', 'yes', false),
  b('rdb-del-sync-files', 'no'),
  b('appendonly', 'no'),
  e('appendfsync', 'everysec', ['everysec', 'always', 'no']),
  b('no-appendfsync-on-rewrite', 'no'),
  i('auto-aof-rewrite-percentage', 100, 0, INT_MAX),
  m('auto-aof-rewrite-min-size', '64mb', 0, LONG_MAX),
  b('aof-load-truncated', 'yes'),
  b('aof-use-rdb-preamble', 'yes'),
  b('aof-timestamp-enabled', 'no'),
  b('aof-disable-auto-gc', 'no'),
  e('sanitize-dump-payload', 'no', ['no', 'yes', 'clients']),
  b('aof-rewrite-incremental-fsync', 'yes'),
  b('rdb-save-incremental-fsync', 'yes'),
  // Redis's hidden debug config: microseconds of delay per key while saving (tests of BGSAVE).
  intOption('rdb-key-save-delay', 0, INT_MIN, INT_MAX, { hidden: true }),
  // Replication
  specialOption('replicaof', '', replicaofCodec, { multiArg: true, immutable: true, aliases: ['slaveof'] }),
  b('replica-serve-stale-data', 'yes', true, ['slave-serve-stale-data']),
  b('replica-read-only', 'yes', true, ['slave-read-only']),
  b('repl-diskless-sync', 'yes'),
  i('repl-diskless-sync-delay', 5, 0, INT_MAX),
  i('repl-diskless-sync-max-replicas', 0, 0, INT_MAX),
  e('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
  i('repl-ping-replica-period', 10, 1, INT_MAX, true, ['repl-ping-slave-period']),
  i('repl-timeout', 60, 1, INT_MAX),
  b('repl-disable-tcp-nodelay', 'no'),
  m('repl-backlog-size', '1mb', 1, LONG_MAX),
  i('repl-backlog-ttl', 3600, 0, LONG_MAX),
  i('replica-priority', 100, 0, INT_MAX, true, ['slave-priority']),
  s('replica-announce-ip', '', true, ['slave-announce-ip']),
  i('replica-announce-port', 0, 0, 65535, true, ['slave-announce-port']),
  b('replica-announced', 'yes'),
  b('replica-ignore-disk-write-errors', 'no'),
  e('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),
  b('replica-ignore-maxmemory', 'yes', true, ['slave-ignore-maxmemory']),
  i('min-replicas-to-write', 0, 0, INT_MAX, true, ['min-slaves-to-write']),
  i('min-replicas-max-lag', 10, 0, INT_MAX, true, ['min-slaves-max-lag']),
  // splitbrain's debug knob: weakens the min-replicas check on purpose (see reports/GATING.md).
  intOption('debug-min-replicas-extra-lag', 0, 0, INT_MAX, { hidden: true }),
  // Cluster
  b('cluster-enabled', 'no', false),
  s('cluster-config-file', 'nodes.conf', false),
  i('cluster-node-timeout', 15000, 0, LONG_MAX),
  i('cluster-port', 0, 0, 65535, false),
  i('cluster-replica-validity-factor', 10, 0, INT_MAX, true, ['cluster-slave-validity-factor']),
  i('cluster-migration-barrier', 1, 0, INT_MAX),
  b('cluster-allow-replica-migration', 'yes'),
  b('cluster-require-full-coverage', 'yes'),
  b('cluster-replica-no-failover', 'no', true, ['cluster-slave-no-failover']),
  b('cluster-allow-reads-when-down', 'no'),
  b('cluster-allow-pubsubshard-when-down', 'yes'),
  s('cluster-announce-ip', ''),
  i('cluster-announce-port', 0, 0, 65535),
  i('cluster-announce-bus-port', 0, 0, 65535),
  i('cluster-announce-tls-port', 0, 0, 65535),
  s('cluster-announce-hostname', '', true, undefined, validHostname),
  m('cluster-link-sendbuf-limit', '0'),
  e('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint']),
  // Clients
  i('busy-reply-threshold', 5000, 0, LONG_MAX, true, ['lua-time-limit']),
  i('io-threads', 1, 1, 128, false),
  b('io-threads-do-reads', 'no', false),
  b('jemalloc-bg-thread', 'yes'),
  // Active defragmentation needs Redis's jemalloc: accepted and shown, no effect (see activedefrag).
  i('active-defrag-cycle-min', 1, 1, 99),
  i('active-defrag-cycle-max', 25, 1, 99),
  i('active-defrag-threshold-lower', 10, 0, 1000),
  i('active-defrag-threshold-upper', 100, 0, 1000),
  i('active-defrag-max-scan-fields', 1000, 1, LONG_MAX),
  m('active-defrag-ignore-bytes', '100mb', 1, LONG_MAX),
  // Like Debian's redis-server (built without HAVE_DEFRAG), we cannot defragment.
  boolOption('activedefrag', false, { validate: (on) => (on ? ACTIVE_DEFRAG_UNSUPPORTED : null) }),
  i('tracking-table-max-keys', 1000000, 0, LONG_MAX),
  e('oom-score-adj', 'no', ['no', 'yes', 'relative', 'absolute']),
  specialOption('oom-score-adj-values', '0 200 800', oomScoreAdjValuesCodec, { multiArg: true }),
  b('disable-thp', 'yes', false),
  e('enable-protected-configs', 'no', PROTECTED_ACTION, false),
  e('enable-module-command', 'no', PROTECTED_ACTION, false),
  // splitbrain additions (the harness routes node-to-node links through fault proxies)
  specialOption('route', '', routesCodec, { multiArg: true }),
];

type Def = (typeof CONFIG_DEFS)[number];

/** An option's canonical (Redis) name: a misspelt name fails to compile. */
export type ConfigName = Def['name'];

/** The typed configuration: one field per option, named in camelCase (`repl-backlog-size` → `replBacklogSize`). */
export type ConfigValues = { [D in Def as CamelCase<D['name']>]: ValueOf<D> };
