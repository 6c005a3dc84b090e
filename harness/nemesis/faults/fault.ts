/**
 * A fault family as a value (Jepsen's nemesis, Toxiproxy's toxics): how it picks its victims from
 * the seed, what it needs from the target and the network backend, how it starts and stops, and how
 * it appears in the history. One file per family in this directory; the registry (index.ts) lists
 * them. The run knows no family by name.
 *
 * History: the start op is `{process: 'nemesis', f: family.f, value: spec.value}` completed `info`
 * with what `start` returned; an interval fault's stop op is `{f: family.stopF, value: {nodes}}`
 * completed with what `stop` returned. The fs follow checkers/CONVENTIONS.md ("Nemesis ops"), which
 * is how the checkers and the report see the fault (family, interval or instant).
 */
import type { Prng } from '../../../checkers/util/prng.js';
import type { Network } from '../../net/network.js';
import type { NodeHandle, ProcessControl, TopologyKind } from '../../targets/target.js';

/**
 * Every family's parameters, by the f of its start op. Each family file adds its entry (declaration
 * merging), so the union below is closed over the files; the registry must then list every key or
 * it does not compile.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the family files (declaration merging)
export interface FaultSpecs {}

/** A fault's parameters: a discriminated union on `f` (the start op's f). */
export type FaultSpec = FaultSpecs[keyof FaultSpecs];

/** What every family's value carries: the history and the report read `kind` and `nodes`. */
export interface FaultValue {
  kind: string;
  /** The nodes hit (isolated, killed, paused …); [] when the shape names none (rings). */
  nodes: string[];
}

/** What pickers see: the nodes with their roles at the start of the run. */
export interface PickContext {
  nodes: readonly NodeHandle[];
  topology: TopologyKind;
  /** Seconds each fault lasts (timed actions inside a fault, e.g. a late promotion). */
  faultS?: number;
}

/**
 * A replicated group's failover manager as faults see it (harness/run/primary-tracker.ts: the
 * harness plays Sentinel's part): who is primary now, and how a node rejoins the group.
 */
export interface PrimaryView {
  /** The current primary's name. */
  readonly current: string;
  /** A fault promoted `name`: clients and later faults follow it. */
  promoted(name: string): void;
  /** After a manual failover (asynchronous): waits until another node than `from` is the only primary, and follows it. */
  awaitHandover(from: string): Promise<string | null>;
  /** Nodes back with their startup configuration (a restart): the current primary stays one, the others follow it. */
  rejoin(nodes: readonly NodeHandle[]): Promise<string[]>;
}

/** What a fault may use: the network backend and the target's process control. */
export interface FaultEnv {
  net: Network;
  /** null: the target cannot kill or pause its nodes. */
  processes: ProcessControl | null;
}

export interface FaultContext extends FaultEnv {
  nodes: readonly NodeHandle[];
  /** Replicated topology: the failover manager's view (absent elsewhere: clusters fail over by themselves). */
  primary?: PrimaryView;
}

interface FamilyBase<S extends { f: string; value: FaultValue }> {
  /** The start op's f; also the key of the family in the registry. */
  readonly f: S['f'];
  /** The --nemesis names this family offers, each picking its victims and parameters from the seed. */
  readonly nemeses: Readonly<Record<string, (rng: Prng, ctx: PickContext) => S>>;
  /** JSON Schema of `spec.value`: a replayed or hand-written schedule is checked against it before anything starts. */
  readonly valueSchema: object;
  /** Refuses (UnsupportedFault), before the run starts, what the backend or the target cannot do. */
  check(spec: S, env: FaultEnv): void;
  /** Starts the fault; the result is the start op's completion value. */
  start(spec: S, ctx: FaultContext): Promise<unknown>;
  /**
   * A fault the schedule aimed at the primary of the start (`*-primary`), aimed at `primary`, the
   * current one, instead (the value keeps the plan as `planned`); other faults unchanged. Absent:
   * the family aims at no primary.
   */
  aimAt?(spec: S, primary: string, nodes: readonly NodeHandle[]): S;
}

/** A fault that lasts until stopped (partition, kill → restart, pause → resume, latency …). */
export interface IntervalFamily<S extends { f: string; value: FaultValue }> extends FamilyBase<S> {
  readonly instant: false;
  /** The stop op's f. */
  readonly stopF: string;
  /** Undoes the fault; the result is the stop op's completion value. */
  stop(spec: S, ctx: FaultContext): Promise<unknown>;
}

/** A one-shot event (failover, resharding): nothing to undo, no stop op. */
export interface InstantFamily<S extends { f: string; value: FaultValue }> extends FamilyBase<S> {
  readonly instant: true;
}

export type FaultFamily<S extends { f: string; value: FaultValue }> = IntervalFamily<S> | InstantFamily<S>;

/** The handles of named nodes; a schedule naming an unknown node is an error. */
export function byName(nodes: readonly NodeHandle[], names: readonly string[]): NodeHandle[] {
  return names.map((n) => {
    const h = nodes.find((x) => x.name === n);
    if (!h) throw new Error(`nemesis targets unknown node ${n}`);
    return h;
  });
}

/** The JSON Schema of a family's value: `kind` (one of `kinds`), `nodes`, and the family's own fields. */
export function valueSchema(kinds: readonly string[], props: Record<string, object> = {}, required: readonly string[] = Object.keys(props)): object {
  return {
    type: 'object',
    required: ['kind', 'nodes', ...required],
    additionalProperties: false,
    properties: { kind: { enum: kinds }, nodes: STRINGS, ...props },
  };
}

export const STRINGS = { type: 'array', items: { type: 'string' } } as const;

/** A value re-aimed at `primary` (see FamilyBase.aimAt), unless it already targets it alone. */
export function aimValue<V extends FaultValue>(value: V, primary: string, extra: (v: V) => Partial<V> = () => ({})): V & { planned?: string[] } {
  if (value.nodes.length === 1 && value.nodes[0] === primary) return value;
  return { ...value, nodes: [primary], planned: value.nodes, ...extra(value) };
}

export const primaries = (ctx: PickContext): NodeHandle[] => ctx.nodes.filter((n) => n.role === 'primary');
export const names = (ns: readonly NodeHandle[]): string[] => ns.map((n) => n.name);
