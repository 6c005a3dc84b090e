import { performance } from 'node:perf_hooks';

/**
 * A one-shot timer that never fires before `due` (performance.now() ms). Node timers have
 * millisecond resolution and may fire a fraction of a millisecond early relative to
 * performance.now(); delays are lower bounds in Toxiproxy, so re-arm until really due.
 */
export class Deadline {
  private timer: NodeJS.Timeout | null = null;
  private due = 0;
  private fn: (() => void) | null = null;

  get armed(): boolean {
    return this.timer !== null;
  }

  set(due: number, fn: () => void): void {
    this.cancel();
    this.due = due;
    this.fn = fn;
    this.arm();
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.fn = null;
  }

  private arm(): void {
    const wait = this.due - performance.now();
    this.timer = setTimeout(this.fire, wait > 0 ? Math.ceil(wait) : 0);
  }

  private readonly fire = (): void => {
    if (performance.now() < this.due) {
      this.arm();
      return;
    }
    const fn = this.fn;
    this.timer = null;
    this.fn = null;
    fn?.();
  };
}

export const now = (): number => performance.now();
