/** Counters behind INFO stats / commandstats / errorstats. */
export class Stats {
  startTime = Date.now();
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredKeys = 0;
  expiredStalePerc = 0;
  expiredTimeCapReached = 0;
  evictedKeys = 0;
  evictedClients = 0;
  totalErrorReplies = 0;
  /** Errors sent to our master, a replica or the AOF loader (Redis's stat_unexpected_error_replies). */
  unexpectedErrorReplies = 0;
  /** Encoded blobs RESTORE validated deeply (sanitize-dump-payload). */
  dumpPayloadSanitizations = 0;
  errors = new Map<string, number>();
  /** Per command (full name, e.g. "config|get"): calls, usec, rejected, failed. */
  commands = new Map<string, { calls: number; usec: number; rejected: number; failed: number }>();
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  pubsubChannelsPublished = 0;
  totalReadsProcessed = 0;
  totalWritesProcessed = 0;
  // Instantaneous ops/sec over the last second, sampled by the cron.
  private opsSamples: number[] = [];
  private lastOpsSample = { time: Date.now(), count: 0 };

  countError(code: string): void {
    this.totalErrorReplies++;
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  command(name: string) {
    let s = this.commands.get(name);
    if (!s) {
      s = { calls: 0, usec: 0, rejected: 0, failed: 0 };
      this.commands.set(name, s);
    }
    return s;
  }

  sampleOps(now: number): void {
    const dt = now - this.lastOpsSample.time;
    if (dt < 100) return;
    const ops = ((this.totalCommands - this.lastOpsSample.count) * 1000) / dt;
    this.opsSamples.push(ops);
    if (this.opsSamples.length > 16) this.opsSamples.shift();
    this.lastOpsSample = { time: now, count: this.totalCommands };
  }

  get instantaneousOps(): number {
    if (this.opsSamples.length === 0) return 0;
    return Math.round(this.opsSamples.reduce((a, b) => a + b, 0) / this.opsSamples.length);
  }

  reset(): void {
    this.totalConnections = this.rejectedConnections = this.totalCommands = 0;
    this.netInputBytes = this.netOutputBytes = 0;
    this.keyspaceHits = this.keyspaceMisses = this.expiredKeys = this.evictedKeys = 0;
    this.totalErrorReplies = 0;
    this.errors.clear();
    this.commands.clear();
    this.syncFull = this.syncPartialOk = this.syncPartialErr = 0;
    this.pubsubChannelsPublished = 0;
  }
}
