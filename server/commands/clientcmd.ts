import type { User } from '../acl/user.js';
import { unblockWith } from '../blocking.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import { parseLL } from '../util/numbers.js';
import { validClientName } from './connection.js';
import type { CommandSpec } from './table.js';
import { cmd } from './table.js';
import { ERR } from './util.js';

/** CLIENT subcommands (Redis 7.0's networking.c clientCommand). */

type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

function clientType(c: Client): ClientType {
  if (c.isMaster) return 'master';
  if (c.isReplica && !c.monitor) return 'replica';
  if (c.inPubSub) return 'pubsub';
  return 'normal';
}

function typeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
  }
  return null;
}

function flagsOf(c: Client): string {
  let f = '';
  if (c.isReplica) f += c.monitor ? 'O' : 'S';
  if (c.isMaster) f += 'M';
  if (c.inPubSub) f += 'P';
  if (c.multi) f += 'x';
  if (c.blocked) f += 'b';
  if (c.watchDirty) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (c.readonlyReads) f += 'r';
  if (c.noEvict) f += 'e';
  if (c.monitor && !c.isReplica) f += 'O';
  if (c.tracking) f += 't';
  if (c.tracking?.brokenRedirect) f += 'R';
  if (c.tracking?.bcast) f += 'B';
  return f || 'N';
}

/** One CLIENT LIST line in Redis 7.0.15's field layout. */
export function clientInfoString(c: Client, current?: string): string {
  const now = Date.now();
  const qbuf = c.parser.buffered;
  const omem = c.out.length;
  const multiMem = c.multi ? c.multi.queue.reduce((n, q) => n + q.argv.reduce((m, a) => m + a.length, 0), 0) : 0;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} age=${Math.floor((now - c.createdAt) / 1000)} ` +
    `idle=${Math.floor((now - c.lastInteraction) / 1000)} flags=${flagsOf(c)} db=${c.db.id} sub=${c.channels.size} psub=${c.patterns.size} ` +
    `ssub=${c.shardChannels.size} multi=${c.multi ? c.multi.queue.length : -1} qbuf=${qbuf} qbuf-free=${qbuf ? Math.max(0, 32768 - qbuf) : 0} ` +
    `argv-mem=0 multi-mem=${multiMem} rbs=1024 rbp=0 obl=0 oll=0 omem=${omem} tot-mem=${2048 + qbuf + omem + multiMem} ` +
    `events=r cmd=${current ?? c.lastCmd} user=${c.user === null ? '(superuser)' : c.user.name} redir=${c.tracking ? c.tracking.redirect : -1} resp=${c.resp}`
  );
}

function clientList(c: Client, argv: string[]): void {
  const s = c.server;
  let type: ClientType | null = null;
  let ids: Set<number> | null = null;
  if (argv.length === 4 && argv[2]!.toLowerCase() === 'type') {
    type = typeByName(argv[3]!);
    if (type === null) {
      c.addReplyError(`Unknown client type '${argv[3]}'`);
      return;
    }
  } else if (argv.length >= 4 && argv[2]!.toLowerCase() === 'id') {
    ids = new Set();
    for (let i = 3; i < argv.length; i++) {
      const id = parseLL(argv[i]!);
      if (id === null || id <= 0) {
        c.addReplyError('Invalid client ID');
        return;
      }
      ids.add(id);
    }
  } else if (argv.length !== 2) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  let out = '';
  for (const x of s.clients.values()) {
    if (type !== null && clientType(x) !== type) continue;
    if (ids !== null && !ids.has(x.id)) continue;
    out += clientInfoString(x, x === c ? 'client|list' : undefined) + '\n';
  }
  c.addReplyVerbatim(out);
}

function clientKill(c: Client, argv: string[]): void {
  const s = c.server;
  if (argv.length === 3) {
    // Old form: CLIENT KILL addr:port.
    const target = [...s.clients.values()].find((x) => x.addr === argv[2]);
    if (!target) {
      c.addReplyError('No such client');
      return;
    }
    c.addReplyOk();
    kill(s, c, target);
    return;
  }
  if (argv.length % 2 !== 0) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  let id: number | null = null;
  let type: ClientType | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: User | null = null;
  let skipme = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!.toLowerCase();
    const v = argv[i + 1]!;
    if (opt === 'id') {
      const n = parseLL(v);
      if (n === null || n <= 0) {
        c.addReplyError('client-id should be greater than 0');
        return;
      }
      id = n;
    } else if (opt === 'type') {
      type = typeByName(v);
      if (type === null) {
        c.addReplyError(`Unknown client type '${v}'`);
        return;
      }
    } else if (opt === 'addr') addr = v;
    else if (opt === 'laddr') laddr = v;
    else if (opt === 'user') {
      const u = c.server.acl.getUser(v);
      if (u === undefined) {
        c.addReplyError(`No such user '${v}'`);
        return;
      }
      user = u;
    } else if (opt === 'skipme') {
      const l = v.toLowerCase();
      if (l === 'yes') skipme = true;
      else if (l === 'no') skipme = false;
      else {
        c.addReplyError(ERR.SYNTAX);
        return;
      }
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  let killed = 0;
  let self = false;
  for (const x of [...s.clients.values()]) {
    if (id !== null && x.id !== id) continue;
    if (type !== null && clientType(x) !== type) continue;
    if (addr !== null && x.addr !== addr) continue;
    if (laddr !== null && x.laddr !== laddr) continue;
    if (user !== null && x.user !== user) continue;
    if (x === c && skipme) continue;
    killed++;
    if (x === c) self = true;
    else kill(s, c, x);
  }
  c.addReplyInt(killed);
  if (self) c.closeAfterReply = true;
}

function kill(s: Server, by: Client, target: Client): void {
  if (target === by) {
    by.closeAfterReply = true;
    return;
  }
  target.out = '';
  s.closeClient(target);
}

// ---- CLIENT PAUSE ----

function clientPause(c: Client, argv: string[]): void {
  const v = parseLL(argv[2]!);
  if (v === null) {
    c.addReplyError('timeout is not an integer or out of range');
    return;
  }
  if (v < 0) {
    c.addReplyError('timeout is negative');
    return;
  }
  let mode: 'write' | 'all' = 'all';
  if (argv.length === 4) {
    const m = argv[3]!.toLowerCase();
    if (m === 'write') mode = 'write';
    else if (m !== 'all') {
      c.addReplyError('CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  } else if (argv.length > 4) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  c.server.pause.pause(mode, Date.now() + v);
  c.addReplyOk();
}

function clientUnblock(c: Client, argv: string[]): void {
  const id = parseLL(argv[2]!);
  if (id === null) {
    c.addReplyError(ERR.NOT_INT);
    return;
  }
  let how: 'timeout' | 'error' = 'timeout';
  if (argv.length === 4) {
    const m = argv[3]!.toLowerCase();
    if (m === 'error') how = 'error';
    else if (m !== 'timeout') {
      c.addReplyError('CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      return;
    }
  } else if (argv.length > 4) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  const target = c.server.clients.get(id);
  if (target?.blocked && (target.blocked.kind === 'keys' || target.blocked.kind === 'wait')) {
    unblockWith(target, how);
    c.addReplyInt(1);
  } else {
    c.addReplyInt(0);
  }
}

function clientSetname(c: Client, argv: string[]): void {
  const name = argv[2]!;
  if (!validClientName(name)) {
    c.addReplyError('Client names cannot contain spaces, newlines or special characters.');
    return;
  }
  c.name = name;
  c.addReplyOk();
}

function clientSetinfo(c: Client, argv: string[]): void {
  if (argv.length !== 4) {
    c.addReplyError(`wrong number of arguments for 'client|setinfo' command`);
    return;
  }
  const attr = argv[2]!.toLowerCase();
  const v = argv[3]!;
  if (attr !== 'lib-name' && attr !== 'lib-ver') {
    c.addReplyError(`Unrecognized option '${argv[2]}'`);
    return;
  }
  for (let i = 0; i < v.length; i++) {
    const ch = v.charCodeAt(i);
    if (ch < 33 || ch > 126) {
      c.addReplyError(`${attr} cannot contain spaces, newlines or special characters.`);
      return;
    }
  }
  if (attr === 'lib-name') c.libName = v;
  else c.libVer = v;
  c.addReplyOk();
}

// ---- CLIENT REPLY / TRACKING / CACHING / TRACKINGINFO ----

function clientReply(c: Client, argv: string[]): void {
  const v = argv[2]!.toLowerCase();
  if (v === 'on') {
    c.replyOff = c.replySkip = c.replySkipNext = false;
    c.muted = false;
    c.addReplyOk();
  } else if (v === 'off') {
    c.replyOff = true;
    c.muted = true;
  } else if (v === 'skip') {
    if (!c.replyOff) c.replySkipNext = true;
  } else {
    c.addReplyError(ERR.SYNTAX);
  }
}

/** Redis's stringCheckPrefix: one is a prefix of the other. */
function overlaps(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) === b.slice(0, n);
}

function clientTracking(c: Client, argv: string[]): void {
  let redir = 0;
  const opts = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const o = argv[j]!.toLowerCase();
    if (o === 'redirect' && more) {
      j++;
      if (redir !== 0) {
        c.addReplyError('A client can only redirect to a single other client');
        return;
      }
      const id = parseLL(argv[j]!);
      if (id === null) {
        c.addReplyError(ERR.NOT_INT);
        return;
      }
      redir = id;
      if (!c.server.clients.has(redir)) {
        c.addReplyError('The client ID you want redirect to does not exist');
        return;
      }
    } else if (o === 'bcast') opts.bcast = true;
    else if (o === 'optin') opts.optin = true;
    else if (o === 'optout') opts.optout = true;
    else if (o === 'noloop') opts.noloop = true;
    else if (o === 'prefix' && more) prefixes.push(argv[++j]!);
    else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  const v = argv[2]!.toLowerCase();
  const t = c.tracking;
  if (v === 'on') {
    if (!opts.bcast && prefixes.length) return c.addReplyError('PREFIX option requires BCAST mode to be enabled');
    if (t !== null && t.bcast !== opts.bcast) {
      return c.addReplyError("You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if (opts.bcast && (opts.optin || opts.optout)) return c.addReplyError('OPTIN and OPTOUT are not compatible with BCAST');
    if (opts.optin && opts.optout) return c.addReplyError("You can't specify both OPTIN mode and OPTOUT mode");
    if ((opts.optin && t?.optout) || (opts.optout && t?.optin)) {
      return c.addReplyError("You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if (opts.bcast) {
      for (let i = 0; i < prefixes.length; i++) {
        for (const existing of t?.prefixes ?? []) {
          if (overlaps(existing, prefixes[i]!)) {
            return c.addReplyError(`Prefix '${prefixes[i]}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`);
          }
        }
        for (let j = i + 1; j < prefixes.length; j++) {
          if (overlaps(prefixes[i]!, prefixes[j]!)) {
            return c.addReplyError(
              `Prefix '${prefixes[i]}' overlaps with another provided prefix '${prefixes[j]}'. Prefixes for a single client must not overlap.`,
            );
          }
        }
      }
    }
    c.server.tracking.enable(c, redir, opts, prefixes);
  } else if (v === 'off') {
    c.server.tracking.disable(c);
  } else {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  c.addReplyOk();
}

function clientCaching(c: Client, argv: string[]): void {
  const t = c.tracking;
  if (t === null) {
    c.addReplyError('CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    return;
  }
  const v = argv[2]!.toLowerCase();
  if (v === 'yes') {
    if (!t.optin) return c.addReplyError('CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (v === 'no') {
    if (!t.optout) return c.addReplyError('CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    return c.addReplyError(ERR.SYNTAX);
  }
  t.caching = true;
  c.addReplyOk();
}

function clientTrackingInfo(c: Client): void {
  const t = c.tracking;
  c.addReplyMapLen(3);
  c.addReplyBulk('flags');
  const flags = [t ? 'on' : 'off'];
  if (t) {
    if (t.bcast) flags.push('bcast');
    if (t.optin) {
      flags.push('optin');
      if (t.caching) flags.push('caching-yes');
    }
    if (t.optout) {
      flags.push('optout');
      if (t.caching) flags.push('caching-no');
    }
    if (t.noloop) flags.push('noloop');
    if (t.brokenRedirect) flags.push('broken_redirect');
  }
  c.addReplySetLen(flags.length);
  for (const f of flags) c.addReplyBulk(f);
  c.addReplyBulk('redirect');
  c.addReplyInt(t ? t.redirect : -1);
  c.addReplyBulk('prefixes');
  const ps = t ? [...t.prefixes].sort() : [];
  c.addReplyArrayLen(ps.length);
  for (const p of ps) c.addReplyBulk(p);
}

function onOff(c: Client, v: string, set: (on: boolean) => void): void {
  const l = v.toLowerCase();
  if (l === 'on') set(true);
  else if (l === 'off') set(false);
  else {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  c.addReplyOk();
}

const CLIENT_HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

const F: ['admin', 'noscript', 'loading', 'stale'] = ['admin', 'noscript', 'loading', 'stale'];
const FF: ['noscript', 'loading', 'stale'] = ['noscript', 'loading', 'stale'];
const sub = (
  name: string,
  arity: number,
  flags: CommandSpec['flags'],
  summary: string,
  handler: (c: Client, argv: string[]) => void,
  since: string,
  hint?: string,
) => cmd(name, arity, flags, [0, 0, 0], 'connection', summary, handler, { since, ...(hint ? { hint } : {}) });

export const clientCommands: CommandSpec[] = [
  cmd('client', -2, ['sentinel'], [0, 0, 0], 'connection', 'A container for client connection commands', undefined, {
    since: '2.4.0',
    acl: ['slow'],
    subcommands: [
      sub('id', 2, FF, 'Returns the client ID for the current connection', (c) => c.addReplyInt(c.id), '5.0.0'),
      sub('getname', 2, FF, 'Get the current connection name', (c) => (c.name ? c.addReplyBulk(c.name) : c.addReplyNull()), '2.6.9'),
      sub('setname', 3, FF, 'Set the current connection name', clientSetname, '2.6.9', 'connection-name'),
      sub('list', -2, F, 'Get the list of client connections', clientList, '2.4.0', '[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]'),
      sub(
        'info',
        2,
        FF,
        'Returns information about the current client connection.',
        (c) => c.addReplyVerbatim(clientInfoString(c, 'client|info') + '\n'),
        '6.2.0',
      ),
      sub(
        'kill',
        -3,
        F,
        'Kill the connection of a client',
        clientKill,
        '2.4.0',
        'ip:port | [ID client-id] [TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME yes/no]',
      ),
      sub('pause', -3, F, 'Stop processing commands from clients for some time', clientPause, '2.9.50', 'timeout [WRITE|ALL]'),
      sub(
        'unpause',
        2,
        F,
        'Resume processing of clients that were paused',
        (c) => {
          c.server.pause.unpause();
          c.addReplyOk();
        },
        '6.2.0',
      ),
      sub('unblock', -3, F, 'Unblock a client blocked in a blocking command from a different connection', clientUnblock, '5.0.0', 'client-id [TIMEOUT|ERROR]'),
      sub('no-evict', 3, F, 'Set client eviction mode for the current connection', (c, a) => onOff(c, a[2]!, (on) => (c.noEvict = on)), '7.0.0', 'ON|OFF'),
      sub('reply', 3, FF, 'Instruct the server whether to reply to commands', clientReply, '3.2.0', 'ON|OFF|SKIP'),
      sub(
        'tracking',
        -3,
        FF,
        'Enable or disable server assisted client side caching support',
        clientTracking,
        '6.0.0',
        'ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]',
      ),
      sub('caching', 3, FF, 'Instruct the server about tracking or not keys in the next request', clientCaching, '6.0.0', 'YES|NO'),
      sub('trackinginfo', 2, FF, 'Return information about server assisted client side caching for the current connection', clientTrackingInfo, '6.2.0'),
      sub('setinfo', -4, FF, 'Set client or connection specific info', clientSetinfo, '7.2.0', 'LIB-NAME libname|LIB-VER libver'),
      sub('getredir', 2, FF, 'Get tracking notifications redirection client ID if any', (c) => c.addReplyInt(c.tracking ? c.tracking.redirect : -1), '6.0.0'),
      sub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', (c) => c.addReplyHelp('client', CLIENT_HELP), '5.0.0'),
    ],
  }),
];
