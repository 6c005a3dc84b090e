/**
 * Bundles the `splitbrain` CLI's command line — harness/cli/main.ts, the declarations in
 * harness/cli/program/ and what they import statically (commander, cli/options, cli/usage,
 * run/scenario's defaults; the dependency rule cli-declarations-stay-light keeps that list short) —
 * into dist/harness/cli/main.js, over tsc's output: a call then reads one file instead of resolving
 * and linking two dozen modules (eight of them commander's) before it knows what to do. Every
 * `import()` (the actions' implementations, the registries that help texts list) stays a dynamic
 * import of tsc's own output, its path rewritten to be relative to the bundle, so an action loads
 * what it runs as before.
 *
 * The bundle has its own copies of the modules it inlines: they hold no state and no class that an
 * implementation checks with instanceof against the bundle's copy (usage.ts's UsageError is thrown
 * and caught inside commands/run.ts). Runs from `npm run build`, after tsc.
 */
import { chmodSync, existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const outfile = `${root}/dist/harness/cli/main.js`;

/** `import()`s stay imports of tsc's output (dist/…/x.js), relative to the bundle. */
const dynamicImportsOfDist = {
  name: 'dynamic-imports-of-dist',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const source = resolve(args.resolveDir, args.path);
      if (!source.startsWith(`${root}/`)) return { errors: [{ text: `import() of ${args.path}: outside the repository` }] };
      const target = `${root}/dist/${relative(root, source)}`;
      if (!existsSync(target)) return { errors: [{ text: `import() of ${args.path}: ${target} was not built (run tsc first)` }] };
      const path = relative(dirname(outfile), target);
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
};

await build({
  entryPoints: [`${root}/harness/cli/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // commander is CommonJS: its require() of Node's modules needs a require in an ES module.
  banner: { js: "import { createRequire as __splitbrainCreateRequire } from 'node:module';\nconst require = __splitbrainCreateRequire(import.meta.url);" },
  plugins: [dynamicImportsOfDist],
  logLevel: 'warning',
});
// package.json's bin: executable, also when the build rewrites it after npm linked it.
chmodSync(outfile, 0o755);
