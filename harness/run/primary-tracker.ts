/**
 * Who is the primary of a replicated group now, as a failover manager (Sentinel, an operator) knows
 * it — the harness plays that part for the replicated topology. The harness's own promotions update
 * it; before each fault it is re-read from `Target.roles()` (the one node reporting the primary
 * role); `*-primary` faults are aimed at it, clients follow it, and a node restarted after a kill is
 * re-pointed at it (REPLICAOF), as Sentinel reconfigures a returning node — so one run goes through
 * many failovers instead of one.
 */
import type { PrimaryView } from '../nemesis/faults/fault.js';
import type { NodeHandle, Target } from '../targets/target.js';
import { sleep } from '../util/sleep.js';
import { nodeCommand } from './clients.js';

export class PrimaryTracker implements PrimaryView {
  constructor(
    private now: string,
    private readonly target: Pick<Target, 'nodes' | 'roles'>,
  ) {}

  get current(): string {
    return this.now;
  }

  promoted(name: string): void {
    this.now = name;
  }

  /**
   * The primary by ROLE: the only node reporting the primary role. When none or several do (a node
   * restarting, a heal in progress) the manager keeps the one it knows.
   */
  async refresh(): Promise<string> {
    const roles = await this.target.roles();
    const primaries = [...roles].filter(([, r]) => r === 'primary').map(([n]) => n);
    if (primaries.length === 1) this.now = primaries[0]!;
    return this.now;
  }

  async awaitHandover(from: string, timeoutMs = 5000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const roles = await this.target.roles();
      const primaries = [...roles].filter(([, r]) => r === 'primary').map(([n]) => n);
      if (primaries.length === 1 && primaries[0] !== from) {
        this.now = primaries[0]!;
        return this.now;
      }
      await sleep(100);
    }
    return null;
  }

  /** Re-points `nodes` whose role disagrees with the manager's view; returns what it changed (`n2→n1`, `n1 primary`). */
  async rejoin(nodes: readonly NodeHandle[]): Promise<string[]> {
    const p = this.target.nodes.find((n) => n.name === this.now);
    if (!p) return [];
    const changed: string[] = [];
    for (const n of nodes) {
      // A node still loading its data refuses commands for a moment: retry.
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          const role = (await nodeCommand(n, ['ROLE'])) as unknown[];
          if (n === p) {
            if (role[0] !== 'master') {
              await nodeCommand(n, ['REPLICAOF', 'NO', 'ONE']);
              changed.push(`${n.name} primary`);
            }
          } else if (role[0] !== 'slave' || String(role[1]) !== p.host || Number(role[2]) !== p.port) {
            await nodeCommand(n, ['REPLICAOF', p.host, String(p.port)]);
            changed.push(`${n.name}→${p.name}`);
          }
          break;
        } catch {
          await sleep(100);
        }
      }
    }
    return changed;
  }
}
