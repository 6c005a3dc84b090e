/**
 * Help texts that list a registry's names (workloads, nemeses, checkers, models). Loading a registry
 * costs most of a call's start (the nemeses alone pull in ioredis and execa), so a declaration does
 * not: it leaves such an option's description to be written when its subcommand is about to parse
 * (main.ts), the only point from which that subcommand's help or usage errors can be printed. A
 * call thus loads only the registries its own subcommand lists, which its action needs anyway.
 */
import type { Command, Option } from 'commander';

const REGISTRIES = {
  workloads: async () => [...(await import('../../workloads/index.js')).workloads.keys()],
  nemeses: async () => (await import('../nemesis/nemesis.js')).NEMESIS_NAMES,
  checkers: async () => [...(await import('../../checkers/registry.js')).checkers.keys()],
  models: async () => [...(await import('../../checkers/models/index.js')).models.keys()],
} satisfies Record<string, () => Promise<readonly string[]>>;

type Registry = keyof typeof REGISTRIES;

interface Listing {
  registry: Registry;
  describe(names: readonly string[]): string;
}

const listings = new WeakMap<Option, Listing>();

/** `option`, whose description lists the names of `registry` (written by writeListings). */
export function listing(option: Option, registry: Registry, describe: (names: readonly string[]) => string): Option {
  listings.set(option, { registry, describe });
  option.description = describe(['…']);
  return option;
}

/** Writes the descriptions of `cmd`'s listing options from their registries. */
export async function writeListings(cmd: Command): Promise<void> {
  for (const option of cmd.options) {
    const l = listings.get(option);
    if (l) option.description = l.describe(await REGISTRIES[l.registry]());
  }
}
