import type { CommandSpec } from './table.js';
import { connectionCommands } from './connection.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { hashCommands } from './hashes.js';
import { listCommands } from './lists.js';
import { setCommands } from './sets.js';
import { zsetCommands } from './zsets.js';
import { serverCommands } from './serverinfo.js';
import { transactionCommands } from './transactions.js';
import { pubsubCommands } from './pubsub.js';
import { replicationCommands } from './replication.js';
import { persistenceCommands } from './persistence.js';

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
    ...serverCommands,
    ...transactionCommands,
    ...pubsubCommands,
    ...replicationCommands,
    ...persistenceCommands,
  ];
}
