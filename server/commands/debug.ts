import type { Client } from '../client.js';
import { memtoull } from '../config/option.js';
import { debugReload } from '../persistence/index.js';
import { feedCommand } from '../replication/stream.js';
import { datasetDigest, keyValueDigest } from '../store/digest.js';
import { objectEncoding } from '../store/encoding.js';
import { entrySize } from '../store/memory.js';
import { globMatch } from '../util/glob.js';
import { parseDouble, parseLL } from '../util/numbers.js';
import { getPositiveLong } from './coll.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR } from './util.js';

/** DEBUG (the subset tests and tooling use) and MEMORY. */

function syntaxError(c: Client, argv: string[]): void {
  c.addReplyError(`unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`);
}

const DEBUG_HELP = [
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not accessed (otherwise the Redis behavior). Setting it to 1 reenables back the default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
];

/** Redis's quicklistisSetPackedThreshold: at most 4 GB less 1 MB; 0 restores the 1 GB default. */
function quicklistPackedThreshold(c: Client, arg: string): void {
  const sz = memtoull(arg);
  if (sz === null || sz > (1n << 32n) - (1n << 20n)) {
    c.addReplyError('argument must be a memory value bigger than 1 and smaller than 4gb');
    return;
  }
  c.server.quicklistPackedThreshold = sz === 0n ? 1 << 30 : Number(sz);
  c.addReplyOk();
}

/**
 * Redis's stringmatchlen_fuzz_test: random patterns and strings (up to 31 bytes of 0..127) through
 * the glob matcher, which must neither throw nor recurse without bound. 1M rounds, not Redis's
 * 10M: about the second Redis's C loop takes, in JavaScript.
 */
function stringmatchFuzz(): number {
  const randomBytes = (n: number): string => {
    let out = '';
    for (let j = 0; j < n; j++) out += String.fromCharCode(Math.floor(Math.random() * 128));
    return out;
  };
  let matches = 0;
  for (let cycles = 1_000_000; cycles > 0; cycles--) {
    const str = randomBytes(Math.floor(Math.random() * 32));
    const pat = randomBytes(Math.floor(Math.random() * 32));
    if (globMatch(pat, str)) matches++;
  }
  return matches;
}

function debug(c: Client, argv: string[]): void {
  const s = c.server;
  const sub = argv[1]!.toLowerCase();
  if (sub === 'reload') {
    debugReload(c, argv);
  } else if (sub === 'help' && argv.length === 2) {
    c.addReplyHelp('debug', DEBUG_HELP);
  } else if (sub === 'digest' && argv.length === 2) {
    c.addReplyStatus(datasetDigest(s));
  } else if (sub === 'digest-value' && argv.length >= 2) {
    c.addReplyArrayLen(argv.length - 2);
    for (let i = 2; i < argv.length; i++) c.addReplyStatus(keyValueDigest(c.db, argv[i]!));
  } else if (sub === 'sleep' && argv.length === 3) {
    const secs = parseDouble(argv[2]!) ?? 0;
    // Redis blocks the whole server; so do we (a synchronous wait on the event loop thread).
    const ms = Math.max(0, Math.round(secs * 1000));
    if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    s.refreshNow();
    c.addReplyOk();
  } else if (sub === 'set-active-expire' && argv.length === 3) {
    s.activeExpireEnabled = argv[2] !== '0';
    c.addReplyOk();
  } else if (sub === 'object' && argv.length === 3) {
    const e = c.db.peek(argv[2]!);
    if (!e || c.db.isExpired(e)) {
      c.addReplyError(ERR.NOKEY);
      return;
    }
    const idle = Math.floor((s.now() - e.lru) / 1000);
    const enc = objectEncoding(e, s.config);
    let extra = '';
    if (e.type === 'list') {
      const n = (e.value as { length: number }).length;
      extra = ` ql_nodes:${n ? 1 : 0} ql_avg_node:${n.toFixed(2)} ql_listpack_max:${s.config.listMaxListpackSize} ql_compressed:0 ql_uncompressed_size:${entrySize(e)}`;
    }
    c.addReplyStatus(
      `Value at:0x${(0x7f0000000000 + e.pos * 64).toString(16)} refcount:${enc === 'int' && Number(e.value) < 10000 && Number(e.value) >= 0 ? 2147483647 : 1} encoding:${enc} serializedlength:${Math.max(1, entrySize(e) - 56)} lru:${Math.floor(e.lru / 1000) & 0xffffff} lru_seconds_idle:${idle}${extra}`,
    );
  } else if (sub === 'populate' && argv.length >= 3 && argv.length <= 5) {
    populate(c, argv);
  } else if (sub === 'protocol' && argv.length === 3) {
    protocol(c, argv[2]!.toLowerCase());
  } else if (sub === 'change-repl-id' && argv.length === 2) {
    s.log.warning('Changing replication IDs after receiving DEBUG change-repl-id');
    s.repl.changeReplicationId();
    s.repl.clearReplicationId2();
    c.addReplyOk();
  } else if (sub === 'replicate' && argv.length >= 3) {
    // A command straight into the replication stream (Redis's tests make replicas fail with it).
    feedCommand(s.repl, s.repl.seldb, argv.slice(2));
    c.addReplyOk();
  } else if (sub === 'quicklist-packed-threshold' && argv.length === 3) {
    quicklistPackedThreshold(c, argv[2]!);
  } else if (sub === 'stringmatch-test' && argv.length === 2) {
    stringmatchFuzz();
    c.addReplyStatus('Apparently Redis did not crash: test passed');
  } else if (sub === 'jmap' || sub.startsWith('mallctl')) {
    c.addReplyError(`DEBUG ${sub.toUpperCase()} is not supported by this server`);
  } else {
    syntaxError(c, argv);
  }
}

/** DEBUG POPULATE <count> [<prefix>] [<size>]: string keys prefix:N = value:N (padded or cut to size); existing keys kept. */
function populate(c: Client, argv: string[]): void {
  const keys = getPositiveLong(c, argv[2]!);
  if (keys === null) return;
  let size = 0;
  if (argv.length === 5) {
    const v = getPositiveLong(c, argv[4]!);
    if (v === null) return;
    size = v;
  }
  const prefix = argv.length >= 4 ? argv[3]! : 'key';
  const db = c.db;
  for (let j = 0; j < keys; j++) {
    const key = `${prefix}:${j}`;
    if (db.lookup(key, true) !== undefined) continue;
    const base = `value:${j}`;
    db.set(key, 'string', size === 0 ? base : base.slice(0, size).padEnd(size, '\0'));
    c.server.signalModifiedKey(db, key);
  }
  c.addReplyOk();
}

/** DEBUG PROTOCOL <type>: one reply of each RESP type, as Redis's (clients' protocol tests use it). */
function protocol(c: Client, name: string): void {
  const resp3 = c.resp >= 3;
  switch (name) {
    case 'string':
      return c.addReplyBulk('Hello World');
    case 'integer':
      return c.addReplyInt(12345);
    case 'double':
      return c.addReplyDouble(3.141);
    case 'bignum':
      return resp3 ? c.addReplyRaw('(1234567999999999999999999999999999999\r\n') : c.addReplyBulk('1234567999999999999999999999999999999');
    case 'null':
      return c.addReplyNull();
    case 'array':
    case 'set':
      if (name === 'array') c.addReplyArrayLen(3);
      else c.addReplySetLen(3);
      for (let j = 0; j < 3; j++) c.addReplyInt(j);
      return;
    case 'map':
      c.addReplyMapLen(3);
      for (let j = 0; j < 3; j++) {
        c.addReplyInt(j);
        c.addReplyBool(j === 1);
      }
      return;
    case 'attrib':
      if (resp3) {
        c.addReplyRaw('|1\r\n');
        c.addReplyBulk('key-popularity');
        c.addReplyArrayLen(2);
        c.addReplyBulk('key:123');
        c.addReplyInt(90);
      }
      return c.addReplyBulk('Some real reply following the attribute');
    case 'push':
      if (!resp3) return c.addReplyError('RESP2 is not supported by this command');
      c.addReplyPushLen(2);
      c.addReplyBulk('server-cpu-usage');
      c.addReplyInt(42);
      return c.addReplyBulk('Some real reply following the push reply');
    case 'true':
    case 'false':
      return c.addReplyBool(name === 'true');
    case 'verbatim':
      return c.addReplyVerbatim('This is a verbatim\nstring', 'txt');
    default:
      c.addReplyError(
        'Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
      );
  }
}

function memoryUsage(c: Client, argv: string[]): void {
  if (argv.length !== 3 && argv.length !== 5) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  if (argv.length === 5) {
    if (argv[3]!.toLowerCase() !== 'samples') {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
    const n = parseLL(argv[4]!);
    if (n === null) {
      c.addReplyError(ERR.NOT_INT);
      return;
    }
    if (n < 0) {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  const e = c.db.lookup(argv[2]!, true);
  if (!e) {
    c.addReplyNull();
    return;
  }
  c.addReplyInt(entrySize(e));
}

function memoryStats(c: Client): void {
  const s = c.server;
  const mem = s.memory;
  const used = mem.used();
  const fields: [string, number | string][] = [
    ['peak.allocated', mem.peak],
    ['total.allocated', used],
    ['startup.allocated', used - mem.dataset - mem.clientsMemory()],
    ['replication.backlog', 0],
    ['clients.slaves', 0],
    ['clients.normal', mem.clientsMemory()],
    ['cluster.links', 0],
    ['aof.buffer', 0],
    ['lua.caches', 0],
    ['functions.caches', 184],
  ];
  let keys = 0;
  const dbs: [string, number, number][] = [];
  for (const db of s.dbs) {
    if (!db.size) continue;
    keys += db.size;
    dbs.push([`db.${db.id}`, db.size * 56, db.expiresCount * 32]);
  }
  c.addReplyMapLen(fields.length + dbs.length + 8);
  for (const [k, v] of fields) {
    c.addReplyBulk(k);
    c.addReplyInt(Number(v));
  }
  for (const [k, a, b] of dbs) {
    c.addReplyBulk(k);
    c.addReplyMapLen(2);
    c.addReplyBulk('overhead.hashtable.main');
    c.addReplyInt(a);
    c.addReplyBulk('overhead.hashtable.expires');
    c.addReplyInt(b);
  }
  const overhead = used - mem.dataset;
  const rest: [string, number][] = [
    ['overhead.total', overhead],
    ['keys.count', keys],
    ['keys.bytes-per-key', keys ? Math.floor(mem.dataset / keys) : 0],
    ['dataset.bytes', mem.dataset],
  ];
  for (const [k, v] of rest) {
    c.addReplyBulk(k);
    c.addReplyInt(v);
  }
  c.addReplyBulk('dataset.percentage');
  c.addReplyDouble(used ? (mem.dataset * 100) / used : 0);
  c.addReplyBulk('peak.percentage');
  c.addReplyDouble(mem.peak ? (used * 100) / mem.peak : 100);
  c.addReplyBulk('fragmentation');
  c.addReplyDouble(1);
  c.addReplyBulk('fragmentation.bytes');
  c.addReplyInt(0);
}

function memoryDoctor(c: Client): void {
  const used = c.server.memory.used();
  if (used < 5 * 1024 * 1024) {
    c.addReplyVerbatim(
      "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.",
    );
  } else {
    c.addReplyVerbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");
  }
}

const MEMORY_HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

export const debugCommands: CommandSpec[] = [
  cmd('debug', -2, ['admin', 'noscript', 'loading', 'stale'], [0, 0, 0], 'server', 'A container for debugging commands', debug, {
    hint: 'subcommand [argument]',
  }),
  cmd('memory', -2, [], [0, 0, 0], 'server', 'A container for memory diagnostics commands', undefined, {
    since: '4.0.0',
    subcommands: [
      cmd('usage', -3, ['readonly'], [2, 2, 1], 'server', 'Estimate the memory usage of a key', memoryUsage, { since: '4.0.0', hint: 'key [SAMPLES count]' }),
      cmd('stats', 2, [], [0, 0, 0], 'server', 'Show memory usage details', memoryStats, { since: '4.0.0' }),
      cmd('doctor', 2, [], [0, 0, 0], 'server', 'Outputs memory problems report', memoryDoctor, { since: '4.0.0' }),
      cmd(
        'malloc-stats',
        2,
        [],
        [0, 0, 0],
        'server',
        'Show allocator internal stats',
        (c) => c.addReplyVerbatim('Stats not supported for the current allocator'),
        { since: '4.0.0' },
      ),
      cmd('purge', 2, [], [0, 0, 0], 'server', 'Ask the allocator to release memory', (c) => c.addReplyOk(), { since: '4.0.0' }),
      cmd(
        'help',
        2,
        ['loading', 'stale'],
        [0, 0, 0],
        'server',
        'Show helpful text about the different subcommands',
        (c) => c.addReplyHelp('memory', MEMORY_HELP),
        { since: '4.0.0' },
      ),
    ],
  }),
];
