import type { Client } from '../client.js';
import { BUSY_EVAL, BUSY_FUNCTION } from '../scripting/engine.js';
import type { Server } from '../server.js';
import { abortShutdown, prepareForShutdown, type ShutdownRequest } from '../shutdown.js';
import { parseLL } from '../util/numbers.js';
import { clientCommands } from './clientcmd.js';
import { commandCommands } from './commandcmd.js';
import { configCommands } from './configcmd.js';
import { debugCommands } from './debug.js';
import { infoCommands } from './info.js';
import { type CommandSpec, cmd } from './table.js';
import { touchWatchedKeysInDb } from './transactions.js';
import { ERR } from './util.js';

/**
 * Server commands: DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME, LASTSAVE, SHUTDOWN, MONITOR,
 * SLOWLOG, LATENCY, FUNCTION FLUSH; INFO, CONFIG, CLIENT, DEBUG/MEMORY and COMMAND live in
 * their own files and are exported from here together.
 */

// ---- FLUSHDB / FLUSHALL / SWAPDB ----

function flushFlags(c: Client, argv: string[]): boolean {
  if (argv.length > 2) {
    c.addReplyError(ERR.SYNTAX);
    return false;
  }
  if (argv.length === 2) {
    const f = argv[1]!.toLowerCase();
    if (f !== 'sync' && f !== 'async') {
      c.addReplyError(ERR.SYNTAX);
      return false;
    }
  }
  return true;
}

/** Empty databases (all when dbId is null), as Redis's emptyData: returns the keys removed. */
export function emptyData(s: Server, dbId: number | null): number {
  let removed = 0;
  for (const db of s.dbs) {
    if (dbId !== null && db.id !== dbId) continue;
    touchWatchedKeysInDb(s, db, null);
    removed += db.size;
    db.clear();
  }
  for (const f of s.hooks.flushed) f(dbId);
  s.memory.rescan();
  return removed;
}

function flushdb(c: Client, argv: string[]): void {
  if (!flushFlags(c, argv)) return;
  const s = c.server;
  s.dirty += emptyData(s, c.db.id);
  // Propagated even when the db was already empty (Redis forces it).
  s.alsoPropagate(c.db.id, argv);
  c.addReplyOk();
}

function flushall(c: Client, argv: string[]): void {
  if (!flushFlags(c, argv)) return;
  const s = c.server;
  s.dirty += emptyData(s, null);
  s.alsoPropagate(c.db.id, argv);
  s.dirty++;
  c.addReplyOk();
}

function swapdb(c: Client, argv: string[]): void {
  const s = c.server;
  if (s.config.clusterEnabled) {
    c.addReplyError('SWAPDB is not allowed in cluster mode');
    return;
  }
  const a = parseLL(argv[1]!);
  if (a === null) {
    c.addReplyError('invalid first DB index');
    return;
  }
  const b = parseLL(argv[2]!);
  if (b === null) {
    c.addReplyError('invalid second DB index');
    return;
  }
  if (a < 0 || a >= s.dbs.length || b < 0 || b >= s.dbs.length) {
    c.addReplyError(ERR.DB_RANGE);
    return;
  }
  if (a !== b) {
    const d1 = s.dbs[a]!;
    const d2 = s.dbs[b]!;
    touchWatchedKeysInDb(s, d1, d2);
    touchWatchedKeysInDb(s, d2, d1);
    d1.swapWith(d2);
    // Clients blocked on keys of either db may now be served (Redis's scanDatabaseForReadyKeys).
    for (const db of [d1, d2]) {
      const prefix = db.id + '\0';
      for (const id of s.blockingKeys.keys()) {
        if (id.startsWith(prefix) && db.dict.has(id.slice(prefix.length))) s.readyKeys.set(id, { db, key: id.slice(prefix.length) });
      }
    }
    s.memory.rescan();
  }
  s.dirty++;
  c.addReplyOk();
}

// ---- SHUTDOWN ----

function shutdownCmd(c: Client, argv: string[]): void {
  const s = c.server;
  const req: ShutdownRequest = { save: null, now: false, force: false };
  let abort = false;
  let save = false;
  let nosave = false;
  for (let i = 1; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    if (o === 'nosave') nosave = true;
    else if (o === 'save') save = true;
    else if (o === 'now') req.now = true;
    else if (o === 'force') req.force = true;
    else if (o === 'abort') abort = true;
    else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  // ABORT takes no other flag; SAVE and NOSAVE exclude each other.
  if ((abort && (save || nosave || req.now || req.force)) || (save && nosave)) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  if (abort) {
    if (abortShutdown(s)) c.addReplyOk();
    else c.addReplyError('No shutdown in progress.');
    return;
  }
  req.save = save ? true : nosave ? false : null;
  if (req.save !== false && (s.scripting.busy || s.functions.eng.busy)) {
    c.addReplyError(s.scripting.busy ? BUSY_EVAL : BUSY_FUNCTION);
    return;
  }
  c.flush();
  // The client stays blocked while the shutdown waits for replicas; the process exits when it ends.
  prepareForShutdown(s, req, c);
}

// ---- MONITOR ----

function monitor(c: Client): void {
  if (c.monitor) return;
  c.monitor = true;
  c.server.monitors.add(c);
  c.addReplyOk();
}

// ---- SLOWLOG ----

function slowlog(c: Client, argv: string[]): void {
  const s = c.server;
  const sub = argv[1]!.toLowerCase();
  const log = s.slowlog;
  if (sub === 'get' && argv.length <= 3) {
    let count = 10;
    if (argv.length === 3) {
      const v = parseLL(argv[2]!);
      if (v === null) {
        c.addReplyError(ERR.NOT_INT);
        return;
      }
      if (v < -1) {
        c.addReplyError('count should be greater than or equal to -1');
        return;
      }
      count = v === -1 ? log.entries.length : v;
    }
    const list = log.entries.slice(0, count);
    c.addReplyArrayLen(list.length);
    for (const e of list) {
      c.addReplyArrayLen(6);
      c.addReplyInt(e.id);
      c.addReplyInt(e.time);
      c.addReplyInt(e.usec);
      c.addReplyBulks(e.argv);
      c.addReplyBulk(e.addr);
      c.addReplyBulk(e.name);
    }
  } else {
    c.addReplyError(`unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try SLOWLOG HELP.`);
  }
}

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

// ---- LATENCY ----

function latencyLatest(c: Client): void {
  const m = c.server.latency.events;
  c.addReplyArrayLen(m.size);
  for (const [ev, ts] of m) {
    const last = ts.samples[ts.samples.length - 1]!;
    c.addReplyArrayLen(4);
    c.addReplyBulk(ev);
    c.addReplyInt(last.time);
    c.addReplyInt(last.latency);
    c.addReplyInt(ts.max);
  }
}

function latencyHistory(c: Client, argv: string[]): void {
  const ts = c.server.latency.events.get(argv[2]!);
  if (!ts) {
    c.addReplyArrayLen(0);
    return;
  }
  c.addReplyArrayLen(ts.samples.length);
  for (const s of ts.samples) {
    c.addReplyArrayLen(2);
    c.addReplyInt(s.time);
    c.addReplyInt(s.latency);
  }
}

function latencyReset(c: Client, argv: string[]): void {
  const m = c.server.latency.events;
  if (argv.length === 2) {
    const n = m.size;
    m.clear();
    c.addReplyInt(n);
    return;
  }
  let n = 0;
  for (let i = 2; i < argv.length; i++) if (m.delete(argv[i]!)) n++;
  c.addReplyInt(n);
}

function latencyDoctor(c: Client): void {
  const s = c.server;
  if (s.config.latencyMonitorThreshold <= 0) {
    c.addReplyVerbatim(
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n",
    );
    return;
  }
  const m = s.latency.events;
  if (m.size === 0) {
    c.addReplyVerbatim(
      "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep peacefully, it's all good, there is nothing to worry about.\n",
    );
    return;
  }
  let out = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  let i = 1;
  for (const [ev, ts] of m) {
    const avg = Math.round(ts.samples.reduce((a, b) => a + b.latency, 0) / ts.samples.length);
    out += `${i++}. ${ev}: ${ts.samples.length} latency spikes (average ${avg}ms, mean deviation 0ms, period 0 sec). Worst all time event ${ts.max}ms.\n`;
  }
  out += '\nI have a few advices for you:\n\n- Check your slow commands with SLOWLOG GET.\n';
  c.addReplyVerbatim(out);
}

const LATENCY_HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

const A: ['admin', 'noscript', 'loading', 'stale'] = ['admin', 'noscript', 'loading', 'stale'];

export const serverCommands: CommandSpec[] = [
  ...infoCommands,
  ...configCommands,
  ...clientCommands,
  ...debugCommands,
  ...commandCommands,
  cmd('dbsize', 1, ['readonly', 'fast'], [0, 0, 0], 'server', 'Return the number of keys in the selected database', (c) => c.addReplyInt(c.db.size), {
    acl: ['keyspace', 'read', 'fast'],
  }),
  cmd('flushdb', -1, ['write'], [0, 0, 0], 'server', 'Remove all keys from the current database', flushdb, {
    hint: '[ASYNC|SYNC]',
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
  }),
  cmd('flushall', -1, ['write'], [0, 0, 0], 'server', 'Remove all keys from all databases', flushall, {
    hint: '[ASYNC|SYNC]',
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
  }),
  cmd('swapdb', 3, ['write', 'fast'], [0, 0, 0], 'server', 'Swaps two Redis databases', swapdb, {
    since: '4.0.0',
    hint: 'index1 index2',
    acl: ['keyspace', 'write', 'fast', 'dangerous'],
  }),
  cmd(
    'time',
    1,
    ['loading', 'stale', 'fast'],
    [0, 0, 0],
    'server',
    'Return the current server time',
    (c) => {
      const us = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000));
      c.addReplyBulks([String(us / 1000000n), String(us % 1000000n)]);
    },
    { since: '2.6.0' },
  ),
  cmd(
    'lastsave',
    1,
    ['loading', 'stale', 'fast'],
    [0, 0, 0],
    'server',
    'Get the UNIX time stamp of the last successful save to disk',
    (c) => c.addReplyInt(c.server.lastSave),
    { acl: ['admin', 'fast', 'dangerous'] },
  ),
  cmd(
    'shutdown',
    -1,
    ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'sentinel', 'allow_busy'],
    [0, 0, 0],
    'server',
    'Synchronously save the dataset to disk and then shut down the server',
    shutdownCmd,
    {
      hint: '[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]',
    },
  ),
  cmd('monitor', 1, ['admin', 'noscript', 'loading', 'stale'], [0, 0, 0], 'server', 'Listen for all requests received by the server in real time', monitor),
  cmd('slowlog', -2, [], [0, 0, 0], 'server', 'A container for slow log commands', undefined, {
    since: '2.2.12',
    subcommands: [
      cmd('get', -2, A, [0, 0, 0], 'server', "Get the slow log's entries", slowlog, { since: '2.2.12', hint: '[count]' }),
      cmd('len', 2, A, [0, 0, 0], 'server', "Get the slow log's length", (c) => c.addReplyInt(c.server.slowlog.entries.length), { since: '2.2.12' }),
      cmd(
        'reset',
        2,
        A,
        [0, 0, 0],
        'server',
        'Clear all entries from the slow log',
        (c) => {
          c.server.slowlog.entries = [];
          c.addReplyOk();
        },
        { since: '2.2.12' },
      ),
      cmd(
        'help',
        2,
        ['loading', 'stale'],
        [0, 0, 0],
        'server',
        'Show helpful text about the different subcommands',
        (c) => c.addReplyHelp('slowlog', SLOWLOG_HELP),
        { since: '6.2.0' },
      ),
    ],
  }),
  cmd('latency', -2, [], [0, 0, 0], 'server', 'A container for latency diagnostics commands', undefined, {
    since: '2.8.13',
    subcommands: [
      cmd('latest', 2, A, [0, 0, 0], 'server', 'Return the latest latency samples for all events.', latencyLatest, { since: '2.8.13' }),
      cmd('history', 3, A, [0, 0, 0], 'server', 'Return timestamp-latency samples for the event.', latencyHistory, { since: '2.8.13', hint: 'event' }),
      cmd('reset', -2, A, [0, 0, 0], 'server', 'Reset latency data for one or more events.', latencyReset, { since: '2.8.13', hint: '[event [event ...]]' }),
      cmd('doctor', 2, A, [0, 0, 0], 'server', 'Return a human readable latency analysis report.', latencyDoctor, { since: '2.8.13' }),
      cmd(
        'help',
        2,
        ['loading', 'stale'],
        [0, 0, 0],
        'server',
        'Show helpful text about the different subcommands',
        (c) => c.addReplyHelp('latency', LATENCY_HELP),
        { since: '2.8.13' },
      ),
    ],
  }),
];
