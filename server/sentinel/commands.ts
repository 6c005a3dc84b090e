import type { Client } from '../client.js';
import { genInfo } from '../commands/info.js';
import { type CommandSpec, cmd } from '../commands/table.js';
import type { Server } from '../server.js';
import { globMatch } from '../util/glob.js';
import { parseLL } from '../util/numbers.js';
import { HELLO_CHANNEL, type SentinelBrain, SIMFAILURE_CRASH_AFTER_ELECTION, SIMFAILURE_CRASH_AFTER_PROMOTION } from './brain.js';
import { createInstanceError } from './directives.js';
import { failoverStateName, type Instance, LINK_STATUS_UP, SRI } from './instance.js';
import { shellOf } from './shell.js';
import { DEBUG_PARAMS } from './timing.js';

/**
 * The sentinel-mode command table: Redis keeps only the commands flagged for sentinel (AUTH,
 * CLIENT, COMMAND, HELLO, INFO, PING, ROLE, SHUTDOWN, the SUBSCRIBE family, PUBLISH) and adds
 * SENTINEL; INFO, ROLE and PUBLISH get their sentinel versions. Everything else answers
 * "unknown command", as redis-sentinel does.
 */

const KEPT = ['auth', 'client', 'command', 'hello', 'info', 'ping', 'psubscribe', 'publish', 'punsubscribe', 'role', 'shutdown', 'subscribe', 'unsubscribe'];

const HELP = [
  'CKQUORUM <master-name>',
  '    Check if the current Sentinel configuration is able to reach the quorum',
  '    needed to failover a master and the majority needed to authorize the',
  '    failover.',
  'CONFIG SET <param> <value>',
  '    Set a global Sentinel configuration parameter.',
  'CONFIG GET <param>',
  '    Get global Sentinel configuration parameter.',
  'DEBUG [<param> <value> ...]',
  '    Show a list of configurable time parameters and their values (milliseconds).',
  '    Or update current configurable parameters values (one or more).',
  'GET-MASTER-ADDR-BY-NAME <master-name>',
  '    Return the ip and port number of the master with that name.',
  'FAILOVER <master-name>',
  '    Manually failover a master node without asking for agreement from other',
  '    Sentinels',
  'FLUSHCONFIG',
  '    Force Sentinel to rewrite its configuration on disk, including the current',
  '    Sentinel state.',
  'INFO-CACHE <master-name>',
  '    Return last cached INFO output from masters and all its replicas.',
  'IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>',
  "    Check if the master specified by ip:port is down from current Sentinel's",
  '    point of view.',
  'MASTER <master-name>',
  '    Show the state and info of the specified master.',
  'MASTERS',
  '    Show a list of monitored masters and their state.',
  'MONITOR <name> <ip> <port> <quorum>',
  '    Start monitoring a new master with the specified name, ip, port and quorum.',
  'MYID',
  '    Return the ID of the Sentinel instance.',
  'PENDING-SCRIPTS',
  '    Get pending scripts information.',
  'REMOVE <master-name>',
  "    Remove master from Sentinel's monitor list.",
  'REPLICAS <master-name>',
  '    Show a list of replicas for this master and their state.',
  'RESET <pattern>',
  '    Reset masters for specific master name matching this pattern.',
  'SENTINELS <master-name>',
  '    Show a list of Sentinel instances for this master and their state.',
  'SET <master-name> <option> <value> [<option> <value> ...]',
  '    Set configuration parameters for certain masters.',
  'SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]',
  '    Simulate a Sentinel crash.',
];

const brainOf = (c: Client): SentinelBrain => shellOf(c.server).brain;

/** Flush the brain's outputs (events, links, saves) after a command changed its state. */
function settle(c: Client): void {
  shellOf(c.server).flush();
}

function flushConfigAndReply(c: Client): void {
  settle(c);
  if (shellOf(c.server).saveConfig()) c.addReplyOk();
  else c.addReplyError('Failed to save config file. Check server logs.');
}

function masterOrReply(c: Client, name: string): Instance | null {
  const ri = brainOf(c).masters.get(name);
  if (!ri) c.addReplyError('No such master with that name');
  return ri ?? null;
}

/** addReplySentinelRedisInstance: the field map SENTINEL MASTER/REPLICAS/SENTINELS show. */
function replyInstance(c: Client, b: SentinelBrain, ri: Instance, now: number): void {
  const f: [string, string | number][] = [];
  const link = ri.link;
  f.push(['name', ri.name], ['ip', b.announceAddr(ri.addr)], ['port', ri.addr.port], ['runid', ri.runid ?? '']);
  const flags: string[] = [];
  if (ri.flags & SRI.S_DOWN) flags.push('s_down');
  if (ri.flags & SRI.O_DOWN) flags.push('o_down');
  if (ri.flags & SRI.MASTER) flags.push('master');
  if (ri.flags & SRI.SLAVE) flags.push('slave');
  if (ri.flags & SRI.SENTINEL) flags.push('sentinel');
  if (link.disconnected) flags.push('disconnected');
  if (ri.flags & SRI.MASTER_DOWN) flags.push('master_down');
  if (ri.flags & SRI.FAILOVER_IN_PROGRESS) flags.push('failover_in_progress');
  if (ri.flags & SRI.PROMOTED) flags.push('promoted');
  if (ri.flags & SRI.RECONF_SENT) flags.push('reconf_sent');
  if (ri.flags & SRI.RECONF_INPROG) flags.push('reconf_inprog');
  if (ri.flags & SRI.RECONF_DONE) flags.push('reconf_done');
  if (ri.flags & SRI.FORCE_FAILOVER) flags.push('force_failover');
  if (ri.flags & SRI.SCRIPT_KILL_SENT) flags.push('script_kill_sent');
  f.push(['flags', flags.join(',')], ['link-pending-commands', link.pendingCommands], ['link-refcount', 1]);
  if (ri.flags & SRI.FAILOVER_IN_PROGRESS) f.push(['failover-state', failoverStateName(ri.failoverState)]);
  f.push(
    ['last-ping-sent', link.actPingTime ? now - link.actPingTime : 0],
    ['last-ok-ping-reply', now - link.lastAvailTime],
    ['last-ping-reply', now - link.lastPongTime],
  );
  if (ri.flags & SRI.S_DOWN) f.push(['s-down-time', now - ri.sDownSinceTime]);
  if (ri.flags & SRI.O_DOWN) f.push(['o-down-time', now - ri.oDownSinceTime]);
  f.push(['down-after-milliseconds', ri.downAfterPeriod]);
  if (ri.flags & (SRI.MASTER | SRI.SLAVE)) {
    f.push(
      ['info-refresh', ri.infoRefresh ? now - ri.infoRefresh : 0],
      ['role-reported', ri.roleReported === SRI.MASTER ? 'master' : 'slave'],
      ['role-reported-time', now - ri.roleReportedTime],
    );
  }
  if (ri.flags & SRI.MASTER) {
    f.push(
      ['config-epoch', ri.configEpoch],
      ['num-slaves', ri.slaves.size],
      ['num-other-sentinels', ri.sentinels.size],
      ['quorum', ri.quorum],
      ['failover-timeout', ri.failoverTimeout],
      ['parallel-syncs', ri.parallelSyncs],
    );
    if (ri.notificationScript) f.push(['notification-script', ri.notificationScript]);
    if (ri.clientReconfigScript) f.push(['client-reconfig-script', ri.clientReconfigScript]);
  }
  if (ri.flags & SRI.SLAVE) {
    f.push(
      ['master-link-down-time', ri.masterLinkDownTime],
      ['master-link-status', ri.slaveMasterLinkStatus === LINK_STATUS_UP ? 'ok' : 'err'],
      ['master-host', ri.slaveMasterHost ?? '?'],
      ['master-port', ri.slaveMasterPort],
      ['slave-priority', ri.slavePriority],
      ['slave-repl-offset', ri.slaveReplOffset],
      ['replica-announced', ri.replicaAnnounced],
    );
  }
  if (ri.flags & SRI.SENTINEL) {
    f.push(['last-hello-message', now - ri.lastHelloTime], ['voted-leader', ri.leader ?? '?'], ['voted-leader-epoch', ri.leaderEpoch]);
  }
  c.addReplyMapLen(f.length);
  for (const [k, v] of f) {
    c.addReplyBulk(k);
    c.addReplyBulk(String(v));
  }
}

function replyInstances(c: Client, b: SentinelBrain, instances: Iterable<Instance>): void {
  const list = [...instances].filter((ri) => !(ri.flags & SRI.SLAVE && !ri.replicaAnnounced));
  const now = Date.now();
  c.addReplyArrayLen(list.length);
  for (const ri of list) replyInstance(c, b, ri, now);
}

/** sentinelIsQuorumReachable. */
function quorumReachable(master: Instance): { usable: number; noQuorum: boolean; noAuth: boolean } {
  let usable = 1;
  const voters = master.sentinels.size + 1;
  for (const ri of master.sentinels.values()) if (!(ri.flags & (SRI.S_DOWN | SRI.O_DOWN))) usable++;
  return { usable, noQuorum: usable < master.quorum, noAuth: usable < Math.floor(voters / 2) + 1 };
}

function getLong(c: Client, s: string, err?: string): number | null {
  const n = parseLL(s);
  if (n === null) c.addReplyError(err ?? 'value is not an integer or out of range');
  return n;
}

function isMasterDownByAddr(c: Client, argv: string[]): void {
  const port = getLong(c, argv[3]!);
  if (port === null) return;
  const epoch = getLong(c, argv[4]!);
  if (epoch === null) return;
  const b = brainOf(c);
  const r = b.isMasterDownByAddr(Date.now(), argv[2]!, port, epoch, argv[5]!);
  settle(c);
  c.addReplyArrayLen(3);
  c.addReplyInt(r.down ? 1 : 0);
  c.addReplyBulk(r.leader ?? '*');
  c.addReplyInt(r.epoch);
}

function monitor(c: Client, argv: string[]): void {
  const quorum = getLong(c, argv[5]!, 'Invalid quorum');
  if (quorum === null) return;
  const port = getLong(c, argv[4]!, 'Invalid port');
  if (port === null) return;
  if (quorum <= 0) {
    c.addReplyError('Quorum must be 1 or greater.');
    return;
  }
  const b = brainOf(c);
  b.now = Date.now();
  const addr = b.createAddr(argv[3]!, 0, false);
  if (typeof addr === 'string') {
    settle(c);
    c.addReplyError('Invalid IP address or hostname specified');
    return;
  }
  const ri = b.createInstance(argv[2]!, SRI.MASTER, argv[3]!, port, quorum, null);
  if (typeof ri === 'string') {
    c.addReplyError(createInstanceError(ri, SRI.MASTER));
    return;
  }
  flushConfigAndReply(c);
  b.event('warning', '+monitor', ri, ` quorum ${ri.quorum}`);
  settle(c);
}

function infoCache(c: Client, argv: string[]): void {
  const b = brainOf(c);
  const now = Date.now();
  let masters = [...b.masters.values()];
  if (argv.length > 2) {
    const want = new Set(argv.slice(2));
    masters = masters.filter((m) => want.has(m.name));
  }
  c.addReplyArrayLen(masters.length * 2);
  for (const m of masters) {
    c.addReplyBulk(m.name);
    c.addReplyArrayLen(m.slaves.size + 1);
    c.addReplyArrayLen(2);
    c.addReplyInt(m.infoRefresh ? now - m.infoRefresh : 0);
    c.addReplyBulkOrNull(m.info);
    for (const s of m.slaves.values()) {
      c.addReplyArrayLen(2);
      // As Redis: the master's info_refresh decides whether the age is shown.
      c.addReplyInt(m.infoRefresh ? now - s.infoRefresh : 0);
      c.addReplyBulkOrNull(s.info);
    }
  }
}

function simulateFailure(c: Client, argv: string[]): void {
  const b = brainOf(c);
  b.simFailureFlags = 0;
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j]!.toLowerCase();
    if (a === 'crash-after-election') {
      b.simFailureFlags |= SIMFAILURE_CRASH_AFTER_ELECTION;
      c.server.log.warning('Failure simulation: this Sentinel will crash after being successfully elected as failover leader');
    } else if (a === 'crash-after-promotion') {
      b.simFailureFlags |= SIMFAILURE_CRASH_AFTER_PROMOTION;
      c.server.log.warning('Failure simulation: this Sentinel will crash after promoting the selected replica to master');
    } else if (a === 'help') {
      c.addReplyBulks(['crash-after-election', 'crash-after-promotion']);
      return;
    } else {
      c.addReplyError('Unknown failure simulation specified');
      return;
    }
  }
  c.addReplyOk();
}

function debug(c: Client, argv: string[]): void {
  const b = brainOf(c);
  if (argv.length === 2) {
    c.addReplyMapLen(DEBUG_PARAMS.length);
    for (const [name, key] of DEBUG_PARAMS) {
      c.addReplyBulk(name.toUpperCase());
      c.addReplyBulk(String(b.timing[key]));
    }
    return;
  }
  for (let j = 2; j < argv.length; j++) {
    const option = argv[j]!;
    const param = DEBUG_PARAMS.find(([n]) => n === option.toLowerCase());
    if (!param || j + 1 >= argv.length) {
      c.addReplyError(`Unknown option or number of arguments for SENTINEL DEBUG '${option}'`);
      return;
    }
    const v = parseLL(argv[++j]!);
    if (v === null || v <= 0) {
      c.addReplyError(`Invalid argument '${argv[j]}' for SENTINEL DEBUG '${option}'`);
      return;
    }
    b.timing[param[1]] = v;
  }
  c.addReplyOk();
}

function configSubcommand(c: Client, argv: string[]): void {
  const sub = argv[2]!.toLowerCase();
  if (sub === 'set' && argv.length === 5) configSet(c, argv[3]!, argv[4]!);
  else if (sub === 'get' && argv.length === 4) configGet(c, argv[3]!);
  else c.addReplyError('Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.');
}

function configSet(c: Client, option: string, value: string): void {
  const b = brainOf(c);
  const o = option.toLowerCase();
  const yesno = (): boolean | null => (value.toLowerCase() === 'yes' ? true : value.toLowerCase() === 'no' ? false : null);
  const badfmt = (): void => c.addReplyError(`Invalid value '${value}' to SENTINEL CONFIG SET '${option}'`);
  let dropConns = false;
  if (o === 'resolve-hostnames' || o === 'announce-hostnames') {
    const v = yesno();
    if (v === null) return badfmt();
    if (o === 'resolve-hostnames') b.resolveHostnames = v;
    else b.announceHostnames = v;
  } else if (o === 'announce-ip') {
    b.announceIp = value;
  } else if (o === 'announce-port') {
    const v = parseLL(value);
    if (v === null || v < 0 || v > 65535) return badfmt();
    b.announcePort = v;
  } else if (o === 'sentinel-user') {
    b.sentinelAuthUser = value === '' ? null : value;
    dropConns = true;
  } else if (o === 'sentinel-pass') {
    b.sentinelAuthPass = value === '' ? null : value;
    dropConns = true;
  } else {
    c.addReplyError(`Invalid argument '${option}' to SENTINEL CONFIG SET`);
    return;
  }
  flushConfigAndReply(c);
  if (dropConns) {
    b.dropSentinelConnections();
    settle(c);
  }
}

function configGet(c: Client, pattern: string): void {
  const b = brainOf(c);
  const all: [string, string][] = [
    ['resolve-hostnames', b.resolveHostnames ? 'yes' : 'no'],
    ['announce-hostnames', b.announceHostnames ? 'yes' : 'no'],
    ['announce-ip', b.announceIp ?? ''],
    ['announce-port', String(b.announcePort)],
    ['sentinel-user', b.sentinelAuthUser ?? ''],
    ['sentinel-pass', b.sentinelAuthPass ?? ''],
  ];
  const hits = all.filter(([k]) => globMatch(pattern, k, true));
  c.addReplyMapLen(hits.length);
  for (const [k, v] of hits) {
    c.addReplyBulk(k);
    c.addReplyBulk(v);
  }
}

/** SENTINEL SET <master> <option> <value> [...]: Redis's option names, checks and +set events. */
function set(c: Client, argv: string[]): void {
  const b = brainOf(c);
  const ri = masterOrReply(c, argv[2]!);
  if (!ri) return;
  let changes = 0;
  const finish = (): void => {
    if (changes) shellOf(c.server).saveConfig();
    settle(c);
  };
  for (let j = 3; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const option = argv[j]!;
    const o = option.toLowerCase();
    const oldJ = j;
    let redacted = false;
    const badfmt = (at: number): void => {
      c.addReplyError(`Invalid argument '${argv[at]}' for SENTINEL SET '${option}'`);
      finish();
    };
    const positive = (): number | null => {
      const v = parseLL(argv[++j]!);
      return v === null || v <= 0 ? null : v;
    };
    if (o === 'down-after-milliseconds' && moreargs > 0) {
      const v = positive();
      if (v === null) return badfmt(j);
      ri.downAfterPeriod = v;
      b.propagateDownAfterPeriod(ri);
    } else if (o === 'failover-timeout' && moreargs > 0) {
      const v = positive();
      if (v === null) return badfmt(j);
      ri.failoverTimeout = v;
    } else if (o === 'parallel-syncs' && moreargs > 0) {
      const v = positive();
      if (v === null) return badfmt(j);
      ri.parallelSyncs = v;
    } else if ((o === 'notification-script' || o === 'client-reconfig-script') && moreargs > 0) {
      const value = argv[++j]!;
      if (b.denyScriptsReconfig) {
        c.addReplyError(
          'Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration',
        );
        return finish();
      }
      if (value.length && !isExecutable(value)) {
        c.addReplyError(
          o === 'notification-script'
            ? 'Notification script seems non existing or non executable'
            : 'Client reconfiguration script seems non existing or non executable',
        );
        return finish();
      }
      if (o === 'notification-script') ri.notificationScript = value || null;
      else ri.clientReconfigScript = value || null;
    } else if (o === 'auth-pass' && moreargs > 0) {
      const value = argv[++j]!;
      ri.authPass = value || null;
      b.dropInstanceConnections(ri);
      redacted = true;
    } else if (o === 'auth-user' && moreargs > 0) {
      const value = argv[++j]!;
      ri.authUser = value || null;
      b.dropInstanceConnections(ri);
    } else if (o === 'quorum' && moreargs > 0) {
      const v = positive();
      if (v === null) return badfmt(j);
      ri.quorum = v;
    } else if (o === 'rename-command' && moreargs > 1) {
      const oldname = argv[++j]!;
      const newname = argv[++j]!;
      if (oldname.length === 0 || newname.length === 0) return badfmt(newname.length ? j - 1 : j);
      ri.renamedCommands.delete(oldname.toLowerCase());
      if (oldname.toLowerCase() !== newname.toLowerCase()) ri.renamedCommands.set(oldname.toLowerCase(), newname);
    } else if (o === 'master-reboot-down-after-period' && moreargs > 0) {
      const v = parseLL(argv[++j]!);
      if (v === null || v < 0) return badfmt(j);
      ri.masterRebootDownAfterPeriod = v;
    } else {
      c.addReplyError(`Unknown option or number of arguments for SENTINEL SET '${option}'`);
      return finish();
    }
    changes++;
    const n = j - oldJ + 1;
    if (n === 2) b.event('warning', '+set', ri, ` ${argv[oldJ]} ${redacted ? '******' : argv[oldJ + 1]}`);
    else if (n === 3) b.event('warning', '+set', ri, ` ${argv[oldJ]} ${argv[oldJ + 1]} ${argv[oldJ + 2]}`);
    else b.event('warning', '+set', ri, ` ${argv[oldJ]}`);
  }
  settle(c);
  if (changes) flushConfigAndReply(c);
}

let isExecutable = (_path: string): boolean => false;
/** The shell's access(X_OK) check, injected by start.ts (keeps this file free of fs). */
export function setExecutableCheck(f: (path: string) => boolean): void {
  isExecutable = f;
}

function sentinel(c: Client, argv: string[]): void {
  const sub = argv[1]!.toLowerCase();
  const b = brainOf(c);
  switch (sub) {
    case 'help':
      c.addReplyHelp('sentinel', HELP);
      return;
    case 'masters':
      replyInstances(c, b, b.masters.values());
      return;
    case 'master': {
      const ri = masterOrReply(c, argv[2]!);
      if (ri) replyInstance(c, b, ri, Date.now());
      return;
    }
    case 'slaves':
    case 'replicas': {
      const ri = masterOrReply(c, argv[2]!);
      if (ri) replyInstances(c, b, ri.slaves.values());
      return;
    }
    case 'sentinels': {
      const ri = masterOrReply(c, argv[2]!);
      if (ri) replyInstances(c, b, ri.sentinels.values());
      return;
    }
    case 'myid':
      c.addReplyBulk(b.myid);
      return;
    case 'is-master-down-by-addr':
      isMasterDownByAddr(c, argv);
      return;
    case 'reset':
      c.addReplyInt(b.resetMastersByPattern(argv[2]!, (p, s) => globMatch(p, s)));
      settle(c);
      return;
    case 'get-master-addr-by-name': {
      const ri = b.masters.get(argv[2]!);
      if (!ri) {
        c.addReplyNullArray();
        return;
      }
      const a = b.currentMasterAddress(ri);
      c.addReplyArrayLen(2);
      c.addReplyBulk(b.announceAddr(a));
      c.addReplyBulk(String(a.port));
      return;
    }
    case 'failover': {
      const ri = masterOrReply(c, argv[2]!);
      if (!ri) return;
      const err = b.forceFailover(Date.now(), ri);
      settle(c);
      if (err) c.addReplyError(err);
      else c.addReplyOk();
      return;
    }
    case 'pending-scripts':
      c.addReplyArrayLen(0);
      return;
    case 'monitor':
      monitor(c, argv);
      return;
    case 'flushconfig':
      flushConfigAndReply(c);
      return;
    case 'remove': {
      const ri = masterOrReply(c, argv[2]!);
      if (!ri) return;
      b.removeMaster(ri);
      flushConfigAndReply(c);
      return;
    }
    case 'ckquorum': {
      const ri = masterOrReply(c, argv[2]!);
      if (!ri) return;
      const q = quorumReachable(ri);
      if (!q.noQuorum && !q.noAuth) {
        c.addReplyRaw(`+OK ${q.usable} usable Sentinels. Quorum and failover authorization can be reached\r\n`);
        return;
      }
      let e = `-NOQUORUM ${q.usable} usable Sentinels. `;
      if (q.noQuorum) e += 'Not enough available Sentinels to reach the specified quorum for this master';
      if (q.noAuth) {
        if (q.noQuorum) e += '. ';
        e += 'Not enough available Sentinels to reach the majority and authorize a failover';
      }
      c.addReplyError(e);
      return;
    }
    case 'set':
      set(c, argv);
      return;
    case 'config':
      configSubcommand(c, argv);
      return;
    case 'info-cache':
      infoCache(c, argv);
      return;
    case 'simulate-failure':
      simulateFailure(c, argv);
      return;
    case 'debug':
      debug(c, argv);
      return;
  }
  c.addReplySubcommandSyntaxError(argv);
}

/** INFO in sentinel mode: server, clients, cpu, stats and the sentinel section. */
function sentinelInfo(c: Client, argv: string[]): void {
  const supported = ['server', 'clients', 'cpu', 'stats', 'sentinel'];
  let wanted = argv.slice(1).map((a) => a.toLowerCase());
  if (wanted.length === 0 || wanted.some((w) => w === 'all' || w === 'everything' || w === 'default')) wanted = supported;
  wanted = wanted.filter((w) => supported.includes(w));
  let text = wanted.length ? genInfo(c.server, wanted) : '';
  text = text.replace('redis_mode:standalone', 'redis_mode:sentinel');
  c.addReplyVerbatim(text);
}

/** The `# Sentinel` INFO lines. */
export function sentinelInfoLines(b: SentinelBrain, now: number): string[] {
  const lines = [
    `sentinel_masters:${b.masters.size}`,
    `sentinel_tilt:${b.tilt ? 1 : 0}`,
    `sentinel_tilt_since_seconds:${b.tilt ? Math.floor((now - b.tiltStartTime) / 1000) : -1}`,
    'sentinel_running_scripts:0',
    'sentinel_scripts_queue_length:0',
    `sentinel_simulate_failure_flags:${b.simFailureFlags}`,
  ];
  let i = 0;
  for (const ri of b.masters.values()) {
    const status = ri.flags & SRI.O_DOWN ? 'odown' : ri.flags & SRI.S_DOWN ? 'sdown' : 'ok';
    lines.push(
      `master${i++}:name=${ri.name},status=${status},address=${b.announceAddr(ri.addr)}:${ri.addr.port},slaves=${ri.slaves.size},sentinels=${ri.sentinels.size + 1}`,
    );
  }
  return lines;
}

function sentinelRole(c: Client): void {
  const b = brainOf(c);
  c.addReplyArrayLen(2);
  c.addReplyBulk('sentinel');
  c.addReplyBulks([...b.masters.keys()]);
}

/** PUBLISH in sentinel mode only accepts hello messages (how sentinels reach each other directly). */
function sentinelPublish(c: Client, argv: string[]): void {
  if (argv[1] !== HELLO_CHANNEL) {
    c.addReplyError('Only HELLO messages are accepted by Sentinel instances.');
    return;
  }
  const b = brainOf(c);
  b.now = Date.now();
  b.processHelloMessage(argv[2]!);
  settle(c);
  c.addReplyInt(1);
}

const A: ['admin', 'sentinel'] = ['admin', 'sentinel'];
const sub = (name: string, arity: number, summary: string, flags: CommandSpec['flags'] = A): CommandSpec =>
  cmd(name, arity, flags, [0, 0, 0], 'sentinel', summary, sentinel, { since: '2.8.4' });

const sentinelSpec = cmd('sentinel', -2, ['admin', 'sentinel'], [0, 0, 0], 'sentinel', 'A container for Sentinel commands', undefined, {
  since: '2.8.4',
  subcommands: [
    sub('ckquorum', 3, 'Check for a Sentinel quorum'),
    sub('config', -3, 'Configure Sentinel'),
    sub('debug', -2, 'List or update the current configurable parameters'),
    sub('failover', 3, 'Force a failover'),
    sub('flushconfig', 2, 'Rewrite configuration file'),
    sub('get-master-addr-by-name', 3, 'Get port and address of a master'),
    sub('help', 2, 'Show helpful text about the different subcommands', ['loading', 'stale', 'sentinel']),
    sub('info-cache', -3, 'Get cached INFO from the instances in the deployment'),
    sub('is-master-down-by-addr', 6, 'Check if a master is down'),
    sub('master', 3, 'Shows the state of a master'),
    sub('masters', 2, 'List the monitored masters'),
    sub('monitor', 6, 'Start monitoring'),
    sub('myid', 2, 'Get the Sentinel instance ID'),
    sub('pending-scripts', 2, 'Get information about pending scripts'),
    sub('remove', 3, 'Stop monitoring'),
    sub('replicas', 3, 'List the monitored replicas'),
    sub('reset', 3, 'Reset masters by name pattern'),
    sub('sentinels', 3, 'List the Sentinel instances'),
    sub('set', -5, 'Change the configuration of a monitored master'),
    sub('simulate-failure', -3, 'Simulate failover scenarios'),
    sub('slaves', 3, 'List the monitored slaves'),
  ],
});

/** Turn the server's command table into the sentinel one. */
export function installSentinelCommands(server: Server): void {
  const table = server.commands;
  for (const spec of table.all()) if (!KEPT.includes(spec.name)) table.remove(spec.name);
  const override = (name: string, handler: (c: Client, argv: string[]) => void): void => {
    const spec = table.get(name);
    if (!spec) return;
    table.remove(name);
    table.add([{ ...spec, handler, cflags: undefined }]);
  };
  override('info', sentinelInfo);
  override('role', sentinelRole);
  override('publish', sentinelPublish);
  table.add([sentinelSpec]);
}
