import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { NoNetwork } from '../net/iptables-net.js';
import type { Network } from '../net/network.js';
import { queryRoles } from './roles.js';
import type { NodeHandle, NodeRole, ProcessControl, Target, TargetFacts, TopologySpec } from './target.js';

interface TopologyFile {
  nodes: {
    name: string;
    host: string;
    port: number;
    role?: 'primary' | 'replica';
    primary?: string;
    shard?: number;
    commands?: { kill?: string; pause?: string; resume?: string; restart?: string };
  }[];
}

type Action = 'kill' | 'pause' | 'resume' | 'restart';

/**
 * An existing deployment described in a JSON topology file: addresses, roles, and optional shell
 * commands for process faults. The harness starts and stops nothing; faults without a command are
 * refused before the run starts.
 */
export class ExternalTarget implements Target {
  readonly kind = 'external' as const;
  readonly network: Network = new NoNetwork();
  nodes: NodeHandle[] = [];
  processes: ProcessControl | null = null;

  constructor(
    private readonly file: string,
    readonly topology: TopologySpec,
  ) {}

  /** Reads and checks the topology file. */
  async start(): Promise<void> {
    this.nodes = ExternalTarget.load(this.file);
    const every = (a: Action, b: Action) => this.nodes.every((n) => n.commands?.[a] && n.commands?.[b]);
    if (every('kill', 'restart') || every('pause', 'resume'))
      this.processes = new CommandControl(this.nodes, every('kill', 'restart'), every('pause', 'resume'));
  }

  static load(path: string): NodeHandle[] {
    let data: TopologyFile;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as TopologyFile;
    } catch (err) {
      throw new Error(`cannot read topology file ${path}: ${(err as Error).message}`);
    }
    if (!Array.isArray(data.nodes) || data.nodes.length === 0) throw new Error(`${path}: "nodes" must be a non-empty array`);
    return data.nodes.map((n, i) => {
      if (typeof n.name !== 'string' || typeof n.host !== 'string' || !Number.isInteger(n.port)) {
        throw new Error(`${path}: node ${i} needs "name" (string), "host" (string) and "port" (integer)`);
      }
      return {
        name: n.name,
        host: n.host,
        port: n.port,
        role: n.role ?? (i === 0 ? 'primary' : 'replica'),
        shard: n.shard ?? 0,
        primary: n.primary,
        commands: n.commands,
      };
    });
  }

  roles(): Promise<Map<string, NodeRole | null>> {
    return queryRoles(this.nodes, this.network);
  }

  async settle(): Promise<void> {}

  facts(): TargetFacts {
    return { versions: { target: 'external' } };
  }

  async stop(): Promise<void> {}
}

/** Process faults through the topology file's shell commands (env: NODE, HOST, PORT). */
class CommandControl implements ProcessControl {
  private readonly killed = new Set<NodeHandle>();
  private readonly paused = new Set<NodeHandle>();

  constructor(
    private readonly nodes: readonly NodeHandle[],
    readonly canKill: boolean,
    readonly canPause: boolean,
  ) {}

  private async run(n: NodeHandle, what: Action): Promise<void> {
    const cmd = n.commands?.[what];
    if (!cmd) throw new Error(`node ${n.name} has no "${what}" command in the topology file`);
    const r = await execa(cmd, { shell: true, reject: false, env: { NODE: n.name, HOST: n.host, PORT: String(n.port) } });
    if (r.exitCode !== 0) throw new Error(`${what} command for ${n.name} failed (${r.exitCode}): ${String(r.stderr).trim()}`);
  }

  async kill(n: NodeHandle): Promise<void> {
    await this.run(n, 'kill');
    this.killed.add(n);
  }
  async restart(n: NodeHandle): Promise<void> {
    await this.run(n, 'restart');
    this.killed.delete(n);
  }
  async pause(n: NodeHandle): Promise<void> {
    await this.run(n, 'pause');
    this.paused.add(n);
  }
  async resume(n: NodeHandle): Promise<void> {
    await this.run(n, 'resume');
    this.paused.delete(n);
  }
  async recover(): Promise<void> {
    for (const n of this.nodes) {
      if (this.paused.has(n)) await this.resume(n);
      if (this.killed.has(n)) await this.restart(n);
    }
  }
}
