import type { Client } from '../client.js';
import { parseLL } from '../util/numbers.js';
import { REDIS_VERSION } from '../version.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR } from './util.js';

function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    c.addReplyError(`wrong number of arguments for 'ping' command`);
    return;
  }
  if (c.resp === 2 && c.inPubSub) {
    c.addReplyArrayLen(2);
    c.addReplyBulk('pong');
    c.addReplyBulk(argv.length === 2 ? argv[1]! : '');
    return;
  }
  if (argv.length === 2) c.addReplyBulk(argv[1]!);
  else c.addReplyRaw('+PONG\r\n');
}

function select(c: Client, argv: string[]): void {
  const id = parseLL(argv[1]!);
  if (id === null) {
    c.addReplyError(ERR.NOT_INT);
    return;
  }
  if (c.server.config.clusterEnabled && id !== 0) {
    c.addReplyError('SELECT is not allowed in cluster mode');
    return;
  }
  const db = c.server.dbs[id];
  if (id < 0 || !db) {
    c.addReplyError(ERR.DB_RANGE);
    return;
  }
  c.db = db;
  c.addReplyOk();
}

/** AUTH [username] password (Redis's authCommand): the default user when the name is omitted. */
function auth(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  const acl = c.server.acl;
  if (argv.length === 2 && acl.defaultUser.nopass) {
    c.addReplyError('AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    return;
  }
  const user = argv.length === 3 ? argv[1]! : 'default';
  if (!acl.authenticate(c, user, argv[argv.length - 1]!, argv[0]!)) {
    c.addReplyError('-WRONGPASS invalid username-password pair or user is disabled.');
    return;
  }
  c.addReplyOk();
}

function hello(c: Client, argv: string[]): void {
  let ver = 0;
  let i = 1;
  if (argv.length >= 2) {
    const v = parseLL(argv[1]!);
    if (v === null) {
      c.addReplyError('Protocol version is not an integer or out of range');
      return;
    }
    ver = v;
    i = 2;
    if (ver < 2 || ver > 3) {
      c.addReplyError('-NOPROTO unsupported protocol version');
      return;
    }
  }
  let setname: string | null = null;
  for (; i < argv.length; i++) {
    const opt = argv[i]!.toLowerCase();
    const more = argv.length - i - 1;
    if (opt === 'auth' && more >= 2) {
      if (!c.server.acl.authenticate(c, argv[i + 1]!, argv[i + 2]!, argv[0]!)) {
        c.addReplyError('-WRONGPASS invalid username-password pair or user is disabled.');
        return;
      }
      i += 2;
    } else if (opt === 'setname' && more >= 1) {
      setname = argv[i + 1]!;
      if (!validClientName(setname)) {
        c.addReplyError('Client names cannot contain spaces, newlines or special characters.');
        return;
      }
      i += 1;
    } else {
      c.addReplyError(`Syntax error in HELLO option '${argv[i]}'`);
      return;
    }
  }
  if (!c.authenticated) {
    c.addReplyError(
      '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
    return;
  }
  if (setname !== null) c.name = setname;
  if (ver) c.resp = ver as 2 | 3;
  const s = c.server;
  c.addReplyMapLen(s.sentinelMode ? 6 : 7);
  c.addReplyBulk('server');
  c.addReplyBulk('redis');
  c.addReplyBulk('version');
  c.addReplyBulk(REDIS_VERSION);
  c.addReplyBulk('proto');
  c.addReplyInt(c.resp);
  c.addReplyBulk('id');
  c.addReplyInt(c.id);
  c.addReplyBulk('mode');
  c.addReplyBulk(s.sentinelMode ? 'sentinel' : s.config.clusterEnabled ? 'cluster' : 'standalone');
  if (!s.sentinelMode) {
    c.addReplyBulk('role');
    c.addReplyBulk(s.role === 'master' ? 'master' : 'replica');
  }
  c.addReplyBulk('modules');
  c.addReplyArrayLen(0);
}

export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

function reset(c: Client): void {
  const s = c.server;
  c.multi = null;
  for (const k of c.watched) {
    const set = s.watchedKeys.get(k);
    set?.delete(c);
    if (set && set.size === 0) s.watchedKeys.delete(k);
  }
  c.watched.clear();
  c.watchDirty = false;
  s.pubsub.removeClient(c);
  s.monitors.delete(c);
  c.monitor = false;
  c.db = s.dbs[0]!;
  c.resp = 2;
  c.name = '';
  c.noEvict = false;
  c.asking = 0;
  c.readonlyReads = false;
  s.acl.setDefaultAuth(c);
  c.addReplyStatus('RESET');
}

export const connectionCommands: CommandSpec[] = [
  cmd('ping', -1, ['fast', 'sentinel'], [0, 0, 0], 'connection', 'Ping the server', ping, { hint: '[message]' }),
  cmd('echo', 2, ['fast'], [0, 0, 0], 'connection', 'Echo the given string', (c, a) => c.addReplyBulk(a[1]!), { hint: 'message' }),
  cmd('select', 2, ['loading', 'stale', 'fast'], [0, 0, 0], 'connection', 'Change the selected database for the current connection', select, { hint: 'index' }),
  cmd('auth', -2, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'], [0, 0, 0], 'connection', 'Authenticate to the server', auth, {
    hint: '[username] password',
  }),
  cmd('hello', -1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'], [0, 0, 0], 'connection', 'Handshake with Redis', hello, {
    since: '6.0.0',
    hint: '[protover [AUTH username password] [SETNAME clientname]]',
  }),
  cmd('quit', -1, ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], [0, 0, 0], 'connection', 'Close the connection', (c) => {
    c.addReplyOk();
    c.closeAfterReply = true;
  }),
  cmd('reset', 1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], [0, 0, 0], 'connection', 'Reset the connection', reset, {
    since: '6.2.0',
  }),
];
