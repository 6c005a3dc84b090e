import { installCluster } from './cluster/shell/install.js';
import { installPersistence } from './persistence/index.js';
import { installReplication } from './replication/index.js';
import { installScripting } from './scripting/install.js';
import type { Server } from './server.js';
import { installSlowlog } from './slowlog.js';
import { installEviction } from './store/evict.js';
import { installTls } from './tls/index.js';
import { installTracking } from './tracking.js';

/**
 * Layers that attach to a server at start (eviction, slow log, persistence, replication, TLS,
 * cluster ...). Each adds to the lists of `server.hooks` and to `server.sinks`; none wraps
 * another, so the order here only orders independent listeners.
 */
export type Installer = (server: Server) => void | Promise<void>;

export const installers: Installer[] = [
  installEviction,
  installSlowlog,
  installPersistence,
  installReplication,
  installCluster,
  installTracking,
  installScripting,
  installTls,
];
