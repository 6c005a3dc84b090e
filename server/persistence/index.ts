import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import { AofFatalError } from './aof.js';
import { diskErrorGate } from './disk-error.js';
import { replaceFileDurably, writeFully } from './files.js';
import { RdbError, type RdbLoadResult, rdbLoad } from './rdb-reader.js';
import { rdbSave } from './rdb-writer.js';
import { rdbSaveStream } from './snapshot.js';

export type { RdbLoadResult };
export { RdbError, rdbLoad, rdbSave, rdbSaveStream };

/** Write a file durably: temp file, fsync, rename (as rdbSave's temp-<pid>.rdb). */
function writeFileDurable(target: string, data: Buffer): void {
  replaceFileDurably(path.join(path.dirname(target), `temp-${process.pid}.rdb`), target, data);
}

/** SAVE: a synchronous save to dir/dbfilename. Returns false (and logs) on failure. */
export function saveSync(server: Server): boolean {
  const st = server.persistence;
  try {
    writeFileDurable(st.rdbPath, rdbSave(server));
  } catch (err) {
    server.log.warning(
      `Failed opening the temp RDB file temp-${process.pid}.rdb (in server root dir ${server.config.dir}) for saving: ${(err as Error).message}`,
    );
    return false;
  }
  server.log.notice('DB saved on disk');
  server.dirtySinceSave = 0;
  server.lastSave = Math.floor(Date.now() / 1000);
  st.lastBgsaveStatus = 'ok';
  st.rdbSaves++;
  return true;
}

/**
 * BGSAVE: stream a snapshot to temp-<pid>.rdb in slices without blocking the event loop, then
 * rename it over dbfilename. Returns false when a save is already running.
 */
export function bgsave(server: Server): boolean {
  const st = server.persistence;
  if (st.bgsaveInProgress) return false;
  st.bgsaveInProgress = true;
  st.bgsaveStartedAt = Date.now();
  st.lastBgsaveTry = Date.now();
  const dirtyAtStart = server.dirtySinceSave;
  const target = st.rdbPath;
  const tmp = path.join(path.dirname(target), `temp-bg-${process.pid}.rdb`);
  server.log.notice(`Background saving started by pid ${process.pid}`);
  let fd = -1;
  const run = async (): Promise<boolean> => {
    try {
      fd = fs.openSync(tmp, 'w');
      const file = fd;
      // The snapshot is taken synchronously at this call, before its first await.
      await rdbSaveStream(server, (chunk) => writeFully(file, chunk), {
        progress: (done, total) => {
          st.saveKeysProcessed = done;
          st.saveKeysTotal = total;
        },
      });
      await new Promise<void>((res, rej) => fs.fsync(file, (e) => (e ? rej(e) : res())));
      fs.closeSync(file);
      fd = -1;
      fs.renameSync(tmp, target);
      server.log.notice('DB saved on disk');
      server.dirtySinceSave = Math.max(0, server.dirtySinceSave - dirtyAtStart);
      server.lastSave = Math.floor(Date.now() / 1000);
      st.lastBgsaveStatus = 'ok';
      st.rdbSaves++;
      server.log.notice('Background saving terminated with success');
      return true;
    } catch (err) {
      if (fd >= 0) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      st.lastBgsaveStatus = 'err';
      server.log.warning(`Background saving error: ${(err as Error).message}`);
      return false;
    } finally {
      st.lastBgsaveTimeSec = Math.round((Date.now() - st.bgsaveStartedAt) / 1000);
      st.bgsaveInProgress = false;
      st.saveKeysProcessed = st.saveKeysTotal = 0;
    }
  };
  st.bgsavePromise = run();
  return true;
}

/** Load dir/dbfilename if present, with Redis's log lines. Throws RdbError on a corrupt file. */
export function loadRdbFile(server: Server, file = server.persistence.rdbPath): RdbLoadResult | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const start = performance.now();
  const res = rdbLoad(server, buf);
  const log = server.log;
  const ver = res.aux.get('redis-ver');
  if (ver) log.notice(`Loading RDB produced by version ${ver}`);
  const ctime = res.aux.get('ctime');
  if (ctime) log.notice(`RDB age ${Math.floor(Date.now() / 1000) - Number(ctime)} seconds`);
  const mem = res.aux.get('used-mem');
  if (mem) log.notice(`RDB memory usage when created ${(Number(mem) / 1024 / 1024).toFixed(2)} Mb`);
  log.notice(`Done loading RDB, keys loaded: ${res.keysLoaded}, keys expired: ${res.keysExpired}.`);
  log.notice(`DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
  const st = server.persistence;
  st.lastLoadKeysLoaded = res.keysLoaded;
  st.lastLoadKeysExpired = res.keysExpired;
  st.lastLoad = res;
  server.dirtySinceSave = 0;
  return res;
}

/** serverCron's persistence part: save points, scheduled BGSAVE, AOF fsync and auto rewrite. */
function cron(server: Server, now: number): void {
  const st = server.persistence;
  st.aof.cron(now, st.bgsaveInProgress);
  if (st.bgsaveInProgress || st.aof.rewriteInProgress) return;
  const retryOk = now - st.lastBgsaveTry > 5000 || st.lastBgsaveStatus === 'ok';
  if (st.bgsaveScheduled && retryOk) {
    st.bgsaveScheduled = false;
    bgsave(server);
    return;
  }
  const sinceSave = now / 1000 - server.lastSave;
  for (const { seconds: secs, changes } of server.config.save) {
    if (server.dirtySinceSave >= changes && sinceSave > secs && retryOk) {
      server.log.notice(`${changes} changes in ${secs} seconds. Saving...`);
      bgsave(server);
      break;
    }
  }
}

/** prepareForShutdown's persistence part: flush the AOF, final RDB save when configured. */
/** finishShutdown's persistence part: AOF fsync, then the final RDB save (its failure stops the shutdown unless FORCE). */
function finalSave(server: Server, force: boolean): boolean {
  const st = server.persistence;
  const req = server.shutdownRequest;
  if (st.bgsaveInProgress) server.log.warning('There is a child saving an .rdb. Killing it!');
  if (st.aof.enabled) {
    server.log.notice('Calling fsync() on the AOF file.');
    st.aof.fsyncNow();
  }
  const wantSave = req?.save ?? server.config.save.length > 0;
  if (wantSave) {
    server.log.notice('Saving the final RDB snapshot before exiting.');
    if (!saveSync(server)) {
      if (!force) {
        server.log.warning("Error trying to save the DB, can't exit.");
        return false;
      }
      server.log.warning('Error trying to save the DB. Exit anyway.');
    }
  }
  return true;
}

function infoLines(server: Server): string[] {
  const st = server.persistence;
  const aof = st.aof;
  const now = Date.now();
  const lines = [
    'loading:0',
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    `current_save_keys_processed:${st.saveKeysProcessed}`,
    `current_save_keys_total:${st.saveKeysTotal}`,
    `rdb_changes_since_last_save:${server.dirtySinceSave}`,
    `rdb_bgsave_in_progress:${st.bgsaveInProgress ? 1 : 0}`,
    `rdb_last_save_time:${server.lastSave}`,
    `rdb_last_bgsave_status:${st.lastBgsaveStatus}`,
    `rdb_last_bgsave_time_sec:${st.lastBgsaveTimeSec}`,
    `rdb_current_bgsave_time_sec:${st.bgsaveInProgress ? Math.round((now - st.bgsaveStartedAt) / 1000) : -1}`,
    `rdb_saves:${st.rdbSaves}`,
    'rdb_last_cow_size:0',
    `rdb_last_load_keys_expired:${st.lastLoadKeysExpired}`,
    `rdb_last_load_keys_loaded:${st.lastLoadKeysLoaded}`,
    `aof_enabled:${aof.enabled ? 1 : 0}`,
    `aof_rewrite_in_progress:${aof.rewriteInProgress ? 1 : 0}`,
    `aof_rewrite_scheduled:${aof.rewriteScheduled ? 1 : 0}`,
    `aof_last_rewrite_time_sec:${aof.lastRewriteTimeSec}`,
    `aof_current_rewrite_time_sec:${aof.rewriteInProgress ? Math.round((now - aof.rewriteStartedAt) / 1000) : -1}`,
    `aof_last_bgrewrite_status:${aof.lastBgrewriteStatus}`,
    `aof_rewrites:${aof.rewrites}`,
    `aof_rewrites_consecutive_failures:${aof.rewritesConsecutiveFailures}`,
    `aof_last_write_status:${aof.lastWriteStatus}`,
    'aof_last_cow_size:0',
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
  ];
  if (aof.enabled) {
    lines.push(
      `aof_current_size:${aof.currentSize}`,
      `aof_base_size:${aof.baseSize}`,
      'aof_pending_rewrite:0',
      'aof_buffer_length:0',
      'aof_pending_bio_fsync:0',
      'aof_delayed_fsync:0',
    );
  }
  return lines;
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save the RDB, empty the dataset, load it back.
 * MERGE/NOFLUSH are accepted as Redis does (we always replace the whole dataset on load).
 */
export function debugReload(c: Client, argv: string[] = ['debug', 'reload']): void {
  const server = c.server;
  let save = true;
  for (let i = 2; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    if (o === 'nosave') save = false;
    else if (o === 'merge' || o === 'noflush') continue;
    else {
      c.addReplyError('DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
      return;
    }
  }
  if (save && !saveSync(server)) {
    c.addReplyError('Error trying to save the DB, check server logs.');
    return;
  }
  try {
    if (loadRdbFile(server) === null) {
      c.addReplyError('Error trying to load the RDB dump, check server logs.');
      return;
    }
  } catch (err) {
    server.log.warning((err as Error).message);
    c.addReplyError('Error trying to load the RDB dump, check server logs.');
    return;
  }
  server.log.notice('DB reloaded by DEBUG RELOAD');
  c.addReplyOk();
}

/**
 * The installer: load the dataset (the AOF when appendonly yes, else dir/dbfilename) before the
 * server listens, then wire the AOF sink, the cron work, the final save and INFO persistence.
 */
export function installPersistence(server: Server): void {
  const st = server.persistence;
  const log = server.log;
  const aof = st.aof;
  const start = performance.now();
  try {
    if (aof.enabled) {
      aof.loadOnStart();
      aof.openOnStart();
    } else {
      loadRdbFile(server);
    }
  } catch (err) {
    if (err instanceof RdbError) {
      log.warning(err.message);
      throw new Error(`Fatal error loading the DB (${st.rdbPath}): ${err.message} Exiting.`);
    }
    if (err instanceof AofFatalError) throw new Error(`Fatal error loading the AOF: ${err.message}`);
    throw err;
  }
  void start;
  server.sinks.push(aof);

  server.hooks.cron.push((now) => cron(server, now));
  server.hooks.finalSave.push((force) => finalSave(server, force));
  server.hooks.replication.push(diskErrorGate(server));
  server.hooks.beforeShutdown.push(() => st.aof.close());
  server.infoSections.set('persistence', () => infoLines(server));
  server.configStore.onApply('appendonly', () => {
    const on = server.config.appendonly;
    try {
      if (on) aof.enable();
      else aof.disable();
    } catch (err) {
      log.warning(`Could not switch the AOF ${on ? 'on' : 'off'}: ${(err as Error).message}`);
    }
  });
}
