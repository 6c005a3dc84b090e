import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Client } from '../client.js';
import { clientInfoString } from '../commands/clientcmd.js';
import { keyAccess } from '../commands/key-access.js';
import { type CommandSpec, commandKeyPositions } from '../commands/table.js';
import type { Server } from '../server.js';
import { type AclCommand, CommandIndex } from './command-index.js';
import { describeUser } from './describe.js';
import { AclLog, type DenialContext, type DenialReason } from './log.js';
import { channelInList, hasSpaces, ruleErrorText, type Selector } from './selector.js';
import { mergeSelectorArgs, type RuleContext, User } from './user.js';

/** A refused command: why, and the argument position of the key or channel that was refused. */
export interface Denial {
  reason: Exclude<DenialReason, 'auth'>;
  /** Argument index of the key or channel (0 for a command denial). */
  pos: number;
  fullname: string;
}

/** Redis's ACL_DENIED_* order: the most specific refusal among the selectors is reported. */
const SEVERITY: Record<Denial['reason'], number> = { command: 1, key: 2, channel: 4 };

/** Channel arguments of the pub/sub commands ACL checks (Redis's commands_with_channels). */
function channelArgs(fullname: string, argv: readonly string[]): { pos: number; isPattern: boolean }[] {
  switch (fullname) {
    case 'subscribe':
    case 'ssubscribe':
    case 'psubscribe': {
      const out: { pos: number; isPattern: boolean }[] = [];
      for (let i = 1; i < argv.length; i++) out.push({ pos: i, isPattern: fullname === 'psubscribe' });
      return out;
    }
    case 'publish':
    case 'spublish':
      return argv.length > 1 ? [{ pos: 1, isPattern: false }] : [];
  }
  return [];
}

/** The keys of an invocation with the access each needs, computed once for all selectors. */
interface KeyUse {
  pos: number;
  read: boolean;
  write: boolean;
}

function keyUses(cmd: AclCommand, argv: readonly string[]): KeyUse[] {
  const out: KeyUse[] = [];
  const positions = commandKeyPositions(cmd.spec, argv as string[]);
  for (let n = 0; n < positions.length; n++) {
    const a = keyAccess(cmd.fullname, cmd.spec, argv, n);
    if (a === 'not-key') continue;
    out.push({ pos: positions[n]!, read: a === 'read' || a === 'read-write', write: a === 'write' || a === 'read-write' });
  }
  return out;
}

function hasKeys(cmd: AclCommand): boolean {
  return cmd.spec.getKeys !== undefined || cmd.spec.keys.first > 0;
}

/** Redis's ACLSelectorCheckCmd. */
function checkSelector(s: Selector, cmd: AclCommand, argv: readonly string[], keys: () => KeyUse[]): Denial | null {
  if (!s.allowsCommand(cmd, argv)) return { reason: 'command', pos: 0, fullname: cmd.fullname };
  if (!s.allKeys && hasKeys(cmd)) {
    for (const k of keys()) {
      if (!s.allowsKey(argv[k.pos]!, k.read, k.write)) return { reason: 'key', pos: k.pos, fullname: cmd.fullname };
    }
  }
  if (!s.allChannels) {
    for (const ch of channelArgs(cmd.fullname, argv)) {
      if (!s.allowsChannel(argv[ch.pos]!, ch.isPattern)) return { reason: 'channel', pos: ch.pos, fullname: cmd.fullname };
    }
  }
  return null;
}

/**
 * ACL users and permissions of one server (Redis 7.0's acl.c): the users, the default user
 * (requirepass is its password), authentication, the permission check dispatch runs before every
 * command, the ACL log, the ACL file.
 */
export class AclState {
  private readonly server: Server;
  private users = new Map<string, User>();
  readonly defaultUser: User;
  readonly log = new AclLog();
  private indexCache: CommandIndex | null = null;
  /** The default user is on and nopass: connections start authenticated. */
  defaultOpen = true;

  constructor(server: Server) {
    this.server = server;
    this.defaultUser = this.createDefaultUser();
    this.users.set('default', this.defaultUser);
    this.updateDefaultPassword(server.config.requirepass);
    server.configStore.onApply('requirepass', () => this.updateDefaultPassword(server.config.requirepass));
  }

  /** The command table as ACL indexes it (again, when the table changed). */
  get index(): CommandIndex {
    const table = this.server.commands;
    if (this.indexCache === null || this.indexCache.version !== table.version) this.indexCache = new CommandIndex(table);
    return this.indexCache;
  }

  private get ctx(): RuleContext {
    return {
      index: this.index,
      allChannelsByDefault: this.server.config.aclPubsubDefault === 'allchannels',
      warn: (m) => this.server.log.warning(m),
    };
  }

  /** A user outside the users table (for staging rules), starting with the channel default. */
  newUser(name: string): User {
    return new User(name, this.server.config.aclPubsubDefault === 'allchannels');
  }

  private createDefaultUser(): User {
    const u = this.newUser('default');
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) u.set(op, this.ctx);
    return u;
  }

  getUser(name: string): User | undefined {
    return this.users.get(name);
  }

  /** Users in name order (Redis keeps them in a radix tree: byte order). */
  sortedUsers(): User[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  describe(u: User): string {
    return describeUser(u, this.index);
  }

  /** Redis's authRequired: the default user needs a password (or is off) and the client did not authenticate. */
  authRequired(c: Client): boolean {
    return !this.defaultOpen && !c.authenticated;
  }

  /** After the default user changed: recompute defaultOpen, and the parser limits of clients that depend on it. */
  private refreshDefault(): void {
    const open = this.defaultUser.enabled && this.defaultUser.nopass;
    if (open === this.defaultOpen) return;
    this.defaultOpen = open;
    for (const c of this.server.clients.values()) c.parser.limits.authenticated = !this.authRequired(c);
  }

  /** A new connection (or RESET): the default user, authenticated when it needs no password. */
  setDefaultAuth(c: Client): void {
    c.user = this.defaultUser;
    c.authenticated = this.defaultOpen;
    c.parser.limits.authenticated = !this.authRequired(c);
  }

  /** requirepass: the default user's only password, or nopass when empty (Redis's ACLUpdateDefaultUserPassword). */
  updateDefaultPassword(password: string): void {
    this.defaultUser.set('resetpass', this.ctx);
    this.defaultUser.set(password === '' ? 'nopass' : `>${password}`, this.ctx);
    this.refreshDefault();
  }

  /**
   * AUTH/HELLO AUTH (Redis's ACLAuthenticateUser): the same refusal whether the user is missing,
   * off, or the password wrong; a refusal goes to the ACL log under the name the client gave.
   */
  authenticate(c: Client, username: string, password: string, commandName: string): boolean {
    const u = this.users.get(username);
    if (u?.enabled && (u.nopass || u.checkPassword(password))) {
      c.authenticated = true;
      c.user = u;
      c.parser.limits.authenticated = true;
      return true;
    }
    this.logDenial(c, 'auth', c.multi ? 'multi' : 'toplevel', commandName, username, commandName.toLowerCase());
    return false;
  }

  /**
   * Whether `user` may run a command (Redis's ACLCheckAllUserCommandPerm): allowed when one
   * selector allows the command, all its keys (with the access each needs) and its channels;
   * otherwise the most specific refusal. A null user is the server itself (our master's link, AOF).
   */
  check(user: User | null, spec: CommandSpec, argv: readonly string[]): Denial | null {
    if (user === null || user.unrestricted) return null;
    const cmd = this.index.of(spec);
    if (cmd === undefined) return null; // not in the table ACL indexed (never dispatched)
    let cache: KeyUse[] | null = null;
    const keys = (): KeyUse[] => (cache ??= keyUses(cmd, argv));
    let worst: Denial | null = null;
    for (const s of user.selectors) {
      const d = checkSelector(s, cmd, argv, keys);
      if (d === null) return null;
      if (worst === null || SEVERITY[d.reason] > SEVERITY[worst.reason] || (d.reason === worst.reason && d.pos > worst.pos)) worst = d;
    }
    return worst;
  }

  /** Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess (SORT's BY and GET read arbitrary keys). */
  canReadAnyKey(user: User | null, spec: CommandSpec, argv: readonly string[]): boolean {
    if (user === null) return true;
    const cmd = this.index.of(spec);
    if (cmd === undefined) return true;
    let cache: KeyUse[] | null = null;
    const keys = (): KeyUse[] => (cache ??= keyUses(cmd, argv));
    return user.selectors.some((s) => checkSelector(s, cmd, argv, keys) === null && s.hasUnrestrictedKeyAccess(true, false));
  }

  private logDenial(c: Client, reason: DenialReason, context: DenialContext, object: string, username: string, current: string): void {
    this.log.add({ reason, context, object, username, ctime: Date.now(), clientInfo: clientInfoString(c, current) }, this.server.config.acllogMaxLen);
  }

  private logCommandDenial(c: Client, d: Denial, argv: readonly string[], context: DenialContext): void {
    const object = d.reason === 'command' ? d.fullname : argv[d.pos]!;
    this.logDenial(c, d.reason, context, object, c.user?.name ?? '', d.fullname);
  }

  /** processCommand's check: the -NOPERM error to reply (logged), or null. */
  checkCommand(c: Client, spec: CommandSpec, fullname: string, argv: readonly string[]): string | null {
    const d = this.check(c.user, spec, argv);
    if (d === null) return null;
    this.logCommandDenial(c, { ...d, fullname }, argv, c.multi ? 'multi' : 'toplevel');
    switch (d.reason) {
      case 'command':
        return `-NOPERM this user has no permissions to run the '${fullname}' command`;
      case 'key':
        return '-NOPERM this user has no permissions to access one of the keys used as arguments';
      case 'channel':
        return '-NOPERM this user has no permissions to access one of the channels used as arguments';
    }
  }

  /** EXEC's check of a queued command (the rules may have changed since it was queued). */
  checkQueued(c: Client, spec: CommandSpec, fullname: string, argv: readonly string[]): string | null {
    const d = this.check(c.user, spec, argv);
    if (d === null) return null;
    this.logCommandDenial(c, { ...d, fullname }, argv, 'multi');
    const reason =
      d.reason === 'command'
        ? 'no permission to execute the command or subcommand'
        : d.reason === 'key'
          ? 'no permission to touch the specified keys'
          : 'no permission to access one of the channels used as arguments';
    return `-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${reason}`;
  }

  /**
   * The check for a command a script runs on behalf of `c` (Redis's scriptVerifyACL): the error
   * text the script raises, or null. Logged with context `lua`. Scripting calls this before each
   * redis.call/pcall.
   */
  checkScriptCommand(c: Client, spec: CommandSpec, fullname: string, argv: readonly string[]): string | null {
    const d = this.check(c.user, spec, argv);
    if (d === null) return null;
    // Logged against the script's caller, whose current command is EVAL/FCALL ...
    const object = d.reason === 'command' ? fullname : argv[d.pos]!;
    this.logDenial(c, d.reason, 'lua', object, c.user?.name ?? '', c.lastCmd);
    const what =
      d.reason === 'command'
        ? "can't run this command or subcommand"
        : d.reason === 'key'
          ? "can't access at least one of the keys mentioned in the command arguments"
          : "can't publish to the channel mentioned in the command";
    return `The user executing the script ${what}`;
  }

  /**
   * ACL SETUSER (Redis's ACLStringSetUser): every rule is applied to a copy first, so a refused
   * rule changes nothing; subscribers losing channels they are subscribed to are disconnected.
   */
  setUser(name: string, args: readonly string[], current: Client | null): string | null {
    const merged = mergeSelectorArgs(args);
    if (!Array.isArray(merged)) return `Unmatched parenthesis in acl selector starting at '${args[merged.unmatched]}'.`;
    const existing = this.users.get(name);
    const temp = this.newUser(name);
    if (existing) temp.copyFrom(existing);
    const ctx = this.ctx;
    for (const op of merged) {
      const err = temp.set(op, ctx);
      if (err !== null) return `Error in ACL SETUSER modifier '${op}': ${ruleErrorText(err)}`;
    }
    if (existing) this.killRevokedSubscribers(temp, existing, current);
    const u = existing ?? this.newUser(name);
    u.copyFrom(temp);
    if (!existing) this.users.set(name, u);
    if (u === this.defaultUser) this.refreshDefault();
    return null;
  }

  /** Redis's ACLKillPubsubClientsIfNeeded. */
  private killRevokedSubscribers(next: User, original: User, current: Client | null): void {
    if (next.selectors.some((s) => s.allChannels)) return;
    const upcoming = next.selectors.flatMap((s) => s.channels);
    const superset = original.selectors.every((s) => !s.allChannels && s.channels.every((ch) => upcoming.includes(ch)));
    if (superset) return;
    for (const c of [...this.server.clients.values()]) {
      if (c.user !== original || !c.inPubSub || c.isMaster || c.isReplica) continue;
      const revoked =
        [...c.patterns].some((p) => !channelInList(upcoming, p, true)) ||
        [...c.channels].some((ch) => !channelInList(upcoming, ch, false)) ||
        [...c.shardChannels].some((ch) => !channelInList(upcoming, ch, false));
      if (revoked) this.closeClient(c, current);
    }
  }

  private closeClient(c: Client, current: Client | null): void {
    if (c === current) c.closeAfterReply = true;
    else this.server.closeClient(c);
  }

  /** The clients authenticated as a user that is gone: back to the default user, unauthenticated, closed. */
  private killClientsOf(users: Set<User>, current: Client | null): void {
    for (const c of [...this.server.clients.values()]) {
      if (c.user === null || !users.has(c.user)) continue;
      c.user = this.defaultUser;
      c.authenticated = false;
      this.closeClient(c, current);
    }
  }

  /** ACL DELUSER: how many of the named users existed (the default user cannot be named). */
  deleteUsers(names: readonly string[], current: Client | null): number {
    const gone = new Set<User>();
    for (const n of names) {
      const u = this.users.get(n);
      if (u === undefined) continue;
      this.users.delete(n);
      gone.add(u);
    }
    this.killClientsOf(gone, current);
    return gone.size;
  }

  /**
   * Load an ACL file (Redis's ACLLoadFromFile): all or nothing — on any error the users stay as
   * they were and the errors are returned in one line. On success every user but the default one
   * is replaced (their clients are disconnected); the default user takes the file's rules.
   */
  loadFile(path: string, current: Client | null): string | null {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (err) {
      return `Error loading ACLs, opening file '${path}': ${errnoText(err)}`;
    }
    const fresh = new Map<string, User>();
    const ctx = this.ctx;
    let errors = '';
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      const lineNo = i + 1;
      if (line === '') continue;
      const argv = line.split(' ');
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${path}:${lineNo} should start with user keyword followed by the username. `;
        continue;
      }
      const name = argv[1]!;
      if (hasSpaces(name)) {
        errors += `'${path}:${lineNo}: username '${name}' contains invalid characters. `;
        continue;
      }
      if (fresh.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${lineNo}. `;
        continue;
      }
      const u = this.newUser(name);
      fresh.set(name, u);
      const merged = mergeSelectorArgs(argv.slice(2));
      if (!Array.isArray(merged)) {
        errors += `${path}:${lineNo}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      let syntaxError = false;
      for (const raw of merged) {
        const op = raw.replace(/^[\t\r\n]+|[\t\r\n]+$/g, '');
        const err = u.set(op, ctx);
        if (err === null) continue;
        if (err === 'ENOENT') errors += `${path}:${lineNo}: Error in applying operation '${op}': ${ruleErrorText(err)}. `;
        else if (!syntaxError) {
          errors += `${path}:${lineNo}: ${ruleErrorText(err)}. `;
          syntaxError = true;
        }
      }
    }
    if (errors !== '') return errors + 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed';
    const newDefault = fresh.get('default') ?? this.createDefaultUser();
    this.defaultUser.copyFrom(newDefault);
    fresh.set('default', this.defaultUser);
    const old = new Set(this.users.values());
    old.delete(this.defaultUser);
    this.users = fresh;
    this.killClientsOf(old, current);
    this.refreshDefault();
    return null;
  }

  /** ACL SAVE: every user as a `user` line, written to a temp file renamed over the ACL file. */
  saveFile(path: string): boolean {
    let text = '';
    for (const u of this.sortedUsers()) text += `user ${u.name} ${this.describe(u)}\n`;
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    try {
      writeFileSync(tmp, text, { encoding: 'latin1', mode: 0o644 });
      renameSync(tmp, path);
      return true;
    } catch (err) {
      this.server.log.warning(`Writing ACL file for ACL SAVE: ${errnoText(err)}`);
      rmSync(tmp, { force: true });
      return false;
    }
  }

  /**
   * Users at startup (Redis's ACLLoadUsersAtStartup): the `user` lines of the config file, or the
   * aclfile, never both. Throws with Redis's log text when the server must not start.
   */
  loadAtStartup(staged: readonly (readonly string[])[]): void {
    const aclfile = this.server.config.aclfile;
    if (aclfile !== '' && staged.length > 0) {
      throw new AclStartupError(
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    const ctx = this.ctx;
    for (const [name, ...rules] of staged) {
      if (hasSpaces(name!)) throw new AclStartupError('Spaces not allowed in ACL usernames', true);
      let u = this.users.get(name!);
      if (u === undefined) {
        u = this.newUser(name!);
        this.users.set(name!, u);
      } else {
        u.set('reset', ctx);
      }
      for (const op of rules) {
        const err = u.set(op, ctx);
        if (err !== null) throw new AclStartupError(`Error loading ACL rule '${op}' for the user named '${name}': ${ruleErrorText(err)}`, true);
      }
      if (!u.enabled) {
        this.server.log.notice(
          `The user '${name}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.`,
        );
      }
    }
    this.refreshDefault();
    if (aclfile !== '') {
      const errors = this.loadFile(aclfile, null);
      if (errors !== null) throw new AclStartupError(`Aborting Redis startup because of ACL errors: ${errors}`);
    }
  }
}

/** ACL configuration the server cannot start with; `critical` adds Redis's second log line. */
export class AclStartupError extends Error {
  constructor(
    message: string,
    readonly critical = false,
  ) {
    super(message);
  }
}

/** strerror-style text of a Node fs error. */
function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (err as Error).message;
}
