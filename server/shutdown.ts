import type { Server } from './server.js';

/** The flags of a SHUTDOWN in progress (read by the persistence layer's beforeShutdown). */
export interface ShutdownRequest {
  /** true: SAVE, false: NOSAVE, null: as configured. */
  save: boolean | null;
  now: boolean;
  force: boolean;
}

/** Shut down as Redis does: log, run the shutdown hooks (final save), close, exit. */
export async function shutdown(server: Server, code: number): Promise<void> {
  if (server.shuttingDown) return;
  server.log.warning('User requested shutdown...');
  try {
    await server.close();
  } finally {
    server.log.warning('Redis is now ready to exit, bye bye...');
    process.exit(code);
  }
}
