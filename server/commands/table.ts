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
  | 'asking'
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
  /** `flags` as CF bits, computed once (see specFlags): dispatch tests bits, not arrays. */
  cflags?: number;
}

/** Bits of the flags dispatch tests on every call. */
export const CF = {
  WRITE: 1 << 0,
  MAY_REPLICATE: 1 << 1,
  NO_AUTH: 1 << 2,
  NO_MULTI: 1 << 3,
  SKIP_MONITOR: 1 << 4,
  ADMIN: 1 << 5,
  DENYOOM: 1 << 6,
  SKIP_SLOWLOG: 1 << 7,
  FAST: 1 << 8,
  READONLY: 1 << 9,
} as const;

const CF_BY_NAME: Partial<Record<CommandFlag, number>> = {
  write: CF.WRITE,
  may_replicate: CF.MAY_REPLICATE,
  no_auth: CF.NO_AUTH,
  no_multi: CF.NO_MULTI,
  skip_monitor: CF.SKIP_MONITOR,
  admin: CF.ADMIN,
  denyoom: CF.DENYOOM,
  skip_slowlog: CF.SKIP_SLOWLOG,
  fast: CF.FAST,
  readonly: CF.READONLY,
};

/** The CF bits of a spec (cached on it; specs built outside a CommandTable get them on first use). */
export function specFlags(spec: CommandSpec): number {
  let f = spec.cflags;
  if (f === undefined) {
    f = 0;
    for (const name of spec.flags) f |= CF_BY_NAME[name] ?? 0;
    spec.cflags = f;
  }
  return f;
}

/** A resolved top-level command (no subcommands), as cached by CommandTable.resolve. */
export interface CommandRef {
  spec: CommandSpec;
  /** Lower-case name (also the full name for commandstats). */
  name: string;
  flags: number;
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

/** Bound on the exact-spelling cache (clients may send any casing; garbage names are never cached). */
const RESOLVE_CACHE_MAX = 1024;

export class CommandTable {
  private byName = new Map<string, CommandSpec>();
  /** Name as the client spelled it ("SET", "set") → resolved command: skips toLowerCase per call. */
  private exact = new Map<string, CommandRef>();
  /** Bumped by every add/remove (ACL re-indexes the table when it changed). */
  version = 0;

  add(specs: CommandSpec[]): void {
    this.version++;
    for (const s of specs) {
      if (this.byName.has(s.name)) throw new Error(`duplicate command ${s.name}`);
      this.byName.set(s.name, s);
      specFlags(s);
      for (const sub of s.subcommands ?? []) specFlags(sub);
    }
    this.exact.clear();
  }

  /** Drop a command (sentinel mode keeps only the commands Redis allows there). */
  remove(lowerName: string): void {
    this.version++;
    this.byName.delete(lowerName);
    this.exact.clear();
  }

  /** Look up a command by the name as sent (any case); undefined when unknown. */
  resolve(name: string): CommandRef | undefined {
    let ref = this.exact.get(name);
    if (ref !== undefined) return ref;
    const lower = name.toLowerCase();
    const spec = this.byName.get(lower);
    if (spec === undefined) return undefined;
    ref = { spec, name: lower, flags: specFlags(spec) };
    if (this.exact.size >= RESOLVE_CACHE_MAX) this.exact.clear();
    this.exact.set(name, ref);
    return ref;
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
