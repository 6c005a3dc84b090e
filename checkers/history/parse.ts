/**
 * History parsers: our history.jsonl, Jepsen EDN, and Porcupine's two test formats (Jepsen etcd
 * client logs and KV EDN logs). Pure: text comes in line by line (see harness/history/read.ts for
 * the file reader), Op objects come out, validated as they arrive so a 1M-op history is never
 * held as text.
 */

import { EdnIncomplete, type EdnMap, EdnReader, EdnSyntaxError, type EdnValue, ednToJs, Keyword, kw, toEdn } from './edn.js';
import { HistoryError } from './errors.js';
import type { Op, OpType, ProcessId } from './types.js';

export type HistoryFormat = 'jsonl' | 'jepsen-edn' | 'porcupine-etcd' | 'porcupine-kv';

export interface ParsedHistory {
  file: string;
  format: HistoryFormat;
  ops: Op[];
  /** `file:line: message` strings, e.g. a truncated last line that was dropped. */
  warnings: string[];
  /** The model the format implies (Porcupine formats), if any. */
  modelHint?: string;
}

export interface ParseOptions {
  /** Skip detection. */
  format?: HistoryFormat;
}

const OP_TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/** Guesses the format from the first non-blank line; undefined if it matches none. */
export function detectFormat(line: string): HistoryFormat | undefined {
  const s = line.trimStart();
  if (/^\{\s*"/.test(s) || s === '{') return 'jsonl';
  if (/^(INFO|WARN|DEBUG|ERROR)\s/.test(s) || /jepsen\.\S+\s+-\s/.test(s)) return 'porcupine-etcd';
  if (/^[[{(#;]/.test(s)) return 'jepsen-edn';
  return undefined;
}

interface Pending {
  op: Op;
  line: number;
}

/**
 * Checks the pairing rules as ops arrive: one outstanding invoke per process, completions match
 * a pending invoke of the same f, not earlier in time. The nemesis is exempt (its ops are info
 * events, not invoke/complete pairs).
 */
class Validator {
  readonly ops: Op[] = [];
  private readonly pending = new Map<ProcessId, Pending>();
  private readonly crashed = new Set<ProcessId>();
  readonly warnings: string[] = [];

  constructor(private readonly file: string) {}

  fail(line: number, reason: string): never {
    throw new HistoryError(this.file, line, reason);
  }

  add(op: Op, line: number): void {
    const expected = this.ops.length;
    if (op.index !== expected) this.fail(line, `index ${op.index} out of sequence (expected ${expected})`);
    if (op.process !== 'nemesis') {
      const p = this.pending.get(op.process);
      if (op.type === 'invoke') {
        if (p !== undefined) this.fail(line, `process ${op.process} invokes again while its invoke at line ${p.line} is pending`);
        if (this.crashed.has(op.process)) {
          this.warnings.push(`${this.file}:${line}: process ${op.process} invokes again after an info completion (Jepsen would use a fresh process)`);
          this.crashed.delete(op.process);
        }
        this.pending.set(op.process, { op, line });
      } else {
        if (p === undefined) this.fail(line, `completion for process ${op.process} without a pending invoke`);
        if (p.op.f !== op.f)
          this.fail(line, `completion f "${op.f}" for process ${op.process} does not match its pending invoke f "${p.op.f}" (line ${p.line})`);
        if (op.time < p.op.time)
          this.fail(line, `completion for process ${op.process} at time ${op.time} precedes its invoke at time ${p.op.time} (line ${p.line})`);
        this.pending.delete(op.process);
        if (op.type === 'info') this.crashed.add(op.process);
      }
    }
    this.ops.push(op);
  }
}

/** Streaming parser: feed lines (without their newline) with pushLine, then call finish. */
export class HistoryParser {
  private format: HistoryFormat | undefined;
  private lineNo = 0;
  private readonly v: Validator;
  // jsonl: a line that did not parse is only an error if more content follows (else: truncated tail).
  private badLine: { line: number; reason: string } | undefined;
  // EDN: text of forms not yet complete, and where it starts.
  private ednBuf = '';
  private ednBufLine = 0;
  private ednVector: 'none' | 'open' | 'closed' = 'none';
  private ednSawForm = false;
  private ednSawTime = false;
  private ednAllKv = true;
  // etcd logs carry no value on info completions; the invoke's value is repeated.
  private readonly etcdInvokeValue = new Map<number, unknown>();

  constructor(
    readonly file: string,
    opts: ParseOptions = {},
  ) {
    this.format = opts.format;
    this.v = new Validator(file);
  }

  pushLine(line: string): void {
    this.lineNo++;
    if (this.format === undefined) {
      if (line.trim() === '') return;
      this.format = detectFormat(line);
      if (this.format === undefined)
        throw new HistoryError(this.file, this.lineNo, 'cannot detect the history format (expected history.jsonl, Jepsen EDN or a Porcupine log)');
    }
    switch (this.format) {
      case 'jsonl':
        return this.jsonlLine(line);
      case 'jepsen-edn':
      case 'porcupine-kv':
        return this.ednLine(line);
      case 'porcupine-etcd':
        return this.etcdLine(line);
    }
  }

  finish(): ParsedHistory {
    const warnings = this.v.warnings;
    if (this.badLine !== undefined) {
      warnings.push(`${this.file}:${this.badLine.line}: truncated last line ignored (${this.badLine.reason})`);
    }
    if (this.ednBuf.trim() !== '') {
      warnings.push(`${this.file}:${this.ednBufLine}: truncated last form ignored (input ends inside it)`);
    }
    if (this.ednVector === 'open' && this.ednBuf.trim() === '') {
      warnings.push(`${this.file}:${this.lineNo}: history vector not closed (truncated?)`);
    }
    if (this.format === undefined) throw new HistoryError(this.file, 0, 'empty history');
    let format = this.format;
    if (format === 'jepsen-edn' && this.ednSawForm && !this.ednSawTime && this.ednAllKv) format = 'porcupine-kv';
    const out: ParsedHistory = { file: this.file, format, ops: this.v.ops, warnings };
    if (format === 'porcupine-etcd') out.modelHint = 'register';
    if (format === 'porcupine-kv') out.modelHint = 'kv';
    return out;
  }

  // ---- jsonl ----

  private jsonlLine(line: string): void {
    if (line.trim() === '') return;
    if (this.badLine !== undefined) throw new HistoryError(this.file, this.badLine.line, this.badLine.reason);
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      this.badLine = { line: this.lineNo, reason: `invalid JSON: ${(e as Error).message}` };
      return;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new HistoryError(this.file, this.lineNo, 'expected a JSON object (one op per line)');
    }
    this.v.add(this.toOp(raw as Record<string, unknown>, this.lineNo), this.lineNo);
  }

  /** Builds and type-checks an Op from a plain record (jsonl, or EDN converted to JS). */
  private toOp(r: Record<string, unknown>, line: number): Op {
    const fail = (reason: string): never => {
      throw new HistoryError(this.file, line, reason);
    };
    const index = r.index === undefined ? this.v.ops.length : r.index;
    if (typeof index !== 'number' || !Number.isInteger(index)) fail(`"index" must be an integer (got ${JSON.stringify(r.index)})`);
    const type = r.type;
    if (typeof type !== 'string' || !OP_TYPES.has(type)) fail(`unknown op type ${JSON.stringify(type)} (expected invoke, ok, fail or info)`);
    const process = r.process;
    if (!(process === 'nemesis' || (typeof process === 'number' && Number.isInteger(process) && process >= 0))) {
      fail(`"process" must be a non-negative integer or "nemesis" (got ${JSON.stringify(process)})`);
    }
    const f = r.f;
    if (typeof f !== 'string' || f === '') fail(`"f" must be a non-empty string (got ${JSON.stringify(f)})`);
    const time = r.time === undefined ? index : r.time;
    if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) fail(`"time" must be a non-negative number (got ${JSON.stringify(r.time)})`);
    const op: Op = {
      index: index as number,
      time: time as number,
      process: process as ProcessId,
      type: type as OpType,
      f: f as string,
      value: r.value === undefined ? null : r.value,
    };
    if (r.key !== undefined && r.key !== null) {
      if (typeof r.key !== 'string' && typeof r.key !== 'number') fail(`"key" must be a string (got ${JSON.stringify(r.key)})`);
      op.key = String(r.key);
    }
    if (r.node !== undefined && r.node !== null) op.node = String(r.node);
    if (r.error !== undefined && r.error !== null) op.error = typeof r.error === 'string' ? r.error : JSON.stringify(r.error);
    const ack = r.ack;
    if (ack !== undefined) {
      if (ack === 'plain' || ack === 'wait' || ack === 'min-replicas') op.ack = ack;
      else fail(`"ack" must be plain, wait or min-replicas (got ${JSON.stringify(ack)})`);
    }
    const replicas = r.replicas;
    if (replicas !== undefined) {
      if (typeof replicas === 'number') op.replicas = replicas;
      else fail(`"replicas" must be a number`);
    }
    return op;
  }

  // ---- EDN ----

  private ednLine(line: string): void {
    if (this.ednBuf === '') this.ednBufLine = this.lineNo;
    this.ednBuf += line + '\n';
    let buf = this.ednBuf;
    let bufLine = this.ednBufLine;
    const consume = (upto: number): void => {
      for (let i = 0; i < upto; i++) if (buf.charCodeAt(i) === 10) bufLine++;
      buf = buf.slice(upto);
    };
    for (;;) {
      const r = new EdnReader(buf);
      let more: boolean;
      try {
        more = r.skipWs();
      } catch (e) {
        if (e instanceof EdnIncomplete) break; // an unfinished #_ discard
        throw this.ednError(e, buf, bufLine);
      }
      if (!more) {
        buf = '';
        break;
      }
      const c = buf[r.pos];
      if (c === '[' && this.ednVector === 'none' && !this.ednSawForm) {
        this.ednVector = 'open';
        consume(r.pos + 1);
        continue;
      }
      if (c === ']' && this.ednVector === 'open') {
        this.ednVector = 'closed';
        consume(r.pos + 1);
        continue;
      }
      let formLine = bufLine;
      for (let i = 0; i < r.pos; i++) if (buf.charCodeAt(i) === 10) formLine++;
      if (this.ednVector === 'closed') throw new HistoryError(this.file, formLine, 'content after the end of the history vector');
      let form: EdnValue;
      try {
        form = r.read();
      } catch (e) {
        if (e instanceof EdnIncomplete) {
          consume(0);
          break;
        }
        throw this.ednError(e, buf, bufLine);
      }
      this.ednForm(form, formLine);
      consume(r.pos);
    }
    this.ednBuf = buf;
    this.ednBufLine = bufLine;
  }

  private ednError(e: unknown, buf: string, bufLine: number): HistoryError {
    if (!(e instanceof EdnSyntaxError)) throw e;
    let line = bufLine;
    for (let i = 0; i < e.pos && i < buf.length; i++) if (buf.charCodeAt(i) === 10) line++;
    return new HistoryError(this.file, line, `invalid EDN: ${e.message}`);
  }

  private ednForm(form: EdnValue, line: number): void {
    if (!(form instanceof Map)) throw new HistoryError(this.file, line, `expected an op map, got ${toEdn(form).slice(0, 40)}`);
    this.ednSawForm = true;
    const m = form as EdnMap;
    const r: Record<string, unknown> = {};
    for (const [k, val] of m) {
      const name = k instanceof Keyword ? k.name : typeof k === 'string' ? k : undefined;
      if (name === undefined) continue;
      r[name] = name === 'value' || name === 'error' ? ednToJs(val) : val instanceof Keyword ? val.name : ednToJs(val);
    }
    if (m.has(kw('time'))) this.ednSawTime = true;
    // Jepsen writes the nemesis as :nemesis; ednToJs already made that "nemesis".
    const f = r.f;
    if (r.process !== 'nemesis' && !(m.has(kw('key')) && (f === 'get' || f === 'put' || f === 'append'))) this.ednAllKv = false;
    this.v.add(this.toOp(r, line), line);
  }

  // ---- Porcupine / Jepsen etcd logs ----

  private static readonly ETCD = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*?)\s*$/;

  private etcdLine(line: string): void {
    const m = HistoryParser.ETCD.exec(line);
    if (m === null) return; // other log lines carry no ops
    const process = Number(m[1]);
    const type = m[2] as OpType;
    const f = m[3]!;
    const raw = m[4]!;
    let value: unknown;
    let error: string | undefined;
    if (raw === 'nil') value = null;
    else if (/^-?\d+$/.test(raw)) value = Number(raw);
    else if (/^\[\s*-?\d+\s+-?\d+\s*\]$/.test(raw)) value = raw.slice(1, -1).trim().split(/\s+/).map(Number);
    else if (raw.startsWith(':')) {
      error = raw.slice(1);
      value = type === 'invoke' ? null : (this.etcdInvokeValue.get(process) ?? null);
    } else throw new HistoryError(this.file, this.lineNo, `unreadable value ${JSON.stringify(raw)}`);
    if (type === 'invoke') this.etcdInvokeValue.set(process, value);
    else if (type === 'fail' && f === 'read') value = null;
    const index = this.v.ops.length;
    const op: Op = { index, time: index, process, type, f, value };
    if (error !== undefined) op.error = error;
    this.v.add(op, this.lineNo);
  }
}

/** Parses a whole history held in memory (tests, small files). */
export function parseHistoryText(text: string, file = '<history>', opts: ParseOptions = {}): ParsedHistory {
  const p = new HistoryParser(file, opts);
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    p.pushLine(text.slice(start, stop));
    start = end + 1;
  }
  return p.finish();
}
