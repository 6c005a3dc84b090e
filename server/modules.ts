import { installCluster } from './cluster/shell/install.js';
import { installServerAdmin } from './commands/serverinfo.js';
import { installPersistence } from './persistence/index.js';
import { installReplication } from './replication/index.js';
import type { Server } from './server.js';

/**
 * Layers that attach to a server at start (eviction, replication, persistence, cluster ...).
 * Each installs its hooks on `server.hooks` and its sinks on `server.sinks`.
 */
export type Installer = (server: Server) => void | Promise<void>;

export const installers: Installer[] = [installServerAdmin, installPersistence, installReplication, installCluster];
