/** `splitbrain toxiproxy --host 127.0.0.1 --port 8474 [--seed N] [--config file]`. */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { integer } from '../cli/options.js';

export function toxiproxyCommand(): Command {
  return new Command('toxiproxy')
    .description('run the Toxiproxy-compatible fault proxy (HTTP API as Toxiproxy 2.x)')
    .option('--host <host>', 'address for the HTTP API', '127.0.0.1')
    .option('--port <port>', 'port for the HTTP API', integer(0, 65535), 8474)
    .option('--seed <n>', 'seed for jitter, toxicity and slicer randomness', integer(0))
    .option('--config <file>', 'JSON file of proxies to create at start (as POST /populate)')
    .action(async (opts: { host: string; port: number; seed?: number; config?: string }) => {
      const { startToxiproxyServer } = await import('./server.js');
      const server = await startToxiproxyServer({ host: opts.host, port: opts.port, seed: opts.seed });
      if (opts.config) {
        const res = await fetch(`${server.url}/populate`, { method: 'POST', body: await readFile(opts.config, 'utf8') });
        const text = await res.text();
        if (!res.ok) {
          await server.close();
          throw new Error(`populating from ${opts.config} failed: ${text.trim()}`);
        }
      }
      process.stdout.write(`toxiproxy API listening on ${server.url} (seed ${server.seed})\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
    });
}
