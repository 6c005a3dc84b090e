/**
 * The one interface between the proxy core and the toxics. The core (link.ts) knows nothing of
 * any toxic in particular: it runs, per connection and direction, a chain of `ToxicStage`s, each
 * created from a `ToxicKind` with the toxic's current attributes.
 *
 * A stage is Toxiproxy's ToxicStub + running Pipe(): it receives chunks and EOF in order, and
 * passes (possibly delayed, sliced or dropped) chunks on through its context. It may end the
 * stream itself (Toxiproxy's stub.Close(): later stages see EOF, the destination is closed) or
 * reset the whole connection.
 */
import type { Rng } from '../../checkers/util/prng.js';

/** A chunk of stream data and the time (performance.now(), ms) it reached the current stage. */
export interface Chunk {
  data: Buffer;
  time: number;
}

export interface StageContext {
  /** Hand a chunk to the next stage (or the destination socket), in order. */
  push(chunk: Chunk): void;
  /** End the stream from this stage on: later stages get EOF, further input is discarded. */
  end(): void;
  /** Abort the whole connection with a TCP RST on both sides. */
  reset(): void;
  /** The proxy's seeded PRNG: all randomness of a toxic must come from here. */
  random: Rng;
}

/** What a stopped stage still held: passed on (remove) or fed to its replacement (update). */
export interface Held {
  chunks: Chunk[];
  /** EOF had reached the stage but was not yet passed on (or the stage ends the stream on removal). */
  ended: boolean;
}

export interface ToxicStage {
  write(chunk: Chunk): void;
  /** EOF from the previous stage. */
  end(): void;
  /** Bytes held inside the stage, for backpressure on the source socket. */
  held(): number;
  /**
   * Stop the stage (clear its timers) and hand back what it held. Toxiproxy never drops data
   * when a toxic is interrupted; 'remove' is also when a toxic may end the stream on its way out
   * (timeout's Cleanup closes the link).
   */
  stop(reason: 'update' | 'remove'): Held;
}

export type Attributes = Record<string, number>;

export interface AttributeSpec {
  name: string;
  /** Go field type, for decoding (integer or float) and error texts. */
  type: 'int' | 'int64';
}

export interface ToxicKind<S = unknown> {
  type: string;
  /** Go struct name, for error texts ("LatencyToxic"). */
  goStruct: string;
  /** Attribute fields in Go struct order (the JSON shows them in this order). */
  attributes: readonly AttributeSpec[];
  /** Per-connection state that survives updates of the toxic (limit_data's byte count). */
  newState?(): S;
  start(attrs: Readonly<Attributes>, ctx: StageContext, state: S): ToxicStage;
}

export const emptyHeld = (): Held => ({ chunks: [], ended: false });

/** Sum of chunk sizes, for held(). */
export function byteLength(chunks: readonly Chunk[], from = 0): number {
  let n = 0;
  for (let i = from; i < chunks.length; i++) n += chunks[i]!.data.length;
  return n;
}
