import type { Server } from './server.js';

/**
 * Redis's serverPanic: log the "Guru Meditation" lines and die by SIGABRT, as redis-server does
 * (its crash report is not reproduced). For conditions Redis treats as fatal by configuration:
 * propagation-error-behavior panic, a replica that cannot write to disk.
 */
export function serverPanic(server: Server, msg: string): never {
  server.log.warning('------------------------------------------------');
  server.log.warning('!!! Software Failure. Press left mouse button to continue');
  server.log.warning(`Guru Meditation: ${msg}`);
  process.abort();
}
