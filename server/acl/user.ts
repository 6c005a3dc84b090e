import { createHash } from 'node:crypto';
import type { CommandIndex } from './command-index.js';
import { eqNoCase, type RuleError, Selector, selectorFromOpSet } from './selector.js';

/** SHA-256 in lowercase hex of a password's bytes (passwords are latin1 strings: one char per byte). */
export function hashPassword(password: string): string {
  return createHash('sha256').update(password, 'latin1').digest('hex');
}

function validHash(h: string): boolean {
  return /^[0-9a-f]{64}$/.test(h);
}

/** What a user's rules need beyond the rule text: the command table and the server's channel default. */
export interface RuleContext {
  readonly index: CommandIndex;
  /** acl-pubsub-default: new selectors start with every channel (allchannels) or none. */
  readonly allChannelsByDefault: boolean;
  warn(msg: string): void;
}

/**
 * An ACL user (Redis 7.0's `user`): on/off, passwords as SHA-256 hashes or nopass, the
 * sanitize-payload flags, a root selector and any number of `(...)` selectors.
 */
export class User {
  readonly name: string;
  enabled = false;
  nopass = false;
  /** sanitize-payload / skip-sanitize-payload, or neither (until `reset`). */
  sanitize: 'none' | 'sanitize' | 'skip' = 'none';
  passwords: string[] = [];
  selectors: Selector[];
  /** One selector allows every command, key and channel: dispatch skips the check. */
  unrestricted = false;
  /** ACL LIST's description, cached until the next change (Redis's acl_string). */
  description: string | null = null;

  constructor(name: string, allChannels: boolean) {
    this.name = name;
    this.selectors = [new Selector(true, allChannels)];
  }

  get root(): Selector {
    return this.selectors[0]!;
  }

  /** Make this user's rules a copy of another's (Redis's ACLCopyUser: the name stays). */
  copyFrom(src: User): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitize = src.sanitize;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.copy());
    this.description = src.description;
    this.unrestricted = src.unrestricted;
  }

  /** Whether a password is one of the user's (compared by hash, in time independent of where they differ). */
  checkPassword(password: string): boolean {
    const h = hashPassword(password);
    let ok = false;
    for (const p of this.passwords) {
      let diff = 0;
      for (let i = 0; i < 64; i++) diff |= h.charCodeAt(i) ^ p.charCodeAt(i);
      if (diff === 0) ok = true;
    }
    return ok;
  }

  /**
   * Apply one rule (Redis's ACLSetUser): on, off, nopass, resetpass, >pass, #hash, <pass, !hash,
   * (selector), clearselectors, reset, [skip-]sanitize-payload, or a root selector rule.
   */
  set(op: string, ctx: RuleContext): RuleError | null {
    this.description = null;
    const err = this.apply(op, ctx);
    this.unrestricted = this.selectors.some((s) => s.unrestricted);
    return err;
  }

  private apply(op: string, ctx: RuleContext): RuleError | null {
    if (op.length === 0) return null;
    if (eqNoCase(op, 'on')) this.enabled = true;
    else if (eqNoCase(op, 'off')) this.enabled = false;
    else if (eqNoCase(op, 'skip-sanitize-payload')) this.sanitize = 'skip';
    else if (eqNoCase(op, 'sanitize-payload')) this.sanitize = 'sanitize';
    else if (eqNoCase(op, 'nopass')) {
      this.nopass = true;
      this.passwords = [];
    } else if (eqNoCase(op, 'resetpass')) {
      this.nopass = false;
      this.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      let h: string;
      if (op[0] === '>') h = hashPassword(op.slice(1));
      else {
        h = op.slice(1);
        if (!validHash(h)) return 'EBADMSG';
      }
      if (!this.passwords.includes(h)) this.passwords.push(h);
      this.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      let h: string;
      if (op[0] === '<') h = hashPassword(op.slice(1));
      else {
        h = op.slice(1);
        if (!validHash(h)) return 'EBADMSG';
      }
      const i = this.passwords.indexOf(h);
      if (i < 0) return 'ENODEV';
      this.passwords.splice(i, 1);
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      const s = selectorFromOpSet(op, ctx.index, ctx.allChannelsByDefault, (m) => ctx.warn(m));
      if (typeof s === 'string') return s;
      this.selectors.push(s);
    } else if (eqNoCase(op, 'clearselectors')) {
      this.selectors = [this.root];
    } else if (eqNoCase(op, 'reset')) {
      for (const r of ['resetpass', 'resetkeys', 'resetchannels']) this.apply(r, ctx);
      if (ctx.allChannelsByDefault) this.apply('allchannels', ctx);
      for (const r of ['off', 'sanitize-payload', 'clearselectors', '-@all']) this.apply(r, ctx);
    } else {
      return this.root.apply(op, ctx.index, (m) => ctx.warn(m));
    }
    return null;
  }
}

/**
 * Redis's ACLMergeSelectorArguments: a `(...)` selector may be spread over several arguments
 * (`(~key1` `+get)`); they are joined with spaces. Returns the index of an unclosed `(` instead.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | { unmatched: number } {
  const out: string[] = [];
  let open = -1;
  let sel = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j]!;
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      sel = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      sel += ' ' + op;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(sel);
      }
      continue;
    }
    out.push(op);
  }
  if (open !== -1) return { unmatched: open };
  return out;
}
