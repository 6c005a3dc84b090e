/**
 * Bundles the server's executable (server/main.ts and everything it imports) into one file,
 * dist/server/main.js, over tsc's per-module output: loading ~160 ESM modules one by one (resolve,
 * stat, read, compile, link each) was most of a server process's start. npm packages stay external
 * (fengari is required lazily, only when a script runs). dist/server's other modules stay as tsc
 * emitted them, for the harness and tests that import them; the MIGRATE worker thread is its own
 * file there (dist/server/cluster/data/migrate-worker.js). Runs from `npm run build`, after tsc.
 */
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

const outfile = new URL('../dist/server/main.js', import.meta.url).pathname;
await build({
  entryPoints: [new URL('../server/main.ts', import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// package.json's bin: executable, also when the build rewrites it after npm linked it.
chmodSync(outfile, 0o755);
