/**
 * Help texts that list a registry (workloads, nemeses, checkers, models) are written only when
 * their subcommand is about to parse (harness/cli/listings.ts), so that `--version` and the other
 * subcommands load none of them: every way of printing such a help shows the full lists.
 */
import { describe, expect, it } from 'vitest';
import { models } from '../../checkers/models/index.js';
import { checkers } from '../../checkers/registry.js';
import { NEMESIS_NAMES } from '../../harness/nemesis/nemesis.js';
import { workloads } from '../../workloads/index.js';
import { splitbrain } from '../support/cli.js';

/** The output with commander's line wrapping and indentation undone. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('help texts list the registries', () => {
  it('run and start: --help, -h, help <command>, and a usage error', async () => {
    const lists = [`one of: ${[...workloads.keys()].join(', ')}`, `comma-separated: none, ${NEMESIS_NAMES.join(', ')}`];
    const calls = [
      ['run', '--help'],
      ['help', 'run'],
      ['start', '-h'],
      ['start', '--help'],
      ['run', '--bogus-flag'],
    ];
    const results = await Promise.all(calls.map((args) => splitbrain(args)));
    results.forEach((r, i) => {
      const what = calls[i]!.join(' ');
      expect(r.exitCode, `${what}: ${r.all}`).toBe(what.includes('bogus') ? 64 : 0);
      for (const l of lists) expect(flat(r.all), what).toContain(l);
      expect(r.all, what).not.toContain('…');
    });
  });

  it('check: --help, help check, and a usage error', async () => {
    const lists = [`checker to run (${[...checkers.keys()].join(', ')});`, `model for the linearizable checker (${[...models.keys()].join(', ')});`];
    const calls = [['check', '--help'], ['help', 'check'], ['check']];
    const results = await Promise.all(calls.map((args) => splitbrain(args)));
    results.forEach((r, i) => {
      const what = calls[i]!.join(' ');
      expect(r.exitCode, `${what}: ${r.all}`).toBe(what === 'check' ? 64 : 0);
      for (const l of lists) expect(flat(r.all), what).toContain(l);
      expect(r.all, what).not.toContain('…');
    });
  });
});
