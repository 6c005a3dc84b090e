import type { WindowOptions } from '../../checkers/lost-writes/windows.js';
import type { ScheduledFault } from '../nemesis/nemesis.js';
import type { NetKind } from '../targets/local.js';
import type { TargetKind, TopologySpec } from '../targets/target.js';

/** Everything that defines a run; saved (with the concrete schedule) as scenario.json. */
export interface Scenario {
  name: string;
  target: TargetKind;
  topology: TopologySpec;
  /** External target: a JSON file describing the nodes. */
  topologyFile?: string;
  net: NetKind;
  toxiproxyUrl?: string;
  workload: string;
  nemesis: string;
  timeLimitS: number;
  seed: number;
  concurrency: number;
  /** Total ops/s over all workers (0 = as fast as they go). */
  rate: number;
  opTimeoutMs: number;
  intervalS: number;
  faultS: number;
  keys: number;
  waitFor: number;
  waitTimeoutMs: number;
  nodeTimeoutMs: number;
  serverArgs: string[];
  /** Calm after the last heal before the final reads. */
  quiesceS: number;
  /** The concrete fault schedule (computed from the seed, or taken from a replayed run). */
  schedule?: ScheduledFault[];
  /** When this run replays another: its directory. */
  replayOf?: string;
  /** What a loss means in this system (harness/run/facts.ts): recorded by the run for the loss checkers. */
  faultModel?: WindowOptions;
}

export const DEFAULTS: Omit<Scenario, 'name'> = {
  target: 'ts',
  topology: { kind: 'replicated', masters: 1, replicas: 2 },
  net: 'toxiproxy',
  workload: 'set',
  nemesis: 'partition-primary,kill-primary',
  timeLimitS: 30,
  seed: 42,
  concurrency: 5,
  rate: 200,
  opTimeoutMs: 1000,
  intervalS: 5,
  faultS: 6,
  keys: 4,
  waitFor: 1,
  waitTimeoutMs: 500,
  nodeTimeoutMs: 3000,
  serverArgs: [],
  quiesceS: 3,
};

export function scenarioName(s: Pick<Scenario, 'target' | 'topology' | 'workload' | 'nemesis'>): string {
  return `${s.target}-${s.topology.kind}-${s.workload}-${s.nemesis.replace(/,/g, '+')}`;
}
