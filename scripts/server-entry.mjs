#!/usr/bin/env node
/**
 * splitbrain-server's executable (copied to dist/server/main.js by scripts/bundle-server.mjs).
 * It runs the bundled server (main.bundle.cjs, one function expression) through V8 with the code
 * cache made at build time (main.bundle.cache): a start then deserializes the compiled bytecode of
 * everything a start and a cluster bootstrap run, instead of parsing and compiling ≈1 MB of source.
 * A missing or rejected cache (another Node version or V8 flags) costs nothing but that time.
 * SPLITBRAIN_WRITE_CODE_CACHE=1 writes the cache at exit (the build's warm-up run does).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const dir = path.dirname(fileURLToPath(import.meta.url));
const file = path.join(dir, 'main.bundle.cjs');
const cacheFile = path.join(dir, 'main.bundle.cache');
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // No cache: compile from source.
}
// The build made the bundle ASCII: read as latin1, it is a one-byte string without UTF-8 decoding.
const script = new vm.Script(fs.readFileSync(file, 'latin1'), { filename: file, cachedData });
if (process.env.SPLITBRAIN_WRITE_CODE_CACHE === '1') {
  process.on('exit', () => {
    const tmp = `${cacheFile}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
  });
}
const module = { exports: {} };
// The bundle's import.meta.url is this file's: it resolves the MIGRATE worker and fengari from here.
script.runInThisContext()(module.exports, createRequire(file), module, file, dir, import.meta.url);
