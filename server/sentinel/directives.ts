import type { SentinelBrain } from './brain.js';
import { type Instance, SRI } from './instance.js';

/**
 * The `sentinel ...` lines of a sentinel config file, both ways: applying them at startup
 * (sentinelHandleConfiguration, in Redis's three passes so that `monitor` comes after the global
 * options it depends on and before the per-master ones) and producing them for the rewrite
 * (rewriteConfigSentinelOption), with Redis's texts and defaults.
 */

/** Options applied before the `monitor` lines, whatever their place in the file. */
const PRE_MONITOR = [
  'announce-ip',
  'announce-port',
  'deny-scripts-reconfig',
  'sentinel-user',
  'sentinel-pass',
  'current-epoch',
  'myid',
  'resolve-hostnames',
  'announce-hostnames',
];

export interface QueuedDirective {
  argv: string[];
  lineNo: number;
  line: string;
}

/** Order queued `sentinel` lines as Redis loads them: pre-monitor options, monitors, the rest. */
export function orderDirectives(queue: QueuedDirective[]): QueuedDirective[] {
  const kind = (d: QueuedDirective): number => {
    const name = d.argv[0]!.toLowerCase();
    if (name === 'monitor') return 1;
    return PRE_MONITOR.includes(name) ? 0 : 2;
  };
  return [...queue.filter((d) => kind(d) === 0), ...queue.filter((d) => kind(d) === 1), ...queue.filter((d) => kind(d) === 2)];
}

/** errno-like codes of createInstance → Redis's texts (sentinelCheckCreateInstanceErrors). */
export function createInstanceError(code: 'EBUSY' | 'ENOENT' | 'EINVAL', role: number): string {
  if (code === 'EBUSY') {
    if (role === SRI.MASTER) return 'Duplicate master name.';
    if (role === SRI.SLAVE) return 'Duplicate hostname and port for replica.';
    return 'Duplicate runid for sentinel.';
  }
  if (code === 'ENOENT') return "Can't resolve instance hostname.";
  return 'Invalid port number.';
}

function yesNo(v: string): boolean | null {
  const l = v.toLowerCase();
  return l === 'yes' ? true : l === 'no' ? false : null;
}

/** C atoi. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

/** strtoull(s, NULL, 10) for epochs. */
function strtoull(s: string): number {
  const m = /^\s*\+?(\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

export interface DirectiveEnv {
  /** access(path, X_OK) for the script options. */
  isExecutable: (path: string) => boolean;
}

/** Apply one `sentinel <argv...>` line; returns Redis's error text or null. */
export function applyDirective(b: SentinelBrain, argv: string[], env: DirectiveEnv): string | null {
  const name = argv[0]!.toLowerCase();
  const argc = argv.length;
  const master = (): Instance | null => b.masters.get(argv[1]!) ?? null;
  const NO_MASTER = 'No such master with specified name.';
  if (name === 'monitor' && argc === 5) {
    const quorum = atoi(argv[4]!);
    if (quorum <= 0) return 'Quorum must be 1 or greater.';
    const ri = b.createInstance(argv[1]!, SRI.MASTER, argv[2]!, atoi(argv[3]!), quorum, null);
    if (typeof ri === 'string') return createInstanceError(ri, SRI.MASTER);
  } else if (name === 'down-after-milliseconds' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    ri.downAfterPeriod = atoi(argv[2]!);
    if (ri.downAfterPeriod <= 0) return 'negative or zero time parameter.';
    b.propagateDownAfterPeriod(ri);
  } else if (name === 'failover-timeout' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    ri.failoverTimeout = atoi(argv[2]!);
    if (ri.failoverTimeout <= 0) return 'negative or zero time parameter.';
  } else if (name === 'parallel-syncs' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    ri.parallelSyncs = atoi(argv[2]!);
  } else if (name === 'notification-script' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    if (!env.isExecutable(argv[2]!)) return 'Notification script seems non existing or non executable.';
    ri.notificationScript = argv[2]!;
  } else if (name === 'client-reconfig-script' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    if (!env.isExecutable(argv[2]!)) return 'Client reconfiguration script seems non existing or non executable.';
    ri.clientReconfigScript = argv[2]!;
  } else if (name === 'auth-pass' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    ri.authPass = argv[2]!;
  } else if (name === 'auth-user' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    ri.authUser = argv[2]!;
  } else if (name === 'current-epoch' && argc === 2) {
    const e = strtoull(argv[1]!);
    if (e > b.currentEpoch) b.currentEpoch = e;
  } else if (name === 'myid' && argc === 2) {
    if (argv[1]!.length !== 40) return 'Malformed Sentinel id in myid option.';
    b.myid = argv[1]!;
  } else if (name === 'config-epoch' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    ri.configEpoch = strtoull(argv[2]!);
    if (ri.configEpoch > b.currentEpoch) b.currentEpoch = ri.configEpoch;
  } else if (name === 'leader-epoch' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    ri.leaderEpoch = strtoull(argv[2]!);
  } else if ((name === 'known-slave' || name === 'known-replica') && argc === 4) {
    const ri = master();
    if (!ri) return NO_MASTER;
    const s = b.createInstance(null, SRI.SLAVE, argv[2]!, atoi(argv[3]!), ri.quorum, ri);
    if (typeof s === 'string') return createInstanceError(s, SRI.SLAVE);
  } else if (name === 'known-sentinel' && (argc === 4 || argc === 5)) {
    if (argc === 5) {
      // The old form without run id is ignored, as in Redis.
      const ri = master();
      if (!ri) return NO_MASTER;
      const si = b.createInstance(argv[4]!, SRI.SENTINEL, argv[2]!, atoi(argv[3]!), ri.quorum, ri);
      if (typeof si === 'string') return createInstanceError(si, SRI.SENTINEL);
      si.runid = argv[4]!;
    }
  } else if (name === 'rename-command' && argc === 4) {
    const ri = master();
    if (!ri) return NO_MASTER;
    const key = argv[2]!.toLowerCase();
    if (ri.renamedCommands.has(key)) return 'Same command renamed multiple times with rename-command.';
    ri.renamedCommands.set(key, argv[3]!);
  } else if (name === 'announce-ip' && argc === 2) {
    if (argv[1]!.length) b.announceIp = argv[1]!;
  } else if (name === 'announce-port' && argc === 2) {
    b.announcePort = atoi(argv[1]!);
  } else if (name === 'deny-scripts-reconfig' && argc === 2) {
    const v = yesNo(argv[1]!);
    if (v === null) return 'Please specify yes or no for the deny-scripts-reconfig options.';
    b.denyScriptsReconfig = v;
  } else if (name === 'sentinel-user' && argc === 2) {
    if (argv[1]!.length) b.sentinelAuthUser = argv[1]!;
  } else if (name === 'sentinel-pass' && argc === 2) {
    if (argv[1]!.length) b.sentinelAuthPass = argv[1]!;
  } else if (name === 'resolve-hostnames' && argc === 2) {
    const v = yesNo(argv[1]!);
    if (v === null) return 'Please specify yes or no for the resolve-hostnames option.';
    b.resolveHostnames = v;
  } else if (name === 'announce-hostnames' && argc === 2) {
    const v = yesNo(argv[1]!);
    if (v === null) return 'Please specify yes or no for the announce-hostnames option.';
    b.announceHostnames = v;
  } else if (name === 'master-reboot-down-after-period' && argc === 3) {
    const ri = master();
    if (!ri) return NO_MASTER;
    ri.masterRebootDownAfterPeriod = atoi(argv[2]!);
    if (ri.masterRebootDownAfterPeriod < 0) return 'negative time parameter.';
  } else {
    return 'Unrecognized sentinel configuration statement.';
  }
  return null;
}

/** One line the rewrite emits: the option it belongs to ("sentinel monitor"), the text, and whether to append it when the file has no such line. */
export interface RewriteLine {
  option: string;
  line: string;
  force: boolean;
}

/** Options the rewrite owns even when it emits no line for them (their old lines are dropped). */
export const SENTINEL_REWRITTEN_OPTIONS = [
  'sentinel myid',
  'sentinel deny-scripts-reconfig',
  'sentinel resolve-hostnames',
  'sentinel announce-hostnames',
  'sentinel monitor',
  'sentinel down-after-milliseconds',
  'sentinel failover-timeout',
  'sentinel parallel-syncs',
  'sentinel notification-script',
  'sentinel client-reconfig-script',
  'sentinel auth-pass',
  'sentinel auth-user',
  'sentinel config-epoch',
  'sentinel leader-epoch',
  'sentinel known-replica',
  'sentinel known-sentinel',
  'sentinel rename-command',
  'sentinel master-reboot-down-after-period',
  'sentinel current-epoch',
  'sentinel announce-ip',
  'sentinel announce-port',
  'sentinel sentinel-user',
  'sentinel sentinel-pass',
];

/** rewriteConfigSentinelOption: the state a sentinel persists, in Redis's order. */
export function sentinelRewriteLines(b: SentinelBrain, quote: (s: string) => string): RewriteLine[] {
  const out: RewriteLine[] = [];
  const add = (option: string, line: string, force = true): void => {
    out.push({ option, line, force });
  };
  add('sentinel myid', `sentinel myid ${b.myid}`);
  add('sentinel deny-scripts-reconfig', `sentinel deny-scripts-reconfig ${b.denyScriptsReconfig ? 'yes' : 'no'}`, !b.denyScriptsReconfig);
  add('sentinel resolve-hostnames', `sentinel resolve-hostnames ${b.resolveHostnames ? 'yes' : 'no'}`, b.resolveHostnames);
  add('sentinel announce-hostnames', `sentinel announce-hostnames ${b.announceHostnames ? 'yes' : 'no'}`, b.announceHostnames);
  for (const m of b.masters.values()) {
    const maddr = b.currentMasterAddress(m);
    add('sentinel monitor', `sentinel monitor ${m.name} ${b.announceAddr(maddr)} ${maddr.port} ${m.quorum}`);
    if (m.downAfterPeriod !== b.timing.defaultDownAfter)
      add('sentinel down-after-milliseconds', `sentinel down-after-milliseconds ${m.name} ${m.downAfterPeriod}`);
    if (m.failoverTimeout !== b.timing.defaultFailoverTimeout) add('sentinel failover-timeout', `sentinel failover-timeout ${m.name} ${m.failoverTimeout}`);
    if (m.parallelSyncs !== 1) add('sentinel parallel-syncs', `sentinel parallel-syncs ${m.name} ${m.parallelSyncs}`);
    if (m.notificationScript) add('sentinel notification-script', `sentinel notification-script ${m.name} ${m.notificationScript}`);
    if (m.clientReconfigScript) add('sentinel client-reconfig-script', `sentinel client-reconfig-script ${m.name} ${m.clientReconfigScript}`);
    if (m.authPass) add('sentinel auth-pass', `sentinel auth-pass ${m.name} ${m.authPass}`);
    if (m.authUser) add('sentinel auth-user', `sentinel auth-user ${m.name} ${m.authUser}`);
    if (m.masterRebootDownAfterPeriod !== 0) {
      add('sentinel master-reboot-down-after-period', `sentinel master-reboot-down-after-period ${m.name} ${m.masterRebootDownAfterPeriod}`);
    }
    add('sentinel config-epoch', `sentinel config-epoch ${m.name} ${m.configEpoch}`);
    add('sentinel leader-epoch', `sentinel leader-epoch ${m.name} ${m.leaderEpoch}`);
    for (const s of m.slaves.values()) {
      // A replica already promoted is the master now: persist the old master address in its place.
      const a = b.addrEqual(s.addr, maddr) ? m.addr : s.addr;
      add('sentinel known-replica', `sentinel known-replica ${m.name} ${b.announceAddr(a)} ${a.port}`);
    }
    for (const s of m.sentinels.values()) {
      if (s.runid === null) continue;
      add('sentinel known-sentinel', `sentinel known-sentinel ${m.name} ${b.announceAddr(s.addr)} ${s.addr.port} ${s.runid}`);
    }
    for (const [from, to] of m.renamedCommands) add('sentinel rename-command', `sentinel rename-command ${m.name} ${from} ${to}`);
  }
  add('sentinel current-epoch', `sentinel current-epoch ${b.currentEpoch}`);
  if (b.announceIp) add('sentinel announce-ip', `sentinel announce-ip ${quote(b.announceIp)}`);
  if (b.announcePort) add('sentinel announce-port', `sentinel announce-port ${b.announcePort}`);
  if (b.sentinelAuthUser) add('sentinel sentinel-user', `sentinel sentinel-user ${b.sentinelAuthUser}`);
  if (b.sentinelAuthPass) add('sentinel sentinel-pass', `sentinel sentinel-pass ${b.sentinelAuthPass}`);
  return out;
}
