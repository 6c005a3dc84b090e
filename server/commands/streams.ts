/** Stream commands (Redis 7.0's t_stream.c), blocking XREAD/XREADGROUP included. */

import { blockForKeys } from '../blocking.js';
import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import type { Db } from '../store/db.js';
import type { Entry } from '../store/entry.js';
import { Consumer, type ConsumerGroup, INVALID_ENTRIES_READ, type Nack, Stream, type TrimStrategy } from '../store/stream.js';
import { cmpID, decrID, fmtID, ID_MAX, ID_MIN, idEq, incrID, isZeroID, parseU64, type StreamID, U64_MAX } from '../store/stream-id.js';
import { parseLL } from '../util/numbers.js';
import { canBlock, eqi, getRangeLong } from './coll.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR, lookupRead } from './util.js';

const INVALID_ID = 'Invalid stream ID specified as stream command argument';
/** STREAM_LISTPACK_MAX_SIZE */
const LISTPACK_MAX_SIZE = 1 << 30;
/** XREAD_BLOCKED_DEFAULT_COUNT */
const BLOCKED_DEFAULT_COUNT = 1000;

/** Scripts run commands through a client without a socket too; they are no AOF replay. */
const scriptClients = new WeakSet<Client>();
export function markScriptClient(c: Client): void {
  scriptClients.add(c);
}

/** Redis's mustObeyClient: our master's stream or the AOF being replayed. */
function mustObey(c: Client): boolean {
  return c.isMaster || (c.socket === null && !scriptClients.has(c));
}

// ---- ID parsing ----

interface ParsedID {
  id: StreamID;
  seqGiven: boolean;
}

/** streamGenericParseIDOrReply. `c` null: no reply. */
function parseIDGeneric(c: Client | null, s: string, missingSeq: StreamID['seq'], strict: boolean, allowSeqStar: boolean): ParsedID | null {
  const fail = (): null => {
    c?.addReplyError(INVALID_ID);
    return null;
  };
  if (s.length > 127) return fail();
  if (strict && (s === '-' || s === '+')) return fail();
  if (s === '-') return { id: ID_MIN, seqGiven: true };
  if (s === '+') return { id: ID_MAX, seqGiven: true };
  const dash = s.indexOf('-');
  const msPart = dash >= 0 ? s.slice(0, dash) : s;
  const ms = parseU64(msPart);
  if (ms === null) return fail();
  if (dash < 0) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const seqPart = s.slice(dash + 1);
  if (allowSeqStar && seqPart === '*') return { id: { ms, seq: 0 }, seqGiven: false };
  const seq = parseU64(seqPart);
  if (seq === null) return fail();
  return { id: { ms, seq }, seqGiven: true };
}

function parseID(c: Client, s: string, missingSeq: StreamID['seq'] = 0): StreamID | null {
  return parseIDGeneric(c, s, missingSeq, false, false)?.id ?? null;
}

function parseStrictID(c: Client | null, s: string, missingSeq: StreamID['seq'] = 0): StreamID | null {
  return parseIDGeneric(c, s, missingSeq, true, false)?.id ?? null;
}

/** streamParseIntervalIDOrReply plus the "(" exclusive adjustment with its errors. */
function parseInterval(c: Client, s: string, isStart: boolean): StreamID | null {
  const exclude = s.length > 1 && s[0] === '(';
  const missing = isStart ? 0 : U64_MAX;
  const id = exclude ? parseStrictID(c, s.slice(1), missing) : parseID(c, s, missing);
  if (id === null) return null;
  if (!exclude) return id;
  const adj = isStart ? incrID(id) : decrID(id);
  if (adj === null) {
    c.addReplyError(isStart ? 'invalid start ID for the interval' : 'invalid end ID for the interval');
    return null;
  }
  return adj;
}

/** Redis 7.0's addReplySubcommandSyntaxError text. */
function subcommandSyntaxError(c: Client, argv: string[]): void {
  c.addReplyError(`unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`);
}

function getLongLong(c: Client, s: string, msg: string = ERR.NOT_INT): number | null {
  const v = parseLL(s);
  if (v === null) c.addReplyError(msg);
  return v;
}

// ---- replies ----

function addReplyID(c: Client, id: StreamID): void {
  c.addReplyBulk(fmtID(id));
}

function addReplyEntry(c: Client, id: StreamID, fields: readonly string[], values: readonly string[]): void {
  const n = values.length;
  let out = '*2\r\n';
  const ids = fmtID(id);
  out += '$' + ids.length + '\r\n' + ids + '\r\n*' + n * 2 + '\r\n';
  for (let i = 0; i < n; i++) {
    const f = fields[i]!;
    const v = values[i]!;
    out += '$' + f.length + '\r\n' + f + '\r\n$' + v.length + '\r\n' + v + '\r\n';
  }
  c.addReplyRaw(out);
}

/** Reply one entry if it exists (STREAM_RWR_RAWENTRIES for a single ID); whether it did. */
function replyEntryByID(c: Client, s: Stream, id: StreamID): boolean {
  const found = s.find(id);
  if (found === null) return false;
  const [e, node] = found;
  addReplyEntry(c, e.id, node.fieldsOf(e), e.values);
  return true;
}

function lookupStream(c: Client, key: string): Entry<'stream'> | null | undefined {
  const e = c.db.lookup(key);
  if (e === undefined) return null;
  if (e.type !== 'stream') {
    c.addReplyError(ERR.WRONGTYPE);
    return undefined;
  }
  return e as Entry<'stream'>;
}

function changed(c: Client, key: string, event: string, dirty = 1): void {
  const s = c.server;
  s.dirty += dirty;
  s.signalModifiedKey(c.db, key);
  s.notifyKeyspaceEvent(NOTIFY.STREAM, event, key, c.db.id);
}

// ---- propagation of consumer group effects ----

/** streamPropagateXCLAIM: the idempotent XCLAIM that recreates a NACK on replicas and the AOF. */
function propagateXclaim(c: Client, db: Db, key: string, g: ConsumerGroup, groupName: string, id: string, nack: Nack): void {
  c.server.propagate(db.id, [
    'XCLAIM',
    key,
    groupName,
    nack.consumer!.name,
    '0',
    id,
    'TIME',
    String(nack.deliveryTime),
    'RETRYCOUNT',
    String(nack.deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    fmtID(g.lastId),
  ]);
}

function propagateGroupID(c: Client, db: Db, key: string, g: ConsumerGroup, groupName: string): void {
  c.server.propagate(db.id, ['XGROUP', 'SETID', key, groupName, fmtID(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
}

function propagateConsumerCreation(c: Client, db: Db, key: string, groupName: string, consumer: string): void {
  c.server.propagate(db.id, ['XGROUP', 'CREATECONSUMER', key, groupName, consumer]);
}

// ---- consumers ----

function createConsumer(c: Client, db: Db, key: string, g: ConsumerGroup, name: string, notify = true): Consumer | null {
  if (g.consumers.has(name)) return null;
  const cons = new Consumer(name, Date.now());
  g.consumers.set(name, cons);
  c.server.dirty++;
  if (notify) c.server.notifyKeyspaceEvent(NOTIFY.STREAM, 'xgroup-createconsumer', key, db.id);
  return cons;
}

function lookupConsumer(g: ConsumerGroup, name: string, refresh = true): Consumer | undefined {
  const cons = g.consumers.get(name);
  if (cons && refresh) cons.seenTime = Date.now();
  return cons;
}

// ---- XADD / XTRIM ----

interface AddTrimArgs {
  id: StreamID;
  idGiven: boolean;
  seqGiven: boolean;
  noMkstream: boolean;
  trim: TrimStrategy | null;
  /** Index of the MAXLEN/MINID value (for the rewrite to '=' <actual>). */
  trimArgIdx: number;
  approx: boolean;
  limit: number;
  /** XADD: index of the ID argument. */
  idpos: number;
}

function parseAddTrim(c: Client, argv: string[], xadd: boolean): AddTrimArgs | null {
  const a: AddTrimArgs = { id: ID_MIN, idGiven: false, seqGiven: false, noMkstream: false, trim: null, trimArgIdx: 0, approx: false, limit: 0, idpos: 0 };
  let i = 2;
  let limitGiven = false;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    if (xadd && opt === '*') break;
    const isMaxlen = eqi(opt, 'maxlen');
    if ((isMaxlen || eqi(opt, 'minid')) && more) {
      if (a.trim !== null) {
        c.addReplyError('syntax error, MAXLEN and MINID options at the same time are not compatible');
        return null;
      }
      a.approx = false;
      const next = argv[i + 1]!;
      if (more >= 2 && next === '~') {
        a.approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      if (isMaxlen) {
        const v = getLongLong(c, argv[i + 1]!);
        if (v === null) return null;
        if (v < 0) {
          c.addReplyError('The MAXLEN argument must be >= 0.');
          return null;
        }
        a.trim = { kind: 'maxlen', maxlen: v };
      } else {
        const id = parseStrictID(c, argv[i + 1]!);
        if (id === null) return null;
        a.trim = { kind: 'minid', minid: id };
      }
      i++;
      a.trimArgIdx = i;
    } else if (eqi(opt, 'limit') && more) {
      const v = getLongLong(c, argv[i + 1]!);
      if (v === null) return null;
      if (v < 0) {
        c.addReplyError('The LIMIT argument must be >= 0.');
        return null;
      }
      a.limit = v;
      limitGiven = true;
      i++;
    } else if (xadd && eqi(opt, 'nomkstream')) {
      a.noMkstream = true;
    } else if (xadd) {
      const p = parseIDGeneric(c, opt, 0, true, true);
      if (p === null) return null;
      a.id = p.id;
      a.seqGiven = p.seqGiven;
      a.idGiven = true;
      break;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return null;
    }
  }
  if (a.limit && a.trim === null) {
    c.addReplyError('syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return null;
  }
  if (!xadd && a.trim === null) {
    c.addReplyError('syntax error, XTRIM must be called with a trimming strategy');
    return null;
  }
  if (mustObey(c)) {
    a.limit = 0;
  } else if (limitGiven) {
    if (!a.approx) {
      c.addReplyError('syntax error, LIMIT cannot be used without the special ~ option');
      return null;
    }
  } else if (a.approx) {
    let l = 100 * c.server.config.streamNodeMaxEntries;
    if (l <= 0) l = 10000;
    if (l > 1000000) l = 1000000;
    a.limit = l;
  } else {
    a.limit = 0;
  }
  a.idpos = i;
  return a;
}

/** After an approximate trim: MAXLEN/MINID ~ x becomes = <what is left>, so replicas trim the same. */
function rewriteTrim(argv: string[], a: AddTrimArgs, s: Stream): void {
  argv[a.trimArgIdx - 1] = '=';
  argv[a.trimArgIdx] = a.trim!.kind === 'maxlen' ? String(s.length) : fmtID(s.edgeID(true));
}

function xaddCommand(c: Client, argv0: string[]): void {
  const a = parseAddTrim(c, argv0, true);
  if (a === null) return;
  const fieldPos = a.idpos + 1;
  const nf = argv0.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) {
    c.addReplyError("wrong number of arguments for 'xadd' command");
    return;
  }
  if (a.idGiven && a.seqGiven && a.id.ms === 0 && a.id.seq === 0) {
    c.addReplyError('The ID specified in XADD must be greater than 0-0');
    return;
  }
  const key = argv0[1]!;
  let e = lookupStream(c, key);
  if (e === undefined) return;
  if (e === null) {
    if (a.noMkstream) {
      c.addReplyNull();
      return;
    }
    e = c.db.set(key, 'stream', new Stream());
  }
  const s = e.value;
  if (s.lastId.ms === U64_MAX && s.lastId.seq === U64_MAX) {
    c.addReplyError('The stream has exhausted the last possible ID, unable to add more items');
    return;
  }
  let id: StreamID;
  if (a.idGiven) {
    if (a.seqGiven) id = a.id;
    else if (s.lastId.ms === a.id.ms) {
      const next = incrID(s.lastId);
      id = next !== null && next.ms === a.id.ms ? next : { ms: 0, seq: 0 };
    } else id = a.id;
  } else {
    const ms = Date.now();
    id = ms > s.lastId.ms ? { ms, seq: 0 } : (incrID(s.lastId) ?? ID_MIN);
  }
  if (cmpID(id, s.lastId) <= 0) {
    c.addReplyError('The ID specified in XADD is equal or smaller than the target stream top item');
    return;
  }
  let tot = 0;
  for (let i = fieldPos; i < argv0.length; i++) tot += argv0[i]!.length;
  if (tot > LISTPACK_MAX_SIZE) {
    c.addReplyError('Elements are too large to be stored');
    return;
  }
  const cfg = c.server.config;
  s.append(id, argv0, fieldPos, { maxBytes: cfg.streamNodeMaxBytes, maxEntries: cfg.streamNodeMaxEntries });
  const idStr = fmtID(id);
  c.addReplyBulk(idStr);
  changed(c, key, 'xadd');
  let argv = argv0;
  if (a.trim !== null) {
    if (s.trim(a.trim, a.approx, a.limit)) c.server.notifyKeyspaceEvent(NOTIFY.STREAM, 'xtrim', key, c.db.id);
    if (a.approx) {
      argv = argv.slice();
      rewriteTrim(argv, a, s);
    }
  }
  if (!a.idGiven || !a.seqGiven) {
    if (argv === argv0) argv = argv.slice();
    argv[a.idpos] = idStr;
  }
  if (argv !== argv0) c.server.alsoPropagate(c.db.id, argv);
}

function xtrimCommand(c: Client, argv: string[]): void {
  const a = parseAddTrim(c, argv, false);
  if (a === null) return;
  const key = argv[1]!;
  const e = lookupStream(c, key);
  if (e === undefined) return;
  if (e === null) return c.addReplyInt(0);
  const s = e.value;
  const deleted = s.trim(a.trim!, a.approx, a.limit);
  if (deleted) {
    c.server.notifyKeyspaceEvent(NOTIFY.STREAM, 'xtrim', key, c.db.id);
    if (a.approx) {
      const out = argv.slice();
      rewriteTrim(out, a, s);
      c.server.alsoPropagate(c.db.id, out);
    }
    c.server.signalModifiedKey(c.db, key);
    c.server.dirty += deleted;
  }
  c.addReplyInt(deleted);
}

// ---- XRANGE / XREVRANGE / XLEN ----

/** streamReplyWithRange without a group: the array of entries. */
function replyRange(c: Client, s: Stream, start: StreamID, end: StreamID, count: number, rev: boolean): void {
  let out = 0;
  const parts: [StreamID, readonly string[], readonly string[]][] = [];
  for (const [e, node] of s.range(start, end, rev)) {
    parts.push([e.id, node.fieldsOf(e), e.values]);
    if (count && ++out === count) break;
  }
  c.addReplyArrayLen(parts.length);
  for (const [id, f, v] of parts) addReplyEntry(c, id, f, v);
}

function xrangeGeneric(c: Client, argv: string[], rev: boolean): void {
  const start = parseInterval(c, rev ? argv[3]! : argv[2]!, true);
  if (start === null) return;
  const end = parseInterval(c, rev ? argv[2]! : argv[3]!, false);
  if (end === null) return;
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (eqi(argv[j]!, 'count') && argv.length - j - 1 >= 1) {
      const v = getLongLong(c, argv[++j]!);
      if (v === null) return;
      count = v < 0 ? 0 : v;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  const e = lookupRead(c, argv[1]!, 'stream');
  if (e === undefined) return;
  if (e === null) return c.addReplyArrayLen(0);
  if (count === 0) return c.addReplyNullArray();
  replyRange(c, e.value, start, end, count === -1 ? 0 : count, rev);
}

function xrangeCommand(c: Client, argv: string[]): void {
  xrangeGeneric(c, argv, false);
}
function xrevrangeCommand(c: Client, argv: string[]): void {
  xrangeGeneric(c, argv, true);
}

function xlenCommand(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]!, 'stream');
  if (e === undefined) return;
  c.addReplyInt(e === null ? 0 : e.value.length);
}

// ---- XREAD / XREADGROUP ----

interface GroupRead {
  group: ConsumerGroup;
  groupName: string;
  consumerName: string;
  noack: boolean;
}

/**
 * streamReplyWithRange with a group: deliver entries after `start`, move the group's last ID
 * and read counter, create or reassign NACKs, and propagate the effects as XCLAIM (or XGROUP
 * SETID with NOACK). Replies the array of entries.
 */
function replyGroupRange(c: Client, db: Db, key: string, s: Stream, start: StreamID, count: number, gr: GroupRead, consumer: Consumer): void {
  const g = gr.group;
  let n = 0;
  let propagateLastId = false;
  const now = Date.now();
  let out = '';
  for (const [e, node] of s.range(start, ID_MAX)) {
    const id = e.id;
    if (cmpID(id, g.lastId) > 0) {
      if (g.entriesRead !== INVALID_ENTRIES_READ && !s.rangeHasTombstones(id, null)) g.entriesRead++;
      else if (s.entriesAdded) g.entriesRead = s.estimateDistance(id);
      g.lastId = id;
      if (gr.noack) propagateLastId = true;
    }
    const save = c.out;
    c.out = '';
    addReplyEntry(c, id, node.fieldsOf(e), e.values);
    out += c.out;
    c.out = save;
    if (!gr.noack) {
      let nack = g.pel.get(id);
      if (nack === undefined) {
        nack = { id, deliveryTime: now, deliveryCount: 1, consumer };
        g.pel.set(nack);
        consumer.pel.set(nack);
      } else {
        nack.consumer?.pel.delete(id);
        nack.consumer = consumer;
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
        consumer.pel.set(nack);
      }
      propagateXclaim(c, db, key, g, gr.groupName, fmtID(id), nack);
    }
    n++;
    if (count && n === count) break;
  }
  if (propagateLastId) propagateGroupID(c, db, key, g, gr.groupName);
  c.addReplyArrayLen(n);
  c.addReplyRaw(out);
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's own history from `start`. */
function replyConsumerHistory(c: Client, s: Stream, start: StreamID, count: number, consumer: Consumer): void {
  const now = Date.now();
  const items: Nack[] = [];
  for (const nack of consumer.pel.from(start)) {
    if (count && items.length >= count) break;
    items.push(nack);
  }
  c.addReplyArrayLen(items.length);
  for (const nack of items) {
    if (!replyEntryByID(c, s, nack.id)) {
      c.addReplyArrayLen(2);
      addReplyID(c, nack.id);
      c.addReplyNullArray();
    } else {
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
  }
}

function xreadCommand(c: Client, argv: string[]): void {
  const xreadgroup = argv[0]!.length === 10;
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let nstreams = 0;
  let noack = false;
  let groupName: string | null = null;
  let consumerName: string | null = null;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i]!;
    if (eqi(o, 'block') && more) {
      if (scriptClients.has(c)) {
        c.addReplyError(`${argv[0]} command is not allowed with BLOCK option from scripts`);
        return;
      }
      i++;
      const t = getLongLong(c, argv[i]!, 'timeout is not an integer or out of range');
      if (t === null) return;
      if (t < 0) {
        c.addReplyError('timeout is negative');
        return;
      }
      timeout = t;
    } else if (eqi(o, 'count') && more) {
      i++;
      const v = getLongLong(c, argv[i]!);
      if (v === null) return;
      count = v < 0 ? 0 : v;
    } else if (eqi(o, 'streams') && more) {
      streamsArg = i + 1;
      nstreams = argv.length - streamsArg;
      if (nstreams % 2 !== 0) {
        c.addReplyError("Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return;
      }
      nstreams /= 2;
      break;
    } else if (eqi(o, 'group') && more >= 2) {
      if (!xreadgroup) {
        c.addReplyError('The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      groupName = argv[i + 1]!;
      consumerName = argv[i + 2]!;
      i += 2;
    } else if (eqi(o, 'noack')) {
      if (!xreadgroup) {
        c.addReplyError('The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      noack = true;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  if (streamsArg === 0) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  if (xreadgroup && groupName === null) {
    c.addReplyError('Missing GROUP option for XREADGROUP');
    return;
  }
  const ids: StreamID[] = [];
  const groups: (ConsumerGroup | null)[] = [];
  // '>' is ID_MAX (the group's last ID is used when serving).
  for (let k = 0; k < nstreams; k++) {
    const key = argv[streamsArg + k]!;
    const arg = argv[streamsArg + nstreams + k]!;
    const e = c.db.lookup(key);
    if (e !== undefined && e.type !== 'stream') {
      c.addReplyError(ERR.WRONGTYPE);
      return;
    }
    const s = e === undefined ? null : (e.value as Stream);
    let g: ConsumerGroup | null = null;
    if (groupName !== null) {
      g = s?.group(groupName) ?? null;
      if (g === null) {
        c.addReplyError(`-NOGROUP No such key '${key}' or consumer group '${groupName}' in XREADGROUP with GROUP option`);
        return;
      }
    }
    groups.push(g);
    if (arg === '$') {
      if (xreadgroup) {
        c.addReplyError(
          'The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
        return;
      }
      ids.push(s !== null ? s.lastId : ID_MIN);
      continue;
    }
    if (arg === '>') {
      if (!xreadgroup) {
        c.addReplyError('The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
        return;
      }
      ids.push(ID_MAX);
      continue;
    }
    const id = parseStrictID(c, arg);
    if (id === null) return;
    ids.push(id);
  }
  // Serve synchronously what can be served.
  const db = c.db;
  const served: string[] = [];
  let nserved = 0;
  for (let k = 0; k < nstreams; k++) {
    const key = argv[streamsArg + k]!;
    const e = db.lookup(key);
    if (e === undefined) continue;
    const s = e.value as Stream;
    let gt = ids[k]!;
    const g = groups[k] ?? null;
    let sync = false;
    let history = false;
    if (g !== null) {
      if (!idEq(gt, ID_MAX)) {
        sync = true;
        history = true;
      } else if (s.length && cmpID(s.lastValidID(), g.lastId) > 0) {
        sync = true;
        gt = g.lastId;
      }
    } else if (s.length && cmpID(s.lastValidID(), gt) > 0) {
      sync = true;
    }
    if (!sync) continue;
    nserved++;
    const start = incrID(gt) ?? ID_MIN;
    const save = c.out;
    c.out = '';
    if (c.resp === 2) c.addReplyArrayLen(2);
    c.addReplyBulk(key);
    if (g !== null) {
      let cons = lookupConsumer(g, consumerName!);
      if (cons === undefined) {
        cons = createConsumer(c, db, key, g, consumerName!)!;
        if (noack) propagateConsumerCreation(c, db, key, groupName!, consumerName!);
      }
      if (history) replyConsumerHistory(c, s, start, count, cons);
      else replyGroupRange(c, db, key, s, start, count, { group: g, groupName: groupName!, consumerName: consumerName!, noack }, cons);
      c.server.dirty++;
    } else {
      replyRange(c, s, start, ID_MAX, count, false);
    }
    served.push(c.out);
    c.out = save;
  }
  // Never propagated as is: its effects were (XCLAIM, XGROUP SETID/CREATECONSUMER).
  c.server.preventPropagation();
  if (nserved > 0) {
    if (c.resp === 2) c.addReplyArrayLen(nserved);
    else c.addReplyMapLen(nserved);
    c.addReplyRaw(served.join(''));
    return;
  }
  if (timeout === -1 || !canBlock(c)) {
    c.addReplyNullArray();
    return;
  }
  const keys = argv.slice(streamsArg, streamsArg + nstreams);
  const gtByKey = new Map<string, StreamID>();
  keys.forEach((k, i) => {
    if (!gtByKey.has(k)) gtByKey.set(k, ids[i]!);
  });
  const readCount = count || BLOCKED_DEFAULT_COUNT;
  blockForKeys(
    c,
    db,
    keys,
    timeout,
    (key) => serveBlockedStreamClient(c, db, key, gtByKey.get(key)!, readCount, groupName, consumerName, noack),
    () => c.addReplyNullArray(),
  );
}

/** serveClientsBlockedOnStreamKey for one client: true when it got its answer. */
function serveBlockedStreamClient(
  c: Client,
  db: Db,
  key: string,
  gt0: StreamID,
  count: number,
  groupName: string | null,
  consumerName: string | null,
  noack: boolean,
): boolean {
  const e = db.lookup(key, true);
  if (e === undefined || e.type !== 'stream') {
    if (groupName === null) return false;
    c.addReplyError('-UNBLOCKED the stream key no longer exists');
    return true;
  }
  const s = e.value as Stream;
  let gt = gt0;
  let g: ConsumerGroup | null = null;
  if (groupName !== null) {
    g = s.group(groupName) ?? null;
    if (g === null) {
      c.addReplyError('-NOGROUP the consumer group this client was blocked on no longer exists');
      return true;
    }
    gt = g.lastId;
  }
  if (cmpID(s.lastId, gt) <= 0) return false;
  const start = incrID(gt) ?? ID_MIN;
  let cons: Consumer | undefined;
  if (g !== null) {
    cons = lookupConsumer(g, consumerName!);
    if (cons === undefined) {
      cons = createConsumer(c, db, key, g, consumerName!)!;
      if (noack) propagateConsumerCreation(c, db, key, groupName!, consumerName!);
    }
  }
  if (c.resp === 2) {
    c.addReplyArrayLen(1);
    c.addReplyArrayLen(2);
  } else {
    c.addReplyMapLen(1);
  }
  c.addReplyBulk(key);
  if (g !== null) replyGroupRange(c, db, key, s, start, count, { group: g, groupName: groupName!, consumerName: consumerName!, noack }, cons!);
  else replyRange(c, s, start, ID_MAX, count, false);
  return true;
}

/** Key positions of XREAD/XREADGROUP: the first half of what follows STREAMS. */
function xreadKeys(argv: string[]): number[] {
  for (let i = 1; i < argv.length; i++) {
    if (eqi(argv[i]!, 'streams')) {
      const n = Math.floor((argv.length - i - 1) / 2);
      const out: number[] = [];
      for (let k = 0; k < n; k++) out.push(i + 1 + k);
      return out;
    }
  }
  return [];
}

// ---- XGROUP ----

function xgroupCommand(c: Client, argv: string[]): void {
  const opt = argv[1]!.toLowerCase();
  let s: Stream | null = null;
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  let g: ConsumerGroup | undefined;
  if (argv.length >= 4) {
    const create = opt === 'create';
    const setid = opt === 'setid';
    let i = 5;
    while (i < argv.length) {
      if (create && eqi(argv[i]!, 'mkstream')) {
        mkstream = true;
        i++;
      } else if ((create || setid) && eqi(argv[i]!, 'entriesread') && i + 1 < argv.length) {
        const v = getLongLong(c, argv[i + 1]!);
        if (v === null) return;
        if (v < 0 && v !== INVALID_ENTRIES_READ) {
          c.addReplyError('value for ENTRIESREAD must be positive or -1');
          return;
        }
        entriesRead = v;
        i += 2;
      } else {
        subcommandSyntaxError(c, argv);
        return;
      }
    }
    const e = lookupStream(c, argv[2]!);
    if (e === undefined) return;
    if (e !== null) s = e.value;
    if (!mkstream) {
      if (s === null) {
        c.addReplyError(
          'The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
        );
        return;
      }
      g = s.group(argv[3]!);
      if (g === undefined && (opt === 'setid' || opt === 'createconsumer' || opt === 'delconsumer')) {
        c.addReplyError(`-NOGROUP No such consumer group '${argv[3]}' for key name '${argv[2]}'`);
        return;
      }
    }
  }
  const key = argv[2]!;
  const groupName = argv[3]!;
  if (argv.length === 2 && opt === 'help') {
    c.addReplyHelp('xgroup', [
      'CREATE <key> <groupname> <id|$> [option]',
      '    Create a new consumer group. Options are:',
      '    * MKSTREAM',
      '      Create the empty stream if it does not exist.',
      '    * ENTRIESREAD entries_read',
      "      Set the group's entries_read counter (internal use).",
      'CREATECONSUMER <key> <groupname> <consumer>',
      '    Create a new consumer in the specified group.',
      'DELCONSUMER <key> <groupname> <consumer>',
      '    Remove the specified consumer.',
      'DESTROY <key> <groupname>',
      '    Remove the specified group.',
      'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
      '    Set the current group ID and entries_read counter.',
    ]);
  } else if (opt === 'create' && argv.length >= 5 && argv.length <= 8) {
    let id: StreamID;
    if (argv[4] === '$') id = s !== null ? s.lastId : ID_MIN;
    else {
      const p = parseStrictID(c, argv[4]!);
      if (p === null) return;
      id = p;
    }
    if (s === null) {
      s = new Stream();
      c.db.set(key, 'stream', s);
      c.server.signalModifiedKey(c.db, key);
    }
    if (s.createGroup(groupName, id, entriesRead) !== null) {
      c.addReplyOk();
      c.server.dirty++;
      c.server.notifyKeyspaceEvent(NOTIFY.STREAM, 'xgroup-create', key, c.db.id);
    } else {
      c.addReplyError('-BUSYGROUP Consumer Group name already exists');
    }
  } else if (opt === 'setid' && (argv.length === 5 || argv.length === 7)) {
    let id: StreamID;
    if (argv[4] === '$') id = s!.lastId;
    else {
      const p = parseID(c, argv[4]!);
      if (p === null) return;
      id = p;
    }
    g!.lastId = id;
    g!.entriesRead = entriesRead;
    c.addReplyOk();
    c.server.dirty++;
    c.server.notifyKeyspaceEvent(NOTIFY.STREAM, 'xgroup-setid', key, c.db.id);
  } else if (opt === 'destroy' && argv.length === 4) {
    if (g !== undefined) {
      s!.groups!.delete(groupName);
      c.addReplyInt(1);
      c.server.dirty++;
      c.server.notifyKeyspaceEvent(NOTIFY.STREAM, 'xgroup-destroy', key, c.db.id);
      // Blocked XREADGROUP consumers get -NOGROUP.
      c.server.signalModifiedKey(c.db, key);
    } else {
      c.addReplyInt(0);
    }
  } else if (opt === 'createconsumer' && argv.length === 5) {
    c.addReplyInt(createConsumer(c, c.db, key, g!, argv[4]!) !== null ? 1 : 0);
  } else if (opt === 'delconsumer' && argv.length === 5) {
    let pending = 0;
    const cons = lookupConsumer(g!, argv[4]!, false);
    if (cons !== undefined) {
      pending = cons.pel.size;
      for (const n of cons.pel.ordered()) g!.pel.delete(n.id);
      g!.consumers.delete(cons.name);
      c.server.dirty++;
      c.server.notifyKeyspaceEvent(NOTIFY.STREAM, 'xgroup-delconsumer', key, c.db.id);
    }
    c.addReplyInt(pending);
  } else {
    subcommandSyntaxError(c, argv);
  }
}

// ---- XSETID ----

function xsetidCommand(c: Client, argv: string[]): void {
  const id = parseStrictID(c, argv[2]!);
  if (id === null) return;
  let entriesAdded = -1;
  let maxXdel: StreamID = ID_MIN;
  let i = 3;
  while (i < argv.length) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    if (eqi(opt, 'entriesadded') && more) {
      const v = getLongLong(c, argv[i + 1]!);
      if (v === null) return;
      if (v < 0) {
        c.addReplyError('entries_added must be positive');
        return;
      }
      entriesAdded = v;
      i += 2;
    } else if (eqi(opt, 'maxdeletedid') && more) {
      const m = parseStrictID(c, argv[i + 1]!);
      if (m === null) return;
      if (cmpID(id, m) < 0) {
        c.addReplyError('The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        return;
      }
      maxXdel = m;
      i += 2;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  const e = lookupStream(c, argv[1]!);
  if (e === undefined) return;
  if (e === null) return c.addReplyError(ERR.NOKEY);
  const s = e.value;
  if (s.length > 0) {
    if (cmpID(id, s.lastValidID()) < 0) {
      c.addReplyError('The ID specified in XSETID is smaller than the target stream top item');
      return;
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      c.addReplyError('The entries_added specified in XSETID is smaller than the target stream length');
      return;
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (!isZeroID(maxXdel)) s.maxDeletedId = maxXdel;
  c.addReplyOk();
  c.server.dirty++;
  c.server.notifyKeyspaceEvent(NOTIFY.STREAM, 'xsetid', argv[1]!, c.db.id);
}

// ---- XACK / XPENDING / XCLAIM / XAUTOCLAIM / XDEL ----

function xackCommand(c: Client, argv: string[]): void {
  const e = c.db.lookup(argv[1]!);
  let g: ConsumerGroup | undefined;
  if (e !== undefined) {
    if (e.type !== 'stream') return c.addReplyError(ERR.WRONGTYPE);
    g = (e.value as Stream).group(argv[2]!);
  }
  if (e === undefined || g === undefined) return c.addReplyInt(0);
  const ids: StreamID[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = parseStrictID(c, argv[j]!);
    if (id === null) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (nack !== undefined) {
      g.pel.delete(id);
      nack.consumer?.pel.delete(id);
      acked++;
      c.server.dirty++;
    }
  }
  c.addReplyInt(acked);
}

function xpendingCommand(c: Client, argv: string[]): void {
  const justinfo = argv.length === 3;
  const key = argv[1]!;
  const groupName = argv[2]!;
  let consumerName: string | null = null;
  let start: StreamID = ID_MIN;
  let end: StreamID = ID_MAX;
  let count = 0;
  let minidle = 0;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) {
    c.addReplyError(ERR.SYNTAX);
    return;
  }
  if (argv.length >= 6) {
    let startidx = 3;
    if (eqi(argv[3]!, 'idle')) {
      const v = getLongLong(c, argv[4]!);
      if (v === null) return;
      minidle = v;
      if (argv.length < 8) {
        c.addReplyError(ERR.SYNTAX);
        return;
      }
      startidx += 2;
    }
    const cnt = getLongLong(c, argv[startidx + 2]!);
    if (cnt === null) return;
    count = cnt < 0 ? 0 : cnt;
    const s0 = parseInterval(c, argv[startidx]!, true);
    if (s0 === null) return;
    start = s0;
    const e0 = parseInterval(c, argv[startidx + 1]!, false);
    if (e0 === null) return;
    end = e0;
    if (startidx + 3 < argv.length) consumerName = argv[startidx + 3]!;
  }
  const e = c.db.lookup(key);
  if (e !== undefined && e.type !== 'stream') return c.addReplyError(ERR.WRONGTYPE);
  const g = e === undefined ? undefined : (e.value as Stream).group(groupName);
  if (g === undefined) {
    c.addReplyError(`-NOGROUP No such key '${key}' or consumer group '${groupName}'`);
    return;
  }
  if (justinfo) {
    c.addReplyArrayLen(4);
    c.addReplyInt(g.pel.size);
    if (g.pel.size === 0) {
      c.addReplyNull();
      c.addReplyNull();
      c.addReplyNullArray();
      return;
    }
    addReplyID(c, g.pel.first()!.id);
    addReplyID(c, g.pel.lastNack()!.id);
    const rows = g.sortedConsumers().filter((x) => x.pel.size > 0);
    c.addReplyArrayLen(rows.length);
    for (const x of rows) {
      c.addReplyArrayLen(2);
      c.addReplyBulk(x.name);
      c.addReplyBulk(String(x.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const cons = lookupConsumer(g, consumerName, false);
    if (cons === undefined) return c.addReplyArrayLen(0);
    pel = cons.pel;
  }
  const now = Date.now();
  const rows: Nack[] = [];
  for (const nack of pel.from(start)) {
    if (!count || cmpID(nack.id, end) > 0) break;
    if (minidle && now - nack.deliveryTime < minidle) continue;
    rows.push(nack);
    count--;
  }
  c.addReplyArrayLen(rows.length);
  for (const nack of rows) {
    c.addReplyArrayLen(4);
    addReplyID(c, nack.id);
    c.addReplyBulk(nack.consumer!.name);
    c.addReplyInt(Math.max(0, now - nack.deliveryTime));
    c.addReplyInt(nack.deliveryCount);
  }
}

function noGroupError(c: Client, argv: string[]): void {
  c.addReplyError(`-NOGROUP No such key '${argv[1]}' or consumer group '${argv[2]}'`);
}

function xclaimCommand(c: Client, argv: string[]): void {
  const e = c.db.lookup(argv[1]!);
  let g: ConsumerGroup | undefined;
  if (e !== undefined) {
    if (e.type !== 'stream') return c.addReplyError(ERR.WRONGTYPE);
    g = (e.value as Stream).group(argv[2]!);
  }
  if (e === undefined || g === undefined) return noGroupError(c, argv);
  const s = e.value as Stream;
  let minidle = getLongLong(c, argv[4]!, 'Invalid min-idle-time argument for XCLAIM');
  if (minidle === null) return;
  if (minidle < 0) minidle = 0;
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseStrictID(null, argv[j]!);
    if (id === null) break;
    ids.push(id);
  }
  const lastIdArg = j - 1;
  const now = Date.now();
  let lastId: StreamID = ID_MIN;
  let propagateLastId = false;
  let force = false;
  let justid = false;
  let retrycount = -1;
  let deliverytime = -1;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqi(opt, 'force')) force = true;
    else if (eqi(opt, 'justid')) justid = true;
    else if (eqi(opt, 'idle') && more) {
      const v = getLongLong(c, argv[++j]!, 'Invalid IDLE option argument for XCLAIM');
      if (v === null) return;
      deliverytime = now - v;
    } else if (eqi(opt, 'time') && more) {
      const v = getLongLong(c, argv[++j]!, 'Invalid TIME option argument for XCLAIM');
      if (v === null) return;
      deliverytime = v;
    } else if (eqi(opt, 'retrycount') && more) {
      const v = getLongLong(c, argv[++j]!, 'Invalid RETRYCOUNT option argument for XCLAIM');
      if (v === null) return;
      retrycount = v;
    } else if (eqi(opt, 'lastid') && more) {
      const v = parseStrictID(c, argv[++j]!);
      if (v === null) return;
      lastId = v;
    } else {
      c.addReplyError(`Unrecognized XCLAIM option '${opt}'`);
      return;
    }
  }
  if (cmpID(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  if (deliverytime !== -1) {
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
  } else deliverytime = now;
  const db = c.db;
  const key = argv[1]!;
  const name = argv[3]!;
  let consumer: Consumer | undefined;
  const save = c.out;
  c.out = '';
  let n = 0;
  for (let k = 5; k <= lastIdArg; k++) {
    const id = ids[k - 5]!;
    let nack = g.pel.get(id);
    if (s.find(id) === null) {
      if (nack !== undefined) {
        propagateXclaim(c, db, key, g, argv[2]!, argv[k]!, nack);
        propagateLastId = false;
        c.server.dirty++;
        g.pel.delete(id);
        nack.consumer?.pel.delete(id);
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = { id, deliveryTime: now, deliveryCount: 1, consumer: null };
      g.pel.set(nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer && minidle && now - nack.deliveryTime < minidle) continue;
    if (consumer === undefined) consumer = lookupConsumer(g, name) ?? createConsumer(c, db, key, g, name)!;
    if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
    nack.deliveryTime = deliverytime;
    if (retrycount >= 0) nack.deliveryCount = retrycount;
    else if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.set(nack);
      nack.consumer = consumer;
    }
    if (justid) addReplyID(c, id);
    else replyEntryByID(c, s, id);
    n++;
    propagateXclaim(c, db, key, g, argv[2]!, argv[k]!, nack);
    propagateLastId = false;
    c.server.dirty++;
  }
  if (propagateLastId) {
    propagateGroupID(c, db, key, g, argv[2]!);
    c.server.dirty++;
  }
  const body = c.out;
  c.out = save;
  c.addReplyArrayLen(n);
  c.addReplyRaw(body);
  c.server.preventPropagation();
}

function xautoclaimCommand(c: Client, argv: string[]): void {
  let minidle = getLongLong(c, argv[4]!, 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (minidle === null) return;
  if (minidle < 0) minidle = 0;
  const start = parseInterval(c, argv[5]!, true);
  if (start === null) return;
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqi(opt, 'count') && more) {
      const v = getRangeLong(c, argv[j + 1]!, 1, 2 ** 59, 'COUNT must be > 0');
      if (v === null) return;
      count = v;
      j++;
    } else if (eqi(opt, 'justid')) {
      justid = true;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  const e = c.db.lookup(argv[1]!);
  let g: ConsumerGroup | undefined;
  if (e !== undefined) {
    if (e.type !== 'stream') return c.addReplyError(ERR.WRONGTYPE);
    g = (e.value as Stream).group(argv[2]!);
  }
  if (e === undefined || g === undefined) return noGroupError(c, argv);
  const s = e.value as Stream;
  const db = c.db;
  const key = argv[1]!;
  const name = argv[3]!;
  let attempts = count * 10;
  const now = Date.now();
  let consumer: Consumer | undefined;
  const deleted: StreamID[] = [];
  const save = c.out;
  c.out = '';
  let n = 0;
  // Walk a snapshot of the PEL from start (deletions during the walk are ours).
  const walk = [...g.pel.from(start)];
  let w = 0;
  while (attempts-- && count && w < walk.length) {
    const nack = walk[w++]!;
    const id = nack.id;
    if (s.find(id) === null) {
      propagateXclaim(c, db, key, g, argv[2]!, fmtID(id), nack);
      c.server.dirty++;
      g.pel.delete(id);
      nack.consumer?.pel.delete(id);
      deleted.push(id);
      count--;
      continue;
    }
    if (minidle && now - nack.deliveryTime < minidle) continue;
    if (consumer === undefined) consumer = lookupConsumer(g, name) ?? createConsumer(c, db, key, g, name)!;
    if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.set(nack);
      nack.consumer = consumer;
    }
    if (justid) addReplyID(c, id);
    else replyEntryByID(c, s, id);
    n++;
    count--;
    propagateXclaim(c, db, key, g, argv[2]!, fmtID(id), nack);
    c.server.dirty++;
  }
  const body = c.out;
  c.out = save;
  const next = walk[w];
  c.addReplyArrayLen(3);
  addReplyID(c, next !== undefined ? next.id : ID_MIN);
  c.addReplyArrayLen(n);
  c.addReplyRaw(body);
  c.addReplyArrayLen(deleted.length);
  for (const id of deleted) addReplyID(c, id);
  c.server.preventPropagation();
}

function xdelCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const e = lookupStream(c, key);
  if (e === undefined) return;
  if (e === null) return c.addReplyInt(0);
  const s = e.value;
  const ids: StreamID[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = parseStrictID(c, argv[j]!);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (s.deleteEntry(id)) {
      if (idEq(id, s.firstId)) firstEntry = true;
      if (cmpID(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
      deleted++;
    }
  }
  if (deleted) {
    if (s.length === 0) s.firstId = ID_MIN;
    else if (firstEntry) s.firstId = s.edgeID(true);
    changed(c, key, 'xdel', deleted);
  }
  c.addReplyInt(deleted);
}

// ---- XINFO ----

/** XINFO STREAM FULL's PEL excerpts: the first `count` entries, all of them with COUNT 0. */
function firstNacks(ordered: Iterable<Nack>, count: number): Nack[] {
  const out: Nack[] = [];
  for (const n of ordered) {
    if (count && out.length >= count) break;
    out.push(n);
  }
  return out;
}

function xinfoStream(c: Client, s: Stream, argv: string[]): void {
  let full = true;
  let count = 10;
  const optc = argv.length - 3;
  if (optc === 0) full = false;
  else {
    if ((optc !== 1 && optc !== 3) || !eqi(argv[3]!, 'full')) return subcommandSyntaxError(c, argv);
    if (optc === 3) {
      if (!eqi(argv[4]!, 'count')) return subcommandSyntaxError(c, argv);
      const v = getLongLong(c, argv[5]!);
      if (v === null) return;
      count = v < 0 ? 10 : v;
    }
  }
  c.addReplyMapLen(full ? 9 : 10);
  c.addReplyBulk('length');
  c.addReplyInt(s.length);
  c.addReplyBulk('radix-tree-keys');
  c.addReplyInt(s.nodes.length);
  c.addReplyBulk('radix-tree-nodes');
  c.addReplyInt(s.raxNodes());
  c.addReplyBulk('last-generated-id');
  addReplyID(c, s.lastId);
  c.addReplyBulk('max-deleted-entry-id');
  addReplyID(c, s.maxDeletedId);
  c.addReplyBulk('entries-added');
  c.addReplyInt(s.entriesAdded);
  c.addReplyBulk('recorded-first-entry-id');
  addReplyID(c, s.firstId);
  if (!full) {
    c.addReplyBulk('groups');
    c.addReplyInt(s.groups?.size ?? 0);
    c.addReplyBulk('first-entry');
    let first = true;
    for (const [e, node] of s.range(ID_MIN, ID_MAX)) {
      addReplyEntry(c, e.id, node.fieldsOf(e), e.values);
      first = false;
      break;
    }
    if (first) c.addReplyNull();
    c.addReplyBulk('last-entry');
    let last = true;
    for (const [e, node] of s.range(ID_MIN, ID_MAX, true)) {
      addReplyEntry(c, e.id, node.fieldsOf(e), e.values);
      last = false;
      break;
    }
    if (last) c.addReplyNull();
    return;
  }
  c.addReplyBulk('entries');
  replyRange(c, s, ID_MIN, ID_MAX, count, false);
  c.addReplyBulk('groups');
  const groups = s.sortedGroups();
  c.addReplyArrayLen(groups.length);
  for (const g of groups) {
    c.addReplyMapLen(7);
    c.addReplyBulk('name');
    c.addReplyBulk(g.name);
    c.addReplyBulk('last-delivered-id');
    addReplyID(c, g.lastId);
    c.addReplyBulk('entries-read');
    if (g.entriesRead !== INVALID_ENTRIES_READ) c.addReplyInt(g.entriesRead);
    else c.addReplyNull();
    c.addReplyBulk('lag');
    const lag = s.groupLag(g);
    if (lag === null) c.addReplyNull();
    else c.addReplyInt(lag);
    c.addReplyBulk('pel-count');
    c.addReplyInt(g.pel.size);
    c.addReplyBulk('pending');
    const pel = firstNacks(g.pel.ordered(), count);
    c.addReplyArrayLen(pel.length);
    for (const n of pel) {
      c.addReplyArrayLen(4);
      addReplyID(c, n.id);
      c.addReplyBulk(n.consumer!.name);
      c.addReplyInt(n.deliveryTime);
      c.addReplyInt(n.deliveryCount);
    }
    c.addReplyBulk('consumers');
    const conss = g.sortedConsumers();
    c.addReplyArrayLen(conss.length);
    for (const x of conss) {
      c.addReplyMapLen(4);
      c.addReplyBulk('name');
      c.addReplyBulk(x.name);
      c.addReplyBulk('seen-time');
      c.addReplyInt(x.seenTime);
      c.addReplyBulk('pel-count');
      c.addReplyInt(x.pel.size);
      c.addReplyBulk('pending');
      const cp = firstNacks(x.pel.ordered(), count);
      c.addReplyArrayLen(cp.length);
      for (const n of cp) {
        c.addReplyArrayLen(3);
        addReplyID(c, n.id);
        c.addReplyInt(n.deliveryTime);
        c.addReplyInt(n.deliveryCount);
      }
    }
  }
}

function xinfoCommand(c: Client, argv: string[]): void {
  if (eqi(argv[1]!, 'help')) {
    if (argv.length !== 2) return subcommandSyntaxError(c, argv);
    c.addReplyHelp('xinfo', [
      'CONSUMERS <key> <groupname>',
      '    Show consumers of <groupname>.',
      'GROUPS <key>',
      '    Show the stream consumer groups.',
      'STREAM <key> [FULL [COUNT <count>]',
      '    Show information about the stream.',
    ]);
    return;
  }
  if (argv.length < 3) return subcommandSyntaxError(c, argv);
  const opt = argv[1]!.toLowerCase();
  const key = argv[2]!;
  const e = lookupRead(c, key, 'stream');
  if (e === undefined) return;
  if (e === null) return c.addReplyError(ERR.NOKEY);
  const s = e.value;
  if (opt === 'consumers' && argv.length === 4) {
    const g = s.group(argv[3]!);
    if (g === undefined) {
      c.addReplyError(`-NOGROUP No such consumer group '${argv[3]}' for key name '${key}'`);
      return;
    }
    const now = Date.now();
    const conss = g.sortedConsumers();
    c.addReplyArrayLen(conss.length);
    for (const x of conss) {
      c.addReplyMapLen(3);
      c.addReplyBulk('name');
      c.addReplyBulk(x.name);
      c.addReplyBulk('pending');
      c.addReplyInt(x.pel.size);
      c.addReplyBulk('idle');
      c.addReplyInt(Math.max(0, now - x.seenTime));
    }
  } else if (opt === 'groups' && argv.length === 3) {
    const groups = s.sortedGroups();
    c.addReplyArrayLen(groups.length);
    for (const g of groups) {
      c.addReplyMapLen(6);
      c.addReplyBulk('name');
      c.addReplyBulk(g.name);
      c.addReplyBulk('consumers');
      c.addReplyInt(g.consumers.size);
      c.addReplyBulk('pending');
      c.addReplyInt(g.pel.size);
      c.addReplyBulk('last-delivered-id');
      addReplyID(c, g.lastId);
      c.addReplyBulk('entries-read');
      if (g.entriesRead !== INVALID_ENTRIES_READ) c.addReplyInt(g.entriesRead);
      else c.addReplyNull();
      c.addReplyBulk('lag');
      const lag = s.groupLag(g);
      if (lag === null) c.addReplyNull();
      else c.addReplyInt(lag);
    }
  } else if (opt === 'stream') {
    xinfoStream(c, s, argv);
  } else {
    subcommandSyntaxError(c, argv);
  }
}

// ---- command table ----

const G = 'stream';
const xgroupSub = (name: string, arity: number, flags: CommandSpec['flags'], summary: string, keys: [number, number, number] = [2, 2, 1]) =>
  cmd(name, arity, flags, keys, G, summary, xgroupCommand, { since: '5.0.0' });
const xinfoSub = (name: string, arity: number, summary: string, keys: [number, number, number] = [2, 2, 1]) =>
  cmd(name, arity, ['readonly'], keys, G, summary, xinfoCommand, { since: '5.0.0' });

export const streamCommands: CommandSpec[] = [
  cmd('xadd', -5, ['write', 'denyoom', 'fast'], [1, 1, 1], G, 'Appends a new entry to a stream', xaddCommand, {
    since: '5.0.0',
    hint: 'key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]',
  }),
  cmd('xtrim', -4, ['write'], [1, 1, 1], G, "Trims the stream to (approximately if '~' is passed) a certain size", xtrimCommand, {
    since: '5.0.0',
    hint: 'key MAXLEN|MINID [=|~] threshold [LIMIT count]',
  }),
  cmd(
    'xdel',
    -3,
    ['write', 'fast'],
    [1, 1, 1],
    G,
    'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
    xdelCommand,
    {
      since: '5.0.0',
      hint: 'key id [id ...]',
    },
  ),
  cmd('xrange', -4, ['readonly'], [1, 1, 1], G, 'Return a range of elements in a stream, with IDs matching the specified IDs interval', xrangeCommand, {
    since: '5.0.0',
    hint: 'key start end [COUNT count]',
  }),
  cmd(
    'xrevrange',
    -4,
    ['readonly'],
    [1, 1, 1],
    G,
    'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE',
    xrevrangeCommand,
    {
      since: '5.0.0',
      hint: 'key end start [COUNT count]',
    },
  ),
  cmd('xlen', 2, ['readonly', 'fast'], [1, 1, 1], G, 'Return the number of entries in a stream', xlenCommand, { since: '5.0.0', hint: 'key' }),
  cmd(
    'xread',
    -4,
    ['readonly', 'blocking', 'movablekeys'],
    [0, 0, 0],
    G,
    'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.',
    xreadCommand,
    {
      since: '5.0.0',
      getKeys: xreadKeys,
      hint: '[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]',
    },
  ),
  cmd(
    'xreadgroup',
    -7,
    ['write', 'blocking', 'movablekeys'],
    [0, 0, 0],
    G,
    'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
    xreadCommand,
    {
      since: '5.0.0',
      getKeys: xreadKeys,
      hint: 'GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]',
    },
  ),
  cmd('xgroup', -2, [], [0, 0, 0], G, 'A container for consumer groups commands', undefined, {
    since: '5.0.0',
    subcommands: [
      xgroupSub('create', -5, ['write', 'denyoom'], 'Create a consumer group.'),
      xgroupSub('createconsumer', 5, ['write', 'denyoom'], 'Create a consumer in a consumer group.'),
      xgroupSub('delconsumer', 5, ['write'], 'Delete a consumer from a consumer group.'),
      xgroupSub('destroy', 4, ['write'], 'Destroy a consumer group.'),
      xgroupSub('setid', -5, ['write'], 'Set a consumer group to an arbitrary last delivered ID value.'),
      xgroupSub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', [0, 0, 0]),
    ],
  }),
  cmd('xsetid', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], G, 'An internal command for replicating stream values', xsetidCommand, {
    since: '5.0.0',
    hint: 'key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]',
  }),
  cmd(
    'xack',
    -4,
    ['write', 'fast'],
    [1, 1, 1],
    G,
    'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
    xackCommand,
    {
      since: '5.0.0',
      hint: 'key group id [id ...]',
    },
  ),
  cmd(
    'xpending',
    -3,
    ['readonly'],
    [1, 1, 1],
    G,
    'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
    xpendingCommand,
    {
      since: '5.0.0',
      hint: 'key group [[IDLE min-idle-time] start end count [consumer]]',
    },
  ),
  cmd(
    'xclaim',
    -6,
    ['write', 'fast'],
    [1, 1, 1],
    G,
    'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
    xclaimCommand,
    {
      since: '5.0.0',
      hint: 'key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]',
    },
  ),
  cmd(
    'xautoclaim',
    -6,
    ['write', 'fast'],
    [1, 1, 1],
    G,
    'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
    xautoclaimCommand,
    {
      since: '6.2.0',
      hint: 'key group consumer min-idle-time start [COUNT count] [JUSTID]',
    },
  ),
  cmd('xinfo', -2, [], [0, 0, 0], G, 'A container for stream introspection commands', undefined, {
    since: '5.0.0',
    subcommands: [
      xinfoSub('consumers', 4, 'List the consumers in a consumer group'),
      xinfoSub('groups', 3, 'List the consumer groups of a stream'),
      xinfoSub('stream', -3, 'Get information about a stream'),
      xinfoSub('help', 2, 'Show helpful text about the different subcommands', [0, 0, 0]),
    ],
  }),
];
