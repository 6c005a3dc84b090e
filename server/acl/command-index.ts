import { aclCategories } from '../commands/commandcmd.js';
import type { CommandSpec, CommandTable } from '../commands/table.js';

/** Redis 7.0's ACL categories, in its order (ACL CAT lists them so; rule descriptions try them so). */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;

/** The bit of a category name (case-insensitive), or 0 when there is no such category. */
export function categoryBit(name: string): number {
  const i = (ACL_CATEGORIES as readonly string[]).indexOf(name.toLowerCase());
  return i < 0 ? 0 : 1 << i;
}

/**
 * Command ids for the permission sets, stable for the life of the process (as Redis's command id
 * table): a table indexed again (sentinel mode trims it) keeps the ids users already hold.
 */
const ids = new WeakMap<CommandSpec, number>();
let nextId = 0;

function idOf(spec: CommandSpec): number {
  let id = ids.get(spec);
  if (id === undefined) ids.set(spec, (id = nextId++));
  return id;
}

/** A command or subcommand as ACL sees it: an id for the permission sets, its full name, its categories. */
export interface AclCommand {
  readonly id: number;
  readonly spec: CommandSpec;
  /** `get`, or `config|get` for a subcommand. */
  readonly fullname: string;
  readonly parent: AclCommand | null;
  readonly subcommands: readonly AclCommand[];
  /** Bits of ACL_CATEGORIES. */
  readonly categories: number;
  /** no_auth commands (AUTH, HELLO ...) are never denied by command rules. */
  readonly noAuth: boolean;
}

/**
 * The command table indexed for ACL (Redis's orig_commands with command ids): lookups by full
 * name and by spec, and the top-level commands in table order (rule descriptions walk them).
 */
export class CommandIndex {
  readonly top: AclCommand[] = [];
  /** Every command and subcommand, containers before their subcommands. */
  readonly all: AclCommand[] = [];
  /** The table version indexed (CommandTable.version). */
  readonly version: number;
  private readonly byName = new Map<string, AclCommand>();
  private readonly bySpec = new Map<CommandSpec, AclCommand>();

  constructor(table: CommandTable) {
    this.version = table.version;
    for (const spec of table.all()) this.top.push(this.add(spec, null));
  }

  private add(spec: CommandSpec, parent: AclCommand | null): AclCommand {
    let categories = 0;
    for (const c of aclCategories(spec)) categories |= categoryBit(c);
    const fullname = parent ? `${parent.fullname}|${spec.name}` : spec.name;
    const subcommands: AclCommand[] = [];
    const cmd: AclCommand = { id: idOf(spec), spec, fullname, parent, subcommands, categories, noAuth: spec.flags.includes('no_auth') };
    this.all.push(cmd);
    this.byName.set(fullname, cmd);
    this.bySpec.set(spec, cmd);
    for (const s of spec.subcommands ?? []) subcommands.push(this.add(s, cmd));
    return cmd;
  }

  /** By name as written in a rule (`GET`, `config|get`), case-insensitive. */
  lookup(name: string): AclCommand | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** The entry of a spec from the table (what dispatch resolved). */
  of(spec: CommandSpec): AclCommand | undefined {
    return this.bySpec.get(spec);
  }
}
