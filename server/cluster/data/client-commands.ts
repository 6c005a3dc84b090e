import type { Client } from '../../client.js';
import { restoreCmd } from '../../commands/persistence.js';
import { type CommandSpec, cmd } from '../../commands/table.js';
import { migrateCommand, migrateGetKeys } from './migrate.js';

/** ASKING, READONLY, READWRITE, MIGRATE, RESTORE-ASKING (Redis's cluster.c client commands). */

const DISABLED = 'This instance has cluster support disabled';

let askingToken = 0;

function asking(c: Client): void {
  if (!c.server.config.clusterEnabled) return c.addReplyError(DISABLED);
  c.asking = ++askingToken;
  c.addReplyOk();
}

function readonly(c: Client): void {
  if (!c.server.config.clusterEnabled) return c.addReplyError(DISABLED);
  c.readonlyReads = true;
  c.addReplyOk();
}

function readwrite(c: Client): void {
  if (!c.server.config.clusterEnabled) return c.addReplyError(DISABLED);
  c.readonlyReads = false;
  c.addReplyOk();
}

export const clusterClientCommands: CommandSpec[] = [
  cmd('asking', 1, ['fast'], [0, 0, 0], 'cluster', 'Sent by cluster clients after an -ASK redirect', asking, { since: '3.0.0', acl: ['fast', 'connection'] }),
  cmd('readonly', 1, ['fast', 'loading', 'stale'], [0, 0, 0], 'cluster', 'Enables read queries for a connection to a cluster replica node', readonly, {
    since: '3.0.0',
    acl: ['fast', 'connection'],
  }),
  cmd('readwrite', 1, ['fast', 'loading', 'stale'], [0, 0, 0], 'cluster', 'Disables read queries for a connection to a cluster replica node', readwrite, {
    since: '3.0.0',
    acl: ['fast', 'connection'],
  }),
  cmd('migrate', -6, ['write', 'movablekeys'], [3, 3, 1], 'generic', 'Atomically transfer a key from a Redis instance to another one.', migrateCommand, {
    since: '2.6.0',
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    hint: 'host port key| destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] [KEYS key [key ...]]',
    getKeys: migrateGetKeys,
  }),
  cmd('restore-asking', -4, ['write', 'denyoom', 'asking'], [1, 1, 1], 'server', 'An internal command for migrating keys in a cluster', restoreCmd, {
    since: '3.0.0',
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    hint: 'key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]',
  }),
];
