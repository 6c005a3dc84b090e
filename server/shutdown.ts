import { blockGeneric, resume, unblock } from './blocking.js';
import type { Client } from './client.js';
import { replicaName } from './replication/master.js';
import type { ReplicaLink } from './replication/state.js';
import { feedCommand } from './replication/stream.js';
import type { Server } from './server.js';

/** The flags of a SHUTDOWN in progress (read by the persistence layer's final save). */
export interface ShutdownRequest {
  /** true: SAVE, false: NOSAVE, null: as configured. */
  save: boolean | null;
  /** Do not wait for lagging replicas. */
  now: boolean;
  /** Exit even when the final save fails. */
  force: boolean;
}

/** Redis's isReadyToShutdown: every replica acknowledged the whole replication stream. */
export function isReadyToShutdown(masterReplOffset: number, replicas: readonly Pick<ReplicaLink, 'ackOff'>[]): boolean {
  return replicas.every((r) => r.ackOff === masterReplOffset);
}

/** Whether a shutdown is waiting for replicas (Redis's isShutdownInitiated). */
export function shutdownInitiated(server: Server): boolean {
  return server.shutdownMstime !== 0;
}

/**
 * Redis 7.0's prepareForShutdown: unless NOW (or shutdown-timeout 0), a server with lagging
 * replicas pauses writes, asks every replica for an ACK and waits up to shutdown-timeout seconds
 * (checked each cron tick) before finishing; `client` (a SHUTDOWN) stays blocked meanwhile and
 * gets an error if the shutdown is aborted or fails. Returns false when nothing was started.
 */
export function prepareForShutdown(server: Server, req: ShutdownRequest, client: Client | null = null): boolean {
  if (client !== null) blockGeneric(client, 'shutdown', 0, () => {});
  if (shutdownInitiated(server) || server.shuttingDown) return false;
  // A sentinel never saves.
  server.shutdownRequest = server.sentinelMode ? { ...req, save: false } : req;
  server.log.warning('User requested shutdown...');
  const rs = server.repl;
  if (!req.now && server.config.shutdownTimeout !== 0 && !isReadyToShutdown(rs.masterReplOffset, rs.replicas)) {
    server.shutdownMstime = Date.now() + server.config.shutdownTimeout * 1000;
    if (!server.pause.active) feedCommand(rs, rs.seldb, ['REPLCONF', 'GETACK', '*']);
    server.pause.pause('write');
    const tick = (now: number): void => {
      if (now >= server.shutdownMstime || isReadyToShutdown(rs.masterReplOffset, rs.replicas)) finishShutdown(server);
    };
    server.shutdownTick = tick;
    server.hooks.cron.push(tick);
    server.log.notice('Waiting for replicas before shutting down.');
    return true;
  }
  finishShutdown(server);
  return true;
}

/**
 * Redis's finishShutdown: log the lagging replicas, make the final save (its failure cancels the
 * shutdown unless FORCE), then close and exit.
 */
function finishShutdown(server: Server): void {
  const rs = server.repl;
  let lagging = 0;
  for (const r of rs.replicas) {
    if (r.ackOff === rs.masterReplOffset) continue;
    lagging++;
    const lag = r.state === 'online' ? rs.unixtime() - r.ackTime : 0;
    server.log.warning(
      `Lagging replica ${replicaName(rs, r.client)} reported offset ${rs.masterReplOffset - r.ackOff} behind master, lag=${lag}, state=${r.state}.`,
    );
  }
  if (rs.replicas.length > 0) server.log.notice(`${rs.replicas.length - lagging} of ${rs.replicas.length} replicas are in sync when shutting down.`);
  const force = server.shutdownRequest?.force ?? false;
  for (const save of server.hooks.finalSave) {
    if (save(force)) continue;
    server.log.warning('Errors trying to shut down the server. Check the logs for more information.');
    cancelShutdown(server);
    return;
  }
  stopWaiting(server);
  void exitServer(server, 0);
}

/** Redis's cancelShutdown: blocked SHUTDOWNs get an error, writes resume. */
function cancelShutdown(server: Server): void {
  const wasWaiting = shutdownInitiated(server);
  stopWaiting(server);
  server.shutdownRequest = null;
  server.shutdownAsap = false;
  for (const c of server.clients.values()) {
    if (c.blocked?.kind !== 'shutdown') continue;
    unblock(c);
    c.addReplyError('Errors trying to SHUTDOWN. Check logs.');
    resume(c);
  }
  if (wasWaiting) server.pause.unpause();
}

function stopWaiting(server: Server): void {
  server.shutdownMstime = 0;
  const i = server.shutdownTick === null ? -1 : server.hooks.cron.indexOf(server.shutdownTick);
  if (i >= 0) server.hooks.cron.splice(i, 1);
  server.shutdownTick = null;
}

/** SHUTDOWN ABORT (Redis's abortShutdown): false when no shutdown is in progress. */
export function abortShutdown(server: Server): boolean {
  if (!shutdownInitiated(server) && !server.shutdownAsap) return false;
  cancelShutdown(server);
  server.log.notice('Shutdown manually aborted.');
  return true;
}

/** Close (the shutdown hooks run: AOF close, cluster, sentinel ...) and exit the process. */
export async function exitServer(server: Server, code: number): Promise<void> {
  if (server.shuttingDown) return;
  try {
    await server.close();
  } finally {
    server.log.warning(`${server.sentinelMode ? 'Sentinel' : 'Redis'} is now ready to exit, bye bye...`);
    process.exit(code);
  }
}
