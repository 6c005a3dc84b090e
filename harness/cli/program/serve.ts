/** `splitbrain serve`'s command line; the server (commands/serve.ts) is imported when it starts. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { integer } from '../options.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the run store over HTTP (index of all runs, reports, histories)')
    .option('--port <p>', 'port', integer(1, 65535), 8080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--store <dir>', 'the store directory', 'store')
    .action(async (o: { port: number; host: string; store: string }) => {
      if (!existsSync(o.store)) {
        process.stderr.write(`splitbrain serve: ${o.store} does not exist\n`);
        process.exitCode = 3;
        return;
      }
      const { startServer } = await import('../commands/serve.js');
      await startServer(o);
      process.stderr.write(`splitbrain: serving ${resolve(o.store)} at http://${o.host}:${o.port}/ (Ctrl-C to stop)\n`);
    });
}
