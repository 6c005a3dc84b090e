import type { Server } from '../server.js';
import type { Entry } from '../store/entry.js';
import { Crc64 } from './crc64.js';
import { OP } from './rdb-format.js';
import { encodeDbHeader, encodeHeader, encodeKeyValue, encodeParams, RdbEncoder, type RdbSaveOptions } from './rdb-writer.js';

/**
 * Point-in-time snapshots without fork().
 *
 * Redis forks and lets the kernel copy pages on write. Here the snapshot is taken at the start
 * of a save by copying, per db, the array of entries (Db.all: references only, O(keys) but
 * cheap) plus a set of the entries not yet written. Entries removed from the keyspace later are
 * never mutated again, so the snapshot still sees them as they were. In-place changes go through
 * Db.lookup/peek first: while a snapshot is active every db's `onAccess` hook serialises an
 * entry that is still pending *before* the caller gets it, so the snapshot keeps the value as of
 * the save start (copy-on-write at key granularity). The writer then emits, per db, each entry's
 * early copy or, for untouched entries, the entry as it is now (= as it was at the start).
 */

export interface ActiveSnapshot {
  /**
   * Entries not yet written; built lazily at the first access during the save (until then every
   * entry from the cursor on is pending), so that a save with no traffic never hashes its keys.
   */
  pending: Set<Entry> | null;
  /** The snapshot's entries per db, and the writer's cursor: entries from (db, idx) on are pending. */
  dbs: { entries: Entry[] }[];
  curDb: number;
  curIdx: number;
  early: Map<Entry, Buffer>;
  enc: RdbEncoder;
  now: number;
}

function pendingSet(s: ActiveSnapshot): Set<Entry> {
  const p = new Set<Entry>();
  for (let d = s.curDb; d < s.dbs.length; d++) {
    const entries = s.dbs[d]!.entries;
    for (let i = d === s.curDb ? s.curIdx : 0; i < entries.length; i++) p.add(entries[i]!);
  }
  return (s.pending = p);
}

function onAccess(active: Set<ActiveSnapshot>, e: Entry): void {
  for (const s of active) {
    if ((s.pending ?? pendingSet(s)).delete(e)) {
      s.enc.reset();
      encodeKeyValue(s.enc, e, s.now);
      s.early.set(e, s.enc.toBuffer());
    }
  }
}

/** While a server has snapshots in progress, every access to its dbs goes through onAccess. */
function hook(server: Server): void {
  const active = server.persistence.snapshots;
  const cb = (e: Entry): void => onAccess(active, e);
  for (const db of server.dbs) db.onAccess ??= cb;
}

function unhook(server: Server): void {
  if (server.persistence.snapshots.size > 0) return;
  for (const db of server.dbs) db.onAccess = null;
}

export interface StreamOptions extends RdbSaveOptions {
  /** Bytes per emitted chunk (default 64 KiB). */
  chunkSize?: number;
  /** Time budget per slice before yielding to the event loop (default 5 ms). */
  sliceMs?: number;
  /** Progress callback: keys written so far and in total. */
  progress?: (done: number, total: number) => void;
}

/**
 * Write a full RDB image in slices, yielding to the event loop between them, with the content
 * as of the call (see above). `write` may return a promise (backpressure); the image ends with
 * its CRC-64 as rdbSave's does.
 */
export async function rdbSaveStream(server: Server, write: (chunk: Buffer) => void | Promise<void>, opts: StreamOptions = {}): Promise<void> {
  const params = encodeParams(server);
  const chunkSize = opts.chunkSize ?? 64 * 1024;
  const sliceMs = opts.sliceMs ?? 5;
  // rdb-key-save-delay (Redis's debug config): microseconds per key, slept off the event loop.
  const delayUs = server.config.rdbKeySaveDelay;
  let owedUs = 0;
  const now = Date.now();
  // The snapshot: all of it is taken synchronously, here.
  const dbs = server.dbs.map((db) => ({ id: db.id, entries: db.all.slice(), expires: db.expiresCount }));
  const snap: ActiveSnapshot = { pending: null, dbs, curDb: 0, curIdx: 0, early: new Map(), enc: new RdbEncoder(params), now };
  let total = 0;
  for (const d of dbs) total += d.entries.length;
  server.persistence.snapshots.add(snap);
  hook(server);

  const crc = params.checksum ? new Crc64() : null;
  const enc = new RdbEncoder(params, (chunkSize + 1024) * 16);
  const emit = async (): Promise<void> => {
    if (enc.pos === 0) return;
    // Hand the filled buffer over (no copy) and continue in a fresh one.
    const chunk = enc.takeChunk(chunkSize + 1024);
    crc?.update(chunk);
    await write(chunk);
  };
  try {
    encodeHeader(enc, opts, server.functions.codes());
    let done = 0;
    let sliceStart = performance.now();
    for (let di = 0; di < dbs.length; di++) {
      const d = dbs[di]!;
      snap.curDb = di;
      snap.curIdx = 0;
      const entries = d.entries;
      if (entries.length === 0) continue;
      encodeDbHeader(enc, d.id, entries.length, d.expires);
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        // Past this entry from now on: an access during a yield below must not copy it again.
        snap.curIdx = i + 1;
        if (snap.pending === null) {
          encodeKeyValue(enc, e, now);
        } else {
          const pre = snap.early.get(e);
          if (pre !== undefined) {
            snap.early.delete(e);
            enc.bytes(pre);
          } else if (snap.pending.delete(e)) {
            encodeKeyValue(enc, e, now);
          }
        }
        done++;
        if (enc.pos >= chunkSize) await emit();
        if (delayUs > 0) {
          owedUs += delayUs;
          if (owedUs >= 1000) {
            await emit();
            opts.progress?.(done, total);
            await new Promise<void>((r) => setTimeout(r, Math.floor(owedUs / 1000)));
            owedUs %= 1000;
            sliceStart = performance.now();
          }
        }
        if ((done & 63) === 0 && performance.now() - sliceStart >= sliceMs) {
          await emit();
          opts.progress?.(done, total);
          await new Promise<void>((r) => setImmediate(r));
          sliceStart = performance.now();
        }
      }
    }
    enc.type(OP.EOF);
    await emit();
    await write(crc ? crc.digestLE() : Buffer.alloc(8));
    opts.progress?.(done, total);
  } finally {
    server.persistence.snapshots.delete(snap);
    unhook(server);
  }
}
