export interface LatencySample {
  time: number;
  latency: number;
}

export interface LatencyEvent {
  samples: LatencySample[];
  max: number;
}

const LATENCY_TS_LEN = 160;

/** The latency monitor's events (Redis's latency.c): per event, one sample per second. */
export class LatencyMonitor {
  readonly events = new Map<string, LatencyEvent>();

  /** Record a latency (ms) when it reaches the threshold (Redis's latencyAddSampleIfNeeded). */
  addSample(event: string, ms: number, thresholdMs: number): void {
    if (thresholdMs <= 0 || ms < thresholdMs) return;
    let ts = this.events.get(event);
    if (!ts) this.events.set(event, (ts = { samples: [], max: 0 }));
    const now = Math.floor(Date.now() / 1000);
    const last = ts.samples[ts.samples.length - 1];
    if (last && last.time === now) last.latency = Math.max(last.latency, ms);
    else ts.samples.push({ time: now, latency: ms });
    if (ts.samples.length > LATENCY_TS_LEN) ts.samples.shift();
    if (ms > ts.max) ts.max = ms;
  }
}
