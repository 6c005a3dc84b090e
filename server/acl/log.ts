/** Why ACL denied something (ACL LOG's `reason`). */
export type DenialReason = 'command' | 'key' | 'channel' | 'auth';

/** Where it happened (ACL LOG's `context`). */
export type DenialContext = 'toplevel' | 'multi' | 'lua';

export interface AclLogEntry {
  count: number;
  reason: DenialReason;
  context: DenialContext;
  /** The command's full name, the key, the channel, or the AUTH/HELLO command name. */
  object: string;
  username: string;
  /** Unix ms of the last occurrence. */
  ctime: number;
  /** CLIENT LIST line of the last client it happened to. */
  clientInfo: string;
}

/** Similar events closer than this bump the count of one entry. */
const GROUPING_MAX_MS = 60000;
/** How many recent entries are searched for a similar one. */
const GROUPING_SCAN = 10;

/** Redis's ACL log: newest first, similar recent events grouped, trimmed to acllog-max-len. */
export class AclLog {
  entries: AclLogEntry[] = [];

  add(e: Omit<AclLogEntry, 'count'>, maxLen: number): void {
    const n = Math.min(GROUPING_SCAN, this.entries.length);
    for (let i = 0; i < n; i++) {
      const cur = this.entries[i]!;
      if (
        cur.reason === e.reason &&
        cur.context === e.context &&
        Math.abs(cur.ctime - e.ctime) <= GROUPING_MAX_MS &&
        cur.object === e.object &&
        cur.username === e.username
      ) {
        cur.clientInfo = e.clientInfo;
        cur.ctime = e.ctime;
        cur.count++;
        this.entries.splice(i, 1);
        this.entries.unshift(cur);
        return;
      }
    }
    this.entries.unshift({ count: 1, ...e });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  reset(): void {
    this.entries = [];
  }
}
