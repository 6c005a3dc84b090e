import { CLUSTER_SLOTS } from './constants.js';

/** Slot bitmaps as Redis keeps them: bit (j & 7) of byte (j >> 3) is slot j. */

export const SLOT_BYTES = CLUSTER_SLOTS / 8;

export function newSlotBitmap(): Uint8Array {
  return new Uint8Array(SLOT_BYTES);
}

export function testBit(bitmap: Uint8Array, slot: number): boolean {
  return (bitmap[slot >> 3]! & (1 << (slot & 7))) !== 0;
}

export function setBit(bitmap: Uint8Array, slot: number): void {
  bitmap[slot >> 3]! |= 1 << (slot & 7);
}

export function clearBit(bitmap: Uint8Array, slot: number): void {
  bitmap[slot >> 3]! &= ~(1 << (slot & 7));
}

/** Call f for every slot set in the bitmap, in increasing order (skips empty bytes). */
export function forEachSlot(bitmap: Uint8Array, f: (slot: number) => void): void {
  for (let i = 0; i < SLOT_BYTES; i++) {
    const byte = bitmap[i]!;
    if (byte === 0) continue;
    for (let b = 0; b < 8; b++) if ((byte & (1 << b)) !== 0) f((i << 3) | b);
  }
}

export function sameSlots(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || Buffer.compare(a, b) === 0;
}

/**
 * slot → node, as Redis's clusterNode *slots[CLUSTER_SLOTS] arrays: an Int32Array of node uids
 * (0 = none) over a shared registry, cheaper to allocate and to scan for the GC than 16384 pointers.
 */
export class SlotMap<T extends { uid: number }> {
  /** Allocated on the first assignment (migrating / importing tables mostly stay empty). */
  private ids: Int32Array | null = null;
  /** How many slots map to a node. */
  size = 0;

  constructor(private readonly registry: (T | undefined)[]) {}

  get(slot: number): T | null {
    const id = this.ids === null ? 0 : this.ids[slot]!;
    return id === 0 ? null : this.registry[id]!;
  }

  set(slot: number, node: T | null): void {
    const id = node === null ? 0 : node.uid;
    if (this.ids === null) {
      if (id === 0) return;
      this.ids = new Int32Array(CLUSTER_SLOTS);
    }
    const old = this.ids[slot]!;
    if (old === id) return;
    this.size += (id !== 0 ? 1 : 0) - (old !== 0 ? 1 : 0);
    this.ids[slot] = id;
  }

  clear(): void {
    if (this.size === 0 || this.ids === null) return;
    this.ids.fill(0);
    this.size = 0;
  }

  /** Call f for every slot mapped to a node, in slot order. */
  forEach(f: (slot: number, node: T) => void): void {
    if (this.size === 0 || this.ids === null) return;
    const ids = this.ids;
    for (let s = 0; s < CLUSTER_SLOTS; s++) if (ids[s] !== 0) f(s, this.registry[ids[s]!]!);
  }
}

/** Number of set bits in a byte. */
export function popcount8(b: number): number {
  b = b - ((b >> 1) & 0x55);
  b = (b & 0x33) + ((b >> 2) & 0x33);
  return (b + (b >> 4)) & 0x0f;
}
