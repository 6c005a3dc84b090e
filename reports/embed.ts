/**
 * Inlining for self-contained pages: data goes into `<script type="application/json">` with every
 * `<` escaped (so no value can close the script element or open a comment), is read back with
 * JSON.parse and rendered with textContent only. Assets (our compiled client scripts, stylesheets,
 * uPlot) are read from disk at generation time: no CDN, the pages open offline from file://.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** JSON safe inside a script element: `<` → \u003c, and the JS line separators escaped too. */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const here = dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, string>();

/** reports/assets/<name>, from the sources (vitest) or from dist/reports (the built CLI). */
export function asset(name: string): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const candidates = [join(here, 'assets', name), join(here, '..', '..', 'reports', 'assets', name)];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`report asset ${name} not found (looked in ${candidates.join(', ')})`);
  const text = readFileSync(file, 'utf8');
  cache.set(name, text);
  return text;
}

/**
 * A page script compiled from reports/assets/<name>.ts by the build (reports/build-assets.mjs):
 * dist/reports/assets/<name>.js, next to this module in the build, or under dist/ when running from
 * the sources (vitest after `npm run build`). A build older than its source is refused, not served.
 */
export function pageScript(name: 'report' | 'index' | 'cycles'): string {
  const key = `\u0000script:${name}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const fromSources = import.meta.url.endsWith('.ts');
  const file = fromSources ? join(here, '..', 'dist', 'reports', 'assets', `${name}.js`) : join(here, 'assets', `${name}.js`);
  if (!existsSync(file)) throw new Error(`report script ${file} not found: run npm run build`);
  if (fromSources && statSync(join(here, 'assets', `${name}.ts`)).mtimeMs > statSync(file).mtimeMs)
    throw new Error(`report script ${file} is older than reports/assets/${name}.ts: run npm run build`);
  const text = readFileSync(file, 'utf8');
  cache.set(key, text);
  return text;
}

/** uPlot's minified build and stylesheet, from node_modules. */
export function uplotAssets(): { js: string; css: string } {
  const key = '\u0000uplot';
  const hit = cache.get(key);
  if (hit !== undefined) return JSON.parse(hit) as { js: string; css: string };
  const req = createRequire(import.meta.url);
  const pkgDir = dirname(req.resolve('uplot/package.json'));
  const out = { js: readFileSync(join(pkgDir, 'dist', 'uPlot.iife.min.js'), 'utf8'), css: readFileSync(join(pkgDir, 'dist', 'uPlot.min.css'), 'utf8') };
  cache.set(key, JSON.stringify(out));
  return out;
}

/** Inline script text: `</script` can only appear inside our own assets' strings; break it anyway. */
export function inlineScript(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}
