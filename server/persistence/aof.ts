import fs from 'node:fs';
import path from 'node:path';
import { Client } from '../client.js';
import { call } from '../dispatch.js';
import type { PropagatedOp, PropagationSink, Server } from '../server.js';
import { aofRewriteCommands } from './aof-commands.js';
import { fsyncDir, replaceFileDurably, writeFully } from './files.js';
import { type AofFileInfo, type AofManifest, emptyManifest, formatManifest, ManifestError, parseManifest } from './manifest.js';
import { installParsed, parseOptions, RdbError, rdbParse } from './rdb-reader.js';
import { rdbSave } from './rdb-writer.js';
import { rdbSaveStream } from './snapshot.js';

/**
 * The append-only file, in Redis 7's multi-part layout: `<dir>/<appenddirname>/` holds
 * `<appendfilename>.<n>.base.rdb` (an RDB image, or `.base.aof` commands when
 * aof-use-rdb-preamble is no), `<appendfilename>.<n>.incr.aof` (RESP commands as propagated)
 * and `<appendfilename>.manifest` naming them. BGREWRITEAOF opens a new incr file and writes a
 * new base from a snapshot taken at that instant, then swaps the manifest and deletes the old
 * files. A pre-7 single `appendonly.aof` in `dir` is migrated into the directory on start.
 *
 * Writes happen synchronously in the sink, i.e. before the client's reply is sent:
 * appendfsync always also fdatasyncs there; everysec fsyncs from the cron at most once a
 * second (off the event loop); no leaves it to the kernel.
 */

/** A condition that must stop the server from starting (corrupt AOF, bad manifest). */
export class AofFatalError extends Error {}

type LoadStatus = 'ok' | 'empty' | 'not-exist' | 'truncated';

export class Aof implements PropagationSink {
  enabled: boolean;
  private fd = -1;
  private selectedDb = -1;
  manifest: AofManifest = emptyManifest();
  lastWriteStatus: 'ok' | 'err' = 'ok';
  /** The error of the last failed write (MISCONF names it). */
  lastWriteError: unknown = null;
  private lastFsync = Date.now();
  private unsynced = false;
  private fsyncInFlight = false;
  /** Sizes for INFO and auto-rewrite: the base file and everything since the last rewrite. */
  baseSize = 0;
  currentSize = 0;
  rewriteInProgress = false;
  rewriteScheduled = false;
  rewriteStartedAt = 0;
  lastRewriteTimeSec = -1;
  lastBgrewriteStatus: 'ok' | 'err' = 'ok';
  rewrites = 0;
  rewritesConsecutiveFailures = 0;
  /** Set while loading: propagated writes must not be appended to the file being read. */
  private loading = false;

  constructor(private readonly server: Server) {
    this.enabled = server.config.appendonly;
  }

  get dirPath(): string {
    return path.join(this.server.config.dir, this.server.config.appenddirname);
  }
  private get fileName(): string {
    return this.server.config.appendfilename;
  }
  private get manifestName(): string {
    return this.fileName + '.manifest';
  }
  private filePath(name: string): string {
    return path.join(this.dirPath, name);
  }

  // ---- Writing ----

  feed(ops: PropagatedOp[]): void {
    if (!this.enabled || this.fd < 0 || this.loading) return;
    let out = '';
    for (const op of ops) {
      if (op.replOnly) continue;
      if (op.db !== this.selectedDb) {
        const id = String(op.db);
        out += `*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`;
        this.selectedDb = op.db;
      }
      out += respCommand(op.argv);
    }
    if (out.length === 0) return;
    this.append(out);
  }

  private append(out: string): void {
    try {
      const buf = Buffer.from(out, 'latin1');
      let off = 0;
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
      this.currentSize += buf.length;
      const policy = this.server.config.appendfsync;
      // debug-aof-skip-fsync (hidden): an AOF that says `always` but leaves the data in the page cache.
      if (policy === 'always' && this.server.config.debugAofSkipFsync === 0) fs.fdatasyncSync(this.fd);
      else this.unsynced = true;
      if (this.lastWriteStatus !== 'ok') {
        this.server.log.warning('AOF write error looks solved, Redis can write again.');
        this.lastWriteStatus = 'ok';
      }
    } catch (err) {
      this.lastWriteStatus = 'err';
      this.lastWriteError = err;
      this.server.log.warning(`Error writing to the AOF file: ${(err as Error).message}`);
      if (this.server.config.appendfsync === 'always') {
        this.server.log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        process.exit(1);
      }
    }
  }

  /** Cron: the everysec fsync (in the thread pool, like Redis's bio thread), auto rewrite. */
  cron(now: number, otherChildActive: boolean): void {
    if (
      this.enabled &&
      this.fd >= 0 &&
      this.unsynced &&
      !this.fsyncInFlight &&
      now - this.lastFsync >= 1000 &&
      this.server.config.appendfsync === 'everysec' &&
      this.server.config.debugAofSkipFsync === 0
    ) {
      this.unsynced = false;
      this.fsyncInFlight = true;
      this.lastFsync = now;
      const fd = this.fd;
      fs.fdatasync(fd, (err) => {
        this.fsyncInFlight = false;
        if (err && fd === this.fd) {
          this.server.log.warning(`Can't persist AOF for fsync error when the AOF fsync policy is 'everysec': ${err.message}. Exiting...`);
        }
      });
    }
    if (this.rewriteInProgress || otherChildActive) return;
    if (this.rewriteScheduled) {
      this.rewriteScheduled = false;
      void this.rewrite();
      return;
    }
    const perc = this.server.config.autoAofRewritePercentage;
    const min = this.server.config.autoAofRewriteMinSize;
    if (this.enabled && perc > 0 && this.currentSize > min) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= perc) {
        this.server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        void this.rewrite();
      }
    }
  }

  /** Flush to disk now (SHUTDOWN, SIGTERM). */
  fsyncNow(): void {
    if (this.fd < 0) return;
    try {
      fs.fsyncSync(this.fd);
      this.unsynced = false;
    } catch (err) {
      this.server.log.warning(`Fail to fsync the AOF file: ${(err as Error).message}`);
    }
  }

  close(): void {
    if (this.fd >= 0) {
      this.fsyncNow();
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }

  // ---- Manifest and files ----

  private persistManifest(m: AofManifest): void {
    replaceFileDurably(this.filePath('temp-' + this.manifestName), this.filePath(this.manifestName), Buffer.from(formatManifest(m)));
    fsyncDir(this.dirPath);
  }

  private openIncr(name: string): number {
    return fs.openSync(this.filePath(name), fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  }

  private baseFileName(seq: number): string {
    return `${this.fileName}.${seq}.base.${this.server.config.aofUseRdbPreamble ? 'rdb' : 'aof'}`;
  }

  /** A base image of the current dataset, written synchronously (start-up, CONFIG SET appendonly yes). */
  private writeBaseSync(name: string): number {
    const data = this.server.config.aofUseRdbPreamble
      ? rdbSave(this.server, { aofBase: true })
      : Buffer.from(aofRewriteCommands(this.server).join(''), 'latin1');
    replaceFileDurably(this.filePath(`temp-rewriteaof-${process.pid}.aof`), this.filePath(name), data);
    return data.length;
  }

  private deleteHistory(m: AofManifest): void {
    for (const h of m.history) {
      this.server.log.notice(`Removing the history file ${h.name} in the background`);
      try {
        fs.unlinkSync(this.filePath(h.name));
      } catch {
        /* already gone */
      }
    }
    m.history = [];
  }

  private fileSize(name: string): number {
    try {
      return fs.statSync(this.filePath(name)).size;
    } catch {
      return 0;
    }
  }

  // ---- Start-up ----

  /**
   * Load the dataset from the AOF (appendonly yes at start). Returns false when there was no AOF
   * to load. Throws AofFatalError when the server must not start.
   */
  loadOnStart(): boolean {
    const log = this.server.log;
    const dir = this.dirPath;
    const mpath = this.filePath(this.manifestName);
    const oldStyle = path.join(this.server.config.dir, this.fileName);
    if (!fs.existsSync(mpath) && fs.existsSync(oldStyle) && fs.statSync(oldStyle).isFile()) {
      // Upgrade from a single-file AOF: it becomes the base of a new manifest.
      fs.mkdirSync(dir, { recursive: true });
      const m = emptyManifest();
      m.base = { name: this.fileName, seq: 1, type: 'b' };
      m.baseSeq = 1;
      fs.renameSync(oldStyle, this.filePath(this.fileName));
      this.persistManifest(m);
      log.notice(`Successfully migrated an old-style AOF file (${this.fileName}) into the AOF directory (${this.server.config.appenddirname}).`);
    }
    if (!fs.existsSync(mpath)) {
      this.manifest = emptyManifest();
      return false;
    }
    try {
      this.manifest = parseManifest(fs.readFileSync(mpath, 'latin1'));
    } catch (err) {
      if (err instanceof ManifestError) {
        log.warning('\n*** FATAL AOF MANIFEST FILE ERROR ***\n');
        log.warning(err.message + '\n');
        throw new AofFatalError(`Fatal AOF manifest file error: ${err.message}`);
      }
      throw err;
    }
    const m = this.manifest;
    const files: AofFileInfo[] = [...(m.base ? [m.base] : []), ...m.incrs];
    if (files.length === 0) return false;
    const start = performance.now();
    this.loading = true;
    const sinks = this.server.sinks.splice(0);
    let loadedAny = false;
    try {
      for (let i = 0; i < files.length; i++) {
        const f = files[i]!;
        const last = i === files.length - 1;
        const t0 = performance.now();
        const st = this.loadFile(f.name, last, f.type === 'b');
        if (st === 'truncated' && !last) {
          log.warning('Fatal error: the truncated file is not the last file');
          throw new AofFatalError(`the truncated AOF file ${f.name} is not the last file`);
        }
        if (st === 'ok' || st === 'truncated') {
          loadedAny = true;
          log.notice(`DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.name}: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
        }
      }
    } finally {
      this.server.sinks.push(...sinks);
      this.loading = false;
    }
    this.server.dirtySinceSave = 0;
    this.baseSize = m.base ? this.fileSize(m.base.name) : 0;
    this.currentSize = files.reduce((a, f) => a + this.fileSize(f.name), 0);
    if (loadedAny) log.notice(`DB loaded from append only file: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
    return loadedAny;
  }

  /** loadSingleAppendOnlyFile: an RDB-preamble part and/or RESP commands. */
  private loadFile(name: string, isLast: boolean, isBase: boolean): LoadStatus {
    const log = this.server.log;
    const p = this.filePath(name);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        log.warning(`The append log file ${name} doesn't exist: ${(err as Error).message}`);
        throw new AofFatalError(`The AOF file ${name} named in the manifest doesn't exist`);
      }
      log.warning(`Fatal error: can't open the append log file ${name} for reading: ${(err as Error).message}`);
      throw new AofFatalError(`can't open the append log file ${name}`);
    }
    if (buf.length === 0) return 'empty';
    let pos = 0;
    if (buf.length >= 5 && buf.toString('latin1', 0, 5) === 'REDIS') {
      log.notice(isBase ? 'Reading RDB base file on AOF loading...' : 'Reading RDB preamble from AOF file...');
      try {
        const parsed = rdbParse(buf, parseOptions(this.server, { aofPreamble: true }));
        installParsed(this.server, parsed);
        pos = parsed.endOffset;
      } catch (err) {
        if (err instanceof RdbError) {
          log.warning(`Error reading the RDB base file ${name}, AOF loading aborted`);
          log.warning(err.message);
          throw new AofFatalError(`Error reading the RDB base file ${name}: ${err.message}`);
        }
        throw err;
      }
    }
    const res = replayCommands(this.server, buf, pos, name);
    if (res.kind === 'ok') return 'ok';
    if (res.kind === 'unknown') {
      log.warning(`Unknown command '${res.detail}' reading the append only file ${name}`);
      throw new AofFatalError(`Unknown command '${res.detail}' reading the append only file ${name}`);
    }
    if (res.kind === 'format') {
      const msg = `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`;
      log.warning(msg);
      throw new AofFatalError(msg);
    }
    // Truncated tail (or an unterminated MULTI).
    if (res.multi) log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
    if (this.server.config.aofLoadTruncated && isLast) {
      log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
      log.warning(`!!! Truncating the AOF ${name} at offset ${res.validUpTo} !!!`);
      try {
        fs.truncateSync(p, res.validUpTo);
      } catch (err) {
        log.warning(`Error truncating the AOF file ${name}: ${(err as Error).message}`);
        throw new AofFatalError(`Error truncating the AOF file ${name}`);
      }
      log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
      return 'truncated';
    }
    const msg =
      `Unexpected end of file reading the append only file ${name}. You can: ` +
      '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
      "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.";
    log.warning(msg);
    throw new AofFatalError(msg);
  }

  /** aofOpenIfNeededOnServerStart: make sure a base exists and open the last incr file. */
  openOnStart(): void {
    if (!this.enabled) return;
    const log = this.server.log;
    fs.mkdirSync(this.dirPath, { recursive: true });
    const m = this.manifest;
    if (!m.base && m.incrs.length === 0) {
      m.baseSeq++;
      const name = this.baseFileName(m.baseSeq);
      this.baseSize = this.writeBaseSync(name);
      m.base = { name, seq: m.baseSeq, type: 'b' };
      log.notice(`Creating AOF base file ${name} on server start`);
    }
    let created = false;
    if (m.incrs.length === 0) {
      m.incrSeq++;
      m.incrs.push({ name: `${this.fileName}.${m.incrSeq}.incr.aof`, seq: m.incrSeq, type: 'i' });
      created = true;
    }
    const incr = m.incrs[m.incrs.length - 1]!;
    this.fd = this.openIncr(incr.name);
    this.selectedDb = -1;
    this.persistManifest(m);
    log.notice(`${created ? 'Creating' : 'Opening'} AOF incr file ${incr.name} on server start`);
    this.currentSize = (m.base ? this.fileSize(m.base.name) : 0) + m.incrs.reduce((a, f) => a + this.fileSize(f.name), 0);
  }

  // ---- Runtime switches ----

  /** CONFIG SET appendonly yes: write a base of the current data (synchronously) and start appending. */
  enable(): void {
    if (this.enabled) return;
    fs.mkdirSync(this.dirPath, { recursive: true });
    const mpath = this.filePath(this.manifestName);
    if (fs.existsSync(mpath)) {
      try {
        this.manifest = parseManifest(fs.readFileSync(mpath, 'latin1'));
      } catch {
        this.manifest = emptyManifest();
      }
    }
    const m = this.manifest;
    if (m.base) m.history.push({ ...m.base, type: 'h' });
    for (const f of m.incrs) m.history.push({ ...f, type: 'h' });
    m.incrs = [];
    m.baseSeq++;
    const name = this.baseFileName(m.baseSeq);
    this.baseSize = this.writeBaseSync(name);
    m.base = { name, seq: m.baseSeq, type: 'b' };
    m.incrSeq++;
    const incr = { name: `${this.fileName}.${m.incrSeq}.incr.aof`, seq: m.incrSeq, type: 'i' as const };
    m.incrs.push(incr);
    this.fd = this.openIncr(incr.name);
    this.selectedDb = -1;
    this.persistManifest(m);
    this.deleteHistory(m);
    this.persistManifest(m);
    this.currentSize = this.baseSize;
    this.enabled = true;
    this.server.log.notice('Background append only file rewriting terminated with success');
  }

  /** CONFIG SET appendonly no. */
  disable(): void {
    if (!this.enabled) return;
    this.close();
    this.enabled = false;
  }

  // ---- Rewrite ----

  /**
   * BGREWRITEAOF: switch appends to a new incr file and write a new base from a snapshot taken
   * in the same tick, so base + new incr files hold everything. Resolves to success.
   */
  async rewrite(): Promise<boolean> {
    if (this.rewriteInProgress) return false;
    const log = this.server.log;
    this.rewriteInProgress = true;
    this.rewriteStartedAt = Date.now();
    let tmp = '';
    try {
      fs.mkdirSync(this.dirPath, { recursive: true });
      const m = this.manifest;
      const keepFrom = m.incrs.length; // incr files before this index are covered by the new base
      if (this.enabled) {
        m.incrSeq++;
        const incr = { name: `${this.fileName}.${m.incrSeq}.incr.aof`, seq: m.incrSeq, type: 'i' as const };
        const fd = this.openIncr(incr.name);
        m.incrs.push(incr);
        this.persistManifest(m);
        if (this.fd >= 0) {
          const old = this.fd;
          fs.fsync(old, () => fs.close(old, () => undefined));
        }
        this.fd = fd;
        this.selectedDb = -1;
        log.notice(`Creating AOF incr file ${incr.name} on background rewrite`);
      }
      log.notice(`Background append only file rewriting started by pid ${process.pid}`);
      tmp = this.filePath(`temp-rewriteaof-bg-${process.pid}.aof`);
      const fd = fs.openSync(tmp, 'w');
      let size = 0;
      try {
        if (this.server.config.aofUseRdbPreamble) {
          // The snapshot is taken synchronously inside this call, before any await.
          await rdbSaveStream(this.server, (chunk) => writeFully(fd, chunk).then(() => void (size += chunk.length)), { aofBase: true });
        } else {
          const data = Buffer.from(aofRewriteCommands(this.server).join(''), 'latin1');
          await writeFully(fd, data);
          size = data.length;
        }
        await new Promise<void>((res, rej) => fs.fsync(fd, (e) => (e ? rej(e) : res())));
      } finally {
        fs.closeSync(fd);
      }
      m.baseSeq++;
      const baseName = this.baseFileName(m.baseSeq);
      fs.renameSync(tmp, this.filePath(baseName));
      tmp = '';
      if (m.base) m.history.push({ ...m.base, type: 'h' });
      const covered = this.enabled ? m.incrs.slice(0, keepFrom) : m.incrs;
      for (const f of covered) m.history.push({ ...f, type: 'h' });
      m.incrs = this.enabled ? m.incrs.slice(keepFrom) : [];
      m.base = { name: baseName, seq: m.baseSeq, type: 'b' };
      this.persistManifest(m);
      this.deleteHistory(m);
      this.persistManifest(m);
      this.baseSize = size;
      this.currentSize = size + m.incrs.reduce((a, f) => a + this.fileSize(f.name), 0);
      this.lastRewriteTimeSec = Math.round((Date.now() - this.rewriteStartedAt) / 1000);
      this.lastBgrewriteStatus = 'ok';
      this.rewrites++;
      this.rewritesConsecutiveFailures = 0;
      log.notice('Background AOF rewrite terminated with success');
      log.notice('Background AOF rewrite finished successfully');
      return true;
    } catch (err) {
      log.warning(`Background AOF rewrite terminated with error: ${(err as Error).message}`);
      if (tmp) fs.rmSync(tmp, { force: true });
      this.lastBgrewriteStatus = 'err';
      this.rewritesConsecutiveFailures++;
      return false;
    } finally {
      this.rewriteInProgress = false;
    }
  }
}

/** RESP array of bulk strings (the AOF's and replication's command form). */
export function respCommand(argv: string[]): string {
  let s = '*' + argv.length + '\r\n';
  for (const a of argv) s += '$' + a.length + '\r\n' + a + '\r\n';
  return s;
}

type ReplayResult =
  | { kind: 'ok' }
  | { kind: 'truncated'; validUpTo: number; multi: boolean }
  | { kind: 'format'; offset: number }
  | { kind: 'unknown'; detail: string };

/**
 * Execute the RESP commands of an AOF from `start` with a fake client. MULTI ... EXEC blocks are
 * applied at EXEC; an unterminated block is reverted like a torn tail.
 */
export function replayCommands(server: Server, buf: Buffer, start: number, _name: string): ReplayResult {
  const c = new Client(server, null);
  c.user = null;
  c.aofLoader = true;
  c.authenticated = true;
  const n = buf.length;
  let pos = start;
  let validUpTo = start;
  let multi: string[][] | null = null;
  let beforeMulti = start;
  const lineEnd = (from: number): number => buf.indexOf(10, from);
  while (pos < n) {
    if (buf[pos] === 0x23) {
      // '#' annotation line (aof-timestamp-enabled)
      const e = lineEnd(pos);
      if (e < 0) return { kind: 'truncated', validUpTo, multi: multi !== null };
      pos = e + 1;
      continue;
    }
    if (buf[pos] !== 0x2a) return { kind: 'format', offset: pos };
    let e = lineEnd(pos);
    if (e < 0) return { kind: 'truncated', validUpTo: multi ? beforeMulti : validUpTo, multi: multi !== null };
    const argc = parseInt(buf.toString('latin1', pos + 1, e), 10);
    if (!(argc >= 1)) return { kind: 'format', offset: pos };
    pos = e + 1;
    const argv: string[] = [];
    for (let j = 0; j < argc; j++) {
      if (pos >= n) return { kind: 'truncated', validUpTo: multi ? beforeMulti : validUpTo, multi: multi !== null };
      if (buf[pos] !== 0x24) return { kind: 'format', offset: pos };
      e = lineEnd(pos);
      if (e < 0) return { kind: 'truncated', validUpTo: multi ? beforeMulti : validUpTo, multi: multi !== null };
      const len = parseInt(buf.toString('latin1', pos + 1, e), 10);
      if (!(len >= 0)) return { kind: 'format', offset: pos };
      pos = e + 1;
      if (pos + len + 2 > n) return { kind: 'truncated', validUpTo: multi ? beforeMulti : validUpTo, multi: multi !== null };
      argv.push(buf.toString('latin1', pos, pos + len));
      if (buf[pos + len] !== 13 || buf[pos + len + 1] !== 10) return { kind: 'format', offset: pos + len };
      pos += len + 2;
    }
    const lower = argv[0]!.toLowerCase();
    if (lower === 'multi') {
      beforeMulti = validUpTo;
      multi = [];
    } else if (lower === 'exec') {
      for (const a of multi ?? []) {
        const r = execOne(server, c, a);
        if (r !== null) return { kind: 'unknown', detail: r };
      }
      multi = null;
    } else if (multi !== null) {
      if ('error' in server.lookupCommand(argv)) return { kind: 'unknown', detail: argv[0]! };
      multi.push(argv);
    } else {
      const r = execOne(server, c, argv);
      if (r !== null) return { kind: 'unknown', detail: r };
    }
    if (multi === null) validUpTo = pos;
  }
  if (multi !== null) return { kind: 'truncated', validUpTo: beforeMulti, multi: true };
  return { kind: 'ok' };
}

/** Run one command as the AOF client; returns the name when the command is unknown. */
function execOne(server: Server, c: Client, argv: string[]): string | null {
  const found = server.lookupCommand(argv);
  if ('error' in found) return argv[0]!;
  call(server, c, found.spec, found.fullname, argv);
  server.pendingPropagate = [];
  c.out = '';
  return null;
}
