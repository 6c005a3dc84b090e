/**
 * limit_data: passes at most `bytes` bytes over the connection's lifetime, then closes the
 * stream. The count is per-connection state that survives updates of the toxic, as in Toxiproxy
 * (raising the limit lets more through; a limit already reached closes on the next data).
 */
import { type Chunk, emptyHeld, type Held, type StageContext, type ToxicKind, type ToxicStage } from '../toxic.js';

interface LimitState {
  transmitted: number;
}

class LimitDataStage implements ToxicStage {
  constructor(
    private readonly limit: number,
    private readonly state: LimitState,
    private readonly ctx: StageContext,
  ) {}

  write(chunk: Chunk): void {
    const remaining = Math.max(0, this.limit - this.state.transmitted);
    const data = remaining < chunk.data.length ? chunk.data.subarray(0, remaining) : chunk.data;
    if (data.length > 0) {
      this.state.transmitted += data.length;
      this.ctx.push(data === chunk.data ? chunk : { data, time: chunk.time });
    }
    if (this.limit - this.state.transmitted <= 0) this.ctx.end();
  }

  end(): void {
    this.ctx.end();
  }

  held(): number {
    return 0;
  }

  stop(): Held {
    return emptyHeld();
  }
}

export const limitData: ToxicKind<LimitState> = {
  type: 'limit_data',
  goStruct: 'LimitDataToxic',
  attributes: [{ name: 'bytes', type: 'int64' }],
  newState: () => ({ transmitted: 0 }),
  start: (attrs, ctx, state) => new LimitDataStage(attrs.bytes ?? 0, state, ctx),
};
