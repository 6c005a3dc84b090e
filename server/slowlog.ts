import type { Client } from './client.js';
import { CF, type CommandSpec, specFlags } from './commands/table.js';
import type { Server } from './server.js';

export interface SlowlogEntry {
  id: number;
  time: number;
  usec: number;
  argv: string[];
  addr: string;
  name: string;
}

const SLOWLOG_MAX_ARGC = 32;
const SLOWLOG_MAX_ARGLEN = 128;

/** SLOWLOG's entries, newest first (Redis's slowlog.c). */
export class Slowlog {
  entries: SlowlogEntry[] = [];
  private nextId = 0;

  /** Record a call (arguments trimmed as Redis does), keeping at most maxLen entries. */
  push(c: Client, argv: string[], usec: number, maxLen: number): void {
    const args: string[] = [];
    const n = Math.min(argv.length, SLOWLOG_MAX_ARGC);
    for (let i = 0; i < n; i++) {
      if (n === SLOWLOG_MAX_ARGC && i === n - 1) {
        args.push(`... (${argv.length - SLOWLOG_MAX_ARGC + 1} more arguments)`);
        break;
      }
      const a = argv[i]!;
      args.push(a.length > SLOWLOG_MAX_ARGLEN ? `${a.slice(0, SLOWLOG_MAX_ARGLEN)}... (${a.length - SLOWLOG_MAX_ARGLEN} more bytes)` : a);
    }
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), usec: Math.round(usec), argv: args, addr: c.addr, name: c.name });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }
}

/** Installer: feed the slow log and the latency monitor after every call. */
export function installSlowlog(server: Server): void {
  const cfg = server.config;
  server.hooks.afterCall.push((c: Client, spec: CommandSpec, argv: string[], usec: number) => {
    const slower = cfg.slowlogLogSlowerThan;
    if (slower >= 0 && usec >= slower && !(specFlags(spec) & CF.SKIP_SLOWLOG)) server.slowlog.push(c, argv, usec, cfg.slowlogMaxLen);
    const latencyMs = cfg.latencyMonitorThreshold;
    if (latencyMs > 0 && usec >= latencyMs * 1000) {
      server.latency.addSample(specFlags(spec) & CF.FAST ? 'fast-command' : 'command', Math.floor(usec / 1000), latencyMs);
    }
  });
}
