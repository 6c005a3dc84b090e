/**
 * Links this checkout's own commands (package.json "bin") into node_modules/.bin, as npm does for
 * dependencies. npx looks there first: without the links, the first `npx splitbrain …` after
 * `npm install` copies the checkout into npx's cache and builds it again (tens of seconds, silent).
 * Runs from `prepare`, after the build.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const binDir = join(root, 'node_modules', '.bin');
// Installed as a dependency of another project, npm links our bins itself.
if (!existsSync(join(root, 'node_modules'))) process.exit(0);
mkdirSync(binDir, { recursive: true });
for (const [name, file] of Object.entries(pkg.bin ?? {})) {
  const target = join(root, file);
  if (!existsSync(target)) continue;
  chmodSync(target, 0o755);
  const link = join(binDir, name);
  if (lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { force: true });
  symlinkSync(relative(binDir, target), link);
}
