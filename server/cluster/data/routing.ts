import type { Client } from '../../client.js';
import { CF, type CommandSpec, commandKeyPositions, specFlags } from '../../commands/table.js';
import { NodeFlag } from '../constants.js';
import type { ClusterView, NodeView } from '../types.js';
import { keyHashSlot } from './slot.js';

export interface RoutingOptions {
  readonly allowReadsWhenDown: boolean;
  readonly allowPubsubshardWhenDown: boolean;
  /** `endpoint:port` of a node for -MOVED / -ASK (cluster-preferred-endpoint-type; the port as that client is shown it). */
  redirectAddress(n: NodeView, c: Client): string;
}

/** Redirection and refusal texts, as Redis's clusterRedirectClient. */
export const REDIRECT = {
  CROSSSLOT: "-CROSSSLOT Keys in request don't hash to the same slot",
  TRYAGAIN: '-TRYAGAIN Multiple keys request during rehashing of slot',
  DOWN: '-CLUSTERDOWN The cluster is down',
  DOWN_RO: '-CLUSTERDOWN The cluster is down and only accepts read commands',
  UNBOUND: '-CLUSTERDOWN Hash slot not served',
} as const;

const SHARD_PUBSUB = new Set(['ssubscribe', 'sunsubscribe', 'spublish']);

/** A database lookup as routing does it: present and not logically expired, no side effects. */
export type KeyExists = (key: string) => boolean;

/**
 * Redis 7.0's getNodeByQuery + clusterRedirectClient: null when this node serves the command,
 * else the error reply. EXEC is checked over its whole queue (it is the caller's job to discard
 * the transaction). The order of the checks is Redis's: per key: unbound slot, open slot, cross
 * slot; then cluster down; MIGRATE in an open slot; ASK / TRYAGAIN while migrating; ASKING
 * while importing; READONLY replica reads; MOVED.
 */
export function routeCommand(view: ClusterView, opts: RoutingOptions, c: Client, spec: CommandSpec, argv: string[], exists: KeyExists): string | null {
  const isExec = spec.name === 'exec';
  let cmds: { spec: CommandSpec; argv: string[] }[];
  if (isExec) {
    if (c.multi === null) return null;
    cmds = c.multi.queue;
  } else {
    cmds = [{ spec, argv }];
  }
  const isShard = SHARD_PUBSUB.has(spec.name);
  let firstKey: string | null = null;
  let slot = 0;
  let owner: NodeView | null = null;
  let migrating = false;
  let importing = false;
  let multipleKeys = false;
  let missing = 0;
  let existing = 0;
  for (const q of cmds) {
    const positions = commandKeyPositions(q.spec, q.argv);
    for (const pos of positions) {
      const key = q.argv[pos];
      if (key === undefined) continue;
      const keySlot = keyHashSlot(key);
      if (firstKey === null) {
        firstKey = key;
        slot = keySlot;
        owner = view.slotOwner(slot);
        if (owner === null) return REDIRECT.UNBOUND;
        if (owner === view.myself && view.migratingTo(slot) !== null) migrating = true;
        else if (view.importingFrom(slot) !== null) importing = true;
      } else if (key !== firstKey) {
        if (keySlot !== slot) return REDIRECT.CROSSSLOT;
        multipleKeys = true;
      }
      if ((migrating || importing) && !isShard) {
        if (exists(key)) existing++;
        else missing++;
      }
    }
  }
  // No key at all: served here whatever the cluster state.
  if (owner === null) return null;
  const cmdWrite = (specFlags(spec) & CF.WRITE) !== 0;
  if (view.state !== 'ok') {
    if (isShard) {
      if (!opts.allowPubsubshardWhenDown) return REDIRECT.DOWN;
    } else if (!opts.allowReadsWhenDown) {
      return REDIRECT.DOWN;
    } else if (cmdWrite) {
      // EXEC's own flags, as Redis: its queued writes were refused one by one when queued.
      return REDIRECT.DOWN_RO;
    }
  }
  // MIGRATE moves keys freely while the slot is open.
  if ((migrating || importing) && spec.name === 'migrate') return null;
  if (migrating && missing > 0) {
    if (existing > 0) return REDIRECT.TRYAGAIN;
    return `-ASK ${slot} ${opts.redirectAddress(view.migratingTo(slot)!, c)}`;
  }
  if (importing && (c.asking !== 0 || spec.flags.includes('asking'))) {
    if (multipleKeys && missing > 0) return REDIRECT.TRYAGAIN;
    return null;
  }
  let isWrite = cmdWrite;
  if (isExec) for (const q of cmds) if (specFlags(q.spec) & CF.WRITE) isWrite = true;
  if ((c.readonlyReads || isShard) && !isWrite && view.myself.flags & NodeFlag.SLAVE && view.myself.master === owner) return null;
  if (owner !== view.myself) return `-MOVED ${slot} ${opts.redirectAddress(owner, c)}`;
  return null;
}

/** Whether routing looks at a command at all: it has key positions, movable keys, or is EXEC. */
export function routable(spec: CommandSpec): boolean {
  return spec.keys.first !== 0 || spec.getKeys !== undefined || spec.name === 'exec';
}
