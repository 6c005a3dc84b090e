import type { NodeHandle } from '../targets/target.js';

/** How a cut behaves: packets vanish (black hole) or connections are refused/reset. */
export type CutMode = 'drop' | 'reset';

/**
 * A directed link from → to, or a client link (from = "client"). Between cluster nodes a pair has
 * two channels: `data` (replication, MIGRATE: the peer's client port) and `bus` (the cluster bus
 * port); a link without `channel` means both.
 */
export interface Link {
  from: string;
  to: string;
  channel?: LinkChannel;
}

export type LinkChannel = 'data' | 'bus';

export interface NetworkCapabilities {
  /** Can cut node→node links per pair (not just per destination). */
  pairPartitions: boolean;
  /** Can cut client→node links. */
  clientPartitions: boolean;
  oneWay: boolean;
  latency: boolean;
  packetLoss: boolean;
  bandwidth: boolean;
  resetPeer: boolean;
  /** Can cut or degrade one channel (bus or data) of a node→node link on its own. */
  linkChannels: boolean;
}

/** How degraded links behave: latency (ms ± jitter), loss probability, bandwidth KB/s, resets. */
export interface Degradation {
  latencyMs?: number;
  jitterMs?: number;
  loss?: number;
  rateKBs?: number;
  resetPeer?: boolean;
}

/**
 * A network fault backend. The harness asks for cuts between nodes (and between the clients and
 * nodes); the backend realises them (Toxiproxy proxies per link, or iptables rules per address
 * pair) and refuses with a clear error what it cannot do.
 */
export interface Network {
  readonly kind: 'toxiproxy' | 'iptables' | 'none';
  readonly capabilities: NetworkCapabilities;
  /** Address a client uses to reach a node. */
  clientAddress(node: NodeHandle): { host: string; port: number };
  /** Cut these directed links (node→node, or "client"→node). Replaces any previous cut. */
  cut(links: Link[], mode: CutMode): Promise<void>;
  /** Degrade links. */
  degrade(links: Link[], how: Degradation): Promise<void>;
  /** Remove every fault. */
  heal(): Promise<void>;
  close(): Promise<void>;
}

export class UnsupportedFault extends Error {}

export function requireCapability(net: Network, cap: keyof NetworkCapabilities, what: string): void {
  if (!net.capabilities[cap]) {
    throw new UnsupportedFault(`the ${net.kind} network backend cannot ${what}; use --net iptables (root, CAP_NET_ADMIN) or --target ts with --net toxiproxy`);
  }
}
