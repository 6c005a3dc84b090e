import { clusterClientCommands } from '../cluster/data/client-commands.js';
import { clusterCommand } from '../cluster/data/cluster-command.js';
import { aclCommands } from './acl.js';
import { connectionCommands } from './connection.js';
import { hashCommands } from './hashes.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { replicationCommands } from './replication.js';
import { scriptingCommands } from './scripting.js';
import { serverCommands } from './serverinfo.js';
import { setCommands } from './sets.js';
import { streamCommands } from './streams.js';
import { stringCommands } from './strings.js';
import type { CommandSpec } from './table.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zsets.js';

/** The one command table: every family contributes its specs. */
export function buildCommandTable(): CommandSpec[] {
  return [
    ...connectionCommands,
    ...stringCommands,
    ...keyCommands,
    ...hashCommands,
    ...listCommands,
    ...setCommands,
    ...zsetCommands,
    ...streamCommands,
    ...scriptingCommands,
    ...serverCommands,
    ...transactionCommands,
    ...pubsubCommands,
    ...replicationCommands,
    ...persistenceCommands,
    ...aclCommands,
    ...clusterClientCommands,
    clusterCommand,
  ];
}
