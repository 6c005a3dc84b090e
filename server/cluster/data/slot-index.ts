import type { KeyIndex } from '../../store/db.js';
import { CLUSTER_SLOTS } from '../constants.js';
import { keyHashSlot } from './slot.js';

/**
 * The keys of db 0 by hash slot (Redis's slots_to_keys): CLUSTER COUNTKEYSINSLOT in O(1),
 * GETKEYSINSLOT, and deleting the keys of a slot this node lost. Attached to db 0 only in cluster
 * mode (Db.index). Keys of a slot are listed in insertion order (Redis lists newest first; the
 * order is unspecified by the command and no client depends on it).
 */
export class SlotIndex implements KeyIndex {
  private readonly bySlot: (Set<string> | undefined)[] = new Array(CLUSTER_SLOTS);

  add(key: string): void {
    const slot = keyHashSlot(key);
    let set = this.bySlot[slot];
    if (set === undefined) this.bySlot[slot] = set = new Set();
    set.add(key);
  }

  remove(key: string): void {
    const slot = keyHashSlot(key);
    const set = this.bySlot[slot];
    if (set === undefined) return;
    set.delete(key);
    if (set.size === 0) this.bySlot[slot] = undefined;
  }

  clear(): void {
    this.bySlot.fill(undefined);
  }

  count(slot: number): number {
    return this.bySlot[slot]?.size ?? 0;
  }

  /** Up to `max` keys of a slot. */
  keys(slot: number, max = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    const set = this.bySlot[slot];
    if (set === undefined) return out;
    for (const k of set) {
      if (out.length >= max) break;
      out.push(k);
    }
    return out;
  }
}
