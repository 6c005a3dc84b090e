/**
 * The registry of fault families, by the f of their start op. Adding a family is its file in this
 * directory and one line here; the table's type lists every key of FaultSpecs (which each family
 * file extends), so a family missing here — or registered under another family's f — does not
 * compile. This table is the nemesis's only dispatch: nothing else switches on fault names.
 */

import type { Prng } from '../../../checkers/util/prng.js';
import { bandwidth } from './bandwidth.js';
import { failover } from './failover.js';
import type { FaultFamily, FaultSpec, FaultSpecs, PickContext } from './fault.js';
import { kill } from './kill.js';
import { latency } from './latency.js';
import { loss } from './loss.js';
import { migrateSlots } from './migrate-slots.js';
import { partition } from './partition.js';
import { pause } from './pause.js';
import { resetPeer } from './reset-peer.js';

type Registry = { readonly [F in keyof FaultSpecs]: FaultFamily<FaultSpecs[F]> };

export const FAULTS: Registry = {
  'start-partition': partition,
  kill,
  pause,
  'start-latency': latency,
  'start-bandwidth': bandwidth,
  'start-reset-peer': resetPeer,
  'start-loss': loss,
  failover,
  'migrate-slots': migrateSlots,
};

/** The family of a fault (its methods take the family's own spec; FaultSpec narrows to it). */
export function familyOf(spec: FaultSpec): FaultFamily<FaultSpec> {
  return FAULTS[spec.f] as FaultFamily<FaultSpec>;
}

/** Every --nemesis name, with the picker of its family. */
export const NEMESES: ReadonlyMap<string, (rng: Prng, ctx: PickContext) => FaultSpec> = new Map(
  Object.values(FAULTS).flatMap((family: FaultFamily<FaultSpec>) => Object.entries(family.nemeses)),
);
