/**
 * A nemesis schedule is data: when each fault starts and stops, and its parameters (a FaultSpec of
 * one of the families in faults/). It is computed from the seed before the run starts (so
 * `--replay` and scenario.json reproduce it exactly) and run as the nemesis thread's ops.
 */
import type { Prng } from '../../checkers/util/prng.js';
import type { FaultEnv, FaultSpec, PickContext } from './faults/fault.js';
import { familyOf, NEMESES } from './faults/index.js';

export interface ScheduledFault {
  /** Seconds from the start of the workload. */
  start: number;
  /** Seconds; an instant fault has nothing to undo at its stop. */
  stop: number;
  fault: FaultSpec;
}

export interface ScheduleOptions {
  /** Comma-separated nemesis names; "none" for no faults. */
  nemesis: string;
  timeLimitS: number;
  /** Seconds of calm between faults. */
  intervalS: number;
  /** Seconds each fault lasts. */
  faultS: number;
}

/** The --nemesis names, for help texts and errors. */
export const NEMESIS_NAMES: readonly string[] = [...NEMESES.keys()];

/**
 * The nemeses a --nemesis value names (none: []). Refuses an unknown name and an empty one
 * (`a,,b`, a trailing comma): both are typos that would otherwise silently change the schedule.
 */
export function nemesisNames(spec: string): string[] {
  if (spec.trim() === 'none') return [];
  return spec.split(',').map((s) => {
    const k = s.trim();
    if (k === '') throw new Error(`--nemesis '${spec}': empty nemesis name (known: none, ${NEMESIS_NAMES.join(', ')})`);
    if (!NEMESES.has(k)) throw new Error(`--nemesis: unknown nemesis '${k}' (known: none, ${NEMESIS_NAMES.join(', ')})`);
    return k;
  });
}

/** Alternate calm and fault intervals over the run, cycling through the requested nemeses. */
export function buildSchedule(rng: Prng, ctx: PickContext, o: ScheduleOptions): ScheduledFault[] {
  if (o.nemesis === '') return [];
  const pickers = nemesisNames(o.nemesis).map((k) => NEMESES.get(k)!);
  if (pickers.length === 0) return [];
  const out: ScheduledFault[] = [];
  const pick: PickContext = { ...ctx, faultS: o.faultS };
  let t = o.intervalS;
  let i = 0;
  // Leave the last calm interval for recovery before the final reads.
  while (t + o.faultS <= o.timeLimitS - Math.min(o.intervalS, 2)) {
    out.push({ start: round(t), stop: round(t + o.faultS), fault: pickers[i % pickers.length]!(rng, pick) });
    t += o.faultS + o.intervalS;
    i++;
  }
  return out;
}

/** Refuse early, with a clear message, a fault the run's backend or target cannot inject. */
export function checkSchedule(schedule: readonly ScheduledFault[], env: FaultEnv): void {
  for (const s of schedule) familyOf(s.fault).check(s.fault, env);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
