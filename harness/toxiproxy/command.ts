/** `splitbrain toxiproxy --host 127.0.0.1 --port 8474 [--seed N] [--config file]`. */
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { startToxiproxyServer } from './server.js';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}]`);
    }
    return n;
  };
}

export function toxiproxyCommand(): Command {
  return new Command('toxiproxy')
    .description('run the Toxiproxy-compatible fault proxy (HTTP API as Toxiproxy 2.x)')
    .option('--host <host>', 'address for the HTTP API', '127.0.0.1')
    .option('--port <port>', 'port for the HTTP API', integer('port', 0, 65535), 8474)
    .option('--seed <n>', 'seed for jitter, toxicity and slicer randomness', integer('seed', 0, Number.MAX_SAFE_INTEGER))
    .option('--config <file>', 'JSON file of proxies to create at start (as POST /populate)')
    .action(async (opts: { host: string; port: number; seed?: number; config?: string }) => {
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
