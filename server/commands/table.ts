import type { Client } from '../client.js';

/**
 * Command flags, named as in Redis's command table (COMMAND INFO shows them). Dispatch uses
 * write/denyoom/noauth/stale/loading/pubsub/no-multi/admin; replication propagates `write`.
 */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy'
  | 'no_mandatory_keys'
  | 'sentinel';

export interface KeySpec {
  /** Position of the first key (0 = no keys). */
  first: number;
  /** Position of the last key; negative counts from the end (-1 = last argument). */
  last: number;
  step: number;
}

export interface CommandSpec {
  /** Lower-case name; for a subcommand, just the subcommand (e.g. "get" under "config"). */
  name: string;
  /** Redis arity: n > 0 exactly n arguments (with the name), n < 0 at least -n. */
  arity: number;
  flags: CommandFlag[];
  keys: KeySpec;
  /** For movablekeys commands (e.g. ZUNIONSTORE, SORT ... STORE, LMPOP): argument positions of keys. */
  getKeys?: (argv: string[]) => number[];
  /** ACL categories without '@' (COMMAND INFO shows them), e.g. ['string', 'fast']. */
  acl?: string[];
  /** For COMMAND DOCS (redis-cli hints). */
  summary: string;
  since: string;
  group: string;
  /** Argument hint shown by redis-cli, e.g. "key value [EX seconds|PX milliseconds]". */
  hint?: string;
  subcommands?: CommandSpec[];
  /** Absent for container commands with subcommands (dispatch picks the subcommand). */
  handler?: (c: Client, argv: string[]) => void;
}

/** Shorthand for declaring a command. */
export function cmd(
  name: string,
  arity: number,
  flags: CommandFlag[],
  keys: [first: number, last: number, step: number],
  group: string,
  summary: string,
  handler: ((c: Client, argv: string[]) => void) | undefined,
  extra: Partial<Pick<CommandSpec, 'getKeys' | 'acl' | 'since' | 'hint' | 'subcommands'>> = {},
): CommandSpec {
  return {
    name,
    arity,
    flags,
    keys: { first: keys[0], last: keys[1], step: keys[2] },
    group,
    summary,
    since: extra.since ?? '1.0.0',
    handler,
    ...extra,
  };
}

/** Positions of the key arguments of a command invocation (COMMAND GETKEYS, cluster routing). */
export function commandKeyPositions(spec: CommandSpec, argv: string[]): number[] {
  if (spec.getKeys) return spec.getKeys(argv);
  const { first, step } = spec.keys;
  if (first === 0) return [];
  let last = spec.keys.last;
  if (last < 0) last = argv.length + last;
  const out: number[] = [];
  for (let i = first; i <= last && i < argv.length; i += step) out.push(i);
  return out;
}

export class CommandTable {
  private byName = new Map<string, CommandSpec>();

  add(specs: CommandSpec[]): void {
    for (const s of specs) {
      if (this.byName.has(s.name)) throw new Error(`duplicate command ${s.name}`);
      this.byName.set(s.name, s);
    }
  }

  /** Lookup by lower-cased name (callers lower-case once). */
  get(lowerName: string): CommandSpec | undefined {
    return this.byName.get(lowerName);
  }

  all(): CommandSpec[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }
}
