import { fileURLToPath } from 'node:url';

/** The Debian reference binaries (apt-get install -y redis-server redis-tools). */
export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_CLI = '/usr/bin/redis-cli';
export const REDIS_SENTINEL = '/usr/bin/redis-sentinel';
/** Our server's entry point in the build (also when the harness itself runs from sources, e.g. in tests). */
export const SPLITBRAIN_SERVER = fileURLToPath(
  import.meta.url.endsWith('.ts') ? new URL('../../dist/server/main.js', import.meta.url) : new URL('../../server/main.js', import.meta.url),
);
