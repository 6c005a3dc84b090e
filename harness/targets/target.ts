import type { NodeProcess } from './node-process.js';

export type TargetKind = 'ts' | 'redis' | 'external';
export type TopologyKind = 'single' | 'replicated' | 'cluster' | 'sentinel';

export interface TopologySpec {
  kind: TopologyKind;
  /** Primaries (cluster masters; 1 for single/replicated). */
  masters: number;
  /** Replicas per primary. */
  replicas: number;
}

/** One node of the system under test, as the harness sees it. */
export interface NodeHandle {
  name: string;
  /** Where the node really listens. */
  host: string;
  port: number;
  /** Role at start: the workload's primaries and the nemesis targets derive from it. */
  role: 'primary' | 'replica';
  /** Index of the shard (cluster) this node starts in. */
  shard: number;
  /** Name of its primary at start (replicas). */
  primary?: string;
  /** Cluster: slot ranges [start, end] this node served at the start of the run (primaries). */
  slots?: [number, number][];
  /** Local process, when the harness started it (ts/redis targets). */
  process?: NodeProcess;
  /** External target: shell commands for process faults. */
  commands?: { kill?: string; pause?: string; resume?: string; restart?: string };
}

/** Process faults a target supports. */
export interface ProcessFaults {
  kill(node: NodeHandle): Promise<void>;
  restart(node: NodeHandle): Promise<void>;
  pause(node: NodeHandle): Promise<void>;
  resume(node: NodeHandle): Promise<void>;
}
