import { splitArgs } from '../resp/parser.js';
import { globMatch } from '../util/glob.js';
import { type AclCommand, type CommandIndex, categoryBit } from './command-index.js';

/**
 * Why an ACL rule was refused, named after the errno Redis's ACLSetSelector/ACLSetUser set
 * (ruleErrorText gives the message ACL SETUSER shows).
 */
export type RuleError = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'EALREADY' | 'ECHILD';

/** Redis's ACLSetUserStringError. */
export function ruleErrorText(e: RuleError): string {
  switch (e) {
    case 'ENOENT':
      return 'Unknown command or category name in ACL';
    case 'EINVAL':
      return 'Syntax error';
    case 'EEXIST':
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case 'EISDIR':
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    case 'ENODEV':
      return 'The password you are trying to remove from the user does not exist';
    case 'EBADMSG':
      return 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
    case 'EALREADY':
      return 'Duplicate user found. A user can only be defined once in config files';
    case 'ECHILD':
      return 'Allowing first-arg of a subcommand is not supported';
  }
}

/** A key pattern with the access it grants (`~` both, `%R~` read, `%W~` write). */
export interface KeyPattern {
  pattern: string;
  read: boolean;
  write: boolean;
}

/** ASCII case-insensitive equality (C's strcasecmp in the C locale). */
export function eqNoCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/** Redis's ACLStringHasSpaces: isspace() or NUL anywhere. */
export function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(s);
}

/**
 * One set of permissions (Redis 7.0's aclSelector): the commands it may run, the keys and
 * channels it may name. A user has a root selector plus any `(...)` selectors; a command is
 * allowed when one selector allows it whole.
 */
export class Selector {
  /** The selector outside parentheses (never removed by clearselectors). */
  readonly root: boolean;
  allKeys = false;
  allChannels = false;
  /** Fast path: every command; cleared by any removal even if the bits stay set. */
  allCommands = false;
  /** Set by +@all (Redis's reserved bit): descriptions start from +@all rather than -@all. */
  future = false;
  /** Ids of the allowed commands and subcommands (CommandIndex ids). */
  allowed = new Set<number>();
  /** Command id → first arguments allowed although the command is not (`+select|0`). */
  firstArgs: Map<number, string[]> | null = null;
  keys: KeyPattern[] = [];
  channels: string[] = [];

  constructor(root: boolean, allChannels: boolean) {
    this.root = root;
    this.allChannels = allChannels;
  }

  copy(): Selector {
    const s = new Selector(this.root, this.allChannels);
    s.allKeys = this.allKeys;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed = new Set(this.allowed);
    if (this.firstArgs) s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.keys = this.keys.map((k) => ({ ...k }));
    s.channels = [...this.channels];
    return s;
  }

  /** Every command, key and channel: the check can be skipped. */
  get unrestricted(): boolean {
    return this.allCommands && this.allKeys && this.allChannels;
  }

  private setBit(id: number, allow: boolean): void {
    if (allow) this.allowed.add(id);
    else {
      this.allowed.delete(id);
      this.allCommands = false;
    }
  }

  /** Allow or block a command; a container's subcommands follow it (Redis's ACLChangeSelectorPerm). */
  changePerm(cmd: AclCommand, allow: boolean): void {
    this.setBit(cmd.id, allow);
    this.firstArgs?.delete(cmd.id);
    for (const sub of cmd.subcommands) this.setBit(sub.id, allow);
  }

  setAll(index: CommandIndex, allow: boolean): void {
    this.allowed = allow ? new Set(index.all.map((c) => c.id)) : new Set();
    this.allCommands = allow;
    this.future = allow;
    this.firstArgs = null;
  }

  /** +@cat / -@cat: every command and subcommand of the category (containers carry their subcommands). */
  setCategory(index: CommandIndex, bit: number, allow: boolean): void {
    const walk = (cmds: readonly AclCommand[]): void => {
      for (const cmd of cmds) {
        if (cmd.categories & bit) this.changePerm(cmd, allow);
        walk(cmd.subcommands);
      }
    };
    walk(index.top);
  }

  private addFirstArg(id: number, arg: string): void {
    this.firstArgs ??= new Map();
    const list = this.firstArgs.get(id) ?? [];
    if (list.some((a) => eqNoCase(a, arg))) return;
    list.push(arg);
    this.firstArgs.set(id, list);
  }

  /**
   * Apply one selector rule (Redis's ACLSetSelector): command rules (+cmd, -cmd, +@cat, +cmd|sub,
   * +cmd|firstarg, allcommands, nocommands), key patterns (~p, %R~p, %W~p, %RW~p, allkeys,
   * resetkeys), channel patterns (&p, allchannels, resetchannels). `warn` receives the
   * deprecation notice of +cmd|firstarg.
   */
  apply(op: string, index: CommandIndex, warn: (msg: string) => void = () => {}): RuleError | null {
    if (eqNoCase(op, 'allkeys') || op === '~*') {
      this.allKeys = true;
      this.keys = [];
    } else if (eqNoCase(op, 'resetkeys')) {
      this.allKeys = false;
      this.keys = [];
    } else if (eqNoCase(op, 'allchannels') || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (eqNoCase(op, 'resetchannels')) {
      this.allChannels = false;
      this.channels = [];
    } else if (eqNoCase(op, 'allcommands') || eqNoCase(op, '+@all')) {
      this.setAll(index, true);
    } else if (eqNoCase(op, 'nocommands') || eqNoCase(op, '-@all')) {
      this.setAll(index, false);
    } else if (op[0] === '~' || op[0] === '%') {
      return this.addKeyPattern(op);
    } else if (op[0] === '&') {
      if (this.allChannels) return 'EISDIR';
      const pat = op.slice(1);
      if (hasSpaces(pat)) return 'EINVAL';
      if (!this.channels.includes(pat)) this.channels.push(pat);
      this.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      return this.allowCommand(op.slice(1), index, warn);
    } else if (op[0] === '-' && op[1] !== '@') {
      const cmd = index.lookup(op.slice(1));
      if (cmd === undefined) return 'ENOENT';
      this.changePerm(cmd, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const bit = categoryBit(op.slice(2));
      if (bit === 0) return 'ENOENT';
      this.setCategory(index, bit, op[0] === '+');
    } else {
      return 'EINVAL';
    }
    return null;
  }

  private addKeyPattern(op: string): RuleError | null {
    if (this.allKeys) return 'EEXIST';
    let read = true;
    let write = true;
    let offset = 1;
    if (op[0] === '%') {
      read = write = false;
      for (; offset < op.length; offset++) {
        const ch = op[offset]!.toUpperCase();
        if (ch === 'R' && !read) read = true;
        else if (ch === 'W' && !write) write = true;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else return 'EINVAL';
      }
      // A pattern granting nothing (`%~p`) is refused (redis-server 7.0.15 as shipped does).
      if (!read && !write) return 'EINVAL';
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return 'EINVAL';
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing) {
      existing.read ||= read;
      existing.write ||= write;
    } else {
      this.keys.push({ pattern, read, write });
    }
    this.allKeys = false;
    return null;
  }

  private allowCommand(name: string, index: CommandIndex, warn: (msg: string) => void): RuleError | null {
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const cmd = index.lookup(name);
      if (cmd === undefined) return 'ENOENT';
      this.changePerm(cmd, true);
      return null;
    }
    const cmd = index.lookup(name.slice(0, bar));
    const sub = name.slice(bar + 1);
    if (cmd === undefined) return 'ENOENT';
    if (cmd.parent !== null) return 'ECHILD';
    if (sub.length === 0) return 'EINVAL';
    if (cmd.subcommands.length > 0) {
      const s = index.lookup(name);
      if (s === undefined) return 'ENOENT';
      this.changePerm(s, true);
    } else {
      // Blocking SELECT except SELECT 0 and the like: a first argument, not a subcommand.
      warn(
        `Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse of ACL and may get disabled in the future (offender: +${name})`,
      );
      this.addFirstArg(cmd.id, sub);
    }
    return null;
  }

  /** Whether the selector's command rules allow this invocation (keys and channels aside). */
  allowsCommand(cmd: AclCommand, argv: readonly string[]): boolean {
    if (this.allCommands || cmd.noAuth || this.allowed.has(cmd.id)) return true;
    const list = this.firstArgs?.get(cmd.id);
    if (list === undefined || argv.length < 2) return false;
    const arg = argv[cmd.parent ? 2 : 1];
    return arg !== undefined && list.some((a) => eqNoCase(a, arg));
  }

  /** Redis's ACLSelectorCheckKey: a pattern granting every access the key needs matches it. */
  allowsKey(key: string, read: boolean, write: boolean): boolean {
    if (this.allKeys) return true;
    for (const k of this.keys) {
      if ((read && !k.read) || (write && !k.write)) continue;
      if (globMatch(k.pattern, key)) return true;
    }
    return false;
  }

  /** Redis's ACLSelectorHasUnrestrictedKeyAccess (SORT BY/GET need reading any key). */
  hasUnrestrictedKeyAccess(read: boolean, write: boolean): boolean {
    if (this.allKeys) return true;
    return this.keys.some((k) => !((read && !k.read) || (write && !k.write)) && k.pattern === '*');
  }

  /** A channel (PUBLISH/SUBSCRIBE: glob) or a pattern (PSUBSCRIBE: literally) against the channel rules. */
  allowsChannel(channel: string, isPattern: boolean): boolean {
    if (this.allChannels) return true;
    return channelInList(this.channels, channel, isPattern);
  }
}

export function channelInList(list: readonly string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) if (isPattern ? p === channel : globMatch(p, channel)) return true;
  return false;
}

/** A `(...)` selector from its text (Redis's aclCreateSelectorFromOpSet); the first refusal otherwise. */
export function selectorFromOpSet(opset: string, index: CommandIndex, allChannels: boolean, warn?: (msg: string) => void): Selector | RuleError {
  const s = new Selector(false, allChannels);
  for (const op of splitArgs(opset.slice(1, -1)) ?? []) {
    const err = s.apply(op, index, warn);
    if (err !== null) return err;
  }
  return s;
}
