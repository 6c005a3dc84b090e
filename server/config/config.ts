import { globMatch } from '../util/glob.js';
import { CONFIG_DEFS, type ConfigDef } from './definitions.js';

export class ConfigError extends Error {}

/** Redis's memtoull: bytes with k/kb/m/mb/g/gb suffixes (k = 1000, kb = 1024). */
export function parseMemory(v: string): number | null {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const mul: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1000 * 1000, mb: 1024 * 1024, g: 1000 * 1000 * 1000, gb: 1024 * 1024 * 1024 };
  return n * mul[unit]!;
}

function parseSave(v: string): string | null {
  const parts = v.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 1 && parts[0] === '') return '';
  if (parts.length % 2 !== 0) return null;
  for (const p of parts) if (!/^\d+$/.test(p)) return null;
  return parts.join(' ');
}

const byName = new Map<string, ConfigDef>();
for (const d of CONFIG_DEFS) {
  byName.set(d.name, d);
  for (const a of d.aliases ?? []) byName.set(a, d);
}

export function findDef(name: string): ConfigDef | undefined {
  return byName.get(name.toLowerCase());
}

/**
 * Normalise and validate one value for a definition. Returns the canonical string (memory as
 * bytes, bools as yes/no) or throws ConfigError with Redis's text.
 */
export function normalize(def: ConfigDef, raw: string): string {
  switch (def.kind) {
    case 'bool': {
      const v = raw.toLowerCase();
      if (v !== 'yes' && v !== 'no') throw new ConfigError("argument must be 'yes' or 'no'");
      return v;
    }
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError("argument couldn't be parsed into an integer");
      const n = Number(raw);
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
        throw new ConfigError(`argument must be between ${def.min} and ${def.max} inclusive`);
      }
      return String(n);
    }
    case 'memory': {
      const n = parseMemory(raw);
      if (n === null) throw new ConfigError('argument must be a memory value');
      if (n < 0) throw new ConfigError('argument must be a memory value');
      return String(n);
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (!def.enumValues!.includes(v)) throw new ConfigError(`argument(s) must be one of the following: ${def.enumValues!.join(', ')}`);
      return v;
    }
    case 'special': {
      if (def.name === 'save') {
        const v = parseSave(raw);
        if (v === null) throw new ConfigError('Invalid save parameters');
        return v;
      }
      if (def.name === 'replicaof') {
        const p = raw.trim().split(/\s+/);
        if (raw.trim() === '') return '';
        if (p.length !== 2 || !/^\d+$/.test(p[1]!)) throw new ConfigError('Invalid master port');
        if (p[0]!.toLowerCase() === 'no' && p[1]!.toLowerCase() === 'one') return '';
        return `${p[0]} ${p[1]}`;
      }
      if (def.name === 'client-output-buffer-limit') {
        const p = raw.trim().split(/\s+/);
        if (p.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
        for (let k = 0; k < p.length; k += 4) {
          if (!['normal', 'slave', 'replica', 'pubsub'].includes(p[k]!.toLowerCase()))
            throw new ConfigError('Invalid client class specified in buffer limit configuration.');
          if (parseMemory(p[k + 1]!) === null || parseMemory(p[k + 2]!) === null || !/^\d+$/.test(p[k + 3]!)) {
            throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
          }
        }
        return raw.trim();
      }
      return raw;
    }
    default: {
      const err = def.validate?.(raw);
      if (err) throw new ConfigError(err);
      return raw;
    }
  }
}

type Listener = (value: string, name: string) => void;

/** The live configuration of one server: values by canonical name, plus change listeners. */
export class Config {
  private values = new Map<string, string>();
  private listeners = new Map<string, Listener[]>();
  /** The config file the server was started with, for CONFIG REWRITE. */
  file: string | null = null;

  constructor() {
    // Defaults are stored normalised (memory as bytes), exactly as a set value would be.
    for (const d of CONFIG_DEFS) this.values.set(d.name, d.default === '' ? '' : normalize(d, d.default));
  }

  get(name: string): string {
    const d = findDef(name);
    if (!d) throw new Error(`no such config ${name}`);
    return this.values.get(d.name)!;
  }

  int(name: string): number {
    return Number(this.get(name));
  }

  bool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Set a value with validation; notifies listeners. Throws ConfigError. */
  set(name: string, raw: string): void {
    const d = findDef(name);
    if (!d) throw new ConfigError('Bad directive or wrong number of arguments');
    const v = normalize(d, raw);
    this.values.set(d.name, v);
    for (const l of this.listeners.get(d.name) ?? []) l(v, d.name);
  }

  /** Set without validation or listeners (rollback of a failed multi-set). */
  restore(name: string, value: string): void {
    const d = findDef(name)!;
    this.values.set(d.name, value);
    for (const l of this.listeners.get(d.name) ?? []) l(value, d.name);
  }

  onChange(name: string, l: Listener): void {
    const d = findDef(name);
    if (!d) throw new Error(`no such config ${name}`);
    const arr = this.listeners.get(d.name) ?? [];
    arr.push(l);
    this.listeners.set(d.name, arr);
  }

  /** CONFIG GET with glob patterns; aliases are matched too, as Redis 7 does. */
  match(pattern: string): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    const lower = pattern.toLowerCase();
    for (const [name, d] of byName) {
      if (d.hidden && name !== lower) continue;
      if (seen.has(name)) continue;
      if (!globMatch(lower, name, true)) continue;
      seen.add(name);
      out.push([name, this.values.get(d.name)!]);
    }
    return out;
  }

  /** Options that differ from their defaults (for CONFIG REWRITE). */
  changed(): [string, string][] {
    const out: [string, string][] = [];
    for (const d of CONFIG_DEFS) {
      const v = this.values.get(d.name)!;
      if (v !== (d.default === '' ? '' : normalize(d, d.default))) out.push([d.name, v]);
    }
    return out;
  }
}

interface ConfigLine {
  /** 1-based line number in the combined config text (file lines, then command-line options). */
  line: number;
  text: string;
  args: string[];
}

/**
 * Redis builds one config text from the file and the `--name value` options and reports errors
 * against it with "Reading the configuration file, at line N". We do the same.
 */
export function buildConfigText(fileText: string, argv: string[]): string {
  let text = fileText;
  if (text.length && !text.endsWith('\n')) text += '\n';
  let cur: string[] | null = null;
  const lines: string[] = [];
  for (const a of argv) {
    if (a.startsWith('--')) {
      if (cur) lines.push(cur.join(' '));
      cur = [a.slice(2)];
    } else if (cur) {
      cur.push(quoteArg(a));
    } else {
      throw new ConfigError(`Invalid option '${a}'`);
    }
  }
  if (cur) lines.push(cur.join(' '));
  return text + lines.join('\n');
}

function quoteArg(a: string): string {
  if (a === '' || /[\s"'\\]/.test(a)) return '"' + a.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  return a;
}
