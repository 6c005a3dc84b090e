import { appendFileSync, readFileSync } from 'node:fs';
import { splitArgs } from '../resp/parser.js';
import { strerror } from '../util/errno.js';
import { REDIS_VERSION } from '../version.js';
import { buildConfigText, Config, ConfigError, findDef } from './config.js';
import type { ConfigName } from './definitions.js';

export class FatalConfigError extends Error {}

/** Directives Redis 7.0 still accepts in a config file (with one argument) and ignores. */
const DEPRECATED = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);

function fatal(msg: string): FatalConfigError {
  return new FatalConfigError(`\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n${msg}`);
}

export interface LoadOptions {
  /** Values set before the file and arguments are read (sentinel mode's port and protected-mode). */
  defaults?: Record<string, string>;
  /**
   * Directives that are not config options, by name: `sentinel ...` lines in sentinel mode
   * (without a handler they are an error, as in Redis), `user` lines (ACL users). A handler may
   * return an error text, reported against the line.
   */
  directives?: Record<string, (argv: string[], lineNo: number, line: string) => unknown>;
}

/**
 * Build a Config from redis-server style arguments: `[configfile] [--name value ...]`.
 * Errors are reported as Redis does:
 *
 *   *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
 *   Reading the configuration file, at line 2
 *   >>> 'port "abc"'
 *   argument couldn't be parsed into an integer
 */
export function loadConfig(args: string[], stdin?: () => string, opts: LoadOptions = {}): Config {
  const config = new Config();
  for (const [name, value] of Object.entries(opts.defaults ?? {})) config.set(name as ConfigName, value);
  let fileText = '';
  let rest = args;
  if (args.length > 0 && !args[0]!.startsWith('--')) {
    const path = args[0]!;
    rest = args.slice(1);
    if (path === '-') {
      fileText = stdin ? stdin() : readFileSync(0, 'utf8');
    } else {
      try {
        fileText = readFileSync(path, 'latin1');
      } catch (err) {
        throw new FatalConfigError(`Fatal error, can't open config file '${path}': ${strerror(err)}`);
      }
      config.file = path;
    }
  }
  let text: string;
  try {
    text = buildConfigText(fileText, rest);
  } catch (err) {
    throw new FatalConfigError(`${(err as Error).message}`);
  }
  const lines = text.split('\n');
  let saveSeen = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (msg: string): never => {
      throw fatal(`Reading the configuration file, at line ${n + 1}\n>>> '${line}'\n${msg}`);
    };
    const argv = splitArgs(line);
    if (argv === null) return fail('Unbalanced quotes in configuration line');
    if (argv.length === 0) continue;
    const handler = opts.directives?.[argv[0]!.toLowerCase()];
    if (argv[0]!.toLowerCase() === 'sentinel') {
      // `sentinel` alone selects the mode (see main.ts); `sentinel <option> ...` is sentinel state.
      if (argv.length === 1) continue;
      if (!handler) return fail('sentinel directive while not in sentinel mode');
    }
    if (handler) {
      // A handler returns an error to report against the line (Redis's "Error in user declaration ...").
      const err = handler(argv.slice(1), n + 1, line);
      if (typeof err === 'string') return fail(err);
      continue;
    }
    const def = findDef(argv[0]!);
    if (!def && DEPRECATED.has(argv[0]!.toLowerCase()) && argv.length === 2) continue;
    if (!def) return fail('Bad directive or wrong number of arguments');
    if (!def.multiArg && argv.length !== 2) return fail('wrong number of arguments');
    // A multi-argument option given as one non-empty argument (`--save "60 1"`) is split into words.
    let words = def.multiArg && argv.length === 2 && argv[1] !== '' ? (splitArgs(argv[1]!) ?? [argv[1]!]) : argv.slice(1);
    // `save` lines accumulate within the file (the first one replaces the default); `save ""` resets.
    if (def.name === 'save') {
      const reset = words.length === 1 && words[0] === '';
      if (saveSeen && !reset && config.text(def) !== '') words = [...config.text(def).split(' '), ...words];
      saveSeen = true;
    }
    try {
      config.setArgs(def, words);
    } catch (err) {
      if (err instanceof ConfigError) fail(err.message);
      throw err;
    }
  }
  // Redis's sanity checks after the whole text (reported without a line).
  const v = config.values;
  if (v.logfile !== '') {
    try {
      appendFileSync(v.logfile, '');
    } catch (err) {
      throw fatal(`Can't open the log file: ${strerror(err)}`);
    }
  }
  if (v.clusterEnabled && v.replicaof !== null) throw fatal('replicaof directive not allowed in cluster mode');
  return config;
}
