import type { Server } from '../server.js';
import type { Client } from '../client.js';
import type { CommandSpec } from '../commands/table.js';
import type { Entry } from './entry.js';
import type { Db } from './db.js';
import { evictClients } from '../client-eviction.js';
import { execAbort } from '../multi.js';
import { NOTIFY } from '../notify.js';

/**
 * maxmemory enforcement, as Redis's evict.c: before a command runs, while the used-memory
 * estimate is above maxmemory, evict keys chosen by the policy. LRU/LFU/TTL policies sample
 * `maxmemory-samples` keys per db into a 16-slot eviction pool kept sorted by "idleness" and
 * evict the best candidate; random policies pick a random key, visiting dbs round-robin.
 */

export const OOM_ERROR = "-OOM command not allowed when used memory > 'maxmemory'.";
const EVPOOL_SIZE = 16;
const LFU_INIT_VAL = 5;

interface PoolEntry {
  idle: number;
  key: string;
  dbid: number;
}

// ---- LFU (Redis's logarithmic Morris-style counter with time decay) ----

function lfuMinutes(now: number): number {
  return Math.floor(now / 60000) & 65535;
}

function lfuElapsed(ldt: number, now: number): number {
  const m = lfuMinutes(now);
  return m >= ldt ? m - ldt : 65535 - ldt + m;
}

/** The counter after decay (one step per lfu-decay-time minutes); does not store it. */
export function lfuDecrAndReturn(server: Server, e: Entry): number {
  const decay = server.config.lfuDecayTime;
  const periods = decay ? Math.floor(lfuElapsed(e.lfuDecr, server.now()) / decay) : 0;
  if (periods) return periods > e.lfu ? 0 : e.lfu - periods;
  return e.lfu;
}

/** Probabilistic increment: the higher the counter, the less likely (lfu-log-factor). */
export function lfuLogIncr(counter: number, factor: number): number {
  if (counter === 255) return 255;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (base * factor + 1);
  return Math.random() < p ? counter + 1 : counter;
}

/** Access under an LFU policy (Redis's updateLFU): decay, increment, stamp the time. */
export function updateLFU(server: Server, e: Entry): void {
  const c = lfuDecrAndReturn(server, e);
  e.lfu = lfuLogIncr(c, server.config.lfuLogFactor);
  e.lfuDecr = lfuMinutes(server.now());
}

// ---- eviction ----

export type EvictResult = 'ok' | 'fail' | 'running';

export class Evictor {
  private pool: PoolEntry[] = [];
  private nextDb = 0;

  constructor(private readonly server: Server) {
    // A new limit or policy: start from an empty pool; memory is tracked only under a limit.
    const apply = (): void => {
      this.pool = [];
      server.memory.setEnabled(server.config.maxmemory > 0);
    };
    apply();
    const store = server.configStore;
    store.onApply('maxmemory', () => {
      apply();
      // Redis's updateMaxmemory: warn when the new limit is below the usage, then evict.
      if (server.config.maxmemory > 0 && this.toFree() > 0) {
        server.log.warning(
          'WARNING: the new maxmemory value set via CONFIG SET is smaller than the current memory usage. This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.',
        );
        this.perform();
      }
    });
    store.onApply('maxmemory-policy', apply);
    store.onApply('maxmemory-samples', apply);
  }

  get lfu(): boolean {
    return this.server.config.maxmemoryPolicy.endsWith('-lfu');
  }

  /** Memory above the limit (0 when within). Replicas ignore maxmemory by default. */
  toFree(): number {
    if (this.server.config.maxmemory <= 0) return 0;
    const used = this.server.memory.used();
    return used > this.server.config.maxmemory ? used - this.server.config.maxmemory : 0;
  }

  /** Redis's performEvictions: 'ok' when within the limit afterwards, 'fail' otherwise. */
  perform(): EvictResult {
    const s = this.server;
    if (this.server.config.maxmemory <= 0) return 'ok';
    if (s.role === 'slave' && s.config.replicaIgnoreMaxmemory) return 'ok';
    if (s.pause.active) return 'ok'; // Redis doesn't evict while clients are paused (no writes may happen).
    let tofree = this.toFree();
    if (tofree === 0) return 'ok';
    if (this.server.config.maxmemoryPolicy === 'noeviction') return 'fail';
    const mem = s.memory;
    const tenacity = s.config.maxmemoryEvictionTenacity;
    // Time budget per call as Redis's evictionTimeLimitUs: 50us per step up to 10, then +15% per step.
    const limitMs = tenacity >= 100 ? Infinity : (tenacity <= 10 ? 50 * tenacity : 500 * Math.pow(1.15, tenacity - 10)) / 1000;
    const start = performance.now();
    let freed = 0;
    while (freed < tofree) {
      const pick = this.pickKey();
      if (!pick) break;
      const { db, key } = pick;
      const before = mem.dataset;
      this.evictKey(db, key);
      freed += Math.max(1, before - mem.dataset);
      if (performance.now() - start > limitMs && freed < tofree) {
        // Redis continues in a time proc; we re-check at the next command.
        tofree = this.toFree();
        if (tofree === 0) return 'ok';
        return 'running';
      }
    }
    return this.toFree() === 0 ? 'ok' : 'fail';
  }

  private evictKey(db: Db, key: string): void {
    const s = this.server;
    db.delete(key);
    s.stats.evictedKeys++;
    s.signalModifiedKey(db, key);
    s.notifyKeyspaceEvent(NOTIFY.EVICTED, 'evicted', key, db.id);
    s.propagate(db.id, ['DEL', key]);
  }

  private pickKey(): { db: Db; key: string } | null {
    const s = this.server;
    const allkeys = this.server.config.maxmemoryPolicy.startsWith('allkeys-');
    if (this.server.config.maxmemoryPolicy.endsWith('-random')) {
      for (let i = 0; i < s.dbs.length; i++) {
        const j = (this.nextDb = (this.nextDb + 1) % s.dbs.length);
        const db = s.dbs[j]!;
        const arr = allkeys ? db.all : db.volatile;
        if (arr.length) return { db, key: arr[Math.floor(Math.random() * arr.length)]!.key };
      }
      return null;
    }
    for (;;) {
      let total = 0;
      for (const db of s.dbs) {
        const arr = allkeys ? db.all : db.volatile;
        if (arr.length === 0) continue;
        total += arr.length;
        this.populate(db, arr);
      }
      if (total === 0) return null;
      // Best candidates are at the end; skip ghosts (keys gone since they were pooled).
      while (this.pool.length) {
        const p = this.pool.pop()!;
        const db = s.dbs[p.dbid]!;
        const e = db.dict.get(p.key);
        if (e && (allkeys || e.expireAt >= 0)) return { db, key: p.key };
      }
    }
  }

  /** Sample keys of one db into the pool (Redis's evictionPoolPopulate). */
  private populate(db: Db, arr: Entry[]): void {
    const s = this.server;
    const n = Math.min(this.server.config.maxmemorySamples, arr.length);
    const now = s.now();
    for (let i = 0; i < n; i++) {
      const e = arr[Math.floor(Math.random() * arr.length)]!;
      let idle: number;
      if (this.server.config.maxmemoryPolicy.endsWith('-lru')) idle = now - e.lru;
      else if (this.server.config.maxmemoryPolicy.endsWith('-lfu')) idle = 255 - lfuDecrAndReturn(s, e);
      else idle = Number.MAX_SAFE_INTEGER - e.expireAt; // volatile-ttl: sooner expiry = better
      const pool = this.pool;
      if (pool.some((p) => p.dbid === db.id && p.key === e.key)) continue;
      // Find the insertion point: pool is ascending by idle.
      let k = 0;
      while (k < pool.length && pool[k]!.idle < idle) k++;
      if (k === 0 && pool.length >= EVPOOL_SIZE) continue; // worse than everything in a full pool
      pool.splice(k, 0, { idle, key: e.key, dbid: db.id });
      if (pool.length > EVPOOL_SIZE) pool.shift();
    }
  }
}

const OOM_EXEMPT_IN_MULTI = new Set(['exec', 'discard', 'quit', 'reset']);

/**
 * The dispatch gate (server.hooks.checkMemory): evict as needed, then refuse denyoom commands
 * (and anything queued inside MULTI, and EXEC of a transaction with denyoom commands) when
 * still over the limit, as Redis's processCommand.
 */
export function checkMemory(server: Server, c: Client, spec: CommandSpec): string | null {
  if (server.config.maxmemory <= 0) return null;
  const oom = server.evictor.perform() === 'fail';
  if (!oom) return null;
  let reject = spec.flags.includes('denyoom');
  const name = spec.name;
  if (name === 'exec' && c.multi) {
    reject = c.multi.queue.some((q) => q.spec.flags.includes('denyoom'));
    if (reject) {
      return execAbort(c, OOM_ERROR);
    }
    return null;
  }
  if (c.multi && !OOM_EXEMPT_IN_MULTI.has(name)) reject = true;
  return reject ? OOM_ERROR : null;
}

/** Installer: the memory gate, key-change accounting, LFU on access and the drift correction. */
export function installEviction(server: Server): void {
  const ev = server.evictor;
  const mem = server.memory;
  // Client eviction first (Redis: after the cluster redirection, before key eviction); a client
  // evicted while sending its command gets no reply (it is closed).
  server.hooks.memory.push((c) => (evictClients(server, c) ? 'client evicted (maxmemory-clients)' : null));
  server.hooks.memory.push((c, spec) => checkMemory(server, c, spec));
  server.hooks.keyModified.push((db, key) => mem.keyChanged(db, key));
  server.touchEntry = (e) => {
    if (ev.lfu) updateLFU(server, e);
  };
  server.hooks.cron.push((_now, tick) => {
    evictClients(server);
    const hz = Math.max(1, server.config.hz);
    if (mem.tracking && tick % hz === 0) mem.rescan();
  });
}
