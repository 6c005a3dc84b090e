import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { NoNetwork } from '../net/iptables-net.js';
import type { Network } from '../net/network.js';
import type { NodeHandle, ProcessFaults } from './target.js';

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

/**
 * An existing deployment described in a JSON topology file: addresses, roles, and optional shell
 * commands for process faults. The harness starts and stops nothing; faults without a command are
 * refused before the run starts.
 */
export class ExternalTarget implements ProcessFaults {
  readonly network: Network = new NoNetwork();
  processFaults: boolean;

  private constructor(public readonly nodes: NodeHandle[]) {
    this.processFaults = nodes.every((n) => n.commands?.kill && n.commands?.restart);
  }

  static async load(path: string): Promise<ExternalTarget> {
    let data: TopologyFile;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as TopologyFile;
    } catch (err) {
      throw new Error(`cannot read topology file ${path}: ${(err as Error).message}`);
    }
    if (!Array.isArray(data.nodes) || data.nodes.length === 0) throw new Error(`${path}: "nodes" must be a non-empty array`);
    const nodes: NodeHandle[] = data.nodes.map((n, i) => {
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
    return new ExternalTarget(nodes);
  }

  private async run(n: NodeHandle, what: 'kill' | 'pause' | 'resume' | 'restart'): Promise<void> {
    const cmd = n.commands?.[what];
    if (!cmd) throw new Error(`node ${n.name} has no "${what}" command in the topology file`);
    const r = await execa(cmd, { shell: true, reject: false, env: { NODE: n.name, HOST: n.host, PORT: String(n.port) } });
    if (r.exitCode !== 0) throw new Error(`${what} command for ${n.name} failed (${r.exitCode}): ${String(r.stderr).trim()}`);
  }

  kill = (n: NodeHandle) => this.run(n, 'kill');
  restart = (n: NodeHandle) => this.run(n, 'restart');
  pause = (n: NodeHandle) => this.run(n, 'pause');
  resume = (n: NodeHandle) => this.run(n, 'resume');

  async stop(): Promise<void> {}
}
