import dns from 'node:dns';
import fs from 'node:fs';
import { buildCommandTable } from '../commands/index.js';
import type { Config } from '../config/config.js';
import { FatalConfigError, loadConfig } from '../config/load.js';
import { Server } from '../server.js';
import { REDIS_VERSION, SPLITBRAIN_VERSION } from '../version.js';
import { SentinelBrain } from './brain.js';
import { installSentinelCommands, sentinelInfoLines, setExecutableCheck } from './commands.js';
import { applyDirective, orderDirectives, type QueuedDirective } from './directives.js';
import { SentinelShell } from './shell.js';

/**
 * Sentinel mode of splitbrain-server (`splitbrain-server sentinel.conf --sentinel`, or the
 * `splitbrain-sentinel` executable): the server with Redis's sentinel command table, a
 * SentinelBrain applying the `sentinel ...` config lines, and its I/O shell.
 */

export function isSentinelMode(executable: string, args: string[]): boolean {
  return executable.includes('splitbrain-sentinel') || executable.includes('redis-sentinel') || args.includes('--sentinel');
}

/** Defaults sentinel mode overrides (initSentinelConfig): its own port, and no protected mode. */
const SENTINEL_DEFAULTS = { port: '26379', 'protected-mode': 'no' };

export interface SentinelStartOptions {
  handleSignals?: boolean;
  /** Seeded randomness for tests; Math.random by default. */
  rng?: () => number;
}

export async function startSentinelFromArgs(args: string[]): Promise<void> {
  const queue: QueuedDirective[] = [];
  const config = loadConfig(args, undefined, {
    defaults: SENTINEL_DEFAULTS,
    directives: {
      sentinel: (argv, lineNo, line) => queue.push({ argv, lineNo, line }),
      // ACL users are not supported; the default user line our own rewrite writes is accepted.
      user: () => {},
    },
  });
  await startSentinel(config, queue, { handleSignals: true });
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A synchronous view of asynchronous DNS: the last answer for a name (looked up again in the background). */
function dnsCache(): (host: string) => string | null {
  const cache = new Map<string, string | null>();
  return (host) => {
    dns.lookup(host, { family: 0 }, (err, address) => cache.set(host, err ? null : address));
    return cache.get(host) ?? null;
  };
}

export async function startSentinel(
  config: Config,
  directives: QueuedDirective[],
  opts: SentinelStartOptions = {},
): Promise<{ server: Server; shell: SentinelShell }> {
  // The full table, then trimmed to what sentinel mode allows (installSentinelCommands).
  const server = new Server(config, buildCommandTable());
  const log = server.log;
  log.role = 'X';
  server.sentinelMode = true;
  const file = config.file;
  if (!file) {
    log.warning('Sentinel needs config file on disk to save state. Exiting...');
    throw new FatalConfigError('');
  }
  try {
    fs.accessSync(file, fs.constants.W_OK);
  } catch (err) {
    log.warning(`Sentinel config file ${file} is not writable: ${(err as Error).message}. Exiting...`);
    throw new FatalConfigError('');
  }
  const brain = new SentinelBrain(
    { rng: opts.rng ?? Math.random, port: config.values.port, requirepass: () => config.values.requirepass, resolve: dnsCache() },
    Date.now(),
  );
  setExecutableCheck(isExecutable);
  for (const d of orderDirectives(directives)) {
    const err = applyDirective(brain, d.argv, { isExecutable });
    if (err !== null) {
      throw new FatalConfigError(
        `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\nReading the configuration file, at line ${d.lineNo}\n>>> '${d.line}'\n${err}`,
      );
    }
  }
  brain.drain(); // warnings of unresolvable names while loading are not replayed
  log.warning('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  log.warning(
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started (splitbrain-server ${SPLITBRAIN_VERSION})`,
  );
  log.warning('Configuration loaded');
  installSentinelCommands(server);
  server.infoSections.set('sentinel', () => sentinelInfoLines(brain, Date.now()));
  await server.listen();
  brain.opts.port = server.boundPort;
  log.notice(`Running mode=sentinel, port=${server.boundPort}.`);
  const shell = new SentinelShell(server, brain, file);
  server.hooks.beforeShutdown.push(() => shell.stop());
  brain.isRunning(Date.now());
  shell.flush();
  shell.start();
  if (opts.handleSignals) {
    const onSignal = (sig: string): void => {
      log.warning(`Received ${sig} scheduling shutdown...`);
      void (async () => {
        log.warning('User requested shutdown...');
        await server.close();
        log.warning('Sentinel is now ready to exit, bye bye...');
        process.exit(0);
      })();
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  }
  return { server, shell };
}
