/**
 * What a new user runs first: `npm install` then `npx splitbrain …` (README), and the README's
 * test command on a fresh Debian machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

describe('a fresh checkout', () => {
  it('npm install links our own commands into node_modules/.bin, so npx runs the build instead of re-installing the checkout', () => {
    expect(pkg.scripts.prepare).toMatch(/npm run build && node scripts\/link-bins\.mjs/);
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'link-bins.mjs')]);
    for (const [name, file] of Object.entries(pkg.bin)) {
      const link = join(ROOT, 'node_modules', '.bin', name);
      expect(resolve(dirname(link), readlinkSync(link))).toBe(join(ROOT, file));
    }
    expect(execFileSync(join(ROOT, 'node_modules', '.bin', 'splitbrain'), ['--version'], { encoding: 'utf8' }).trim()).toBe('0.1.0');
  });

  it("the README's test command is .ci/run, which installs every tool the tests start", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('##', readme.indexOf('## Quick start') + 3));
    expect(quick).toMatch(/^\.ci\/run\s/m);
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    for (const p of ['redis-server', 'redis-tools', 'redis-sentinel', 'iptables', 'chromium']) expect(ci).toContain(p);
    expect(ci).toMatch(/^npm test$/m);
  });
});
