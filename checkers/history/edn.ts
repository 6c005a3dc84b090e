/**
 * A small EDN reader and writer for the subset Jepsen histories use: maps, vectors, lists, sets,
 * keywords, symbols, strings, characters, integers, floats, nil, true/false, tagged literals (the
 * tag is dropped) and `#_` discards. Keywords are interned so an `EdnMap` keyed by keywords can be
 * looked up with `kw('type')`.
 */

export class Keyword {
  private static readonly table = new Map<string, Keyword>();
  private constructor(readonly name: string) {}
  static of(name: string): Keyword {
    let k = Keyword.table.get(name);
    if (k === undefined) {
      k = new Keyword(name);
      Keyword.table.set(name, k);
    }
    return k;
  }
  toString(): string {
    return `:${this.name}`;
  }
}

export class EdnSymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

export class EdnSet {
  constructor(readonly items: EdnValue[]) {}
}

export type EdnMap = Map<EdnValue, EdnValue>;
export type EdnValue = null | boolean | number | string | Keyword | EdnSymbol | EdnSet | EdnValue[] | EdnMap;

export const kw = (name: string): Keyword => Keyword.of(name);

/** The input ended in the middle of a form: more text may complete it. */
export class EdnIncomplete extends Error {
  constructor() {
    super('unexpected end of input');
  }
}

export class EdnSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const DELIMS = new Set(['(', ')', '[', ']', '{', '}', '"', ';', '\\']);
function isWs(c: string): boolean {
  return c === ' ' || c === ',' || c === '\n' || c === '\t' || c === '\r' || c === '\f';
}
function isTokenChar(c: string): boolean {
  return !isWs(c) && !DELIMS.has(c);
}

const CHAR_NAMES: Record<string, string> = {
  newline: '\n',
  space: ' ',
  tab: '\t',
  return: '\r',
  backspace: '\b',
  formfeed: '\f',
};

/** Reads EDN forms from a string; positions are code-unit offsets. */
export class EdnReader {
  pos = 0;
  constructor(readonly text: string) {}

  /** Skips whitespace, commas, comments and `#_` discards; returns false at end of input. */
  skipWs(): boolean {
    const t = this.text;
    for (;;) {
      while (this.pos < t.length && isWs(t[this.pos]!)) this.pos++;
      if (this.pos >= t.length) return false;
      const c = t[this.pos];
      if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === '#' && t[this.pos + 1] === '_') {
        this.pos += 2;
        this.read();
        continue;
      }
      return true;
    }
  }

  /** Reads one form. Throws EdnIncomplete if the text ends inside it. */
  read(): EdnValue {
    if (!this.skipWs()) throw new EdnIncomplete();
    const t = this.text;
    const start = this.pos;
    const c = t[this.pos]!;
    switch (c) {
      case '{': {
        this.pos++;
        const items = this.readSeq('}');
        if (items.length % 2 !== 0) throw new EdnSyntaxError('map literal with an odd number of forms', start);
        const m: EdnMap = new Map();
        for (let i = 0; i < items.length; i += 2) m.set(items[i]!, items[i + 1]!);
        return m;
      }
      case '[':
        this.pos++;
        return this.readSeq(']');
      case '(':
        this.pos++;
        return this.readSeq(')');
      case ')':
      case ']':
      case '}':
        throw new EdnSyntaxError(`unexpected '${c}'`, start);
      case '"':
        return this.readString();
      case '\\': {
        this.pos++;
        if (this.pos >= t.length) throw new EdnIncomplete();
        const tokStart = this.pos;
        this.pos++; // a character literal is at least one char, even a delimiter
        while (this.pos < t.length && isTokenChar(t[this.pos]!)) this.pos++;
        const tok = t.slice(tokStart, this.pos);
        if (tok.length === 1) return tok;
        if (CHAR_NAMES[tok] !== undefined) return CHAR_NAMES[tok]!;
        if (/^u[0-9a-fA-F]{4}$/.test(tok)) return String.fromCharCode(parseInt(tok.slice(1), 16));
        throw new EdnSyntaxError(`bad character literal \\${tok}`, start);
      }
      case '#': {
        const n = t[this.pos + 1];
        if (n === undefined) throw new EdnIncomplete();
        if (n === '{') {
          this.pos += 2;
          return new EdnSet(this.readSeq('}'));
        }
        // Tagged literal (#inst "...", #jepsen.history.Op{...}): keep the value, drop the tag.
        this.pos++;
        while (this.pos < t.length && isTokenChar(t[this.pos]!)) this.pos++;
        if (this.pos === start + 1) throw new EdnSyntaxError("bad dispatch character after '#'", start);
        return this.read();
      }
      default:
        return this.readToken();
    }
  }

  private readSeq(close: string): EdnValue[] {
    const out: EdnValue[] = [];
    for (;;) {
      if (!this.skipWs()) throw new EdnIncomplete();
      if (this.text[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.read());
    }
  }

  private readString(): string {
    const t = this.text;
    this.pos++;
    let out = '';
    let chunk = this.pos;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '"') {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += t.slice(chunk, this.pos);
        const e = t[this.pos + 1];
        if (e === undefined) break;
        this.pos += 2;
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'u': {
            const hex = t.slice(this.pos, this.pos + 4);
            if (hex.length < 4) throw new EdnIncomplete();
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new EdnSyntaxError(`bad unicode escape \\u${hex}`, this.pos);
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            throw new EdnSyntaxError(`bad string escape \\${e}`, this.pos - 2);
        }
        chunk = this.pos;
        continue;
      }
      this.pos++;
    }
    throw new EdnIncomplete();
  }

  private readToken(): EdnValue {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length && isTokenChar(t[this.pos]!)) this.pos++;
    const tok = t.slice(start, this.pos);
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok[0] === ':') {
      if (tok.length === 1) throw new EdnSyntaxError("bare ':'", start);
      return Keyword.of(tok.slice(1));
    }
    if (/^[+-]?\d+N?$/.test(tok)) return Number(tok.endsWith('N') ? tok.slice(0, -1) : tok);
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(tok)) return Number(tok.endsWith('M') ? tok.slice(0, -1) : tok);
    if (/^[+-]?\d/.test(tok)) throw new EdnSyntaxError(`bad number ${tok}`, start);
    return new EdnSymbol(tok);
  }
}

/** Parses exactly one form (trailing whitespace allowed). */
export function parseEdn(text: string): EdnValue {
  const r = new EdnReader(text);
  const v = r.read();
  if (r.skipWs()) throw new EdnSyntaxError('trailing text after form', r.pos);
  return v;
}

/** Converts EDN to plain JS data: keywords and symbols become their names, maps become objects. */
export function ednToJs(v: EdnValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.name;
  if (v instanceof EdnSet) return v.items.map(ednToJs);
  if (Array.isArray(v)) return v.map(ednToJs);
  const o: Record<string, unknown> = {};
  for (const [k, val] of v) o[ednKeyName(k)] = ednToJs(val);
  return o;
}

function ednKeyName(k: EdnValue): string {
  if (k instanceof Keyword || k instanceof EdnSymbol) return k.name;
  return typeof k === 'string' ? k : toEdn(k);
}

function ednString(s: string): string {
  return '"' + s.replace(/[\\"\n\t\r\b\f]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f' })[c]!) + '"';
}

/** Writes EDN. Plain objects become maps with keyword keys; strings stay strings. */
export function toEdn(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`cannot write ${v} as EDN`);
      return String(v);
    case 'bigint':
      return `${v}N`;
    case 'string':
      return ednString(v);
    case 'object':
      break;
    default:
      throw new TypeError(`cannot write a ${typeof v} as EDN`);
  }
  if (v instanceof Keyword) return `:${v.name}`;
  if (v instanceof EdnSymbol) return v.name;
  if (v instanceof EdnSet) return `#{${v.items.map(toEdn).join(' ')}}`;
  if (Array.isArray(v)) return `[${v.map(toEdn).join(' ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${toEdn(k)} ${toEdn(x)}`).join(', ')}}`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    parts.push(`:${k} ${toEdn(x)}`);
  }
  return `{${parts.join(', ')}}`;
}
