import type { CommandSpec } from './table.js';

export const stringCommands: CommandSpec[] = [];
