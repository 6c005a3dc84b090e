/**
 * The command line is checked before anything starts: usage errors exit 64 (never a verdict's
 * 0/1/2 or a failed run's 3), numbers are bounded, the whole scenario is validated, and a refused
 * run leaves no run directory and does not move `store/latest`.
 */
import { existsSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitbrain, tempStore } from '../support/cli.js';

/** A store whose `latest` points at an earlier run, to see that a refused run leaves it alone. */
function storeWithLatest(): string {
  const store = tempStore();
  mkdirSync(join(store, 'earlier', '20260101T000000Z'), { recursive: true });
  symlinkSync(join('earlier', '20260101T000000Z'), join(store, 'latest'));
  return store;
}

function untouched(store: string): void {
  expect(readdirSync(store).sort()).toEqual(['earlier', 'latest']);
  expect(readlinkSync(join(store, 'latest'))).toBe(join('earlier', '20260101T000000Z'));
}

describe('usage errors exit 64', () => {
  it('in every subcommand, for unknown flags, missing arguments and bad values', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['run', '--bogus-flag'], /unknown option '--bogus-flag'/],
      [['run', '--time-limit', '0'], /--time-limit <s>.*must be an integer in \[1, 604800\]/],
      [['check'], /missing required argument 'path'/],
      [['gate', '--baseline', 'a'], /required option '--current <paths...>' not specified/],
      [['serve', '--port', '70000'], /must be an integer in \[1, 65535\]/],
      [['suite'], /missing required argument/],
      [['bogus-command'], /unknown command 'bogus-command'/],
    ];
    const results = await Promise.all(cases.map(([args]) => splitbrain(args)));
    cases.forEach(([args, msg], i) => {
      const r = results[i]!;
      expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(64);
      expect(r.all).toMatch(msg);
    });
  });

  it('bounds numeric flags', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['run', '--time-limit', '99999999999999999999'], /--time-limit <s>.*must be an integer in \[1, 604800\]/],
      [['run', '--seed', '4294967296'], /--seed <n>.*must be an integer in \[0, 4294967295\]/],
      [['run', '--concurrency', '100000'], /--concurrency <n>.*must be an integer in \[1, 1000\]/],
      [['run', '--interval', '1e300'], /--interval <s>.*no larger than 604800/],
      [['run', '--op-timeout', '1e21'], /--op-timeout <ms>.*must be an integer/],
      [['check', 'x', '--time-limit', '1e300'], /no larger than 604800/],
      [['gate', '--baseline', 'a', '--current', 'b', '--time-tolerance', '1e300'], /no larger than 1e9/],
    ];
    const results = await Promise.all(cases.map(([args]) => splitbrain(args)));
    cases.forEach(([args, msg], i) => {
      const r = results[i]!;
      expect(r.exitCode, `${args.join(' ')}: ${r.all}`).toBe(64);
      expect(r.all).toMatch(msg);
    });
  });
});

describe('a scenario is validated whole before anything starts', () => {
  it('an unknown or empty nemesis name, or an unknown workload: exit 64, no run directory, latest unchanged', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--nemesis', 'partition-everything'], /unknown nemesis 'partition-everything'/],
      [['--nemesis', 'kill,,pause'], /--nemesis 'kill,,pause': empty nemesis name/],
      [['--workload', 'nope'], /unknown workload 'nope'/],
    ];
    for (const [args, msg] of cases) {
      const store = storeWithLatest();
      const r = await splitbrain(['run', ...args, '--store', store]);
      expect(r.exitCode, r.all).toBe(64);
      expect(r.all).toMatch(msg);
      untouched(store);
    }
  });

  it('a fault the backend cannot inject: exit 3 before any server starts, no run directory, latest unchanged', async () => {
    const store = storeWithLatest();
    const args = ['run', '--target', 'redis', '--net', 'toxiproxy', '--nemesis', 'kill,partition-primary', '--interval', '1', '--fault-duration', '1'];
    const r = await splitbrain([...args, '--time-limit', '6', '--store', store]);
    expect(r.exitCode, r.all).toBe(3);
    expect(r.all).toMatch(/toxiproxy network backend cannot cut links between pairs of nodes/);
    expect(r.all).not.toMatch(/splitbrain: run /); // the run never announced a directory
    untouched(store);
  });
});

describe('--replay names the file and what is wrong', () => {
  it('a directory that is not a run, an empty file, a missing path, a file that is not JSON', async () => {
    const store = storeWithLatest();
    const notRun = join(store, 'earlier');
    const empty = join(store, 'empty.jsonl');
    writeFileSync(empty, '');
    const garbage = join(store, 'garbage.json');
    writeFileSync(garbage, '{"seed": 1,');
    const dir = await splitbrain(['run', '--replay', notRun, '--store', store]);
    expect(dir.exitCode).toBe(64);
    expect(dir.all).toContain(`--replay: ${notRun} is not a run directory (it has no scenario.json)`);
    expect(dir.all).not.toMatch(/EISDIR/);
    const e = await splitbrain(['run', '--replay', empty, '--store', store]);
    expect(e.exitCode).toBe(64);
    expect(e.all).toContain(`--replay: ${empty} is empty`);
    const missing = await splitbrain(['run', '--replay', join(store, 'nope'), '--store', store]);
    expect(missing.exitCode).toBe(64);
    expect(missing.all).toContain(`--replay: ${join(store, 'nope')} does not exist`);
    const g = await splitbrain(['run', '--replay', garbage, '--store', store]);
    expect(g.exitCode).toBe(3);
    expect(g.all).toContain(`${garbage}: not valid JSON`);
    expect(existsSync(join(store, 'earlier', '20260101T000000Z'))).toBe(true);
    expect(readdirSync(store).sort()).toEqual(['earlier', 'empty.jsonl', 'garbage.json', 'latest']);
  });
});
