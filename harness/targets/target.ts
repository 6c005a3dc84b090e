import type { Redis } from 'ioredis';
import type { Network } from '../net/network.js';
import type { NodeProcess } from './node-process.js';

export type TargetKind = 'ts' | 'redis' | 'external';
export type TopologyKind = 'single' | 'replicated' | 'cluster' | 'sentinel';

export interface TopologySpec {
  kind: TopologyKind;
  /** Primaries (cluster masters; 1 for single/replicated). */
  masters: number;
  /** Replicas per primary. */
  replicas: number;
  /** Sentinel topology: how many sentinels watch the primary (default 3, quorum a majority). */
  sentinels?: number;
  /** Sentinel topology: the sentinels' failover-timeout in ms (default max(10 s, 3 × the node timeout)). */
  failoverTimeoutMs?: number;
}

/** `sentinel`: a Sentinel process of the sentinel topology (no data; partitions and kills may hit it). */
export type NodeRole = 'primary' | 'replica' | 'sentinel';

/** One node of the system under test, as the harness sees it. */
export interface NodeHandle {
  name: string;
  /** Where the node really listens. */
  host: string;
  port: number;
  /** Role at the start of the run (schedules are picked from it); the live role: Target.roles(). */
  role: NodeRole;
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

/** Process faults a target can inject into its nodes. */
export interface ProcessControl {
  /** Every node can be killed and restarted. */
  readonly canKill: boolean;
  /** Every node can be paused and resumed. */
  readonly canPause: boolean;
  kill(node: NodeHandle): Promise<void>;
  restart(node: NodeHandle): Promise<void>;
  pause(node: NodeHandle): Promise<void>;
  resume(node: NodeHandle): Promise<void>;
  /** A killed node's written-but-unsynced data can be dropped (local target on the lazyfs layer). */
  readonly canDropUnsynced?: boolean;
  /** Drops what the (killed) node wrote but did not fsync, as a power loss drops the page cache. */
  dropUnsynced?(node: NodeHandle): Promise<void>;
  /** The final heal: restart every node this control killed, resume every one it paused. */
  recover(): Promise<void>;
}

/** A worker's client that finds the primary itself (Sentinel mode), and the node it talks to now. */
export interface WorkerClient {
  conn: Redis;
  /** The node the client is connected to now (recorded with each op), undefined while it is not. */
  node(): string | undefined;
}

/** What scenario.json records about the system. */
export interface TargetFacts {
  versions: Record<string, string>;
  /** The iptables chain of the run, when it uses one. */
  iptablesChain?: string;
}

/**
 * A system under test: local processes (ts | redis) or an external deployment, in some topology.
 * Cluster and Sentinel topologies plug in here; the run, the nemesis and the clients only see this.
 */
export interface Target {
  readonly kind: TargetKind;
  readonly topology: TopologySpec;
  /** The nodes, with their addresses and roles at start (valid once start() returned). */
  readonly nodes: readonly NodeHandle[];
  /** The network fault backend the nodes are wired to (client addresses go through it). */
  readonly network: Network;
  /** null: the target cannot kill or pause its nodes. */
  readonly processes: ProcessControl | null;
  /** Start (or attach to) the system; resolves when it is ready for the workload. */
  start(): Promise<void>;
  /** Each node's role now, asked over its client link (ROLE); null when it does not answer. Roles change with failovers. */
  roles(): Promise<Map<string, NodeRole | null>>;
  /** Sentinel topology: workers' clients discover the primary through the sentinels (absent: bound to a node). */
  workerClient?(opTimeoutMs: number): WorkerClient;
  /** After the final heal: wait (bounded) until the system looks whole again; never throws. */
  settle(): Promise<void>;
  facts(): TargetFacts;
  /** Stop what start() started (nothing, for an external target). */
  stop(): Promise<void>;
}
