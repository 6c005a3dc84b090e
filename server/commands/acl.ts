import { randomBytes } from 'node:crypto';
import { ACL_CATEGORIES, type AclCommand, categoryBit } from '../acl/command-index.js';
import { describeCommandRules, keyPatternText } from '../acl/describe.js';
import { hasSpaces, type Selector } from '../acl/selector.js';
import type { Client } from '../client.js';
import { parseLL } from '../util/numbers.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR } from './util.js';

/** ACL and its subcommands (Redis 7.0's aclCommand); the rules themselves live in server/acl/. */

/** Redis 7.0's addReplySubcommandSyntaxError. */
function subcommandSyntaxError(c: Client, argv: string[]): void {
  c.addReplyError(`unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`);
}

function setuser(c: Client, argv: string[]): void {
  const name = argv[2]!;
  if (hasSpaces(name)) {
    c.addReplyError("Usernames can't contain spaces or null characters");
    return;
  }
  const err = c.server.acl.setUser(name, argv.slice(3), c);
  if (err === null) c.addReplyOk();
  else c.addReplyError(err);
}

function deluser(c: Client, argv: string[]): void {
  const names = argv.slice(2);
  if (names.includes('default')) {
    c.addReplyError("The 'default' user cannot be removed");
    return;
  }
  c.addReplyInt(c.server.acl.deleteUsers(names, c));
}

/** The commands/keys/channels fields of one selector (ACL GETUSER). */
function replySelector(c: Client, s: Selector): void {
  c.addReplyBulk('commands');
  c.addReplyBulk(describeCommandRules(s, c.server.acl.index));
  c.addReplyBulk('keys');
  c.addReplyBulk(s.allKeys ? '~*' : s.keys.map(keyPatternText).join(' '));
  c.addReplyBulk('channels');
  c.addReplyBulk(s.allChannels ? '&*' : s.channels.map((ch) => `&${ch}`).join(' '));
}

function getuser(c: Client, argv: string[]): void {
  const u = c.server.acl.getUser(argv[2]!);
  if (u === undefined) {
    c.addReplyNull();
    return;
  }
  c.addReplyMapLen(6);
  c.addReplyBulk('flags');
  const flags = [u.enabled ? 'on' : 'off'];
  if (u.nopass) flags.push('nopass');
  if (u.sanitize === 'skip') flags.push('skip-sanitize-payload');
  if (u.sanitize === 'sanitize') flags.push('sanitize-payload');
  c.addReplySetLen(flags.length);
  for (const f of flags) c.addReplyBulk(f);
  c.addReplyBulk('passwords');
  c.addReplyBulks(u.passwords);
  replySelector(c, u.root);
  c.addReplyBulk('selectors');
  c.addReplyArrayLen(u.selectors.length - 1);
  for (const s of u.selectors.slice(1)) {
    c.addReplyMapLen(3);
    replySelector(c, s);
  }
}

function list(c: Client, argv: string[]): void {
  if (argv.length !== 2) return subcommandSyntaxError(c, argv);
  const acl = c.server.acl;
  const users = acl.sortedUsers();
  const namesOnly = argv[1]!.toLowerCase() === 'users';
  c.addReplyBulks(users.map((u) => (namesOnly ? u.name : `user ${u.name} ${acl.describe(u)}`)));
}

function whoami(c: Client): void {
  c.addReplyBulkOrNull(c.user?.name);
}

const NO_ACL_FILE =
  'This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

function load(c: Client): void {
  const s = c.server;
  if (s.config.aclfile === '') {
    c.addReplyError(NO_ACL_FILE);
    return;
  }
  const errors = s.acl.loadFile(s.config.aclfile, c);
  if (errors === null) c.addReplyOk();
  else c.addReplyError(errors);
}

function save(c: Client): void {
  const s = c.server;
  if (s.config.aclfile === '') {
    c.addReplyError(NO_ACL_FILE);
    return;
  }
  if (s.acl.saveFile(s.config.aclfile)) c.addReplyOk();
  else c.addReplyError('There was an error trying to save the ACLs. Please check the server logs for more information');
}

function cat(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    c.addReplyBulks(ACL_CATEGORIES);
    return;
  }
  if (argv.length !== 3) return subcommandSyntaxError(c, argv);
  const bit = categoryBit(argv[2]!);
  if (bit === 0) {
    c.addReplyError(`Unknown category '${argv[2]!.slice(0, 128)}'`);
    return;
  }
  const out: string[] = [];
  const walk = (cmds: readonly AclCommand[]): void => {
    for (const x of cmds) {
      if (x.categories & bit) out.push(x.fullname);
      walk(x.subcommands);
    }
  };
  walk(c.server.acl.index.top);
  c.addReplyBulks(out);
}

const GENPASS_MAX_BITS = 4096;

function genpass(c: Client, argv: string[]): void {
  if (argv.length > 3) return subcommandSyntaxError(c, argv);
  let bits = 256;
  if (argv.length === 3) {
    const n = parseLL(argv[2]!);
    if (n === null) {
      c.addReplyError(ERR.NOT_INT);
      return;
    }
    bits = n;
  }
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    c.addReplyError(`ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`);
    return;
  }
  const chars = Math.floor((bits + 3) / 4);
  c.addReplyBulk(
    randomBytes(Math.ceil(chars / 2))
      .toString('hex')
      .slice(0, chars),
  );
}

function log(c: Client, argv: string[]): void {
  if (argv.length > 3) return subcommandSyntaxError(c, argv);
  const aclLog = c.server.acl.log;
  let count = 10;
  if (argv.length === 3) {
    if (argv[2]!.toLowerCase() === 'reset') {
      aclLog.reset();
      c.addReplyOk();
      return;
    }
    const n = parseLL(argv[2]!);
    if (n === null) {
      c.addReplyError(ERR.NOT_INT);
      return;
    }
    count = Math.max(0, n);
  }
  const entries = aclLog.entries.slice(0, count);
  const now = Date.now();
  c.addReplyArrayLen(entries.length);
  for (const e of entries) {
    c.addReplyMapLen(7);
    c.addReplyBulk('count');
    c.addReplyInt(e.count);
    c.addReplyBulk('reason');
    c.addReplyBulk(e.reason);
    c.addReplyBulk('context');
    c.addReplyBulk(e.context);
    c.addReplyBulk('object');
    c.addReplyBulk(e.object);
    c.addReplyBulk('username');
    c.addReplyBulk(e.username);
    c.addReplyBulk('age-seconds');
    c.addReplyDouble((now - e.ctime) / 1000);
    c.addReplyBulk('client-info');
    c.addReplyBulk(e.clientInfo);
  }
}

/** ACL DRYRUN user command [arg ...]: would the command be allowed, without running it. */
function dryrun(c: Client, argv: string[]): void {
  const s = c.server;
  const u = s.acl.getUser(argv[2]!);
  if (u === undefined) {
    c.addReplyError(`User '${argv[2]}' not found`);
    return;
  }
  const args = argv.slice(3);
  const found = s.lookupCommand(args);
  if ('error' in found) {
    c.addReplyError(`Command '${argv[3]}' not found`);
    return;
  }
  const { spec, fullname } = found;
  if ((spec.arity > 0 && spec.arity !== args.length) || args.length < -spec.arity) {
    c.addReplyError(`wrong number of arguments for '${fullname}' command`);
    return;
  }
  const d = s.acl.check(u, spec, args);
  if (d === null) {
    c.addReplyOk();
    return;
  }
  if (d.reason === 'command') c.addReplyBulk(`This user has no permissions to run the '${fullname}' command`);
  else c.addReplyBulk(`This user has no permissions to access the '${args[d.pos]}' ${d.reason}`);
}

const ACL_HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const PLAIN = ['noscript', 'loading', 'stale'] as const;

export const aclCommands: CommandSpec[] = [
  cmd('acl', -2, [], [0, 0, 0], 'server', 'A container for Access List Control commands', undefined, {
    since: '6.0.0',
    acl: ['slow'],
    subcommands: [
      cmd('cat', -2, [...PLAIN], [0, 0, 0], 'server', 'List the ACL categories or the commands inside a category', cat, {
        since: '6.0.0',
        hint: '[categoryname]',
        acl: ['slow'],
      }),
      cmd('deluser', -3, [...ADMIN], [0, 0, 0], 'server', 'Remove the specified ACL users and the associated rules', deluser, {
        since: '6.0.0',
        hint: 'username [username ...]',
      }),
      cmd('dryrun', -4, [...ADMIN], [0, 0, 0], 'server', 'Returns whether the user can execute the given command without executing the command.', dryrun, {
        since: '7.0.0',
        hint: 'username command [arg [arg ...]]',
      }),
      cmd('genpass', -2, [...PLAIN], [0, 0, 0], 'server', 'Generate a pseudorandom secure password to use for ACL users', genpass, {
        since: '6.0.0',
        hint: '[bits]',
        acl: ['slow'],
      }),
      cmd('getuser', 3, [...ADMIN], [0, 0, 0], 'server', 'Get the rules for a specific ACL user', getuser, { since: '6.0.0', hint: 'username' }),
      cmd('help', 2, ['loading', 'stale'], [0, 0, 0], 'server', 'Show helpful text about the different subcommands', (c) => c.addReplyHelp('acl', ACL_HELP), {
        since: '6.0.0',
        acl: ['slow'],
      }),
      cmd('list', 2, [...ADMIN], [0, 0, 0], 'server', 'List the current ACL rules in ACL config file format', list, { since: '6.0.0' }),
      cmd('load', 2, [...ADMIN], [0, 0, 0], 'server', 'Reload the ACLs from the configured ACL file', load, { since: '6.0.0' }),
      cmd('log', -2, [...ADMIN], [0, 0, 0], 'server', 'List latest events denied because of ACLs in place', log, { since: '6.0.0', hint: '[count|RESET]' }),
      cmd('save', 2, [...ADMIN], [0, 0, 0], 'server', 'Save the current ACL rules in the configured ACL file', save, { since: '6.0.0' }),
      cmd('setuser', -3, [...ADMIN], [0, 0, 0], 'server', 'Modify or create the rules for a specific ACL user', setuser, {
        since: '6.0.0',
        hint: 'username [rule [rule ...]]',
      }),
      cmd('users', 2, [...ADMIN], [0, 0, 0], 'server', 'List the username of all the configured ACL users', list, { since: '6.0.0' }),
      cmd('whoami', 2, [...PLAIN], [0, 0, 0], 'server', 'Return the name of the user associated to the current connection', whoami, {
        since: '6.0.0',
        acl: ['slow'],
      }),
    ],
  }),
];
