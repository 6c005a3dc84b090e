import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Client } from '../client.js';
import { ConfigError, findDef, normalize } from '../config/config.js';
import { CONFIG_DEFS, type ConfigDef } from '../config/definitions.js';
import { quoteRepr } from '../dispatch.js';
import { notifyFlagsToString, parseNotifyFlags } from '../notify.js';
import { splitArgs } from '../resp/parser.js';
import type { Server } from '../server.js';
import { evictorOf } from '../store/evict.js';
import { memoryOf } from '../store/memory.js';
import { type CommandSpec, cmd } from './table.js';

/** CONFIG GET/SET/RESETSTAT/REWRITE/HELP (Redis 7.0's config.c command side). */

/** Options whose validation/canonical form lives outside the definitions table. */
function validateExtra(name: string, value: string): string {
  if (name === 'notify-keyspace-events') {
    const f = parseNotifyFlags(value);
    if (f === null) throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    return notifyFlagsToString(f);
  }
  return value;
}

/** The value as CONFIG GET shows it. */
function shown(name: string, value: string): string {
  if (name === 'notify-keyspace-events') return notifyFlagsToString(parseNotifyFlags(value) ?? 0);
  return value;
}

function configGet(c: Client, argv: string[]): void {
  const cfg = c.server.config;
  const out = new Map<string, string>();
  for (let i = 2; i < argv.length; i++) {
    for (const [name, value] of cfg.match(argv[i]!)) if (!out.has(name)) out.set(name, shown(name, value));
  }
  c.addReplyMapLen(out.size);
  for (const [k, v] of out) {
    c.addReplyBulk(k);
    c.addReplyBulk(v);
  }
}

function configSet(c: Client, argv: string[]): void {
  const s = c.server;
  const cfg = s.config;
  if (argv.length % 2 !== 0) {
    c.addReplyError('syntax error');
    return;
  }
  let unknown: string | null = null;
  let errstr: string | null = null;
  let errArg = '';
  let invalid = false;
  const defs: ConfigDef[] = [];
  const values: string[] = [];
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i]!;
    const def = findDef(name);
    if (!def || def.hidden) {
      if (!invalid) {
        unknown = name;
        invalid = true;
      }
      continue;
    }
    if (invalid) continue;
    if (!def.mutable) {
      errstr = "can't set immutable config";
      errArg = name;
      invalid = true;
      continue;
    }
    if (defs.includes(def)) {
      errstr = 'duplicate parameter';
      errArg = name;
      invalid = true;
      continue;
    }
    defs.push(def);
    values.push(argv[i + 1]!);
  }
  const fail = (): void => {
    if (unknown !== null) c.addReplyError(`Unknown option or number of arguments for CONFIG SET - '${unknown}'`);
    else if (errstr !== null) c.addReplyError(`CONFIG SET failed (possibly related to argument '${errArg}') - ${errstr}`);
    else c.addReplyError(`CONFIG SET failed (possibly related to argument '${errArg}')`);
  };
  if (invalid) return fail();
  // Validate everything before changing anything, then apply; roll back if applying fails.
  const canon: string[] = [];
  for (let k = 0; k < defs.length; k++) {
    try {
      canon.push(normalize(defs[k]!, validateExtra(defs[k]!.name, values[k]!)));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errstr = err.message;
      errArg = defs[k]!.name;
      return fail();
    }
  }
  const old = defs.map((d) => cfg.get(d.name));
  for (let k = 0; k < defs.length; k++) {
    try {
      cfg.set(defs[k]!.name, canon[k]!);
    } catch (err) {
      for (let j = 0; j <= k; j++) cfg.restore(defs[j]!.name, old[j]!);
      errstr = err instanceof Error ? err.message : String(err);
      errArg = defs[k]!.name;
      return fail();
    }
  }
  if (defs.some((d) => d.name === 'maxmemory')) {
    const max = cfg.int('maxmemory');
    if (max > 0) {
      const ev = evictorOf(s);
      if (ev.toFree() > 0) {
        s.log.warning(
          'WARNING: the new maxmemory value set via CONFIG SET is smaller than the current memory usage. This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.',
        );
        ev.perform();
      }
    }
  }
  c.addReplyOk();
}

function configResetStat(c: Client): void {
  const s = c.server;
  s.stats.reset();
  memoryOf(s).peak = 0;
  c.addReplyOk();
}

/** How CONFIG REWRITE writes one option (Redis's rewriteConfig*Option formats). */
export function rewriteLines(def: ConfigDef, value: string): string[] {
  switch (def.kind) {
    case 'memory':
      return [`${def.name} ${humanMemory(Number(value))}`];
    case 'string':
      if (def.name === 'notify-keyspace-events') return [`${def.name} ${quoteRepr(shown(def.name, value))}`];
      return [`${def.name} ${quoteRepr(value)}`];
    case 'special':
      if (def.name === 'save') {
        if (value === '') return ['save ""'];
        const p = value.split(' ');
        const out: string[] = [];
        for (let i = 0; i + 1 < p.length; i += 2) out.push(`save ${p[i]} ${p[i + 1]}`);
        return out;
      }
      if (def.name === 'replicaof') return value === '' ? [] : [`replicaof ${value}`];
      return [`${def.name} ${value}`];
    case 'multi':
      return value === '' ? [] : [`${def.name} ${value}`];
    default:
      return [`${def.name} ${value}`];
  }
}

function humanMemory(n: number): string {
  const gb = 1024 * 1024 * 1024;
  if (n !== 0 && n % gb === 0) return `${n / gb}gb`;
  if (n !== 0 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}mb`;
  if (n !== 0 && n % 1024 === 0) return `${n / 1024}kb`;
  return String(n);
}

/**
 * Rewrite the config file as Redis does: options present in the file are rewritten in place
 * (first occurrence; later duplicates dropped), comments and unknown lines are kept, and
 * options that differ from their default but were not in the file are appended after a
 * "# Generated by CONFIG REWRITE" marker.
 */
export function rewriteConfig(server: Server, path: string): void {
  const cfg = server.config;
  let text = '';
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    text = '';
  }
  const lines = text.length ? text.replace(/\n$/, '').split('\n') : [];
  const out: string[] = [];
  const done = new Set<string>();
  const MARK = '# Generated by CONFIG REWRITE';
  for (const raw of lines) {
    const line = raw.trim();
    if (line === MARK) continue;
    if (line === '' || line.startsWith('#')) {
      out.push(raw);
      continue;
    }
    const argv = splitArgs(line);
    const def = argv?.length ? findDef(argv[0]!) : undefined;
    if (!def) {
      out.push(raw);
      continue;
    }
    if (done.has(def.name)) continue;
    done.add(def.name);
    out.push(...rewriteLines(def, cfg.get(def.name)));
  }
  const extra: string[] = [];
  for (const def of CONFIG_DEFS) {
    if (done.has(def.name) || def.hidden) continue;
    const v = cfg.get(def.name);
    if (v === def.default) continue;
    extra.push(...rewriteLines(def, v));
  }
  if (extra.length) {
    // Drop trailing blank lines before the generated block, as Redis does.
    while (out.length && out[out.length - 1]!.trim() === '') out.pop();
    out.push(MARK, ...extra);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, out.join('\n') + '\n', 'latin1');
  renameSync(tmp, path);
}

function configRewrite(c: Client): void {
  const s = c.server;
  const path = s.config.file;
  if (!path) {
    c.addReplyError('The server is running without a config file');
    return;
  }
  try {
    rewriteConfig(s, path);
  } catch (err) {
    s.log.warning(`CONFIG REWRITE failed: ${(err as Error).message}`);
    c.addReplyError(`Rewriting config file: ${(err as Error).message}`);
    return;
  }
  s.log.notice('CONFIG REWRITE executed with success.');
  c.addReplyOk();
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

export const configCommands: CommandSpec[] = [
  cmd('config', -2, [], [0, 0, 0], 'server', 'A container for server configuration commands', undefined, {
    since: '2.0.0',
    subcommands: [
      cmd('get', -3, ['admin', 'noscript', 'loading', 'stale'], [0, 0, 0], 'server', 'Get the values of configuration parameters', configGet, {
        since: '2.0.0',
        hint: 'parameter [parameter ...]',
      }),
      cmd('set', -4, ['admin', 'noscript', 'loading', 'stale'], [0, 0, 0], 'server', 'Set configuration parameters to the given values', configSet, {
        since: '2.0.0',
        hint: 'parameter value [parameter value ...]',
      }),
      cmd('resetstat', 2, ['admin', 'noscript', 'loading', 'stale'], [0, 0, 0], 'server', 'Reset the stats returned by INFO', configResetStat, {
        since: '2.0.0',
      }),
      cmd(
        'rewrite',
        2,
        ['admin', 'noscript', 'loading', 'stale'],
        [0, 0, 0],
        'server',
        'Rewrite the configuration file with the in memory configuration',
        configRewrite,
        { since: '2.8.0' },
      ),
      cmd('help', 2, ['loading', 'stale'], [0, 0, 0], 'server', 'Show helpful text about the different subcommands', (c) => configHelp(c), { since: '5.0.0' }),
    ],
  }),
];

function configHelp(c: Client): void {
  c.addReplyHelp('config', CONFIG_HELP);
}
