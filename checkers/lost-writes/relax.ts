/**
 * The shared fault model (./windows.ts) as a history, for the checkers that judge orders rather than
 * losses (linearizable, Elle, lock): a Redis failover may lose acknowledged writes by design, and a
 * non-persistent primary restarted empty resets its keys — either makes an honest history fail a
 * strict check. The relaxed history says what the model allows:
 *
 * - ops a node acknowledged inside an `expected` loss window (the cut-off primary's writes, and what
 *   it read, during a harness promotion or before a cluster's node-timeout): writes become `info`
 *   (may or may not have taken effect), reads are dropped (they saw the losing side of a split);
 * - a kill with a `configuration` window (no persistence, no failover): a synthetic `write(nil)` of
 *   every key that node served, invoked at the kill and completed at the restart (+ slack), so the
 *   register may have been reset then — and only then.
 *
 * A violation that disappears once relaxed is explained by the fault model (expected by design, or
 * lost by configuration); one that stays is an anomaly.
 */
import { affects, faultIntervals, NS_PER_MS, pairOps } from '../faults.js';
import type { History, Op } from '../history/types.js';
import { attributeLoss, markActingPrimaries, wipesGroup } from './classify.js';
import { lossWindows, type ResolvedWindowOptions } from './windows.js';

const READ_FS = new Set(['read', 'final-read']);

/** What a relaxation allowed: the part of a checker's result that says why a violation is explained. */
export interface Allowances {
  /** Classes of the windows used. */
  classes: Array<'expected' | 'configuration'>;
  /** Writes turned into `info`, reads dropped, synthetic resets added. */
  writesUnknown: number;
  readsDropped: number;
  resets: number;
}

export interface Relaxation extends Allowances {
  history: History;
  /** `index` of the completions turned from ok into info. */
  unknownCompletions: Set<number>;
}

/** The allowances of a relaxation, for a result (without the history). */
export function allowancesOf(r: Relaxation): Allowances {
  return { classes: r.classes, writesUnknown: r.writesUnknown, readsDropped: r.readsDropped, resets: r.resets };
}

/** Whether relaxing changed anything (else the relaxed check is the strict one). */
export const relaxes = (r: Relaxation): boolean => r.writesUnknown + r.readsDropped + r.resets > 0;

export function relaxHistory(history: History, o: ResolvedWindowOptions): Relaxation {
  const faults = markActingPrimaries(history, faultIntervals(history));
  const { completion } = pairOps(history);
  const drop = new Set<number>();
  const toInfo = new Set<number>();
  for (let i = 0; i < history.length; i++) {
    const inv = history[i]!;
    if (inv.type !== 'invoke' || inv.process === 'nemesis') continue;
    const c = completion[i]!;
    const comp = c >= 0 ? history[c]! : undefined;
    if (comp?.type !== 'ok') continue;
    const a = attributeLoss(comp.time, comp.node ?? inv.node, comp.ack ?? 'plain', faults, o);
    if (a.cls !== 'expected') continue;
    if (READ_FS.has(inv.f)) {
      drop.add(i);
      drop.add(c);
    } else toInfo.add(c);
  }
  const out: Op[] = [];
  for (let i = 0; i < history.length; i++) {
    if (drop.has(i)) continue;
    const op = history[i]!;
    out.push(toInfo.has(i) ? { ...op, type: 'info' } : op);
  }
  // Resets: keys a killed, non-persistent primary served before it died.
  let resets = 0;
  const classes = new Set<'expected' | 'configuration'>(toInfo.size + drop.size > 0 ? ['expected'] : []);
  let process = 2_000_000;
  let index = history.length;
  for (const f of faults) {
    if (f.family !== 'kill' || !lossWindows(f, 'plain', o).some((w) => w.cls === 'configuration')) continue;
    const keys = new Set<string>();
    for (const op of history) {
      if (op.time > f.start) break;
      if (op.process !== 'nemesis' && op.type === 'ok' && op.key !== undefined && (wipesGroup(f, o) || affects(f, op.node))) keys.add(op.key);
    }
    for (const key of [...keys].sort()) {
      out.push({ index: index++, time: f.start, process, type: 'invoke', f: 'write', value: null, key });
      out.push({ index: index++, time: f.end + o.slackMs * NS_PER_MS, process: process++, type: 'ok', f: 'write', value: null, key });
      resets++;
    }
    if (keys.size > 0) classes.add('configuration');
  }
  const unknownCompletions = new Set([...toInfo].map((c) => history[c]!.index));
  return { history: out, unknownCompletions, writesUnknown: toInfo.size, readsDropped: drop.size / 2, resets, classes: [...classes].sort() };
}
