import type { Client } from '../client.js';
import { NOTIFY } from '../notify.js';
import { bgsave, saveSync } from '../persistence/index.js';
import { restoreValue } from '../persistence/rdb-reader.js';
import { dumpValue, encodeParams } from '../persistence/rdb-writer.js';
import { type CommandSpec, cmd } from './table.js';
import { ERR, getInt, modified } from './util.js';

/** SAVE, BGSAVE, BGREWRITEAOF, DUMP, RESTORE (DEBUG RELOAD is registered into DEBUG by the installer). */

function saveCmd(c: Client): void {
  const st = c.server.persistence;
  if (st.bgsaveInProgress) {
    c.addReplyError('Background save already in progress');
    return;
  }
  if (saveSync(c.server)) c.addReplyOk();
  else c.addReplyRaw('-ERR\r\n');
}

function bgsaveCmd(c: Client, argv: string[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && argv[1]!.toLowerCase() === 'schedule') schedule = true;
    else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  const s = c.server;
  const st = s.persistence;
  const inExec = s.callDepth > 1;
  if (st.bgsaveInProgress) {
    c.addReplyError('Background save already in progress');
  } else if (st.aof.rewriteInProgress || inExec) {
    if (schedule || inExec) {
      st.bgsaveScheduled = true;
      c.addReplyStatus('Background saving scheduled');
    } else {
      c.addReplyError("Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
  } else if (bgsave(s)) {
    c.addReplyStatus('Background saving started');
  } else {
    c.addReplyRaw('-ERR\r\n');
  }
}

function bgrewriteaofCmd(c: Client): void {
  const s = c.server;
  const st = s.persistence;
  if (st.aof.rewriteInProgress) {
    c.addReplyError('Background append only file rewriting already in progress');
  } else if (st.bgsaveInProgress || s.callDepth > 1) {
    st.aof.rewriteScheduled = true;
    c.addReplyStatus('Background append only file rewriting scheduled');
  } else {
    void st.aof.rewrite();
    c.addReplyStatus('Background append only file rewriting started');
  }
}

function dumpCmd(c: Client, argv: string[]): void {
  const e = c.db.lookup(argv[1]!);
  if (e === undefined) {
    c.server.stats.keyspaceMisses++;
    c.addReplyNull();
    return;
  }
  c.server.stats.keyspaceHits++;
  const payload = dumpValue(e, encodeParams(c.server));
  c.addReplyBulk(payload.toString('latin1', 0, payload.length));
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
/**
 * Whether RESTORE's payload is deep-sanitized (Redis's rdbLoadObject): always with
 * sanitize-dump-payload yes; with `clients` unless loading, from our master, or for a user with
 * skip-sanitize-payload. Our decoding validates every entry whatever the mode (it cannot hold a
 * malformed encoding), so the mode decides what INFO's dump_payload_sanitizations counts.
 */
function sanitizesPayload(c: Client): boolean {
  const mode = c.server.config.sanitizeDumpPayload;
  if (mode !== 'clients') return mode === 'yes';
  // A null user is one of the server's own clients: our master's link or the AOF being loaded.
  if (c.isMaster || c.user === null) return false;
  return c.user.sanitize !== 'skip';
}

export function restoreCmd(c: Client, argv: string[]): void {
  const s = c.server;
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const o = argv[j]!.toLowerCase();
    const more = argv.length - j - 1;
    if (o === 'replace') replace = true;
    else if (o === 'absttl') absttl = true;
    else if (o === 'idletime' && more >= 1 && freq === -1) {
      const v = getInt(c, argv[j + 1]!);
      if (v === null) return;
      if (v < 0) {
        c.addReplyError('Invalid IDLETIME value, must be >= 0');
        return;
      }
      idle = v;
      j++;
    } else if (o === 'freq' && more >= 1 && idle === -1) {
      const v = getInt(c, argv[j + 1]!);
      if (v === null) return;
      if (v < 0 || v > 255) {
        c.addReplyError('Invalid FREQ value, must be >= 0 and <= 255');
        return;
      }
      freq = v;
      j++;
    } else {
      c.addReplyError(ERR.SYNTAX);
      return;
    }
  }
  const key = argv[1]!;
  if (!replace && c.db.lookup(key) !== undefined) {
    c.addReplyError(ERR.BUSYKEY);
    return;
  }
  let ttl = getInt(c, argv[2]!);
  if (ttl === null) return;
  if (ttl < 0) {
    c.addReplyError('Invalid TTL value, must be >= 0');
    return;
  }
  const read = { encodedBlobs: 0 };
  const v = restoreValue(Buffer.from(argv[3]!, 'latin1'), encodeParams(s), read);
  if (sanitizesPayload(c)) s.stats.dumpPayloadSanitizations += read.encodedBlobs;
  if ('error' in v) {
    c.addReplyError(v.error);
    return;
  }
  const deleted = replace ? c.db.delete(key) : false;
  if (ttl && !absttl) ttl += Date.now();
  if (ttl && ttl <= Date.now() && !s.isReplica()) {
    // Already expired: the key is not created (and a replaced one is gone: propagate DEL).
    if (deleted) {
      s.alsoPropagate(c.db.id, ['DEL', key]);
      modified(c, key, NOTIFY.GENERIC, 'del');
    }
    c.addReplyOk();
    return;
  }
  const e = c.db.set(key, v.type, v.value);
  e.big = v.big;
  if (ttl) {
    c.db.setExpire(e, ttl);
    if (!absttl) {
      const prop = argv.slice();
      prop[2] = String(ttl);
      prop.push('ABSTTL');
      s.alsoPropagate(c.db.id, prop);
    }
  }
  const policy = s.config.maxmemoryPolicy;
  if (policy.endsWith('-lfu')) {
    if (freq >= 0) e.lfu = freq;
  } else if (idle >= 0) {
    e.lru = s.now() - idle * 1000;
  }
  modified(c, key, NOTIFY.GENERIC, 'restore');
  c.addReplyOk();
}

export const persistenceCommands: CommandSpec[] = [
  cmd('save', 1, ['admin', 'noscript', 'no_multi'], [0, 0, 0], 'server', 'Synchronously save the dataset to disk', saveCmd, {
    acl: ['admin', 'slow', 'dangerous'],
  }),
  cmd('bgsave', -1, ['admin', 'noscript'], [0, 0, 0], 'server', 'Asynchronously save the dataset to disk', bgsaveCmd, {
    acl: ['admin', 'slow', 'dangerous'],
    hint: '[SCHEDULE]',
  }),
  cmd('bgrewriteaof', 1, ['admin', 'noscript'], [0, 0, 0], 'server', 'Asynchronously rewrite the append-only file', bgrewriteaofCmd, {
    acl: ['admin', 'slow', 'dangerous'],
  }),
  cmd('dump', 2, ['readonly'], [1, 1, 1], 'generic', 'Return a serialized version of the value stored at the specified key.', dumpCmd, {
    acl: ['keyspace', 'read', 'slow'],
    since: '2.6.0',
    hint: 'key',
  }),
  cmd(
    'restore',
    -4,
    ['write', 'denyoom'],
    [1, 1, 1],
    'generic',
    'Create a key using the provided serialized value, previously obtained using DUMP.',
    restoreCmd,
    {
      acl: ['keyspace', 'write', 'slow', 'dangerous'],
      since: '2.6.0',
      hint: 'key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]',
    },
  ),
];
