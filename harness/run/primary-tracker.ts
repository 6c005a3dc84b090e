/**
 * Who is the primary of a replicated group now, as a failover manager (Sentinel) knows it: the
 * harness's own promotions update it, `*-primary` faults are aimed at it, clients follow it, and a
 * node restarted after a kill is reconfigured to it (REPLICAOF), as Sentinel reconfigures a
 * returning node — so one run goes through many failovers instead of one.
 */
import type { FaultSpec } from '../nemesis/nemesis.js';
import type { NodeHandle } from '../targets/target.js';

/** Fault kinds aimed at "the primary": retargeted to the current one at apply time. */
const PRIMARY_KINDS = new Set([
  'isolate-primary',
  'isolate-primary-with-clients',
  'partition-failover',
  'primary-from-replicas',
  'kill-primary',
  'pause-primary',
  'manual-failover',
]);

export class PrimaryTracker {
  constructor(
    public current: string,
    private readonly nodes: readonly NodeHandle[],
  ) {}

  /**
   * The fault as it applies now: a `*-primary` fault planned against the primary at the start
   * (scenario.json keeps the plan) hits the current primary; a promotion picks the planned replica
   * unless it is the current primary, else the first other node by name.
   */
  retarget(f: FaultSpec): FaultSpec {
    const v = f.value;
    if (!PRIMARY_KINDS.has(v.kind) || (v.nodes.length === 1 && v.nodes[0] === this.current)) return f;
    const p = this.current;
    const rest = this.nodes.map((n) => n.name).filter((n) => n !== p);
    const out: FaultSpec['value'] = { ...v, nodes: [p], planned: v.nodes };
    if (v.groups) out.groups = [[p], rest];
    if (v.promote !== undefined && (v.promote === p || !rest.includes(v.promote))) out.promote = rest[0]!;
    return { ...f, value: out };
  }
}
