/** noop: passes everything through. Toxiproxy registers it as a real toxic type, so do we. */
import { type Chunk, emptyHeld, type Held, type StageContext, type ToxicKind, type ToxicStage } from '../toxic.js';

class NoopStage implements ToxicStage {
  constructor(private readonly ctx: StageContext) {}
  write(chunk: Chunk): void {
    this.ctx.push(chunk);
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

export const noop: ToxicKind = {
  type: 'noop',
  goStruct: 'NoopToxic',
  attributes: [],
  start: (_attrs, ctx) => new NoopStage(ctx),
};
