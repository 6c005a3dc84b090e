import type { Reply } from './outputs.js';

/**
 * Incremental parser of the replies a sentinel reads on its links (RESP2, plus the RESP3 types a
 * server may still send): status, error, integer, bulk, array, and push/map/set/null/bool/double
 * mapped to their RESP2 shapes. Binary-safe: bytes are latin1 characters.
 */
export class ReplyParser {
  private buf = '';
  private pos = 0;

  feed(chunk: Buffer): void {
    this.buf = this.buf.slice(this.pos) + chunk.toString('latin1');
    this.pos = 0;
  }

  /** The next complete reply, or null when more input is needed. Throws on a protocol error. */
  next(): Reply | null {
    const start = this.pos;
    const r = this.parse();
    if (r === undefined) {
      this.pos = start;
      return null;
    }
    return r;
  }

  private line(): string | undefined {
    const end = this.buf.indexOf('\r\n', this.pos);
    if (end < 0) return undefined;
    const l = this.buf.slice(this.pos, end);
    this.pos = end + 2;
    return l;
  }

  private parse(): Reply | undefined {
    if (this.pos >= this.buf.length) return undefined;
    const type = this.buf[this.pos]!;
    this.pos++;
    const l = this.line();
    if (l === undefined) return undefined;
    switch (type) {
      case '+':
        return { t: 'status', s: l };
      case '-':
        return { t: 'error', s: l };
      case ':':
        return { t: 'int', n: Number(l) };
      case '_':
        return { t: 'bulk', s: null };
      case '#':
        return { t: 'int', n: l === 't' ? 1 : 0 };
      case ',':
      case '(':
        return { t: 'bulk', s: l };
      case '$':
      case '=':
      case '!': {
        const n = Number(l);
        if (n < 0) return { t: 'bulk', s: null };
        if (this.pos + n + 2 > this.buf.length) return undefined;
        const s = this.buf.slice(this.pos, this.pos + n);
        this.pos += n + 2;
        return type === '$' ? { t: 'bulk', s } : type === '=' ? { t: 'bulk', s: s.slice(4) } : { t: 'error', s };
      }
      case '*':
      case '>':
      case '~':
      case '%': {
        let n = Number(l);
        if (n < 0) return { t: 'array', items: null };
        if (type === '%') n *= 2;
        const items: Reply[] = [];
        for (let i = 0; i < n; i++) {
          const r = this.parse();
          if (r === undefined) return undefined;
          items.push(r);
        }
        return { t: 'array', items };
      }
      default:
        throw new Error(`Protocol error, got ${JSON.stringify(type)} as reply type byte`);
    }
  }
}
