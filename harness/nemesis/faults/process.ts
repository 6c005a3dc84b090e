/**
 * The families that act on node processes (kill → restart, pause → resume) through the target's
 * process control, refused before the run when the target has none.
 */
import type { Prng } from '../../../checkers/util/prng.js';
import { UnsupportedFault } from '../../net/network.js';
import type { NodeHandle, ProcessControl } from '../../targets/target.js';
import { aimValue, byName, type FaultContext, type FaultEnv, type FaultValue, type IntervalFamily, type PickContext, valueSchema } from './fault.js';

export function requireProcessControl(env: FaultEnv, action: 'kill' | 'pause'): ProcessControl {
  const p = env.processes;
  const can = action === 'kill' ? p?.canKill : p?.canPause;
  if (!p || !can) {
    const needs = action === 'kill' ? 'kill/restart' : 'pause/resume';
    throw new UnsupportedFault(`this target has no process control for ${action} (give ${needs} commands in the topology file)`);
  }
  return p;
}

export function processFamily<S extends { f: 'kill' | 'pause'; value: FaultValue }>(d: {
  f: S['f'];
  stopF: string;
  nemeses: Record<string, (rng: Prng, ctx: PickContext) => S>;
  start(p: ProcessControl, node: NodeHandle, kind: string): Promise<void>;
  stop(p: ProcessControl, node: NodeHandle, ctx: FaultContext): Promise<void>;
  /** Refuses a kind the target cannot do (beyond killing or pausing). */
  checkKind?(kind: string, p: ProcessControl): void;
  /** The kinds aimed at the primary (`kill-primary`): re-aimed at the current one at start. */
  primaryKinds: readonly string[];
}): IntervalFamily<S> {
  // Each nemesis of these families is named after the kind it records (kill, kill-primary …).
  const kinds = Object.keys(d.nemeses);
  return {
    f: d.f,
    instant: false,
    stopF: d.stopF,
    valueSchema: valueSchema(kinds),
    nemeses: d.nemeses,
    check(spec, env) {
      d.checkKind?.(spec.value.kind, requireProcessControl(env, d.f));
    },
    aimAt: (spec, primary) => (d.primaryKinds.includes(spec.value.kind) ? { ...spec, value: aimValue(spec.value, primary) } : spec),
    async start({ value }, ctx) {
      const p = requireProcessControl(ctx, d.f);
      for (const n of byName(ctx.nodes, value.nodes)) await d.start(p, n, value.kind);
      return value;
    },
    async stop({ value }, ctx) {
      const p = requireProcessControl(ctx, d.f);
      for (const n of byName(ctx.nodes, value.nodes)) await d.stop(p, n, ctx);
      return { nodes: value.nodes };
    },
  };
}
