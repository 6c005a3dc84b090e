import { execa } from 'execa';
import type { NodeHandle } from '../targets/target.js';
import { onCleanup } from '../util/cleanup.js';
import { OwnerRecord } from '../util/leftovers.js';
import type { CutMode, Degradation, Link, Network, NetworkCapabilities } from './network.js';

/** Where the harness's own clients come from. Nodes get 127.0.0.10 and up. */
export const CLIENT_ADDR = '127.0.0.1';

/**
 * Network faults the Jepsen way: every node has its own loopback address (bind + bind-source-addr)
 * and faults are iptables rules between address pairs in a dedicated chain, jumped to from INPUT.
 * Supports real redis-server, one-way cuts and packet loss. The chain is removed on every exit path.
 */
export class IptablesNetwork implements Network {
  readonly kind = 'iptables' as const;
  readonly capabilities: NetworkCapabilities = {
    pairPartitions: true,
    clientPartitions: true,
    oneWay: true,
    latency: false,
    packetLoss: true,
    bandwidth: false,
    resetPeer: false,
    linkChannels: false,
  };
  private created = false;
  private unregister: (() => void) | null = null;

  constructor(
    private readonly chain: string,
    private readonly addrOf: (node: string) => string,
  ) {}

  get chainName(): string {
    return this.chain;
  }

  static async available(): Promise<string | null> {
    try {
      await execa('iptables', ['-S', 'INPUT']);
      return null;
    } catch (err) {
      const e = err as { stderr?: string; message: string; code?: string };
      if (e.code === 'ENOENT') return 'iptables is not installed (apt-get install -y iptables)';
      return `iptables is not usable here (${(e.stderr || e.message).trim().split('\n')[0]}); the iptables backend needs root with CAP_NET_ADMIN`;
    }
  }

  async setup(): Promise<void> {
    const why = await IptablesNetwork.available();
    if (why) throw new Error(why);
    await this.teardown(); // a leftover chain from a crashed run of the same name
    OwnerRecord.addChain(this.chain); // recorded before it exists: a leftover chain is always found
    await ipt('-N', this.chain);
    await ipt('-I', 'INPUT', '-j', this.chain);
    this.created = true;
    this.unregister = onCleanup(`iptables chain ${this.chain}`, () => this.teardown());
  }

  clientAddress(node: NodeHandle): { host: string; port: number } {
    return { host: node.host, port: node.port };
  }

  private addr(n: string): string {
    return n === 'client' ? CLIENT_ADDR : this.addrOf(n);
  }

  async cut(links: Link[], mode: CutMode): Promise<void> {
    await this.heal();
    const jump = mode === 'drop' ? '-j DROP' : '-p tcp -j REJECT --reject-with tcp-reset';
    const rules: string[] = [];
    for (const l of links) {
      rules.push(`-A ${this.chain} -s ${this.addr(l.from)} -d ${this.addr(l.to)} ${jump}`);
      // A cut link is cut for replies too: drop (or reset) what the destination sends back on that link.
      rules.push(`-A ${this.chain} -s ${this.addr(l.to)} -d ${this.addr(l.from)} ${jump}`);
    }
    // One transaction: every link of the partition is cut at the same instant (rule by rule, a
    // partition of a few dozen links took seconds on a loaded machine, half applied meanwhile).
    const r = await execa('iptables-restore', ['--noflush'], { input: `*filter\n${rules.join('\n')}\nCOMMIT\n`, reject: false });
    if (r.exitCode !== 0) throw new Error(`iptables-restore of ${rules.length} rules in ${this.chain} failed: ${String(r.stderr).trim()}`);
  }

  async degrade(links: Link[], how: Degradation): Promise<void> {
    if (how.latencyMs !== undefined || how.rateKBs !== undefined || how.resetPeer) {
      throw new Error('the iptables network backend supports packet loss only (no tc netem here); use --net toxiproxy for latency, bandwidth and reset-peer');
    }
    await this.heal();
    const p = how.loss ?? 0;
    for (const l of links) {
      await ipt(
        '-A',
        this.chain,
        '-s',
        this.addr(l.from),
        '-d',
        this.addr(l.to),
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        String(p),
        '-j',
        'DROP',
      );
    }
  }

  async heal(): Promise<void> {
    if (this.created) await ipt('-F', this.chain);
  }

  async teardown(): Promise<void> {
    await execa('iptables', ['-D', 'INPUT', '-j', this.chain], { reject: false });
    await execa('iptables', ['-F', this.chain], { reject: false });
    await execa('iptables', ['-X', this.chain], { reject: false });
    this.created = false;
  }

  async close(): Promise<void> {
    await this.teardown();
    this.unregister?.();
  }
}

async function ipt(...args: string[]): Promise<void> {
  const r = await execa('iptables', ['-w', ...args], { reject: false });
  if (r.exitCode !== 0) throw new Error(`iptables ${args.join(' ')} failed: ${String(r.stderr).trim()}`);
}

/** Nothing to cut: faults are process faults only. */
export class NoNetwork implements Network {
  readonly kind = 'none' as const;
  readonly capabilities: NetworkCapabilities = {
    pairPartitions: false,
    clientPartitions: false,
    oneWay: false,
    latency: false,
    packetLoss: false,
    bandwidth: false,
    resetPeer: false,
    linkChannels: false,
  };
  clientAddress(node: NodeHandle) {
    return { host: node.host, port: node.port };
  }
  async cut(): Promise<void> {
    throw new Error('this run has no network backend (--net none): partitions are not available');
  }
  async degrade(): Promise<void> {
    throw new Error('this run has no network backend (--net none): network degradation is not available');
  }
  async heal(): Promise<void> {}
  async close(): Promise<void> {}
}
