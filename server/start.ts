import { AclStartupError } from './acl/acl.js';
import { buildCommandTable } from './commands/index.js';
import type { Config } from './config/config.js';
import { SHUTDOWN_FLAG } from './config/special.js';
import { installers } from './modules.js';
import { Server } from './server.js';
import { prepareForShutdown, shutdownInitiated } from './shutdown.js';
import { REDIS_VERSION, SPLITBRAIN_VERSION } from './version.js';

export interface StartOptions {
  /** Install SIGTERM/SIGINT handlers that shut down like Redis (the executable does; embedded use doesn't). */
  handleSignals?: boolean;
  /** The config file's `user` lines ([name, ...rules], see acl/directives.ts). */
  users?: string[][];
}

/** Create, wire up and start a server: the single entry point for the executable and tests. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<Server> {
  const server = new Server(config, buildCommandTable());
  const log = server.log;
  log.notice('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  log.notice(
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started (splitbrain-server ${SPLITBRAIN_VERSION})`,
  );
  log.notice(
    config.file
      ? 'Configuration loaded'
      : 'Warning: no config file specified, using the default config. In order to specify a config file use splitbrain-server /path/to/redis.conf',
  );
  try {
    server.acl.loadAtStartup(opts.users ?? []);
  } catch (err) {
    if (!(err instanceof AclStartupError)) throw err;
    log.warning(err.message);
    if (err.critical) log.warning('Critical error while loading ACLs. Exiting.');
    throw err;
  }
  for (const install of installers) await install(server);
  await server.listen();
  log.notice(`Running mode=${server.config.clusterEnabled ? 'cluster' : 'standalone'}, port=${server.boundPort}.`);
  log.notice('Server initialized');
  log.notice('Ready to accept connections tcp');
  if (opts.handleSignals) {
    const onSignal = (sig: 'SIGTERM' | 'SIGINT') => {
      // A second SIGINT (Ctrl+C again): exit at once, neither saving nor waiting for replicas.
      if (server.shutdownAsap && sig === 'SIGINT') {
        log.warning('You insist... exiting now.');
        process.exit(1);
      }
      log.warning(`Received ${sig} scheduling shutdown...`);
      server.shutdownAsap = true;
      // A shutdown already waiting for replicas (SHUTDOWN) goes on as it is.
      if (shutdownInitiated(server)) return;
      // shutdown-on-sigterm / -sigint: the SHUTDOWN flags the signal stands for.
      const f = sig === 'SIGTERM' ? server.config.shutdownOnSigterm : server.config.shutdownOnSigint;
      prepareForShutdown(server, {
        save: f & SHUTDOWN_FLAG.save ? true : f & SHUTDOWN_FLAG.nosave ? false : null,
        now: (f & SHUTDOWN_FLAG.now) !== 0,
        force: (f & SHUTDOWN_FLAG.force) !== 0,
      });
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  }
  return server;
}
