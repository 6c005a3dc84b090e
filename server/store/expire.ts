import type { Server } from '../server.js';

const KEYS_PER_LOOP = 20;
/** Redis 7's ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE: keep looping while more than 10% were expired. */
const ACCEPTABLE_STALE = 10;
/** Share of each cron period the cycle may use (Redis: 25% of the CPU). */
const CPU_SHARE = 0.25;

/**
 * Redis's active expire cycle: sample keys with a TTL, delete the expired ones, repeat while
 * the sample was mostly stale, and stop at the time budget. Keys never touched again therefore
 * still expire, with bounded CPU per cycle. Masters only: replicas wait for the master's DEL.
 */
export function activeExpireCycle(server: Server, periodMs: number): void {
  const effort = server.config.activeExpireEffort - 1;
  const perLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
  const budgetMs = periodMs * CPU_SHARE;
  const start = performance.now();
  const now = server.now();
  let sampled = 0;
  let expired = 0;
  for (const db of server.dbs) {
    if (db.volatile.length === 0) continue;
    for (;;) {
      let loopExpired = 0;
      const n = Math.min(perLoop, db.volatile.length);
      for (let i = 0; i < n && db.volatile.length > 0; i++) {
        if (db.expireCursor >= db.volatile.length) db.expireCursor = 0;
        const e = db.volatile[db.expireCursor]!;
        sampled++;
        if (e.expireAt <= now) {
          // delete() swap-removes: the cursor now points at the entry moved in, so don't advance.
          db.delete(e.key);
          server.onExpired(db, e.key);
          loopExpired++;
        } else {
          db.expireCursor++;
        }
      }
      expired += loopExpired;
      if (performance.now() - start > budgetMs) {
        server.stats.expiredTimeCapReached++;
        server.stats.expiredStalePerc = sampled ? expired / sampled : 0;
        return;
      }
      if (n === 0 || (loopExpired * 100) / n <= ACCEPTABLE_STALE) break;
    }
  }
  server.stats.expiredStalePerc = sampled ? expired / sampled : 0;
}
