/**
 * Streaming RESP2 request parser (multibulk and inline), pull-based so the client loop can stop
 * between commands (a blocked client keeps the rest of its pipeline unparsed, as in Redis).
 *
 * Arguments are decoded as latin1 ("binary") strings: one char per byte, so they are binary-safe,
 * compact in V8 (one-byte strings) and cheap to compare and hash.
 */

const CR = 13;
const LF = 10;
/** Redis's PROTO_INLINE_MAX_SIZE: an inline request or a count line longer than this is refused. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 2147483647;

export class ProtocolError extends Error {}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** Unauthenticated clients get tiny limits (Redis 6.2.6+, CVE-2021-32675). */
  authenticated: boolean;
}

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

export class RespParser {
  private buf: Latin1Buffer = Buffer.alloc(0) as Latin1Buffer;
  private pos = 0;
  /** Chunks that arrived while a large bulk is still incomplete: concatenated once, not per chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private need = 0;
  // Multibulk in progress.
  private argv: string[] = [];
  private argsLeft = 0;
  private bulkLen = -1;

  constructor(public limits: ParserLimits) {}

  /** Bytes received and not yet consumed (the query buffer, for client-query-buffer-limit). */
  get buffered(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  feed(chunk: Buffer): void {
    if (this.need > 0 && this.buf.length - this.pos + this.pendingBytes + chunk.length < this.need) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return;
    }
    if (this.pos >= this.buf.length && this.pending.length === 0) {
      this.buf = chunk as Latin1Buffer;
    } else {
      const parts = [this.buf.subarray(this.pos), ...this.pending, chunk];
      this.buf = Buffer.concat(parts) as Latin1Buffer;
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.pos = 0;
    this.need = 0;
  }

  /**
   * The next complete command, or null when more bytes are needed. Empty inline lines and
   * `*0`/`*-1` multibulks are skipped. Throws ProtocolError with Redis's text (without "ERR ").
   */
  next(): string[] | null {
    for (;;) {
      if (this.argsLeft === 0) {
        if (this.pos >= this.buf.length) return null;
        if (this.buf[this.pos] === 42 /* '*' */) {
          const r = this.startMultibulk();
          if (r === 0) return null;
          if (r === 2) continue; // empty multibulk
        } else {
          const cmd = this.inline();
          if (cmd === null) return null;
          if (cmd.length === 0) continue;
          return cmd;
        }
      }
      const done = this.bulks();
      if (done === null) return null;
      return done;
    }
  }

  /** 0: need more, 1: started, 2: empty multibulk consumed. */
  private startMultibulk(): number {
    const buf = this.buf;
    const nl = buf.indexOf(LF, this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big mbulk count string');
      return 0;
    }
    if (nl - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big mbulk count string');
    const n = parseIntStrict(buf, this.pos + 1, nl > 0 && buf[nl - 1] === CR ? nl - 1 : nl);
    if (n === null || n > INT_MAX) throw new ProtocolError('Protocol error: invalid multibulk length');
    if (!this.limits.authenticated && n > 10) throw new ProtocolError('Protocol error: unauthenticated multibulk length');
    this.pos = nl + 1;
    if (n <= 0) return 2;
    this.argsLeft = n;
    // Cap the preallocation: the count is client-controlled.
    this.argv = n <= 1024 ? new Array<string>(n) : [];
    this.argv.length = 0;
    this.bulkLen = -1;
    return 1;
  }

  private bulks(): string[] | null {
    const buf = this.buf;
    while (this.argsLeft > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= buf.length) return null;
        const nl = buf.indexOf(LF, this.pos);
        if (nl < 0) {
          if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big bulk count string');
          return null;
        }
        if (nl - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big bulk count string');
        if (buf[this.pos] !== 36 /* '$' */) {
          throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
        }
        const n = parseIntStrict(buf, this.pos + 1, buf[nl - 1] === CR ? nl - 1 : nl);
        if (n === null || n < 0 || n > this.limits.maxBulkLen) throw new ProtocolError('Protocol error: invalid bulk length');
        if (!this.limits.authenticated && n > 16384) throw new ProtocolError('Protocol error: unauthenticated bulk length');
        this.pos = nl + 1;
        this.bulkLen = n;
      }
      // Redis does not check the CRLF after a bulk: it skips two bytes. We do the same.
      const end = this.pos + this.bulkLen;
      if (end + 2 > buf.length) {
        this.need = end + 2 - this.pos;
        return null;
      }
      this.argv.push(buf.latin1Slice(this.pos, end));
      this.pos = end + 2;
      this.bulkLen = -1;
      this.argsLeft--;
    }
    const argv = this.argv;
    this.argv = [];
    return argv;
  }

  private inline(): string[] | null {
    const buf = this.buf;
    const nl = buf.indexOf(LF, this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big inline request');
      return null;
    }
    if (nl - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big inline request');
    const end = nl > this.pos && buf[nl - 1] === CR ? nl - 1 : nl;
    const line = buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    return argv;
  }
}

/** Parse a signed decimal integer from buf[start, end) exactly as Redis's string2ll: no spaces, no '+', no leading zeros. */
function parseIntStrict(buf: Buffer, start: number, end: number): number | null {
  if (start >= end) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 45 /* '-' */) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  if (end - i > 18) return null; // larger than any length we accept
  if (buf[i] === 48 && end - i > 1) return null;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/**
 * Redis's sdssplitargs: whitespace-separated words, "double quotes" with \n \r \t \b \a \\ \" and
 * \xHH escapes, 'single quotes' with \' only. A closing quote must be followed by a space or the end.
 * Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let cur = '';
    let inDq = false;
    let inSq = false;
    let done = false;
    while (!done) {
      if (inDq) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === 'x' && i + 3 < n + 0 && isHex(line[i + 2] ?? '') && isHex(line[i + 3] ?? '')) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i]!;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (inSq) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += c;
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const c = line[i]!;
        const code = line.charCodeAt(i);
        if (isSpace(code)) done = true;
        else if (c === '"') inDq = true;
        else if (c === "'") inSq = true;
        else cur += c;
      }
      if (i < n) i++;
    }
    out.push(cur);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12;
}
