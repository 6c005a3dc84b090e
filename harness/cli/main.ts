#!/usr/bin/env node
/**
 * The `splitbrain` program. Only the command line is loaded up front (program/: names, options,
 * help texts, argument checks); each action imports what it runs when it starts, so a call loads
 * its own subcommand's code and `--version`, `--help` or a usage error load no harness at all.
 */
import { Command } from 'commander';
import { toxiproxyCommand } from '../toxiproxy/command.js';
import { writeListings } from './listings.js';
import { checkCommand } from './program/check.js';
import { cleanCommand } from './program/clean.js';
import { compareCommand } from './program/compare.js';
import { gateCommand } from './program/gate.js';
import { reportCommand } from './program/report.js';
import { runCommand } from './program/run.js';
import { serveCommand } from './program/serve.js';
import { startCommand } from './program/start.js';
import { suiteCommand } from './program/suite.js';
import { usageErrorsExit64 } from './usage.js';

const program = new Command('splitbrain').description('Jepsen-style consistency tests for Redis-style clusters').version('0.1.0');

program.addCommand(runCommand());
program.addCommand(startCommand());
program.addCommand(checkCommand());
program.addCommand(toxiproxyCommand());
program.addCommand(reportCommand());
program.addCommand(gateCommand());
program.addCommand(suiteCommand());
program.addCommand(serveCommand());
program.addCommand(compareCommand());
program.addCommand(cleanCommand());
usageErrorsExit64(program);

// A subcommand's help texts list registry names (listings.ts): written before it parses its
// arguments, so its --help and usage errors show them. `help <command>` prints that help without
// dispatching (no hook), so its command is looked up here.
program.hook('preSubcommand', (_program, sub) => writeListings(sub));
const [first, second] = process.argv.slice(2);
const helped = first === 'help' ? program.commands.find((c) => c.name() === second) : undefined;
if (helped) await writeListings(helped);

await program.parseAsync(process.argv);
