/**
 * convergence: after the final heal and settle, every replica holds exactly its primary's dataset.
 * Reads come from `node-state` ops (harness/run/convergence.ts), one per node: role, primary,
 * replication offset, and a digest per key. A replica at its primary's offset whose keys or digests
 * differ has diverged silently — an anomaly, with the keys named. A replica that never reached its
 * primary's offset (or lost its link) cannot be judged: unknown.
 */
import { opIndex } from '../faults.js';
import type { Checker, CheckerResult, History, Validity } from '../history/types.js';

export const NODE_STATE_F = 'node-state';

interface NodeState {
  role: string;
  primary: string | null;
  offset: number | null;
  linkUp: boolean | null;
  keys: Record<string, string>;
}

export interface Divergence {
  kind: 'divergence';
  replica: string;
  primary: string;
  /** Keys whose digest differs, or that only one of them holds (sorted). */
  keys: string[];
  message: string;
  ops: number[];
}

export interface ConvergenceResult extends CheckerResult {
  valid: Validity;
  /** Replica → primary pairs compared, and those that could not be (lagging, unlinked, unread). */
  compared: number;
  unjudged: Array<{ replica: string; primary: string | null; reason: string }>;
  divergences: Divergence[];
  /** Keys per node, for the report. */
  keyCounts: Record<string, number>;
}

function stateOf(v: unknown): NodeState | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Partial<NodeState>;
  return typeof o.role === 'string' && o.keys && typeof o.keys === 'object' ? (o as NodeState) : null;
}

export function checkConvergence(history: History): ConvergenceResult {
  const states = new Map<string, { state: NodeState; pos: number }>();
  const failed: string[] = [];
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.f !== NODE_STATE_F || op.node === undefined) continue;
    if (op.type === 'ok') {
      const s = stateOf(op.value);
      if (s) states.set(op.node, { state: s, pos: i });
    } else if (op.type === 'fail') failed.push(op.node);
  }
  // A node read again (the harness re-reads a round whose offsets moved apart) is judged by its last state.
  const unjudged: ConvergenceResult['unjudged'] = [...new Set(failed.filter((n) => !states.has(n)))]
    .sort()
    .map((n) => ({ replica: n, primary: null, reason: 'its state could not be read' }));
  const divergences: Divergence[] = [];
  let compared = 0;
  const keyCounts: Record<string, number> = {};
  for (const [name, { state }] of [...states].sort((a, b) => (a[0] < b[0] ? -1 : 1))) keyCounts[name] = Object.keys(state.keys).length;
  for (const [name, { state, pos }] of [...states].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (state.role !== 'replica') continue;
    const p = state.primary === null ? undefined : states.get(state.primary);
    if (!p) {
      unjudged.push({ replica: name, primary: state.primary, reason: `its primary ${state.primary ?? '(none)'} was not read` });
      continue;
    }
    if (state.linkUp !== true || state.offset === null || state.offset !== p.state.offset) {
      unjudged.push({
        replica: name,
        primary: state.primary,
        reason: state.linkUp !== true ? 'its link to the primary was down' : `its offset ${state.offset} differs from the primary's ${p.state.offset}`,
      });
      continue;
    }
    compared++;
    const keys = [...new Set([...Object.keys(state.keys), ...Object.keys(p.state.keys)])].filter((k) => state.keys[k] !== p.state.keys[k]).sort();
    if (keys.length === 0) continue;
    const shown = keys.slice(0, 20).join(', ') + (keys.length > 20 ? ` … (${keys.length} keys)` : '');
    divergences.push({
      kind: 'divergence',
      replica: name,
      primary: state.primary!,
      keys,
      message: `replica ${name} diverged from its primary ${state.primary} at the same replication offset ${state.offset}: ${keys.length} key(s) differ — ${shown}`,
      ops: [opIndex(history, p.pos), opIndex(history, pos)],
    });
  }
  unjudged.sort((a, b) => (a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0));
  const valid: Validity = divergences.length > 0 ? false : compared === 0 || unjudged.length > 0 ? 'unknown' : true;
  return { valid, compared, unjudged, divergences, keyCounts };
}

export const convergenceChecker: Checker<ConvergenceResult> = {
  name: 'convergence',
  check: (history) => checkConvergence(history),
};
