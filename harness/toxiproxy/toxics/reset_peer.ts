/**
 * reset_peer: the first data (or EOF) to reach the toxic is dropped and, `timeout` ms later, the
 * connection is reset (TCP RST to both peers). Once the countdown has started the reset is
 * committed: Toxiproxy's Pipe cannot be interrupted while it waits, so removing or updating the
 * toxic does not save the connection.
 */
import { type Chunk, emptyHeld, type Held, type StageContext, type ToxicKind, type ToxicStage } from '../toxic.js';
import { Deadline, now } from './timer.js';

class ResetPeerStage implements ToxicStage {
  private readonly timer = new Deadline();
  private triggered = false;

  constructor(
    private readonly timeout: number,
    private readonly ctx: StageContext,
  ) {}

  private trigger(): void {
    if (this.triggered) return;
    this.triggered = true;
    const reset = this.ctx.reset;
    if (this.timeout <= 0) reset();
    else this.timer.set(now() + this.timeout, reset);
  }

  write(_chunk: Chunk): void {
    this.trigger();
  }

  end(): void {
    this.trigger();
  }

  held(): number {
    return 0;
  }

  stop(): Held {
    // Deliberately leaves a started countdown armed (see above).
    return emptyHeld();
  }
}

export const resetPeer: ToxicKind = {
  type: 'reset_peer',
  goStruct: 'ResetToxic',
  attributes: [{ name: 'timeout', type: 'int64' }],
  start: (attrs, ctx) => new ResetPeerStage(attrs.timeout ?? 0, ctx),
};
