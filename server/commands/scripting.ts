/** EVAL & co., SCRIPT, FCALL & co., FUNCTION (Redis's eval.c and functions.c commands). */
import type { Client } from '../client.js';
import { BUSY_EVAL, scriptKill } from '../scripting/engine.js';
import { evalGeneric, scriptCommand } from '../scripting/eval.js';
import { numkeysKeys } from './coll.js';
import { type CommandSpec, cmd } from './table.js';

const G = 'scripting';
const keys2 = { getKeys: numkeysKeys(2) };

function functionCommand(c: Client, argv: string[]): void {
  const s = c.server;
  const fe = s.functions;
  const sub = argv[1]!.toLowerCase();
  if (sub === 'load') {
    let replace = false;
    let i = 2;
    for (; i < argv.length - 1; i++) {
      if (argv[i]!.toLowerCase() === 'replace') replace = true;
      else return c.addReplyError(`Unknown option given: ${argv[i]}`);
    }
    if (i !== argv.length - 1) return c.addReplyError('Function code is missing');
    const r = fe.load(argv[argv.length - 1]!, replace);
    if ('error' in r) return c.addReplyError(r.error);
    s.dirty++;
    c.addReplyBulk(r.name);
  } else if (sub === 'delete') {
    const lib = fe.libraries.get(argv[2]!);
    if (lib === undefined) return c.addReplyError('Library not found');
    for (const f of lib.functions.keys()) fe.functions.delete(f);
    fe.libraries.delete(lib.name);
    s.dirty++;
    c.addReplyOk();
  } else if (sub === 'flush') {
    if (argv.length > 3 || (argv.length === 3 && !['sync', 'async'].includes(argv[2]!.toLowerCase()))) {
      return c.addReplyError('FUNCTION FLUSH only supports SYNC|ASYNC option');
    }
    fe.flush();
    s.dirty++;
    c.addReplyOk();
  } else if (sub === 'dump') {
    c.addReplyBulk(fe.dump().toString('latin1'));
  } else if (sub === 'restore') {
    let policy = 'append';
    if (argv.length > 4) return c.addReplyError("wrong number of arguments for 'function|restore' command");
    if (argv.length === 4) {
      policy = argv[3]!.toLowerCase();
      if (!['flush', 'append', 'replace'].includes(policy)) {
        return c.addReplyError('Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      }
    }
    const codes = fe.parseDump(Buffer.from(argv[2]!, 'latin1'));
    if ('error' in codes) return c.addReplyError(codes.error);
    // Validate against a scratch copy: nothing changes unless every library loads.
    const backup = { libs: fe.libraries, fns: fe.functions, eng: fe.eng };
    if (policy === 'flush') fe.flush();
    else {
      fe.libraries = new Map(fe.libraries);
      fe.functions = new Map(fe.functions);
    }
    for (const code of codes) {
      const r = fe.load(code, policy === 'replace');
      if ('error' in r) {
        fe.libraries = backup.libs;
        fe.functions = backup.fns;
        fe.eng = backup.eng;
        // Restoring joins library sets (libraryJoin): its texts name the library unquoted.
        return c.addReplyError(r.error.replace(/^Library '(.*)' already exists$/, 'Library $1 already exists'));
      }
    }
    s.dirty++;
    c.addReplyOk();
  } else if (sub === 'list') {
    fe.list(c, argv);
  } else if (sub === 'stats') {
    if (s.scripting.busy) return c.addReplyError(BUSY_EVAL);
    fe.stats(c);
  } else if (sub === 'kill') {
    scriptKill(s, c, false);
  } else if (sub === 'help') {
    c.addReplyHelp('function', [
      'LIST [LIBRARYNAME <pattern>] [WITHCODE]',
      '    Return general information on all the libraries:',
      '    * Library name',
      '    * The engine used to run the Library',
      '    * Library description',
      '    * Functions list',
      '    * Library code (if WITHCODE is given)',
      '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
      'STATS',
      '    Return information about the current function running:',
      '    * Function name',
      '    * Command used to run the function',
      '    * Duration in MS that the function is running',
      '    If no function is running, return nil',
      '    In addition, returns a list of available engines.',
      'KILL',
      '    Kill the current running function.',
      'LOAD [REPLACE] <FUNCTION CODE>',
      '    Create a new library with the given library name and code.',
      'DELETE <LIBRARY NAME>',
      '    Delete the given library.',
      'FLUSH [ASYNC|SYNC]',
      '    Delete all the libraries.',
      '    When called without the optional mode argument, the behavior is determined by the',
      '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
      '    * ASYNC: Asynchronously flush the libraries.',
      '    * SYNC: Synchronously flush the libraries.',
      'DUMP',
      '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
      'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
      '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
      '    control how to handle existing libraries (default APPEND):',
      '    * FLUSH: delete all existing libraries.',
      '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
      '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
      '      libraries with the new libraries (notice that even on this option there is a chance of failure',
      '      in case of functions name collision with another library).',
    ]);
  }
}

const sub = (name: string, arity: number, flags: CommandSpec['flags'], summary: string, handler: (c: Client, argv: string[]) => void, hint?: string) =>
  cmd(name, arity, flags, [0, 0, 0], G, summary, handler, { since: '7.0.0', ...(hint ? { hint } : {}) });

const EVAL_FLAGS: CommandSpec['flags'] = ['noscript', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'stale', 'movablekeys'];
const EVAL_RO_FLAGS: CommandSpec['flags'] = ['noscript', 'skip_monitor', 'no_mandatory_keys', 'stale', 'readonly', 'movablekeys'];

export const scriptingCommands: CommandSpec[] = [
  cmd('eval', -3, EVAL_FLAGS, [0, 0, 0], G, 'Execute a Lua script server side', (c, a) => evalGeneric(c, a, false, false), {
    since: '2.6.0',
    hint: 'script numkeys [key [key ...]] [arg [arg ...]]',
    ...keys2,
  }),
  cmd('evalsha', -3, EVAL_FLAGS, [0, 0, 0], G, 'Execute a Lua script server side', (c, a) => evalGeneric(c, a, true, false), {
    since: '2.6.0',
    hint: 'sha1 numkeys [key [key ...]] [arg [arg ...]]',
    ...keys2,
  }),
  cmd('eval_ro', -3, EVAL_RO_FLAGS, [0, 0, 0], G, 'Execute a read-only Lua script server side', (c, a) => evalGeneric(c, a, false, true), {
    since: '7.0.0',
    hint: 'script numkeys [key [key ...]] [arg [arg ...]]',
    ...keys2,
  }),
  cmd('evalsha_ro', -3, EVAL_RO_FLAGS, [0, 0, 0], G, 'Execute a read-only Lua script server side', (c, a) => evalGeneric(c, a, true, true), {
    since: '7.0.0',
    hint: 'sha1 numkeys [key [key ...]] [arg [arg ...]]',
    ...keys2,
  }),
  cmd('fcall', -3, EVAL_FLAGS, [0, 0, 0], G, 'Invoke a function', (c, a) => c.server.functions.fcall(c, a, false), {
    since: '7.0.0',
    hint: 'function numkeys [key [key ...]] [arg [arg ...]]',
    ...keys2,
  }),
  cmd('fcall_ro', -3, EVAL_RO_FLAGS, [0, 0, 0], G, 'Invoke a read-only function', (c, a) => c.server.functions.fcall(c, a, true), {
    since: '7.0.0',
    hint: 'function numkeys [key [key ...]] [arg [arg ...]]',
    ...keys2,
  }),
  cmd('script', -2, [], [0, 0, 0], G, 'A container for Lua scripts management commands', undefined, {
    since: '2.6.0',
    subcommands: [
      cmd('debug', 3, ['noscript'], [0, 0, 0], G, 'Set the debug mode for executed scripts.', scriptCommand, { since: '3.2.0', hint: 'YES|SYNC|NO' }),
      cmd('exists', -3, ['noscript'], [0, 0, 0], G, 'Check existence of scripts in the script cache.', scriptCommand, {
        since: '2.6.0',
        hint: 'sha1 [sha1 ...]',
      }),
      cmd('flush', -2, ['noscript'], [0, 0, 0], G, 'Remove all the scripts from the script cache.', scriptCommand, { since: '2.6.0', hint: '[ASYNC|SYNC]' }),
      cmd('kill', 2, ['noscript', 'allow_busy'], [0, 0, 0], G, 'Kill the script currently in execution.', scriptCommand, { since: '2.6.0' }),
      cmd('load', 3, ['noscript', 'stale'], [0, 0, 0], G, 'Load the specified Lua script into the script cache.', scriptCommand, {
        since: '2.6.0',
        hint: 'script',
      }),
      cmd('help', 2, ['loading', 'stale'], [0, 0, 0], G, 'Show helpful text about the different subcommands', scriptCommand, { since: '5.0.0' }),
    ],
  }),
  cmd('function', -2, [], [0, 0, 0], G, 'A container for function commands', undefined, {
    since: '7.0.0',
    subcommands: [
      sub(
        'load',
        -3,
        ['write', 'denyoom', 'noscript'],
        'Create a function with the given arguments (name, code, description)',
        functionCommand,
        '[REPLACE] function-code',
      ),
      sub('delete', 3, ['write', 'noscript'], 'Delete a function by name', functionCommand, 'library-name'),
      sub('flush', -2, ['write', 'noscript'], 'Deleting all functions', functionCommand, '[ASYNC|SYNC]'),
      sub('dump', 2, ['noscript'], 'Dump all functions into a serialized binary payload', functionCommand),
      sub(
        'restore',
        -3,
        ['write', 'denyoom', 'noscript'],
        'Restore all the functions on the given payload',
        functionCommand,
        'serialized-value [FLUSH|APPEND|REPLACE]',
      ),
      sub('list', -2, ['noscript'], 'List information about all the functions', functionCommand, '[LIBRARYNAME library-name-pattern] [WITHCODE]'),
      sub('stats', 2, ['noscript', 'allow_busy'], 'Return information about the function currently running (name, description, duration)', functionCommand),
      sub('kill', 2, ['noscript', 'allow_busy'], 'Kill the function currently in execution.', functionCommand),
      sub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', functionCommand),
    ],
  }),
];
