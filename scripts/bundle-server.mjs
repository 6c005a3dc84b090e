/**
 * Bundles the server's executable (server/main.ts and everything it imports) into one file over
 * tsc's per-module output: loading ~160 ESM modules one by one (resolve, stat, read, compile, link
 * each) was most of a server process's start. The bundle, dist/server/main.bundle.cjs, is a
 * CommonJS function expression (no top-level await; import.meta.url is a parameter) that
 * dist/server/main.js (scripts/server-entry.mjs) compiles through vm.Script with a V8 code cache,
 * dist/server/main.bundle.cache, made here by a warm-up run (scripts/server-code-cache.mjs). npm
 * packages stay external (fengari is required lazily, only when a script runs). dist/server's other
 * modules stay as tsc emitted them, for the harness and tests that import them; the MIGRATE worker
 * thread is its own file there (dist/server/cluster/data/migrate-worker.js). Runs from `npm run
 * build`, after tsc.
 */
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const dist = new URL('../dist/server/', import.meta.url).pathname;
rmSync(`${dist}main.js.map`, { force: true });
rmSync(`${dist}main.bundle.cache`, { force: true });
await build({
  entryPoints: [new URL('../server/main.ts', import.meta.url).pathname],
  outfile: `${dist}main.bundle.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: '(function (exports, require, module, __filename, __dirname, __importMetaUrl) {' },
  footer: { js: '})' },
  logLevel: 'warning',
});
// One-byte source (scripts/server-entry.mjs reads it as latin1: no UTF-8 decoding, a one-byte string
// for V8). esbuild already escapes non-ASCII in strings and identifiers; what is left (comments) gets
// the same \u escapes, which would mean the same thing anywhere else too.
const bundle = `${dist}main.bundle.cjs`;
const text = readFileSync(bundle, 'utf8').replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
writeFileSync(bundle, text, 'latin1');
// package.json's bin: executable, also when the build rewrites it after npm linked it.
const entry = `${dist}main.js`;
copyFileSync(new URL('./server-entry.mjs', import.meta.url), entry);
chmodSync(entry, 0o755);
