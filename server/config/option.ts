/**
 * One configuration option: its Redis name, aliases, flags, default and the codec that turns its
 * arguments into a typed value (numbers as numbers, bools as booleans, enums as unions, memory as
 * bytes) plus the canonical text CONFIG GET shows. The kinds mirror Redis 7.0's config.c
 * (bool, numeric, memory, string, enum, special); definitions.ts is the table of options.
 */

import { parseInt64 } from '../util/numbers.js';
import { quoteRepr } from '../util/repr.js';

export class ConfigError extends Error {}

/** A parsed value and its canonical text (what CONFIG GET shows; exact even beyond 2^53). */
export interface Parsed<T> {
  value: T;
  text: string;
}

export type OptionKind = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'special';

export interface OptionFlags {
  aliases?: string[];
  /** Settable only at startup: CONFIG SET answers "can't set immutable config". */
  immutable?: boolean;
  /** PROTECTED_CONFIG: CONFIG SET only when enable-protected-configs allows the client. */
  protected?: boolean;
  /** HIDDEN_CONFIG: CONFIG GET shows it only when named exactly. */
  hidden?: boolean;
}

export interface OptionDef<N extends string = string, T = unknown> {
  readonly name: N;
  /** The field of ConfigValues that holds the value: the name in camelCase. */
  readonly field: string;
  readonly aliases: readonly string[];
  readonly kind: OptionKind;
  /** The default as written in redis.conf. */
  readonly default: string;
  readonly immutable: boolean;
  readonly protected: boolean;
  readonly hidden: boolean;
  /**
   * MULTI_ARG_CONFIG: the value is a list of words (a config line's arguments; CONFIG SET splits
   * its value on spaces). Other options take exactly one argument.
   */
  readonly multiArg: boolean;
  readonly enumValues?: readonly string[];
  /** Parse the option's arguments; throws ConfigError with Redis's text. `prev` is the current value. */
  parse(args: readonly string[], prev: T | undefined): Parsed<T>;
  /** The redis.conf lines for a value (CONFIG REWRITE); [] writes none. */
  rewrite(value: T, text: string): string[];
}

/** The typed value an option definition yields. */
export type ValueOf<D> = D extends OptionDef<string, infer T> ? T : never;

/** 'repl-backlog-size' → 'replBacklogSize' (the ConfigValues field of an option). */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

const LLONG_MAX = (1n << 63n) - 1n;
export const ULLONG_MAX = (1n << 64n) - 1n;

const UNITS: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n };

/**
 * Redis's memtoull: digits then an optional unit (k = 1000, kb = 1024, ... case-insensitive), as an
 * unsigned 64-bit value (wrapping like C on overflow); null when it is not a memory value.
 */
export function memtoull(s: string): bigint | null {
  const m = /^(\d*)([a-z]*)$/i.exec(s);
  if (!m) return null;
  const mul = UNITS[m[2]!.toLowerCase()];
  if (mul === undefined || m[1]!.length >= 128) return null;
  let v = m[1] === '' ? 0n : BigInt(m[1]!);
  if (v > ULLONG_MAX) v = ULLONG_MAX; // strtoull saturates
  return BigInt.asUintN(64, v * mul);
}

/** Bytes in redis.conf notation: gb/mb/kb when exact (Redis's rewriteConfigFormatMemory). */
export function formatMemory(n: number | bigint): string {
  const b = BigInt(n);
  const units: [bigint, string][] = [
    [1024n ** 3n, 'gb'],
    [1024n ** 2n, 'mb'],
    [1024n, 'kb'],
  ];
  for (const [u, suffix] of units) if (b !== 0n && b % u === 0n) return `${b / u}${suffix}`;
  return String(b);
}

function single(args: readonly string[]): string {
  if (args.length !== 1) throw new ConfigError('wrong number of arguments');
  return args[0]!;
}

interface Common<N extends string> {
  name: N;
  kind: OptionKind;
  default: string;
  flags: OptionFlags;
  multiArg?: boolean;
  enumValues?: readonly string[];
}

function define<N extends string, T>(
  c: Common<N>,
  parse: (args: readonly string[], prev: T | undefined) => Parsed<T>,
  rewrite: (value: T, text: string) => string[],
): OptionDef<N, T> {
  return {
    name: c.name,
    field: camelCase(c.name),
    aliases: c.flags.aliases ?? [],
    kind: c.kind,
    default: c.default,
    immutable: c.flags.immutable ?? false,
    protected: c.flags.protected ?? false,
    hidden: c.flags.hidden ?? false,
    multiArg: c.multiArg ?? false,
    enumValues: c.enumValues,
    parse,
    rewrite,
  };
}

/** yes/no → boolean. */
export function boolOption<N extends string>(
  name: N,
  def: boolean,
  flags: OptionFlags & { validate?: (v: boolean) => string | null } = {},
): OptionDef<N, boolean> {
  return define<N, boolean>(
    { name, kind: 'bool', default: def ? 'yes' : 'no', flags },
    (args) => {
      const v = single(args).toLowerCase();
      if (v !== 'yes' && v !== 'no') throw new ConfigError("argument must be 'yes' or 'no'");
      const err = flags.validate?.(v === 'yes');
      if (err) throw new ConfigError(err);
      return { value: v === 'yes', text: v };
    },
    (_v, text) => [`${name} ${text}`],
  );
}

function boundsError(min: bigint, max: bigint): ConfigError {
  return new ConfigError(`argument must be between ${min} and ${max} inclusive`);
}

/**
 * An integer within [min, max] (Redis's numeric configs without the MEMORY flag); `clamp` then
 * brings an accepted value into a working range, as Redis's hz (what CONFIG GET shows too).
 */
export function intOption<N extends string>(
  name: N,
  def: number,
  min: number | bigint,
  max: number | bigint,
  flags: OptionFlags & { clamp?: [number, number] } = {},
): OptionDef<N, number> {
  const lo = BigInt(min);
  const hi = BigInt(max);
  return define<N, number>(
    { name, kind: 'int', default: String(def), flags },
    (args) => {
      let v = parseInt64(single(args));
      if (v === null) throw new ConfigError("argument couldn't be parsed into an integer");
      if (v < lo || v > hi) throw boundsError(lo, hi);
      if (flags.clamp) v = v < flags.clamp[0] ? BigInt(flags.clamp[0]) : v > flags.clamp[1] ? BigInt(flags.clamp[1]) : v;
      return { value: Number(v), text: String(v) };
    },
    (_v, text) => [`${name} ${text}`],
  );
}

/**
 * Bytes within [min, max] (Redis's MEMORY_CONFIG numerics). An upper bound beyond LLONG_MAX marks
 * an unsigned option (maxmemory): values up to 2^64-1 are accepted and shown exactly.
 */
export function memoryOption<N extends string>(
  name: N,
  def: string,
  min: number | bigint,
  max: number | bigint,
  flags: OptionFlags = {},
): OptionDef<N, number> {
  const lo = BigInt(min);
  const hi = BigInt(max);
  const unsigned = hi > LLONG_MAX;
  return define<N, number>(
    { name, kind: 'memory', default: def, flags },
    (args) => {
      const raw = memtoull(single(args));
      if (raw === null) throw new ConfigError('argument must be a memory value');
      const v = unsigned ? raw : BigInt.asIntN(64, raw);
      if (v < lo || v > hi) throw boundsError(lo, hi);
      return { value: Number(v), text: String(v) };
    },
    (_v, text) => [`${name} ${formatMemory(BigInt(text))}`],
  );
}

/** A string, optionally validated (the validator returns Redis's error text or null). */
export function stringOption<N extends string>(
  name: N,
  def: string,
  flags: OptionFlags & { validate?: (v: string) => string | null } = {},
): OptionDef<N, string> {
  return define<N, string>(
    { name, kind: 'string', default: def, flags },
    (args) => {
      const v = single(args);
      const err = flags.validate?.(v);
      if (err) throw new ConfigError(err);
      return { value: v, text: v };
    },
    (v) => [`${name} ${quoteRepr(v)}`],
  );
}

/** One of a fixed set of words (case-insensitive) → a union of those words. */
export function enumOption<N extends string, const V extends readonly string[]>(
  name: N,
  def: V[number],
  values: V,
  flags: OptionFlags = {},
): OptionDef<N, V[number]> {
  return define<N, V[number]>(
    { name, kind: 'enum', default: def, flags, enumValues: values },
    (args) => {
      const v = args.length === 1 ? args[0]!.toLowerCase() : '';
      const found = values.find((x) => x === v);
      if (found === undefined) throw new ConfigError(`argument(s) must be one of the following: ${values.join(', ')}`);
      return { value: found, text: found };
    },
    (_v, text) => [`${name} ${text}`],
  );
}

/** How a special option turns its words into a value, shows it and rewrites it. */
export interface SpecialCodec<T> {
  parse(args: readonly string[], prev: T | undefined): T;
  show(value: T): string;
  /** redis.conf lines (after the name) for CONFIG REWRITE; default: one line with `show`. */
  rewrite?(value: T): string[];
}

/** An option with its own syntax (save, bind, client-output-buffer-limit ...). */
export function specialOption<N extends string, T>(
  name: N,
  def: string,
  codec: SpecialCodec<T>,
  flags: OptionFlags & { multiArg?: boolean } = {},
): OptionDef<N, T> {
  return define<N, T>(
    { name, kind: 'special', default: def, flags, multiArg: flags.multiArg },
    (args, prev) => {
      const value = codec.parse(args, prev);
      return { value, text: codec.show(value) };
    },
    (v) => (codec.rewrite ? codec.rewrite(v) : [codec.show(v)]).map((l) => `${name} ${l}`),
  );
}
