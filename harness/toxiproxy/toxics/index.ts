/** The toxic registry: type name → kind. Adding a toxic = one file + one line here. */
import type { ToxicKind } from '../toxic.js';
import { bandwidth } from './bandwidth.js';
import { latency } from './latency.js';
import { limitData } from './limit_data.js';
import { noop } from './noop.js';
import { resetPeer } from './reset_peer.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow_close.js';
import { timeout } from './timeout.js';

// The state type differs per kind; the core only ever hands a kind the state it made itself.
const kinds: ToxicKind<unknown>[] = [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, noop];

export const toxicKinds: ReadonlyMap<string, ToxicKind<unknown>> = new Map(kinds.map((k) => [k.type, k]));
