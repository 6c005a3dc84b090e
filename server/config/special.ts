/**
 * Options with their own syntax (Redis's createSpecialConfig): each codec parses the option's
 * words into a typed value and shows it back as CONFIG GET does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { notifyFlagsToString, parseNotifyFlags } from '../notify.js';
import { strerror } from '../util/errno.js';
import { quoteRepr } from '../util/repr.js';
import { ConfigError, formatMemory, memtoull, type SpecialCodec } from './option.js';

/** strtoll with an end-pointer check: optional sign, digits (an empty string is 0, as in C). */
function strtoll(s: string): number | null {
  return /^\s*[+-]?\d*$/.test(s) ? Number(s.trim() || '0') : null;
}

/** `save <seconds> <changes> ...`: when to BGSAVE automatically. */
export interface SavePoint {
  seconds: number;
  changes: number;
}

export const saveCodec: SpecialCodec<SavePoint[]> = {
  parse(args) {
    const words = args.length === 1 && args[0] === '' ? [] : args;
    if (words.length % 2 !== 0) throw new ConfigError('Invalid save parameters');
    const out: SavePoint[] = [];
    for (let j = 0; j < words.length; j += 2) {
      const seconds = strtoll(words[j]!);
      const changes = strtoll(words[j + 1]!);
      if (seconds === null || changes === null || seconds < 1 || changes < 0) throw new ConfigError('Invalid save parameters');
      out.push({ seconds, changes });
    }
    return out;
  },
  show: (v) => v.map((p) => `${p.seconds} ${p.changes}`).join(' '),
  rewrite: (v) => (v.length === 0 ? ['""'] : v.map((p) => `${p.seconds} ${p.changes}`)),
};

/** `bind addr ...` (up to 16; a leading '-' marks an optional address). */
export const bindCodec: SpecialCodec<string[]> = {
  parse(args) {
    if (args.length > 16) throw new ConfigError('Too many bind addresses specified.');
    return args.length === 1 && args[0] === '' ? [] : [...args];
  },
  show: (v) => v.join(' '),
  rewrite: (v) => [v.length ? v.join(' ') : '""'],
};

/** `replicaof <host> <port>` or `replicaof no one`. */
export interface MasterAddr {
  host: string;
  port: number;
}

export const replicaofCodec: SpecialCodec<MasterAddr | null> = {
  parse(args) {
    if (args.length === 1 && args[0] === '') return null; // the default
    if (args.length !== 2) throw new ConfigError('wrong number of arguments');
    if (args[0]!.toLowerCase() === 'no' && args[1]!.toLowerCase() === 'one') return null;
    const port = /^-?\d+$/.test(args[1]!) ? Number(args[1]) : Number.NaN;
    if (!(port >= 0 && port <= 65535)) throw new ConfigError('Invalid master port');
    return { host: args[0]!, port };
  },
  show: (v) => (v ? `${v.host} ${v.port}` : ''),
  rewrite: (v) => (v ? [`${v.host} ${v.port}`] : []),
};

/** One client class's output buffer limits. */
export interface ObufLimit {
  hardBytes: number;
  softBytes: number;
  softSeconds: number;
}

export type ObufClass = 'normal' | 'replica' | 'pubsub';
export type ObufLimits = Record<ObufClass, ObufLimit>;

const OBUF_CLASSES: Record<string, ObufClass> = { normal: 'normal', slave: 'replica', replica: 'replica', pubsub: 'pubsub' };
const OBUF_DEFAULTS: ObufLimits = {
  normal: { hardBytes: 0, softBytes: 0, softSeconds: 0 },
  replica: { hardBytes: 256 * 1024 * 1024, softBytes: 64 * 1024 * 1024, softSeconds: 60 },
  pubsub: { hardBytes: 32 * 1024 * 1024, softBytes: 8 * 1024 * 1024, softSeconds: 60 },
};

/** `client-output-buffer-limit <class> <hard> <soft> <soft seconds> ...`: classes not named keep their limits. */
export const obufLimitsCodec: SpecialCodec<ObufLimits> = {
  parse(args, prev) {
    if (args.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
    const out: ObufLimits = { ...(prev ?? OBUF_DEFAULTS) };
    for (let j = 0; j < args.length; j += 4) {
      const cls = OBUF_CLASSES[args[j]!.toLowerCase()];
      if (cls === undefined) throw new ConfigError('Invalid client class specified in buffer limit configuration.');
      const hard = memtoull(args[j + 1]!);
      const soft = memtoull(args[j + 2]!);
      const secs = strtoll(args[j + 3]!);
      if (hard === null || soft === null || secs === null || secs < 0) {
        throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
      }
      out[cls] = { hardBytes: Number(hard), softBytes: Number(soft), softSeconds: secs };
    }
    return out;
  },
  show: (v) => `normal ${fmt(v.normal)} slave ${fmt(v.replica)} pubsub ${fmt(v.pubsub)}`,
  rewrite: (v) =>
    (['normal', 'replica', 'pubsub'] as const).map((c) => `${c} ${formatMemory(v[c].hardBytes)} ${formatMemory(v[c].softBytes)} ${v[c].softSeconds}`),
};

function fmt(l: ObufLimit): string {
  return `${l.hardBytes} ${l.softBytes} ${l.softSeconds}`;
}

/** `notify-keyspace-events <flags>` → the flag bits (notify.ts). */
export const notifyCodec: SpecialCodec<number> = {
  parse(args) {
    if (args.length !== 1) throw new ConfigError('wrong number of arguments');
    const f = parseNotifyFlags(args[0]!);
    if (f === null) throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    return f;
  },
  show: notifyFlagsToString,
  rewrite: (v) => [quoteRepr(notifyFlagsToString(v))],
};

/** `oom-score-adj-values <master> <replica> <bgchild>`. */
export const oomScoreAdjValuesCodec: SpecialCodec<[number, number, number]> = {
  parse(args) {
    if (args.length !== 3) throw new ConfigError('wrong number of arguments');
    const v = args.map(strtoll);
    if (v.some((x) => x === null || x < -2000 || x > 2000)) throw new ConfigError('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    return v as [number, number, number];
  },
  show: (v) => v.join(' '),
};

/** `latency-tracking-info-percentiles <p> ...`: percentiles INFO latencystats reports. */
export const percentilesCodec: SpecialCodec<number[]> = {
  parse(args) {
    const words = args.length === 1 && args[0] === '' ? [] : args;
    return words.map((w) => {
      const p = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(w) ? Number(w) : Number.NaN;
      if (Number.isNaN(p)) throw new ConfigError('Invalid latency-tracking-info-percentiles parameters');
      if (p > 100 || p < 0) throw new ConfigError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
      return p;
    });
  },
  // Redis prints each with %f and trims trailing zeros.
  show: (v) => v.map((p) => p.toFixed(6).replace(/\.?0+$/, '')).join(' '),
  rewrite: (v) => [v.length ? v.map((p) => p.toFixed(6).replace(/\.?0+$/, '')).join(' ') : '""'],
};

/** One `route host:port=proxyhost:proxyport` entry (replication/routes.ts). */
export interface Route {
  from: string;
  host: string;
  port: number;
}

/** splitbrain's `route` option: where this node's outgoing links to a peer really connect. */
export const routesCodec: SpecialCodec<Route[]> = {
  parse(args) {
    const out: Route[] = [];
    for (const r of args) {
      if (r === '') continue;
      if (!/^[^=\s]+:\d+=[^=\s]+:\d+$/.test(r)) throw new ConfigError(`Invalid route '${r}', expected host:port=host:port`);
      const eq = r.indexOf('=');
      const to = r.slice(eq + 1);
      const colon = to.lastIndexOf(':');
      out.push({ from: r.slice(0, eq), host: to.slice(0, colon), port: Number(to.slice(colon + 1)) });
    }
    return out;
  },
  show: (v) => v.map((r) => `${r.from}=${r.host}:${r.port}`).join(' '),
  rewrite: (v) => (v.length ? [v.map((r) => `${r.from}=${r.host}:${r.port}`).join(' ')] : []),
};

/**
 * `dir`: the working directory for RDB/AOF files. Redis chdir()s; we keep the absolute path
 * (several servers can share a process), resolved against the previous one as chdir would, and
 * refuse what chdir would refuse, with strerror's text.
 */
export const dirCodec: SpecialCodec<string> = {
  parse(args, prev) {
    if (args.length !== 1) throw new ConfigError('wrong number of arguments');
    const dir = path.resolve(prev ?? process.cwd(), args[0]!);
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
      if (st.isDirectory()) fs.accessSync(dir, fs.constants.X_OK);
    } catch (err) {
      throw new ConfigError(strerror(err));
    }
    if (!st.isDirectory()) throw new ConfigError('Not a directory');
    return dir;
  },
  show: (v) => v,
  rewrite: (v) => [quoteRepr(v)],
};

/**
 * Validators of names inside `dir` (Redis's isValidDBfilename, isValidAOFfilename,
 * isValidAOFdirname: pathIsBaseName refuses '/' and '\\').
 */
export function fileNameIn(option: string, opts: { kind: 'filename' | 'dirname'; nonEmpty: boolean }): (v: string) => string | null {
  return (v) => {
    if (opts.nonEmpty && v === '') return `${option} can't be empty`;
    return v.includes('/') || v.includes('\\') ? `${option} can't be a path, just a ${opts.kind}` : null;
  };
}

/** Redis's isValidAnnouncedHostname. */
export function validHostname(v: string): string | null {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(v)) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  return null;
}

/** SHUTDOWN flags of shutdown-on-sigint/-sigterm (Redis's SHUTDOWN_SAVE/NOSAVE/NOW/FORCE bits). */
export const SHUTDOWN_FLAG = { save: 1, nosave: 2, now: 4, force: 8 } as const;
const SHUTDOWN_WORDS = ['default', 'save', 'nosave', 'now', 'force'] as const;

/** `shutdown-on-sigterm default|[save|nosave] [now] [force]`: a multi-word enum of bit flags. */
export const shutdownOnSignalCodec: SpecialCodec<number> = {
  parse(args) {
    const words = args.map((a) => a.toLowerCase());
    if (words.length === 0 || words.some((w) => !(SHUTDOWN_WORDS as readonly string[]).includes(w)))
      throw new ConfigError(`argument(s) must be one of the following: ${SHUTDOWN_WORDS.join(', ')}`);
    let v = 0;
    for (const w of words) if (w !== 'default') v |= SHUTDOWN_FLAG[w as keyof typeof SHUTDOWN_FLAG];
    if (v & SHUTDOWN_FLAG.save && v & SHUTDOWN_FLAG.nosave) throw new ConfigError("shutdown options SAVE and NOSAVE can't be used simultaneously");
    return v;
  },
  show: (v) => (v === 0 ? 'default' : SHUTDOWN_WORDS.filter((w) => w !== 'default' && v & SHUTDOWN_FLAG[w]).join(' ')),
};

/** unixsocketperm: an octal number within [0, 0777] (Redis's OCTAL_CONFIG). */
export const octalPermCodec: SpecialCodec<number> = {
  parse(args) {
    if (args.length !== 1) throw new ConfigError('wrong number of arguments');
    // strtoll(..., 8) with an end-pointer check: an empty string is 0, as in C.
    const m = /^\s*([+-]?)([0-7]*)$/.exec(args[0]!);
    if (!m) throw new ConfigError("argument couldn't be parsed as an octal number");
    const v = (m[1] === '-' ? -1 : 1) * Number.parseInt(m[2] || '0', 8);
    if (v < 0 || v > 0o777) throw new ConfigError('argument must be between 0 and 777 inclusive');
    return v;
  },
  show: (v) => v.toString(8),
};

const SSIZE_MAX = (1n << 63n) - 1n;

/**
 * maxmemory-clients: bytes, or a percentage of maxmemory (`10%`, kept negative as Redis keeps it);
 * a memory value beyond SSIZE_MAX wraps to a negative one, hence a percentage, as in C.
 */
export const memoryOrPercentCodec: SpecialCodec<number> = {
  parse(args) {
    if (args.length !== 1) throw new ConfigError('wrong number of arguments');
    const s = args[0]!;
    let v: bigint;
    const raw = memtoull(s);
    const pct = /^[+-]?\d+$/.exec(s.slice(0, -1)) && s.length > 1 && s.endsWith('%') ? BigInt(s.slice(0, -1)) : null;
    if (raw !== null) v = BigInt.asIntN(64, raw);
    else if (pct !== null && pct >= 0n && pct <= SSIZE_MAX) v = -pct;
    else throw new ConfigError('argument must be a memory or percent value');
    if (v < 0n && v < -100n) throw new ConfigError('percentage argument must be less or equal to 100');
    return Number(v);
  },
  show: (v) => (v < 0 ? `${-v}%` : String(v)),
  rewrite: (v) => [v < 0 ? `${-v}%` : formatMemory(v)],
};

/** proc-title-template: Redis's sdstemplate with its variables; the expansion must not be empty. */
export function validProcTitleTemplate(v: string): string | null {
  const bad = 'template format is invalid or contains unknown variables';
  // Expanded as for a standalone server with a TCP port (only emptiness matters here).
  const vars = new Map([
    ['title', ''],
    ['listen-addr', '*:6379'],
    ['server-mode', ''],
    ['config-file', '-'],
    ['port', '6379'],
    ['tls-port', '0'],
    ['unixsocket', ''],
  ]);
  let out = '';
  let p = 0;
  while (p < v.length) {
    const sv = v.indexOf('{', p);
    if (sv < 0) {
      out += v.slice(p);
      break;
    }
    out += v.slice(p, sv);
    if (sv + 1 >= v.length) return bad;
    if (v[sv + 1] === '{') {
      out += '{';
      p = sv + 2;
      continue;
    }
    const ev = v.indexOf('}', sv + 1);
    if (ev < 0) return bad;
    const value = vars.get(v.slice(sv + 1, ev));
    if (value === undefined) return bad;
    out += value;
    p = ev + 1;
  }
  return out.replace(/^ +| +$/g, '') === '' ? bad : null;
}
