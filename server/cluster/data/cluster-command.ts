import type { Client } from '../../client.js';
import { type CommandFlag, type CommandSpec, cmd } from '../../commands/table.js';
import { ERR } from '../../commands/util.js';
import { parseLL } from '../../util/numbers.js';
import { CLUSTER_SLOTS, NodeFlag } from '../constants.js';
import type { ClusterNode } from '../shell/cluster-node.js';
import { clusterOf } from '../shell/registry.js';
import type { AdminCommand, AdminReply, NodeView } from '../types.js';
import { replyInfo, replyLinks, replyShards, replySlots, usePport } from './render.js';
import { keyHashSlot } from './slot.js';

/**
 * The CLUSTER command of Redis 7.0 (clusterCommand): argument parsing and the read-only
 * subcommands are here; every state change goes to the brain as an admin command and its
 * answer is the reply.
 */

const HELP = [
  'ADDSLOTS <slot> [<slot> ...]',
  '    Assign slots to current node.',
  'ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]',
  '    Assign slots which are between <start-slot> and <end-slot> to current node.',
  'BUMPEPOCH',
  '    Advance the cluster config epoch.',
  'COUNT-FAILURE-REPORTS <node-id>',
  '    Return number of failure reports for <node-id>.',
  'COUNTKEYSINSLOT <slot>',
  '    Return the number of keys in <slot>.',
  'DELSLOTS <slot> [<slot> ...]',
  '    Delete slots information from current node.',
  'DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]',
  '    Delete slots information which are between <start-slot> and <end-slot> from current node.',
  'FAILOVER [FORCE|TAKEOVER]',
  '    Promote current replica node to being a master.',
  'FORGET <node-id>',
  '    Remove a node from the cluster.',
  'GETKEYSINSLOT <slot> <count>',
  '    Return key names stored by current node in a slot.',
  'FLUSHSLOTS',
  '    Delete current node own slots information.',
  'INFO',
  '    Return information about the cluster.',
  'KEYSLOT <key>',
  '    Return the hash slot for <key>.',
  'MEET <ip> <port> [<bus-port>]',
  '    Connect nodes into a working cluster.',
  'MYID',
  '    Return the node id.',
  'NODES',
  '    Return cluster configuration seen by node. Output format:',
  '    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...',
  'REPLICATE <node-id>',
  '    Configure current node as replica to <node-id>.',
  'RESET [HARD|SOFT]',
  '    Reset current node (default: soft).',
  'SET-CONFIG-EPOCH <epoch>',
  '    Set config epoch of current node.',
  'SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)',
  '    Set slot state.',
  'REPLICAS <node-id>',
  '    Return <node-id> replicas.',
  'SAVECONFIG',
  '    Force saving cluster configuration on disk.',
  'SLOTS',
  '    Return information about slots range mappings. Each range is made of:',
  '    start, end, master and replicas IP addresses, ports and ids',
  'SHARDS',
  '    Return information about slot range mappings and the nodes associated with them.',
  'LINKS',
  '    Return information about all network links between this node and its peers.',
  '    Output format is an array where each array element is a map containing attributes of a link',
];

type Handler = (c: Client, argv: string[], node: ClusterNode) => void;

/** Every subcommand first checks cluster mode (Redis: "This instance has cluster support disabled"). */
function withNode(h: Handler): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const node = clusterOf(c.server);
    if (node === null) return c.addReplyError('This instance has cluster support disabled');
    h(c, argv, node);
  };
}

function sendReply(c: Client, r: AdminReply): void {
  if ('ok' in r) c.addReplyOk();
  else if ('error' in r) c.addReplyError(r.error);
  else if ('integer' in r) c.addReplyInt(r.integer);
  else c.addReplyStatus(r.status);
}

function admin(c: Client, node: ClusterNode, command: AdminCommand): void {
  sendReply(c, node.admin(command));
}

/** A slot as string2ll reads it (no sign, no leading zero, no spaces), at most 5 digits. */
const SLOT_TEXT = /^(?:0|[1-9][0-9]{0,4})$/;

/**
 * getSlotOrReply: an integer in [0, 16383]. A regex and Number(), not a digit loop: redis-cli's
 * ADDSLOTS carries thousands of slots, parsed while the code is still cold (interpreted).
 */
function slotArg(c: Client, s: string): number | null {
  const v = SLOT_TEXT.test(s) ? Number(s) : -1;
  if (v < 0 || v >= CLUSTER_SLOTS) {
    c.addReplyError('Invalid or out of range slot');
    return null;
  }
  return v;
}

/** clusterLookupNode: ids must be 40 chars. */
function lookupNode(node: ClusterNode, id: string): NodeView | null {
  if (id.length !== 40) return null;
  return node.view.nodes.get(id) ?? null;
}

const isReplica = (n: NodeView): boolean => (n.flags & NodeFlag.SLAVE) !== 0;

const meet: Handler = (c, argv, node) => {
  if (argv.length !== 4 && argv.length !== 5) return c.addReplySubcommandSyntaxError(argv);
  const port = parseLL(argv[3]!);
  if (port === null) return c.addReplyError(`Invalid TCP base port specified: ${argv[3]}`);
  let cport: number | undefined;
  if (argv.length === 5) {
    const v = parseLL(argv[4]!);
    if (v === null) return c.addReplyError(`Invalid TCP bus port specified: ${argv[4]}`);
    cport = v;
  }
  admin(c, node, cport === undefined ? { cmd: 'meet', ip: argv[2]!, port } : { cmd: 'meet', ip: argv[2]!, port, cport });
};

const addDelSlots: Handler = (c, argv, node) => {
  const slots: number[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = slotArg(c, argv[j]!);
    if (s === null) return;
    slots.push(s);
  }
  admin(c, node, { cmd: argv[1]!.toLowerCase() === 'delslots' ? 'delslots' : 'addslots', slots });
};

const addDelSlotsRange: Handler = (c, argv, node) => {
  if (argv.length % 2 === 1) return c.addReplyError(`wrong number of arguments for 'cluster|${argv[1]!.toLowerCase()}' command`);
  const ranges: [number, number][] = [];
  for (let j = 2; j < argv.length; j += 2) {
    const start = slotArg(c, argv[j]!);
    if (start === null) return;
    const end = slotArg(c, argv[j + 1]!);
    if (end === null) return;
    if (start > end) return c.addReplyError(`start slot number ${start} is greater than end slot number ${end}`);
    ranges.push([start, end]);
  }
  admin(c, node, { cmd: argv[1]!.toLowerCase() === 'delslotsrange' ? 'delslotsrange' : 'addslotsrange', ranges });
};

const setslot: Handler = (c, argv, node) => {
  if (isReplica(node.view.myself)) return c.addReplyError('Please use SETSLOT only with masters.');
  const slot = slotArg(c, argv[2]!);
  if (slot === null) return;
  const action = argv[3]!.toLowerCase();
  if ((action === 'migrating' || action === 'importing' || action === 'node') && argv.length === 5) {
    admin(c, node, { cmd: 'setslot', slot, action, node: argv[4]!, keysInSlot: node.slots.count(slot) });
  } else if (action === 'stable' && argv.length === 4) {
    admin(c, node, { cmd: 'setslot', slot, action: 'stable' });
  } else {
    c.addReplyError('Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP');
  }
};

const countkeysinslot: Handler = (c, argv, node) => {
  const slot = parseLL(argv[2]!);
  if (slot === null) return c.addReplyError(ERR.NOT_INT);
  if (slot < 0 || slot >= CLUSTER_SLOTS) return c.addReplyError('Invalid slot');
  c.addReplyInt(node.slots.count(slot));
};

const getkeysinslot: Handler = (c, argv, node) => {
  const slot = parseLL(argv[2]!);
  if (slot === null) return c.addReplyError(ERR.NOT_INT);
  const max = parseLL(argv[3]!);
  if (max === null) return c.addReplyError(ERR.NOT_INT);
  if (slot < 0 || slot >= CLUSTER_SLOTS || max < 0) return c.addReplyError('Invalid slot or number of keys');
  c.addReplyBulks(node.slots.keys(slot, max));
};

const replicas: Handler = (c, argv, node) => {
  const n = lookupNode(node, argv[2]!);
  if (n === null) return c.addReplyError(`Unknown node ${argv[2]}`);
  if (isReplica(n)) return c.addReplyError('The specified node is not a master');
  const lines = new Map<string, string>();
  for (const l of node.view.renderNodes(usePport(node, c)).split('\n')) if (l.length > 40) lines.set(l.slice(0, 40), l);
  c.addReplyArrayLen(n.replicas.length);
  for (const r of n.replicas) c.addReplyBulk(lines.get(r.name) ?? '');
};

const failover: Handler = (c, argv, node) => {
  let mode: 'default' | 'force' | 'takeover' = 'default';
  if (argv.length === 3) {
    const opt = argv[2]!.toLowerCase();
    if (opt === 'force') mode = 'force';
    else if (opt === 'takeover') mode = 'takeover';
    else return c.addReplyError(ERR.SYNTAX);
  } else if (argv.length !== 2) {
    return c.addReplySubcommandSyntaxError(argv);
  }
  admin(c, node, { cmd: 'failover', mode });
};

const setConfigEpoch: Handler = (c, argv, node) => {
  const epoch = parseLL(argv[2]!);
  if (epoch === null) return c.addReplyError(ERR.NOT_INT);
  admin(c, node, { cmd: 'set-config-epoch', epoch });
};

const reset: Handler = (c, argv, node) => {
  let hard = false;
  if (argv.length === 3) {
    const opt = argv[2]!.toLowerCase();
    if (opt === 'hard') hard = true;
    else if (opt !== 'soft') return c.addReplyError(ERR.SYNTAX);
  } else if (argv.length !== 2) {
    return c.addReplySubcommandSyntaxError(argv);
  }
  admin(c, node, { cmd: 'reset', hard, dbEmpty: c.db.size === 0 });
};

const saveconfig: Handler = (c, _argv, node) => {
  try {
    node.writeConfig(node.view.renderConfig(), true);
    c.addReplyOk();
  } catch (e) {
    c.addReplyError(`error saving the cluster node config: ${(e as Error).message}`);
  }
};

const dbEmpty = (node: ClusterNode): boolean => node.server.dbs[0]!.size === 0;

const S: CommandFlag[] = ['stale'];
const AS: CommandFlag[] = ['admin', 'stale'];

function sub(name: string, arity: number, flags: CommandFlag[], summary: string, h: Handler, hint?: string, since = '3.0.0'): CommandSpec {
  return cmd(name, arity, flags, [0, 0, 0], 'cluster', summary, withNode(h), { since, ...(hint ? { hint } : {}) });
}

export const clusterCommand: CommandSpec = cmd('cluster', -2, [], [0, 0, 0], 'cluster', 'A container for cluster commands', undefined, {
  since: '3.0.0',
  subcommands: [
    sub('addslots', -3, AS, 'Assign new hash slots to receiving node', addDelSlots, 'slot [slot ...]'),
    sub('addslotsrange', -4, AS, 'Assign new hash slots to receiving node', addDelSlotsRange, 'start-slot end-slot [start-slot end-slot ...]', '7.0.0'),
    sub('bumpepoch', 2, AS, 'Advance the cluster config epoch', (c, _a, n) => admin(c, n, { cmd: 'bumpepoch' })),
    sub('count-failure-reports', 3, AS, 'Return the number of failure reports active for a given node', (c, a, n) =>
      admin(c, n, { cmd: 'count-failure-reports', node: a[2]! }),
    ),
    sub('countkeysinslot', 3, S, 'Return the number of local keys in the specified hash slot', countkeysinslot, 'slot'),
    sub('delslots', -3, AS, 'Set hash slots as unbound in receiving node', addDelSlots, 'slot [slot ...]'),
    sub('delslotsrange', -4, AS, 'Set hash slots as unbound in receiving node', addDelSlotsRange, 'start-slot end-slot [start-slot end-slot ...]', '7.0.0'),
    sub('failover', -2, AS, 'Forces a replica to perform a manual failover of its master.', failover, '[FORCE|TAKEOVER]'),
    sub('flushslots', 2, AS, "Delete a node's own slots information", (c, _a, n) => admin(c, n, { cmd: 'flushslots', dbEmpty: dbEmpty(n) })),
    sub('forget', 3, AS, 'Remove a node from the nodes table', (c, a, n) => admin(c, n, { cmd: 'forget', node: a[2]! }), 'node-id'),
    sub('getkeysinslot', 4, S, 'Return local key names in the specified hash slot', getkeysinslot, 'slot count'),
    sub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', (c) => c.addReplyHelp('cluster', HELP), undefined, '5.0.0'),
    sub('info', 2, S, 'Provides info about Redis Cluster node state', (c, _a, n) => replyInfo(c, n)),
    sub('keyslot', 3, S, 'Returns the hash slot of the specified key', (c, a) => c.addReplyInt(keyHashSlot(a[2]!)), 'key'),
    sub('links', 2, S, 'Returns a list of all TCP links to and from peer nodes in cluster', (c, _a, n) => replyLinks(c, n), undefined, '7.0.0'),
    sub('meet', -4, AS, 'Force a node cluster to handshake with another node', meet, 'ip port [cluster_bus_port]'),
    sub('myid', 2, S, 'Return the node id', (c, _a, n) => c.addReplyBulk(n.view.myself.name)),
    sub('nodes', 2, S, 'Get Cluster config for the node', (c, _a, n) => c.addReplyVerbatim(n.view.renderNodes(usePport(n, c)))),
    sub('replicas', 3, AS, 'List replica nodes of the specified master node', replicas, 'node-id', '5.0.0'),
    sub(
      'replicate',
      3,
      AS,
      'Reconfigure a node as a replica of the specified master node',
      (c, a, n) => admin(c, n, { cmd: 'replicate', node: a[2]!, dbEmpty: dbEmpty(n) }),
      'node-id',
    ),
    sub('reset', -2, ['admin', 'stale', 'noscript'], 'Reset a Redis Cluster node', reset, '[HARD|SOFT]'),
    sub('saveconfig', 2, AS, 'Forces the node to save cluster state on disk', saveconfig),
    sub('set-config-epoch', 3, AS, 'Set the configuration epoch in a new node', setConfigEpoch, 'config-epoch'),
    sub('setslot', -4, AS, 'Bind a hash slot to a specific node', setslot, 'slot IMPORTING node-id|MIGRATING node-id|NODE node-id|STABLE'),
    sub('shards', 2, S, 'Get array of cluster slots to node mappings', (c, _a, n) => replyShards(c, n), undefined, '7.0.0'),
    sub('slaves', 3, AS, 'List replica nodes of the specified master node', replicas, 'node-id'),
    sub('slots', 2, S, 'Get array of Cluster slot to node mappings', (c, _a, n) => replySlots(c, n)),
  ],
});
