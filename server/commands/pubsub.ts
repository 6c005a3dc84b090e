import type { Client } from '../client.js';
import { globMatch } from '../util/glob.js';
import { type CommandSpec, cmd } from './table.js';

/** SUBSCRIBE & co. (Redis's pubsub.c); state and delivery live in server/pubsub.ts. */

function count(c: Client): number {
  return c.channels.size + c.patterns.size;
}

function confirm(c: Client, kind: string, name: string | null, n: number): void {
  c.addReplyPushLen(3);
  c.addReplyBulk(kind);
  if (name === null) c.addReplyNull();
  else c.addReplyBulk(name);
  c.addReplyInt(n);
}

function subscribe(c: Client, argv: string[]): void {
  const ps = c.server.pubsub;
  for (let i = 1; i < argv.length; i++) {
    ps.subscribe(c, argv[i]!);
    confirm(c, 'subscribe', argv[i]!, count(c));
  }
}

function unsubscribe(c: Client, argv: string[]): void {
  const ps = c.server.pubsub;
  if (argv.length === 1) {
    if (c.channels.size === 0) confirm(c, 'unsubscribe', null, count(c));
    for (const ch of [...c.channels]) {
      ps.unsubscribe(c, ch);
      confirm(c, 'unsubscribe', ch, count(c));
    }
    return;
  }
  for (let i = 1; i < argv.length; i++) {
    ps.unsubscribe(c, argv[i]!);
    confirm(c, 'unsubscribe', argv[i]!, count(c));
  }
}

function psubscribe(c: Client, argv: string[]): void {
  const ps = c.server.pubsub;
  for (let i = 1; i < argv.length; i++) {
    ps.psubscribe(c, argv[i]!);
    confirm(c, 'psubscribe', argv[i]!, count(c));
  }
}

function punsubscribe(c: Client, argv: string[]): void {
  const ps = c.server.pubsub;
  if (argv.length === 1) {
    if (c.patterns.size === 0) confirm(c, 'punsubscribe', null, count(c));
    for (const p of [...c.patterns]) {
      ps.punsubscribe(c, p);
      confirm(c, 'punsubscribe', p, count(c));
    }
    return;
  }
  for (let i = 1; i < argv.length; i++) {
    ps.punsubscribe(c, argv[i]!);
    confirm(c, 'punsubscribe', argv[i]!, count(c));
  }
}

function ssubscribe(c: Client, argv: string[]): void {
  const ps = c.server.pubsub;
  for (let i = 1; i < argv.length; i++) {
    ps.ssubscribe(c, argv[i]!);
    confirm(c, 'ssubscribe', argv[i]!, c.shardChannels.size);
  }
}

function sunsubscribe(c: Client, argv: string[]): void {
  const ps = c.server.pubsub;
  if (argv.length === 1) {
    if (c.shardChannels.size === 0) confirm(c, 'sunsubscribe', null, 0);
    for (const ch of [...c.shardChannels]) {
      ps.sunsubscribe(c, ch);
      confirm(c, 'sunsubscribe', ch, c.shardChannels.size);
    }
    return;
  }
  for (let i = 1; i < argv.length; i++) {
    ps.sunsubscribe(c, argv[i]!);
    confirm(c, 'sunsubscribe', argv[i]!, c.shardChannels.size);
  }
}

function publish(c: Client, argv: string[]): void {
  const s = c.server;
  const n = s.pubsub.publish(argv[1]!, argv[2]!);
  // Redis forwards PUBLISH to replicas; in cluster mode the bus carries it to every node instead.
  if (!s.config.clusterEnabled) s.alsoPropagate(c.db.id, argv, true);
  else for (const f of s.hooks.publish) f(argv[1]!, argv[2]!, false);
  c.addReplyInt(n);
}

function spublish(c: Client, argv: string[]): void {
  const s = c.server;
  const n = s.pubsub.spublish(argv[1]!, argv[2]!);
  if (!s.config.clusterEnabled) s.alsoPropagate(c.db.id, argv, true);
  else for (const f of s.hooks.publish) f(argv[1]!, argv[2]!, true);
  c.addReplyInt(n);
}

function listChannels(c: Client, all: Map<string, Set<Client>>, pattern: string | undefined): void {
  const out: string[] = [];
  for (const ch of all.keys()) if (pattern === undefined || globMatch(pattern, ch)) out.push(ch);
  c.addReplyBulks(out);
}

function numsub(c: Client, all: Map<string, Set<Client>>, argv: string[]): void {
  c.addReplyArrayLen((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    c.addReplyBulk(argv[i]!);
    c.addReplyInt(all.get(argv[i]!)?.size ?? 0);
  }
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

const PS: ['pubsub', 'loading', 'stale'] = ['pubsub', 'loading', 'stale'];

export const pubsubCommands: CommandSpec[] = [
  cmd('subscribe', -2, ['pubsub', 'noscript', 'loading', 'stale'], [0, 0, 0], 'pubsub', 'Listen for messages published to the given channels', subscribe, {
    since: '2.0.0',
    hint: 'channel [channel ...]',
  }),
  cmd(
    'unsubscribe',
    -1,
    ['pubsub', 'noscript', 'loading', 'stale'],
    [0, 0, 0],
    'pubsub',
    'Stop listening for messages posted to the given channels',
    unsubscribe,
    { since: '2.0.0', hint: '[channel [channel ...]]' },
  ),
  cmd(
    'psubscribe',
    -2,
    ['pubsub', 'noscript', 'loading', 'stale'],
    [0, 0, 0],
    'pubsub',
    'Listen for messages published to channels matching the given patterns',
    psubscribe,
    { since: '2.0.0', hint: 'pattern [pattern ...]' },
  ),
  cmd(
    'punsubscribe',
    -1,
    ['pubsub', 'noscript', 'loading', 'stale'],
    [0, 0, 0],
    'pubsub',
    'Stop listening for messages posted to channels matching the given patterns',
    punsubscribe,
    { since: '2.0.0', hint: '[pattern [pattern ...]]' },
  ),
  cmd(
    'ssubscribe',
    -2,
    ['pubsub', 'noscript', 'loading', 'stale'],
    [1, -1, 1],
    'pubsub',
    'Listen for messages published to the given shard channels',
    ssubscribe,
    { since: '7.0.0', hint: 'shardchannel [shardchannel ...]' },
  ),
  cmd(
    'sunsubscribe',
    -1,
    ['pubsub', 'noscript', 'loading', 'stale'],
    [1, -1, 1],
    'pubsub',
    'Stop listening for messages posted to the given shard channels',
    sunsubscribe,
    { since: '7.0.0', hint: '[shardchannel [shardchannel ...]]' },
  ),
  cmd('publish', 3, ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'], [0, 0, 0], 'pubsub', 'Post a message to a channel', publish, {
    since: '2.0.0',
    hint: 'channel message',
  }),
  cmd('spublish', 3, ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'], [1, 1, 1], 'pubsub', 'Post a message to a shard channel', spublish, {
    since: '7.0.0',
    hint: 'shardchannel message',
  }),
  cmd('pubsub', -2, [], [0, 0, 0], 'pubsub', 'A container for Pub/Sub commands', undefined, {
    since: '2.8.0',
    acl: ['slow'],
    subcommands: [
      cmd('channels', -2, PS, [0, 0, 0], 'pubsub', 'List active channels', (c, a) => listChannels(c, c.server.pubsub.channels, a[2]), {
        since: '2.8.0',
        hint: '[pattern]',
      }),
      cmd('numsub', -2, PS, [0, 0, 0], 'pubsub', 'Get the count of subscribers for channels', (c, a) => numsub(c, c.server.pubsub.channels, a), {
        since: '2.8.0',
        hint: '[channel [channel ...]]',
      }),
      cmd('numpat', 2, PS, [0, 0, 0], 'pubsub', 'Get the count of unique patterns pattern subscriptions', (c) => c.addReplyInt(c.server.pubsub.patterns.size), {
        since: '2.8.0',
      }),
      cmd('shardchannels', -2, PS, [0, 0, 0], 'pubsub', 'List active shard channels', (c, a) => listChannels(c, c.server.pubsub.shardChannels, a[2]), {
        since: '7.0.0',
        hint: '[pattern]',
      }),
      cmd(
        'shardnumsub',
        -2,
        PS,
        [0, 0, 0],
        'pubsub',
        'Get the count of subscribers for shard channels',
        (c, a) => numsub(c, c.server.pubsub.shardChannels, a),
        { since: '7.0.0', hint: '[shardchannel [shardchannel ...]]' },
      ),
      cmd(
        'help',
        2,
        ['loading', 'stale'],
        [0, 0, 0],
        'pubsub',
        'Show helpful text about the different subcommands',
        (c) => c.addReplyHelp('pubsub', PUBSUB_HELP),
        { since: '6.2.0', acl: ['slow'] },
      ),
    ],
  }),
];
