/** Resharding under load: slots moved between two primaries with redis-cli --cluster reshard. An instant event. */
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { UnsupportedFault } from '../../net/network.js';
import { nodeCommand } from '../../run/clients.js';
import { REDIS_CLI } from '../../targets/binaries.js';
import { byName, type FaultValue, type InstantFamily, primaries, valueSchema } from './fault.js';

export interface MigrateSlotsSpec {
  f: 'migrate-slots';
  /** `slots` move from nodes[0] to nodes[1]. */
  value: FaultValue & { kind: 'migrate-slots'; slots: number };
}

declare module './fault.js' {
  interface FaultSpecs {
    'migrate-slots': MigrateSlotsSpec;
  }
}

export const migrateSlots: InstantFamily<MigrateSlotsSpec> = {
  f: 'migrate-slots',
  instant: true,
  valueSchema: valueSchema(['migrate-slots'], { slots: { type: 'integer', minimum: 1 } }),
  nemeses: {
    'migrate-slots': (rng, ctx) => {
      const [from, to] = rng.shuffle(primaries(ctx));
      return { f: 'migrate-slots', value: { kind: 'migrate-slots', nodes: [from!.name, (to ?? from)!.name], slots: 20 + rng.int(80) } };
    },
  },
  check() {
    if (!existsSync(REDIS_CLI)) throw new UnsupportedFault(`migrate-slots uses redis-cli --cluster reshard: apt-get install -y redis-tools`);
  },
  async start({ value }, ctx) {
    const [from, to] = byName(ctx.nodes, value.nodes);
    if (!from || !to || from === to) return { ...value, error: 'needs two primaries' };
    const fromId = String(await nodeCommand(from, ['CLUSTER', 'MYID']));
    const toId = String(await nodeCommand(to, ['CLUSTER', 'MYID']));
    const r = await execa(
      REDIS_CLI,
      [
        '--cluster',
        'reshard',
        `${from.host}:${from.port}`,
        '--cluster-from',
        fromId,
        '--cluster-to',
        toId,
        '--cluster-slots',
        String(value.slots),
        '--cluster-yes',
      ],
      { reject: false, timeout: 120_000 },
    );
    if (r.exitCode === 0) return { ...value, exitCode: r.exitCode };
    const error = String(r.stderr || r.stdout)
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ');
    return { ...value, exitCode: r.exitCode, error };
  },
};
