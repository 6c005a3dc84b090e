#!/usr/bin/env node
import path from 'node:path';
import { AclStartupError } from './acl/acl.js';
import { UserDirectives } from './acl/directives.js';
import { buildCommandTable } from './commands/index.js';
import { FatalConfigError, loadConfig } from './config/load.js';
import { isSentinelMode, startSentinelFromArgs } from './sentinel/start.js';
import { startServer } from './start.js';
import { REDIS_VERSION, SPLITBRAIN_VERSION } from './version.js';

const USAGE = `Usage: ./splitbrain-server [/path/to/redis.conf] [options] [-]
       ./splitbrain-server - (read config from stdin)
       ./splitbrain-server -v or --version
       ./splitbrain-server -h or --help

Examples:
       ./splitbrain-server (run the server with default conf)
       ./splitbrain-server /etc/redis/6379.conf
       ./splitbrain-server --port 7777
       ./splitbrain-server --port 7777 --replicaof 127.0.0.1 8888
       ./splitbrain-server /etc/myredis.conf --loglevel verbose -

Sentinel mode:
       ./splitbrain-server /etc/sentinel.conf --sentinel
`;

const args = process.argv.slice(2);
if (args[0] === '-v' || args[0] === '--version') {
  process.stdout.write(`Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=splitbrain-${SPLITBRAIN_VERSION}\n`);
  process.exit(0);
}
if (args[0] === '-h' || args[0] === '--help') {
  process.stdout.write(USAGE);
  process.exit(0);
}

/** No top-level await: the bundle is a CommonJS script (see scripts/bundle-server.mjs). */
async function main(): Promise<void> {
  try {
    if (isSentinelMode(path.basename(process.argv[1] ?? ''), args)) {
      await startSentinelFromArgs(args);
    } else {
      const users = new UserDirectives(buildCommandTable());
      const config = loadConfig(args, undefined, {
        directives: { user: (a) => (a.length === 0 ? 'Bad directive or wrong number of arguments' : users.add(['user', ...a])) },
      });
      await startServer(config, { handleSignals: true, users: users.staged });
    }
  } catch (err) {
    if (err instanceof AclStartupError) process.exit(1); // already logged as Redis does
    if (err instanceof FatalConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    process.stderr.write(`# ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
