import path from 'node:path';
import type { Server } from '../server.js';
import { Aof } from './aof.js';
import type { RdbLoadResult } from './rdb-reader.js';
import type { ActiveSnapshot } from './snapshot.js';

/** What the persistence layer keeps per server (INFO persistence, BGSAVE state). */
export class PersistenceState {
  bgsaveInProgress = false;
  bgsaveStartedAt = 0;
  bgsaveScheduled = false;
  lastBgsaveStatus: 'ok' | 'err' = 'ok';
  lastBgsaveTry = 0;
  lastBgsaveTimeSec = -1;
  rdbSaves = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  saveKeysProcessed = 0;
  saveKeysTotal = 0;
  /** What the start-up RDB load returned (repl-id/repl-offset for a replica's PSYNC after restart). */
  lastLoad: RdbLoadResult | null = null;
  readonly aof: Aof;
  /** Snapshots being written (BGSAVE, full syncs): db accesses copy entries not yet written. */
  readonly snapshots = new Set<ActiveSnapshot>();
  /** Resolves when the running BGSAVE ends (tests, shutdown). */
  bgsavePromise: Promise<boolean> | null = null;

  constructor(readonly server: Server) {
    this.aof = new Aof(server);
  }

  get rdbPath(): string {
    return path.join(this.server.config.dir, this.server.config.dbfilename);
  }
}
