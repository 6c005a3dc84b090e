import type { Client } from '../client.js';
import type { CommandSpec } from '../commands/table.js';
import { serverPanic } from '../panic.js';
import type { Server } from '../server.js';
import { strerror } from '../util/errno.js';

const BGSAVE_ERR =
  "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** Redis's writeCommandsDeniedByDiskError + its message: the MISCONF reply, or null. */
export function diskErrorMessage(server: Server): string | null {
  const st = server.persistence;
  const cfg = server.config;
  if (cfg.stopWritesOnBgsaveError && cfg.save.length > 0 && st.lastBgsaveStatus === 'err') return BGSAVE_ERR;
  if (st.aof.enabled && st.aof.lastWriteStatus === 'err') return `-MISCONF Errors writing to the AOF file: ${strerror(st.aof.lastWriteError)}`;
  return null;
}

function isWriteCommand(c: Client, spec: CommandSpec): boolean {
  if (spec.flags.includes('write')) return true;
  return spec.name === 'exec' && c.multi !== null && c.multi.queue.some((q) => q.spec.flags.includes('write'));
}

/**
 * processCommand's disk-error check (after maxmemory, before min-replicas): while the last
 * BGSAVE (with stop-writes-on-bgsave-error) or an AOF write failed, writes and PING are refused
 * with MISCONF. Our master's stream (and the AOF load) must be obeyed: the replica panics,
 * unless replica-ignore-disk-write-errors, which applies the write and logs every 10 s.
 */
export function diskErrorGate(server: Server): (c: Client, spec: CommandSpec) => string | null {
  let lastLog = 0;
  return (c, spec) => {
    const isPing = spec.name === 'ping';
    if (!isPing && !isWriteCommand(c, spec)) return null;
    const msg = diskErrorMessage(server);
    if (msg === null) return null;
    if (!c.isMaster && !c.aofLoader) return msg;
    if (!server.config.replicaIgnoreDiskWriteErrors && !isPing) serverPanic(server, 'Replica was unable to write command to disk.');
    const now = Date.now();
    if (now > lastLog + 10_000) {
      lastLog = now;
      server.log.warning('Replica is applying a command even though it is unable to write to disk.');
    }
    return null;
  };
}
