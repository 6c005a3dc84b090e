import type { Client } from '../client.js';
import type { Server } from '../server.js';
import { globMatch } from '../util/glob.js';
import { type CommandSpec, cmd, commandKeyPositions } from './table.js';

/** COMMAND and its subcommands, generated from the one command table. */

const GROUP_ACL: Record<string, string> = {
  string: 'string',
  list: 'list',
  set: 'set',
  sorted_set: 'sortedset',
  hash: 'hash',
  generic: 'keyspace',
  connection: 'connection',
  transactions: 'transaction',
  pubsub: 'pubsub',
  scripting: 'scripting',
  stream: 'stream',
  geo: 'geo',
  hyperloglog: 'hyperloglog',
  bitmap: 'bitmap',
};

/** ACL categories: declared ones, else derived from the flags and group as Redis does. */
export function aclCategories(spec: CommandSpec): string[] {
  if (spec.acl) return spec.acl;
  const f = spec.flags;
  const out: string[] = [];
  if (f.includes('write')) out.push('write');
  const g = GROUP_ACL[spec.group];
  // Redis's setImplicitACLCategories: read-only scripts (EVAL_RO, FCALL_RO) are not @read.
  if (f.includes('readonly') && g !== 'scripting') out.push('read');
  if (g && !out.includes(g)) out.push(g);
  if (f.includes('admin')) out.push('admin', 'dangerous');
  if (f.includes('pubsub') && !out.includes('pubsub')) out.push('pubsub');
  out.push(f.includes('fast') ? 'fast' : 'slow');
  if (f.includes('blocking')) out.push('blocking');
  return out;
}

function fullName(parent: CommandSpec | null, spec: CommandSpec): string {
  return parent ? `${parent.name}|${spec.name}` : spec.name;
}

function replyInfo(c: Client, spec: CommandSpec, parent: CommandSpec | null): void {
  c.addReplyArrayLen(10);
  c.addReplyBulk(fullName(parent, spec));
  c.addReplyInt(spec.arity);
  c.addReplySetLen(spec.flags.length);
  for (const f of spec.flags) c.addReplyStatus(f);
  c.addReplyInt(spec.keys.first);
  c.addReplyInt(spec.keys.last);
  c.addReplyInt(spec.keys.step);
  const acl = aclCategories(spec);
  c.addReplySetLen(acl.length);
  for (const a of acl) c.addReplyStatus('@' + a);
  c.addReplyArrayLen(0); // tips
  if (spec.keys.first > 0) {
    c.addReplyArrayLen(1);
    c.addReplyMapLen(3);
    c.addReplyBulk('flags');
    c.addReplySetLen(0);
    c.addReplyBulk('begin_search');
    c.addReplyMapLen(2);
    c.addReplyBulk('type');
    c.addReplyBulk('index');
    c.addReplyBulk('spec');
    c.addReplyMapLen(1);
    c.addReplyBulk('index');
    c.addReplyInt(spec.keys.first);
    c.addReplyBulk('find_keys');
    c.addReplyMapLen(2);
    c.addReplyBulk('type');
    c.addReplyBulk('range');
    c.addReplyBulk('spec');
    c.addReplyMapLen(3);
    c.addReplyBulk('lastkey');
    c.addReplyInt(spec.keys.last < 0 ? spec.keys.last : spec.keys.last - spec.keys.first);
    c.addReplyBulk('keystep');
    c.addReplyInt(spec.keys.step);
    c.addReplyBulk('limit');
    c.addReplyInt(0);
  } else {
    c.addReplyArrayLen(0);
  }
  const subs = spec.subcommands ?? [];
  c.addReplyArrayLen(subs.length);
  for (const s of subs) replyInfo(c, s, spec);
}

function replyDocs(c: Client, spec: CommandSpec, parent: CommandSpec | null): void {
  const subs = spec.subcommands ?? [];
  const fields = 3 + (spec.hint ? 1 : 0) + (subs.length ? 1 : 0);
  c.addReplyMapLen(fields);
  c.addReplyBulk('summary');
  c.addReplyBulk(spec.summary);
  c.addReplyBulk('since');
  c.addReplyBulk(spec.since);
  c.addReplyBulk('group');
  c.addReplyBulk(spec.group);
  if (spec.hint) {
    // Our table keeps the argument syntax as one line; give it as a single "block" argument.
    c.addReplyBulk('arguments');
    c.addReplyArrayLen(1);
    c.addReplyMapLen(3);
    c.addReplyBulk('name');
    c.addReplyBulk('arguments');
    c.addReplyBulk('type');
    c.addReplyBulk('string');
    c.addReplyBulk('display_text');
    c.addReplyBulk(spec.hint);
  }
  if (subs.length) {
    c.addReplyBulk('subcommands');
    c.addReplyMapLen(subs.length);
    for (const s of subs) {
      c.addReplyBulk(fullName(spec, s));
      replyDocs(c, s, spec);
    }
  }
  void parent;
}

function lookupByName(s: Server, name: string): { spec: CommandSpec; parent: CommandSpec | null } | null {
  const l = name.toLowerCase();
  const bar = l.indexOf('|');
  if (bar < 0) {
    const spec = s.commands.get(l);
    return spec ? { spec, parent: null } : null;
  }
  const parent = s.commands.get(l.slice(0, bar));
  const sub = parent?.subcommands?.find((x) => x.name === l.slice(bar + 1));
  return parent && sub ? { spec: sub, parent } : null;
}

function command(c: Client, _argv: string[]): void {
  const all = c.server.commands.all();
  c.addReplyArrayLen(all.length);
  for (const spec of all) replyInfo(c, spec, null);
}

function commandInfo(c: Client, argv: string[]): void {
  const s = c.server;
  if (argv.length === 2) return command(c, argv);
  c.addReplyArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const f = lookupByName(s, argv[i]!);
    if (f) replyInfo(c, f.spec, f.parent);
    else c.addReplyNullArray();
  }
}

function commandDocs(c: Client, argv: string[]): void {
  const s = c.server;
  const list: [string, CommandSpec, CommandSpec | null][] = [];
  if (argv.length === 2) for (const spec of s.commands.all()) list.push([spec.name, spec, null]);
  for (let i = 2; i < argv.length; i++) {
    const f = lookupByName(s, argv[i]!);
    if (f) list.push([fullName(f.parent, f.spec), f.spec, f.parent]);
  }
  c.addReplyMapLen(list.length);
  for (const [name, spec, parent] of list) {
    c.addReplyBulk(name);
    replyDocs(c, spec, parent);
  }
}

function commandGetKeys(c: Client, argv: string[], withFlags: boolean): void {
  const s = c.server;
  const args = argv.slice(2);
  const found = s.lookupCommand(args);
  if ('error' in found) {
    c.addReplyError('Invalid command specified');
    return;
  }
  const spec = found.spec;
  if ((spec.arity > 0 && args.length !== spec.arity) || args.length < -spec.arity) {
    c.addReplyError('Invalid number of arguments specified for command');
    return;
  }
  const pos = commandKeyPositions(spec, args);
  if (pos.length === 0) {
    c.addReplyError(spec.keys.first === 0 && !spec.getKeys ? 'The command has no key arguments' : 'Invalid arguments specified for command');
    return;
  }
  c.addReplyArrayLen(pos.length);
  for (const p of pos) {
    if (withFlags) {
      c.addReplyArrayLen(2);
      c.addReplyBulk(args[p]!);
      c.addReplySetLen(0);
    } else {
      c.addReplyBulk(args[p]!);
    }
  }
}

function commandList(c: Client, argv: string[]): void {
  const s = c.server;
  let filter: ((name: string, spec: CommandSpec) => boolean) | null = null;
  if (argv.length === 5 && argv[2]!.toLowerCase() === 'filterby') {
    const kind = argv[3]!.toLowerCase();
    const v = argv[4]!;
    if (kind === 'module') filter = () => false;
    else if (kind === 'aclcat') filter = (_n, spec) => aclCategories(spec).includes(v.toLowerCase().replace(/^@/, ''));
    else if (kind === 'pattern') filter = (n) => globMatch(v, n, true);
    else {
      c.addReplyError('syntax error');
      return;
    }
  } else if (argv.length !== 2) {
    c.addReplyError('syntax error');
    return;
  }
  const out: string[] = [];
  for (const spec of s.commands.all()) {
    if (!filter || filter(spec.name, spec)) out.push(spec.name);
    for (const sub of spec.subcommands ?? []) {
      const n = `${spec.name}|${sub.name}`;
      if (!filter || filter(n, sub)) out.push(n);
    }
  }
  c.addReplyBulks(out);
}

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const F: ['loading', 'stale', 'sentinel'] = ['loading', 'stale', 'sentinel'];
const CONN = ['connection', 'slow'];

export const commandCommands: CommandSpec[] = [
  {
    ...cmd('command', -1, ['loading', 'stale', 'sentinel'], [0, 0, 0], 'server', 'Get array of Redis command details', command, { since: '2.8.13', acl: CONN }),
    subcommands: [
      cmd('count', 2, F, [0, 0, 0], 'server', 'Get total number of Redis commands', (c) => c.addReplyInt(c.server.commands.size), {
        since: '2.8.13',
        acl: CONN,
      }),
      cmd('info', -2, F, [0, 0, 0], 'server', 'Get array of specific Redis command details, or all when no argument is given.', commandInfo, {
        since: '2.8.13',
        acl: CONN,
        hint: '[command-name [command-name ...]]',
      }),
      cmd('docs', -2, F, [0, 0, 0], 'server', 'Get array of specific Redis command documentation', commandDocs, {
        since: '7.0.0',
        acl: CONN,
        hint: '[command-name [command-name ...]]',
      }),
      cmd('getkeys', -3, F, [0, 0, 0], 'server', 'Extract keys given a full Redis command', (c, a) => commandGetKeys(c, a, false), {
        since: '2.8.13',
        acl: CONN,
        hint: 'command [arg [arg ...]]',
      }),
      cmd('getkeysandflags', -3, F, [0, 0, 0], 'server', 'Extract keys and access flags given a full Redis command', (c, a) => commandGetKeys(c, a, true), {
        since: '7.0.0',
        acl: CONN,
        hint: 'command [arg [arg ...]]',
      }),
      cmd('list', -2, F, [0, 0, 0], 'server', 'Get an array of Redis command names', commandList, {
        since: '7.0.0',
        acl: CONN,
        hint: '[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]',
      }),
      cmd(
        'help',
        2,
        ['loading', 'stale'],
        [0, 0, 0],
        'server',
        'Show helpful text about the different subcommands',
        (c) => c.addReplyHelp('command', COMMAND_HELP),
        { since: '5.0.0', acl: CONN },
      ),
    ],
  },
];
