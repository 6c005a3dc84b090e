import { type CommandSpec, CommandTable } from '../commands/table.js';
import { CommandIndex } from './command-index.js';
import { ruleErrorText } from './selector.js';
import { mergeSelectorArgs, type RuleContext, User } from './user.js';

/**
 * The `user` lines of a config file (Redis's ACLAppendUserForLoading): each is checked when the
 * file is read — its error is reported against the line — and kept to be loaded when the server
 * starts (AclState.loadAtStartup). Unknown commands and categories pass here; loading refuses them.
 */
export class UserDirectives {
  /** [username, ...rules] per line, selectors merged. */
  readonly staged: string[][] = [];
  private ctxCache: RuleContext | undefined;

  constructor(private readonly commands: CommandSpec[]) {}

  /** Built on the first `user` line: most configs have none, and the index costs a start several ms. */
  private get ctx(): RuleContext {
    if (this.ctxCache === undefined) {
      const table = new CommandTable();
      table.add(this.commands);
      this.ctxCache = { index: new CommandIndex(table), allChannelsByDefault: false, warn: () => {} };
    }
    return this.ctxCache;
  }

  /** A `user <name> rules...` line: the error text, or null when it is staged. */
  add(argv: readonly string[]): string | null {
    const name = argv[1]!;
    // Redis prints the word at the failing rule's index in the whole line (so, off by two words).
    const declError = (idx: number, text: string): string => `Error in user declaration '${argv[idx] ?? ''}': ${text}`;
    if (this.staged.some((s) => s[0] === name)) return declError(1, ruleErrorText('EALREADY'));
    const merged = mergeSelectorArgs(argv.slice(2));
    if (!Array.isArray(merged)) return declError(merged.unmatched, ruleErrorText('EINVAL'));
    const fake = new User(name, false);
    for (let j = 0; j < merged.length; j++) {
      const err = fake.set(merged[j]!, this.ctx);
      if (err !== null && err !== 'ENOENT') return declError(j, ruleErrorText(err));
    }
    this.staged.push([name, ...merged]);
    return null;
  }
}
