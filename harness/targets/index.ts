import type { RunStore } from '../store/store.js';
import { ExternalTarget } from './external.js';
import { LocalTarget, type LocalTargetOptions, type NetKind } from './local.js';
import { SentinelTarget } from './sentinel.js';
import type { Target, TargetKind, TopologySpec } from './target.js';

export interface TargetOptions {
  target: TargetKind;
  topology: TopologySpec;
  /** External target: the JSON topology file. */
  topologyFile?: string;
  net: NetKind;
  toxiproxyUrl?: string;
  seed: number;
  nodeTimeoutMs: number;
  /** Server options for every node (local targets). */
  serverArgs: string[];
  store: RunStore;
  /** Short id naming the run's proxies and iptables chain. */
  runId: string;
  /** The scenario's nemeses: a `*-unsynced` kill puts the nodes' data on the lazyfs layer. */
  nemesis?: string;
}

/** The target a scenario names (not started). */
export function createTarget(o: TargetOptions): Target {
  if (o.target === 'external') {
    if (!o.topologyFile) throw new Error('--target external needs --topology-file <file>');
    if (o.topology.kind === 'sentinel')
      throw new Error('--topology sentinel runs local processes (--target ts or redis); an external target has no sentinel clients yet');
    return new ExternalTarget(o.topologyFile, o.topology);
  }
  const local: LocalTargetOptions = {
    kind: o.target,
    topology: o.topology,
    net: o.net,
    toxiproxyUrl: o.toxiproxyUrl,
    store: o.store,
    seed: o.seed,
    serverArgs: o.serverArgs,
    nodeTimeoutMs: o.nodeTimeoutMs,
    runId: o.runId,
    lazyfs: usesLazyfs(o.nemesis),
  };
  return o.topology.kind === 'sentinel' ? new SentinelTarget(local) : new LocalTarget(local);
}

/** A scenario with a `*-unsynced` kill puts the nodes' data directories on the lazyfs layer. */
export function usesLazyfs(nemesis: string | undefined): boolean {
  return /-unsynced\b/.test(nemesis ?? '');
}
