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
  /** The live configuration (proto-max-bulk-len is read per bulk, so CONFIG SET applies at once). */
  readonly config: { readonly protoMaxBulkLen: number };
  /** Unauthenticated clients get tiny limits (Redis 6.2.6+, CVE-2021-32675). */
  authenticated: boolean;
}

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

const fcc = String.fromCharCode;

/**
 * A latin1 string of b[s, s+len) for short arguments: String.fromCharCode with the bytes as
 * arguments is several times cheaper than a Buffer#latin1Slice call (a C++ binding) at this size.
 */
function shortLatin1(b: Buffer, s: number, len: number): string {
  switch (len) {
    case 0:
      return '';
    case 1:
      return fcc(b[s]!);
    case 2:
      return fcc(b[s]!, b[s + 1]!);
    case 3:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!);
    case 10:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!);
    case 11:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!);
    case 12:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!);
    case 13:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!);
    case 14:
      return fcc(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
      );
    case 15:
      return fcc(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
      );
    case 16:
      return fcc(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
      );
    default:
      return (b as Latin1Buffer).latin1Slice(s, s + len);
  }
}

/** Longest argument handled by shortLatin1 / interned as a command name. */
const SHORT_MAX = 16;
/**
 * Command names (the first argument) are interned in a small direct-mapped cache shared by all
 * clients: the same few names arrive over and over, and a reused string also carries its hash,
 * so the command-table lookup does not rehash it.
 */
const INTERN_SLOTS = 256;
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

function internName(b: Buffer, s: number, len: number): string {
  let h = len;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[s + i]!, 16777619);
  const slot = (h ^ (h >>> 13)) & (INTERN_SLOTS - 1);
  const cand = interned[slot]!;
  if (cand.length === len) {
    let i = 0;
    while (i < len && cand.charCodeAt(i) === b[s + i]) i++;
    if (i === len) return cand;
  }
  const str = shortLatin1(b, s, len);
  interned[slot] = str;
  return str;
}

/**
 * Redis's PROTO_MBULK_BIG_ARG: a bulk at least this long that has not fully arrived is read
 * straight into a buffer of its own size, instead of collecting chunks and concatenating them
 * (which held three copies of a 500 MB value at once).
 */
const BIG_ARG = 32 * 1024;
const EMPTY = Buffer.alloc(0) as Latin1Buffer;

export class RespParser {
  private buf: Latin1Buffer = EMPTY;
  private pos = 0;
  /** Chunks that arrived while a large bulk is still incomplete: concatenated once, not per chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private need = 0;
  // Multibulk in progress.
  private argv: string[] = [];
  private argc = 0;
  private argsLeft = 0;
  private bulkLen = -1;
  /** The big bulk being received (its bytes and the CRLF after them), and how much has arrived. */
  private big: Latin1Buffer | null = null;
  private bigFilled = 0;

  constructor(public limits: ParserLimits) {}

  /** Bytes received and not yet consumed (the query buffer, for client-query-buffer-limit). */
  get buffered(): number {
    return this.buf.length - this.pos + this.pendingBytes + this.bigFilled;
  }

  feed(chunk: Buffer): void {
    if (this.big !== null && this.bigFilled < this.big.length) {
      const n = Math.min(this.big.length - this.bigFilled, chunk.length);
      chunk.copy(this.big, this.bigFilled, 0, n);
      this.bigFilled += n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n); // what follows the big bulk: parsed as usual
    }
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
    // Fast path: "*<n>\r\n" with 1 <= n <= 1024 written canonically; anything else takes the
    // general path below (which also produces the errors).
    const p = this.pos;
    let q = p + 1;
    let n = buf[q]! - 48;
    if (n >= 1 && n <= 9) {
      let d: number;
      while (++q < buf.length && (d = buf[q]! - 48) >= 0 && d <= 9 && n < 1024) n = n * 10 + d;
      if (n <= 1024 && q + 1 < buf.length && buf[q] === CR && buf[q + 1] === LF && (this.limits.authenticated || n <= 10)) {
        this.pos = q + 2;
        this.argsLeft = n;
        this.argv = new Array<string>(n);
        this.argc = 0;
        this.bulkLen = -1;
        return 1;
      }
    }
    return this.startMultibulkSlow();
  }

  private startMultibulkSlow(): number {
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
    this.argc = 0;
    this.bulkLen = -1;
    return 1;
  }

  private bulks(): string[] | null {
    const buf = this.buf;
    const blen = buf.length;
    while (this.argsLeft > 0) {
      if (this.bulkLen < 0) {
        const p = this.pos;
        if (p >= blen) return null;
        // Fast path: "$<n>\r\n" with 1 <= n < 10^9 written canonically and within the limits.
        let q = p + 1;
        let n = buf[q]! - 48;
        if (buf[p] === 36 /* '$' */ && n >= 1 && n <= 9) {
          let d: number;
          while (++q < blen && (d = buf[q]! - 48) >= 0 && d <= 9 && q - p < 11) n = n * 10 + d;
          if (q + 1 < blen && buf[q] === CR && buf[q + 1] === LF && n <= this.limits.config.protoMaxBulkLen && (this.limits.authenticated || n <= 16384)) {
            this.pos = q + 2;
            this.bulkLen = n;
          } else if (!this.bulkHeaderSlow()) return null;
        } else if (!this.bulkHeaderSlow()) return null;
      }
      if (this.big !== null) {
        // A big bulk: complete once its bytes and CRLF are in; buf holds what came after.
        if (this.bigFilled < this.big.length) return null;
        this.argv[this.argc++] = this.big.latin1Slice(0, this.bulkLen);
        this.big = null;
        this.bigFilled = 0;
        this.bulkLen = -1;
        this.argsLeft--;
        return this.argsLeft > 0 ? this.bulks() : this.takeArgv();
      }
      // Redis does not check the CRLF after a bulk: it skips two bytes. We do the same.
      const start = this.pos;
      const len = this.bulkLen;
      const end = start + len;
      if (end + 2 > blen) {
        if (len >= BIG_ARG) {
          const big = Buffer.allocUnsafeSlow(len + 2) as Latin1Buffer;
          buf.copy(big, 0, start, blen);
          this.big = big;
          this.bigFilled = blen - start;
          this.buf = EMPTY;
          this.pos = 0;
          return null;
        }
        this.need = end + 2 - start;
        return null;
      }
      this.argv[this.argc] = len > SHORT_MAX ? buf.latin1Slice(start, end) : this.argc === 0 ? internName(buf, start, len) : shortLatin1(buf, start, len);
      this.argc++;
      this.pos = end + 2;
      this.bulkLen = -1;
      this.argsLeft--;
    }
    return this.takeArgv();
  }

  private takeArgv(): string[] {
    const argv = this.argv;
    this.argv = [];
    return argv;
  }

  /** The general bulk header parser: false when the line is incomplete; throws Redis's errors. */
  private bulkHeaderSlow(): boolean {
    const buf = this.buf;
    const nl = buf.indexOf(LF, this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big bulk count string');
      return false;
    }
    if (nl - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big bulk count string');
    if (buf[this.pos] !== 36 /* '$' */) {
      throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
    }
    const n = parseIntStrict(buf, this.pos + 1, buf[nl - 1] === CR ? nl - 1 : nl);
    if (n === null || n < 0 || n > this.limits.config.protoMaxBulkLen) throw new ProtocolError('Protocol error: invalid bulk length');
    if (!this.limits.authenticated && n > 16384) throw new ProtocolError('Protocol error: unauthenticated bulk length');
    this.pos = nl + 1;
    this.bulkLen = n;
    return true;
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
