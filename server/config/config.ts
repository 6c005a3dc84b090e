import { globMatch } from '../util/glob.js';
import { CONFIG_DEFS, type ConfigName, type ConfigValues } from './definitions.js';
import { ConfigError, type OptionDef, type Parsed } from './option.js';

export { ConfigError };

/** Any option of the table (the store handles them uniformly; ConfigValues gives the types). */
export type AnyOptionDef = OptionDef<string, unknown>;

const byName = new Map<string, AnyOptionDef>();
for (const d of CONFIG_DEFS as AnyOptionDef[]) {
  for (const n of [d.name, ...d.aliases]) {
    if (byName.has(n)) throw new Error(`config option ${n} is defined twice`);
    byName.set(n, d);
  }
}

/** An option by name or alias (case-insensitive), as CONFIG GET/SET and the config file look it up. */
export function findDef(name: string): AnyOptionDef | undefined {
  return byName.get(name.toLowerCase());
}

/**
 * The words of a value given as one string: multi-argument options split on spaces (CONFIG SET's
 * rule; "" is no words), the others take the string whole.
 */
export function splitValue(def: AnyOptionDef, raw: string): string[] {
  if (!def.multiArg) return [raw];
  return raw === '' ? [] : raw.split(' ');
}

const defaults = new Map<string, Parsed<unknown>>();
for (const d of CONFIG_DEFS as AnyOptionDef[]) defaults.set(d.name, d.parse(d.multiArg ? d.default.split(' ') : [d.default], undefined));

/** Runs after CONFIG SET changed an option (Redis's apply functions); throws ConfigError to refuse. */
export type ConfigApply = () => void;

/**
 * The live configuration of one server. `values` is the typed object the server reads (fields
 * are plain data, replaced on every change); the store keeps each option's canonical text for
 * CONFIG GET/REWRITE and the apply functions of the layers that react to a change.
 */
export class Config {
  readonly values: ConfigValues;
  private readonly texts = new Map<string, string>();
  private readonly applies = new Map<string, ConfigApply[]>();
  /** The config file the server was started with, for CONFIG REWRITE. */
  file: string | null = null;

  constructor() {
    const fields: [string, unknown][] = [];
    for (const d of CONFIG_DEFS as AnyOptionDef[]) {
      const p = defaults.get(d.name)!;
      fields.push([d.field, p.value]);
      this.texts.set(d.name, p.text);
    }
    // Built in one go: an object literal's shape keeps fast property access for every field.
    this.values = Object.fromEntries(fields) as ConfigValues;
  }

  /** The value as CONFIG GET shows it. */
  text(def: AnyOptionDef): string {
    return this.texts.get(def.name)!;
  }

  /** The default as CONFIG GET would show it. */
  defaultText(def: AnyOptionDef): string {
    return defaults.get(def.name)!.text;
  }

  /** Set an option from its words (validated; throws ConfigError with Redis's text). No apply. */
  setArgs(def: AnyOptionDef, args: readonly string[]): void {
    const values = this.values as unknown as Record<string, unknown>;
    const p = def.parse(args, this.value(def));
    values[def.field] = p.value;
    this.texts.set(def.name, p.text);
  }

  /** Set an option from one string, as CONFIG SET takes it. Throws ConfigError. No apply. */
  set(name: ConfigName, raw: string): void {
    const def = findDef(name)!;
    this.setArgs(def, splitValue(def, raw));
  }

  /** The typed value of an option looked up by definition (ConfigValues has it by field). */
  value(def: AnyOptionDef): unknown {
    return (this.values as unknown as Record<string, unknown>)[def.field];
  }

  /** The current value of an option, to put back with restore(). */
  snapshot(def: AnyOptionDef): Parsed<unknown> {
    return { value: this.value(def), text: this.text(def) };
  }

  restore(def: AnyOptionDef, saved: Parsed<unknown>): void {
    (this.values as unknown as Record<string, unknown>)[def.field] = saved.value;
    this.texts.set(def.name, saved.text);
  }

  /** Register what a layer does when CONFIG SET changes an option (resize a buffer, start the AOF ...). */
  onApply(name: ConfigName, fn: ConfigApply): void {
    const list = this.applies.get(name) ?? [];
    list.push(fn);
    this.applies.set(name, list);
  }

  /** The apply functions of some options, each once, in registration order per option. */
  appliesOf(defs: readonly AnyOptionDef[]): ConfigApply[] {
    return this.namedAppliesOf(defs).map((a) => a.fn);
  }

  /** appliesOf with the option each function was first found for (CONFIG SET's error names it). */
  namedAppliesOf(defs: readonly AnyOptionDef[]): { name: string; fn: ConfigApply }[] {
    const out: { name: string; fn: ConfigApply }[] = [];
    for (const d of defs) for (const fn of this.applies.get(d.name) ?? []) if (!out.some((a) => a.fn === fn)) out.push({ name: d.name, fn });
    return out;
  }

  /** CONFIG GET with glob patterns; aliases are matched too, as Redis 7 does. */
  match(pattern: string): [string, string][] {
    const out: [string, string][] = [];
    const lower = pattern.toLowerCase();
    for (const [name, d] of byName) {
      if (d.hidden && name !== lower) continue;
      if (!globMatch(lower, name, true)) continue;
      out.push([name, this.text(d)]);
    }
    return out;
  }
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
