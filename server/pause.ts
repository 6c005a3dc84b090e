import { blockGeneric, resume, unblock } from './blocking.js';
import type { Client } from './client.js';
import type { CommandSpec } from './commands/table.js';
import { processCommand } from './dispatch.js';
import type { Server } from './server.js';

/** A pause that only unpause() ends (FAILOVER's PAUSE_DURING_FAILOVER). */
const FOREVER = Number.MAX_SAFE_INTEGER;

function isWriteLike(c: Client, spec: CommandSpec): boolean {
  const flags = spec.flags;
  if (flags.includes('write') || flags.includes('may_replicate')) return true;
  if (spec.name === 'exec' && c.multi) return c.multi.queue.some((q) => q.spec.flags.includes('write') || q.spec.flags.includes('may_replicate'));
  return false;
}

/**
 * CLIENT PAUSE (and FAILOVER's write pause), Redis's pauseClients: while paused, commands of
 * normal clients that the mode covers are postponed (the client blocks) and re-run in arrival
 * order when the pause ends.
 */
export class ClientPause {
  /** Whether clients are paused now (processCommand's check: a plain field). */
  active = false;
  mode: 'write' | 'all' = 'write';
  /** Unix ms when the pause ends (FOREVER: only unpause() ends it). */
  until = 0;
  private postponed: Client[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly server: Server) {}

  /** Pause until `until` ms (a running pause is extended, never shortened), or FOREVER. */
  pause(mode: 'write' | 'all', until = FOREVER): void {
    const end = this.active && this.until > until ? this.until : until;
    this.active = true;
    this.mode = mode;
    this.until = end;
    if (this.timer) clearTimeout(this.timer);
    this.timer = end === FOREVER ? null : setTimeout(() => this.unpause(), Math.max(0, end - Date.now()));
  }

  /** Whether the pause is FAILOVER's (ends only by unpause()). */
  get untilUnpaused(): boolean {
    return this.active && this.until === FOREVER;
  }

  /** processCommand: block a client whose command must wait for the pause to end. */
  postpone(c: Client, spec: CommandSpec, argv: string[]): boolean {
    if (c.isReplica || c.isMaster) return false;
    if (this.until <= Date.now()) {
      this.unpause();
      return false;
    }
    if (this.mode !== 'all' && !isWriteLike(c, spec)) return false;
    const st = blockGeneric(c, 'pause', 0, () => {});
    st.argv = argv;
    st.spec = spec;
    this.postponed.push(c);
    return true;
  }

  /** End the pause: re-run the postponed commands in arrival order. */
  unpause(): void {
    const s = this.server;
    this.active = false;
    this.until = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const q = this.postponed;
    this.postponed = [];
    for (const c of q) {
      const st = c.blocked;
      if (c.closed || !st || st.kind !== 'pause') continue;
      unblock(c);
      s.refreshNow();
      processCommand(s, c, st.argv!);
      resume(c);
    }
  }
}
